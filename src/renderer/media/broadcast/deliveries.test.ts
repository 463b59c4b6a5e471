import { describe, expect, it } from 'vitest';
import type { CallView } from '../telephony/phoneEngine';
import { deliveryOf, movedTo, reportOf, type EndpointView } from './deliveries';

const endpoint: EndpointView = { endpointId: 'lab-7001', name: '音柱', number: '7001', mineName: null, state: 'pending', callId: null, answeredAt: null, endedAt: null, outcome: null, reason: null };

function call(patch: Partial<CallView>): CallView {
  return {
    id: 'c1',
    accountId: 'lab',
    direction: 'out',
    kind: 'broadcast',
    groupId: 'b1',
    conferenceId: null,
    party: { number: '7001', name: null, mineId: null, mineName: null, role: null },
    state: 'calling',
    held: false,
    muted: false,
    partyMuted: false,
    startedAt: 1,
    answeredAt: null,
    endedAt: null,
    outcome: null,
    reason: null,
    stats: null,
    recording: 'off',
    timing: { dialMs: null, inviteMs: null },
    ...patch,
  };
}

describe('deliveryOf (an endpoint of a broadcast, from its call)', () => {
  it('ringing is still calling; established is answered, with the time', () => {
    expect(deliveryOf(endpoint, call({ state: 'ringing' }), false)).toMatchObject({ state: 'calling', callId: 'c1' });
    expect(deliveryOf(endpoint, call({ state: 'established', answeredAt: 5 }), false)).toMatchObject({ state: 'answered', answeredAt: 5 });
  });

  it('an answered call that ended was delivered, however it ended', () => {
    expect(deliveryOf(endpoint, call({ state: 'ended', answeredAt: 5, endedAt: 9, outcome: 'dropped', reason: '12 秒未收到对方语音' }), false)).toMatchObject({
      state: 'ended',
      outcome: 'answered',
      reason: '12 秒未收到对方语音',
    });
  });

  it('a refusal keeps its SIP outcome and reason', () => {
    expect(deliveryOf(endpoint, call({ state: 'ended', endedAt: 9, outcome: 'no-answer', reason: '480 Temporarily Unavailable' }), false)).toMatchObject({
      outcome: 'no-answer',
      reason: '480 Temporarily Unavailable',
    });
    expect(deliveryOf(endpoint, call({ state: 'ended', endedAt: 9, outcome: null }), false)).toMatchObject({ outcome: 'failed' });
  });

  it('still ringing when the broadcast ended: not answered (not "cancelled")', () => {
    expect(deliveryOf(endpoint, call({ state: 'ended', endedAt: 9, outcome: 'cancelled' }), true)).toMatchObject({ outcome: 'no-answer', reason: '广播结束时仍未接听' });
    expect(deliveryOf(endpoint, call({ state: 'ended', endedAt: 9, outcome: 'cancelled' }), false)).toMatchObject({ outcome: 'cancelled' });
  });

  it('an RTP speaker moves by itself: answered once forwarding, ended as delivered or failed', () => {
    const answered = movedTo(endpoint, 'answered', null, 'RTP 198.18.0.2:5102', 100);
    expect(answered).toMatchObject({ state: 'answered', answeredAt: 100, reason: 'RTP 198.18.0.2:5102' });
    expect(movedTo(answered, 'ended', null, null, 200)).toMatchObject({ state: 'ended', endedAt: 200, outcome: 'answered' });
    expect(movedTo(endpoint, 'ended', null, 'Janus 不可达', 200)).toMatchObject({ outcome: 'failed', reason: 'Janus 不可达' });
  });

  it('a report carries the end only once ended, and a reason no longer than the contract takes', () => {
    const ended = deliveryOf(endpoint, call({ state: 'ended', endedAt: 9, outcome: 'busy', reason: `486 ${'x'.repeat(400)}` }), false);
    const r = reportOf('b1', ended);
    expect(r).toMatchObject({ broadcastId: 'b1', endpointId: 'lab-7001', state: 'ended', endedAt: 9, outcome: 'busy' });
    expect(r.reason).toHaveLength(200);
    expect(reportOf('b1', deliveryOf(endpoint, call({ state: 'ringing' }), false))).toMatchObject({ state: 'calling', endedAt: null, outcome: null });
  });
});

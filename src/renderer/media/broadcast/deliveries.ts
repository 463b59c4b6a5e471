import type { DeliveryState, ReportDeliveryInput } from '../../../shared/domain/broadcast';
import type { CallOutcome } from '../../../shared/domain/telephony';
import type { CallView } from '../telephony/phoneEngine';

/** One endpoint of the running broadcast, as the panel shows it. */
export type EndpointView = {
  endpointId: string;
  name: string;
  number: string;
  mineName: string | null;
  state: DeliveryState;
  callId: string | null;
  answeredAt: number | null;
  endedAt: number | null;
  outcome: CallOutcome | null;
  reason: string | null;
};

/** The contract's limit on a delivery's reason (a far end's SIP reason phrase can be longer). */
const MAX_REASON = 200;

/** An endpoint of a SIP call: ringing is still calling; established is answered; ended says why. */
export function deliveryOf(e: EndpointView, call: CallView, broadcastEnding: boolean): EndpointView {
  const base = { ...e, callId: call.id, answeredAt: call.answeredAt ?? e.answeredAt };
  if (call.state === 'ended') {
    const endedAt = call.endedAt ?? Date.now();
    if (call.answeredAt !== null) return { ...base, state: 'ended', endedAt, outcome: 'answered', reason: call.reason };
    // Still ringing when the broadcast ended: we hung up on it, but for the record it did not answer.
    if (call.outcome === 'cancelled' && broadcastEnding) return { ...base, state: 'ended', endedAt, outcome: 'no-answer', reason: '广播结束时仍未接听' };
    return { ...base, state: 'ended', endedAt, outcome: call.outcome ?? 'failed', reason: call.reason };
  }
  if (call.state === 'established') return { ...base, state: 'answered' };
  return { ...base, state: 'calling' };
}

/** An endpoint moved to `state` by the console itself (RTP speakers: no call of their own). */
export function movedTo(e: EndpointView, state: DeliveryState, outcome: CallOutcome | null, reason: string | null, now = Date.now()): EndpointView {
  const answeredAt = state === 'answered' ? (e.answeredAt ?? now) : e.answeredAt;
  const ended = state === 'ended';
  return {
    ...e,
    state,
    answeredAt,
    endedAt: ended ? now : null,
    outcome: ended ? (outcome ?? (answeredAt !== null ? 'answered' : 'failed')) : null,
    reason: reason ?? e.reason,
  };
}

/** What is reported to the host for an endpoint (the reason cut to the contract's limit). */
export function reportOf(broadcastId: string, e: EndpointView): ReportDeliveryInput {
  return {
    broadcastId,
    endpointId: e.endpointId,
    state: e.state,
    callId: e.callId,
    answeredAt: e.answeredAt,
    endedAt: e.state === 'ended' ? e.endedAt : null,
    outcome: e.state === 'ended' ? e.outcome : null,
    reason: e.reason === null ? null : e.reason.slice(0, MAX_REASON),
  };
}

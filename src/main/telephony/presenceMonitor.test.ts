import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { presenceSnapshotSchema, sipAccountSchema, type PresenceSnapshot, type SipAccount } from '../../shared/domain/telephony';
import type { PbxView, PbxViewSource } from '../connectors/sip/pbxView';
import { mergeStates, PresenceMonitor } from './presenceMonitor';

/** A PBX whose answer the test sets; counts polls. */
class FakePbx implements PbxViewSource {
  view: PbxViewSource['view'];
  answer: PbxView | Error | 'hang' = { registered: [], inDialog: [] };
  polls = 0;
  constructor() {
    this.view = async () => {
      this.polls++;
      const a = this.answer;
      if (a === 'hang') return new Promise<PbxView>(() => {});
      if (a instanceof Error) throw a;
      return a;
    };
  }
}

function account(id: string, extra: Partial<SipAccount> = {}): SipAccount {
  return sipAccountSchema.parse({
    id,
    name: id,
    enabled: true,
    wsUrl: 'ws://127.0.0.1:5066',
    domain: '127.0.0.1',
    user: '8001',
    displayName: id,
    presenceUrl: 'http://127.0.0.1:5071/RPC',
    ...extra,
  });
}

let pbxs: Map<string, FakePbx>;
let monitor: PresenceMonitor;
let events: PresenceSnapshot[];
beforeEach(() => {
  vi.useFakeTimers();
  pbxs = new Map();
  events = [];
  monitor = new PresenceMonitor({
    sourceFor: (url) => {
      const pbx = new FakePbx();
      pbxs.set(url, pbx);
      return pbx;
    },
  });
  monitor.onPresence((s) => events.push(presenceSnapshotSchema.parse(s)));
});
afterEach(() => {
  monitor.dispose();
  vi.useRealTimers();
});

describe('PresenceMonitor', () => {
  it('maps registrations and dialogs to idle/busy and fires only on changes', async () => {
    monitor.configure([account('seat1')]);
    const pbx = pbxs.get('http://127.0.0.1:5071/RPC')!;
    pbx.answer = { registered: ['8001', '2001', '2002'], inDialog: ['2001', '2003'] };
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ available: true, reason: null, states: { '8001': 'idle', '2001': 'busy', '2002': 'idle', '2003': 'busy' } });
    await vi.advanceTimersByTimeAsync(3000);
    expect(pbx.polls).toBe(4);
    expect(events).toHaveLength(1);
    pbx.answer = { registered: ['8001', '2001'], inDialog: [] };
    await vi.advanceTimersByTimeAsync(1000);
    expect(events).toHaveLength(2);
    expect(events[1]?.states).toEqual({ '2001': 'idle', '8001': 'idle' });
    expect(monitor.snapshot().states).toEqual(events[1]?.states);
  });

  it('keeps the last known states when the PBX fails, with the reason, and recovers', async () => {
    monitor.configure([account('seat1')]);
    const pbx = pbxs.get('http://127.0.0.1:5071/RPC')!;
    pbx.answer = { registered: ['2001'], inDialog: [] };
    await vi.advanceTimersByTimeAsync(0);
    pbx.answer = new Error('connect ECONNREFUSED 127.0.0.1:5066');
    await vi.advanceTimersByTimeAsync(1000);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ available: false, reason: 'PBX 无应答：connect ECONNREFUSED 127.0.0.1:5066', states: { '2001': 'idle' } });
    await vi.advanceTimersByTimeAsync(5000);
    expect(events).toHaveLength(2);
    pbx.answer = { registered: ['2001'], inDialog: [] };
    await vi.advanceTimersByTimeAsync(1000);
    expect(events[2]).toMatchObject({ available: true, reason: null });
  });

  it('times out a PBX that never answers and keeps polling', async () => {
    monitor.configure([account('seat1')]);
    const pbx = pbxs.get('http://127.0.0.1:5071/RPC')!;
    pbx.answer = 'hang';
    await vi.advanceTimersByTimeAsync(3000);
    expect(events.at(-1)).toMatchObject({ available: false });
    expect(events.at(-1)?.reason).toContain('无应答');
    pbx.answer = { registered: ['2001'], inDialog: [] };
    await vi.advanceTimersByTimeAsync(1000);
    expect(events.at(-1)).toMatchObject({ available: true, states: { '2001': 'idle' } });
  });

  it('polls each distinct URL of enabled accounts only, and stops without accounts and on dispose', async () => {
    monitor.configure([
      account('seat1'),
      account('seat2', { user: '8002' }),
      account('seat3', { presenceUrl: 'http://127.0.0.1:5072/RPC', enabled: false }),
      account('seat4', { presenceUrl: undefined }),
    ]);
    expect([...pbxs.keys()]).toEqual(['http://127.0.0.1:5071/RPC']);
    const pbx = pbxs.get('http://127.0.0.1:5071/RPC')!;
    await vi.advanceTimersByTimeAsync(2000);
    expect(pbx.polls).toBe(3);
    monitor.configure([]);
    expect(monitor.snapshot()).toMatchObject({ available: false, states: {} });
    await vi.advanceTimersByTimeAsync(5000);
    expect(pbx.polls).toBe(3);
    monitor.configure([account('seat1')]);
    const again = pbxs.get('http://127.0.0.1:5071/RPC')!;
    await vi.advanceTimersByTimeAsync(1000);
    expect(again.polls).toBe(2);
    monitor.dispose();
    await vi.advanceTimersByTimeAsync(5000);
    expect(again.polls).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('merges several PBXs: busy wins over idle', () => {
    expect(mergeStates([{ registered: ['1', '2'], inDialog: [] }, { registered: ['2'], inDialog: ['2', '3'] }])).toEqual({ '1': 'idle', '2': 'busy', '3': 'busy' });
  });
});

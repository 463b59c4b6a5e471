import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, REQUEST_NAMES } from '../shared/contract/consoleApi';
import { IPC_CHANNELS } from '../shared/contract/hostBridge';
import { buildHostBridge, type BridgeIpc } from './preloadBridge';

/** A recording stand-in for the three ipcRenderer calls the bridge makes. */
function recordingIpc() {
  const invoked: Array<[string, string, unknown]> = [];
  const sent: Array<[string, string]> = [];
  let deliver: ((name: unknown, payload: unknown) => void) | null = null;
  const ipc: BridgeIpc = {
    invoke: async (channel, method, input) => {
      invoked.push([channel, method, input]);
      return { ok: true, value: { echoed: method } };
    },
    send: (channel, event) => sent.push([channel, event]),
    on: (channel, listener) => {
      expect(channel).toBe(IPC_CHANNELS.event);
      deliver = listener;
    },
  };
  return {
    ipc,
    invoked,
    sent,
    emit: (name: unknown, payload: unknown) => deliver?.(name, payload),
  };
}

describe('buildHostBridge', () => {
  it('has exactly the contract names, and nothing else', () => {
    const bridge = buildHostBridge(recordingIpc().ipc);
    expect(Object.keys(bridge).sort()).toEqual([...REQUEST_NAMES, ...EVENT_NAMES].sort());
    for (const name of [...REQUEST_NAMES, ...EVENT_NAMES]) expect(typeof bridge[name]).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('sends each request on the request channel and returns the raw envelope', async () => {
    const rec = recordingIpc();
    const bridge = buildHostBridge(rec.ipc);
    for (const method of REQUEST_NAMES) {
      await expect(bridge[method]({ probe: method })).resolves.toEqual({ ok: true, value: { echoed: method } });
    }
    expect(rec.invoked).toEqual(REQUEST_NAMES.map((m) => [IPC_CHANNELS.request, m, { probe: m }]));
  });

  it('subscribes on the first listener, unsubscribes when the last one is disposed', () => {
    const rec = recordingIpc();
    const bridge = buildHostBridge(rec.ipc);
    const event = EVENT_NAMES[0]!;
    const a: unknown[] = [];
    const b: unknown[] = [];
    const subA = bridge[event]((p) => a.push(p));
    const subB = bridge[event]((p) => b.push(p));
    expect(rec.sent).toEqual([[IPC_CHANNELS.subscribe, event]]);

    rec.emit(event, { n: 1 });
    expect(a).toEqual([{ n: 1 }]);
    expect(b).toEqual([{ n: 1 }]);

    subA.dispose();
    subA.dispose();
    expect(rec.sent).toHaveLength(1);
    rec.emit(event, { n: 2 });
    expect(a).toEqual([{ n: 1 }]);
    expect(b).toEqual([{ n: 1 }, { n: 2 }]);

    subB.dispose();
    expect(rec.sent).toEqual([
      [IPC_CHANNELS.subscribe, event],
      [IPC_CHANNELS.unsubscribe, event],
    ]);
    rec.emit(event, { n: 3 });
    expect(b).toHaveLength(2);

    // A new listener after that subscribes again.
    bridge[event](() => undefined).dispose();
    expect(rec.sent.slice(2)).toEqual([
      [IPC_CHANNELS.subscribe, event],
      [IPC_CHANNELS.unsubscribe, event],
    ]);
  });

  it('keeps the same function added twice as two subscriptions', () => {
    const rec = recordingIpc();
    const bridge = buildHostBridge(rec.ipc);
    const event = EVENT_NAMES[0]!;
    let calls = 0;
    const fn = () => calls++;
    const first = bridge[event](fn);
    const second = bridge[event](fn);
    rec.emit(event, null);
    expect(calls).toBe(2);
    first.dispose();
    rec.emit(event, null);
    expect(calls).toBe(3);
    second.dispose();
    expect(rec.sent.map(([c]) => c)).toEqual([IPC_CHANNELS.subscribe, IPC_CHANNELS.unsubscribe]);
  });

  it('ignores events that are not in the contract or have no listener', () => {
    const rec = recordingIpc();
    const bridge = buildHostBridge(rec.ipc);
    const seen: unknown[] = [];
    const sub = bridge[EVENT_NAMES[0]!]((p) => seen.push(p));
    rec.emit('constructor', 1);
    rec.emit('__proto__', 1);
    rec.emit(42, 1);
    for (const other of EVENT_NAMES.slice(1)) rec.emit(other, 1);
    expect(seen).toEqual([]);
    sub.dispose();
  });

  it('isolates a throwing listener from the others', () => {
    const rec = recordingIpc();
    const errors: unknown[] = [];
    const bridge = buildHostBridge(rec.ipc, (_event, err) => errors.push(err));
    const event = EVENT_NAMES[0]!;
    const seen: unknown[] = [];
    const bad = bridge[event](() => {
      throw new Error('boom');
    });
    const good = bridge[event]((p) => seen.push(p));
    rec.emit(event, 'x');
    expect(seen).toEqual(['x']);
    expect(errors).toHaveLength(1);
    bad.dispose();
    good.dispose();
  });

  it('refuses a listener that is not a function', () => {
    const bridge = buildHostBridge(recordingIpc().ipc);
    const on = bridge[EVENT_NAMES[0]!] as (listener: unknown) => unknown;
    expect(() => on('not a function')).toThrow(TypeError);
  });
});

import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, type EventName } from '../../shared/contract/consoleApi';
import { IPC_CHANNELS } from '../../shared/contract/hostBridge';
import type { RpcResult } from '../../shared/contract/rpc';
import { Emitter } from '../../shared/lifecycle';
import type { ConsoleCore, EventSource } from '../core';
import { bindConsoleIpc, type IpcCallEvent, type IpcSender, type IpcServer } from './ipcBridge';

type Listener = (event: IpcCallEvent, ...args: unknown[]) => unknown;

/** Records what the bridge registers, and lets a test call it the way Electron would. */
class RecordingIpcServer implements IpcServer {
  readonly handlers = new Map<string, Listener>();
  readonly listeners = new Map<string, Set<Listener>>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener): void {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
  }
  off(channel: string, listener: Listener): void {
    this.listeners.get(channel)?.delete(listener);
  }
  invoke(event: IpcCallEvent, ...args: unknown[]): unknown {
    return this.handlers.get(IPC_CHANNELS.request)?.(event, ...args);
  }
  emit(channel: string, event: IpcCallEvent, ...args: unknown[]): void {
    for (const l of this.listeners.get(channel) ?? []) l(event, ...args);
  }
}

class RecordingSender implements IpcSender {
  private static nextId = 1;
  readonly id = RecordingSender.nextId++;
  readonly sent: unknown[][] = [];
  private destroyed = false;
  private readonly onDestroyed: Array<() => void> = [];
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  once(_event: 'destroyed', listener: () => void): void {
    this.onDestroyed.push(listener);
  }
  destroy(): void {
    this.destroyed = true;
    for (const l of this.onDestroyed.splice(0)) l();
  }
}

function fakeCore() {
  const emitters = new Map<EventName, Emitter<unknown>>(EVENT_NAMES.map((e) => [e, new Emitter<unknown>()]));
  const calls: Array<[unknown, unknown]> = [];
  const subscribe = ((event: EventName, listener: (p: unknown) => void) => emitters.get(event)!.event(listener)) as EventSource;
  const core: Pick<ConsoleCore, 'dispatch' | 'subscribe'> = {
    dispatch: async (method, input): Promise<RpcResult> => {
      calls.push([method, input]);
      return { ok: true, value: { method } };
    },
    subscribe,
  };
  return { core, calls, emitters };
}

const warnings: unknown[][] = [];
const log = { warn: (...args: unknown[]) => void warnings.push(args) };
const ours = (sender: IpcSender, url = 'app://console/index.html'): IpcCallEvent => ({ senderFrame: { url }, sender });

describe('bindConsoleIpc', () => {
  it('dispatches requests from our own frames only', async () => {
    const ipc = new RecordingIpcServer();
    const { core, calls } = fakeCore();
    const bridge = bindConsoleIpc({ ipcMain: ipc, core, log });
    const sender = new RecordingSender();

    await expect(ipc.invoke(ours(sender), 'getAppInfo', {})).resolves.toEqual({ ok: true, value: { method: 'getAppInfo' } });
    expect(calls).toEqual([['getAppInfo', {}]]);

    for (const frame of [null, { url: 'http://127.0.0.1:9/' }, { url: 'about:blank' }]) {
      await expect(ipc.invoke({ senderFrame: frame, sender }, 'getAppInfo', {})).resolves.toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    expect(calls).toHaveLength(1);
    bridge.dispose();
  });

  it('subscribes once per webContents and event, forwards payloads, and unsubscribes', () => {
    const ipc = new RecordingIpcServer();
    const { core, emitters } = fakeCore();
    const bridge = bindConsoleIpc({ ipcMain: ipc, core, log });
    const sender = new RecordingSender();
    const event = EVENT_NAMES[0]!;

    ipc.emit(IPC_CHANNELS.subscribe, ours(sender), event);
    ipc.emit(IPC_CHANNELS.subscribe, ours(sender), event);
    expect(emitters.get(event)!.size).toBe(1);

    emitters.get(event)!.fire({ n: 1 });
    expect(sender.sent).toEqual([[IPC_CHANNELS.event, event, { n: 1 }]]);

    ipc.emit(IPC_CHANNELS.unsubscribe, ours(sender), event);
    expect(emitters.get(event)!.size).toBe(0);
    emitters.get(event)!.fire({ n: 2 });
    expect(sender.sent).toHaveLength(1);
    bridge.dispose();
  });

  it('refuses unknown event names and foreign frames', () => {
    const ipc = new RecordingIpcServer();
    const { core, emitters } = fakeCore();
    const bridge = bindConsoleIpc({ ipcMain: ipc, core, log });
    const sender = new RecordingSender();
    for (const name of ['onNothing', '__proto__', 'constructor', 42, null]) ipc.emit(IPC_CHANNELS.subscribe, ours(sender), name);
    ipc.emit(IPC_CHANNELS.subscribe, { senderFrame: { url: 'https://example.invalid/' }, sender }, EVENT_NAMES[0]);
    ipc.emit(IPC_CHANNELS.subscribe, { senderFrame: null, sender }, EVENT_NAMES[0]);
    for (const e of emitters.values()) expect(e.size).toBe(0);
    bridge.dispose();
  });

  it('disposes every subscription of a webContents when it is destroyed, and sends nothing to it after', () => {
    const ipc = new RecordingIpcServer();
    const { core, emitters } = fakeCore();
    const bridge = bindConsoleIpc({ ipcMain: ipc, core, log });
    const a = new RecordingSender();
    const b = new RecordingSender();
    for (const e of EVENT_NAMES) {
      ipc.emit(IPC_CHANNELS.subscribe, ours(a), e);
      ipc.emit(IPC_CHANNELS.subscribe, ours(b), e);
    }
    for (const e of emitters.values()) expect(e.size).toBe(2);
    a.destroy();
    for (const e of emitters.values()) expect(e.size).toBe(1);
    for (const [name, e] of emitters) e.fire(name);
    expect(a.sent).toEqual([]);
    expect(b.sent).toHaveLength(EVENT_NAMES.length);
    bridge.dispose();
    for (const e of emitters.values()) expect(e.size).toBe(0);
  });

  it('removes its handlers and every subscription on dispose', () => {
    const ipc = new RecordingIpcServer();
    const { core, emitters } = fakeCore();
    const bridge = bindConsoleIpc({ ipcMain: ipc, core, log });
    ipc.emit(IPC_CHANNELS.subscribe, ours(new RecordingSender()), EVENT_NAMES[0]);
    bridge.dispose();
    bridge.dispose();
    expect(ipc.handlers.size).toBe(0);
    for (const set of ipc.listeners.values()) expect(set.size).toBe(0);
    for (const e of emitters.values()) expect(e.size).toBe(0);
  });
});

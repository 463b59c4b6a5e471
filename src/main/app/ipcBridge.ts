import { isEventName, type EventName } from '../../shared/contract/consoleApi';
import { IPC_CHANNELS } from '../../shared/contract/hostBridge';
import type { RpcResult } from '../../shared/contract/rpc';
import { DisposableStore, toDisposable, type Disposable } from '../../shared/lifecycle';
import type { ConsoleCore } from '../core';
import type { Logger } from '../services/logger';
import { mayCallHost } from './security';

/** The part of a webContents the bridge uses. */
export type IpcSender = {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
};
export type IpcCallEvent = { readonly senderFrame: { readonly url: string } | null; readonly sender: IpcSender };
type IpcListener = (event: IpcCallEvent, ...args: unknown[]) => void;

/** The part of Electron's `ipcMain` the bridge uses (Electron's own object is passed in). */
export interface IpcServer {
  handle(channel: string, listener: (event: IpcCallEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: IpcListener): unknown;
  off(channel: string, listener: IpcListener): unknown;
}

export type IpcBridgeOptions = { ipcMain: IpcServer; core: Pick<ConsoleCore, 'dispatch' | 'subscribe'>; log: Pick<Logger, 'warn'> };

const REFUSED: RpcResult = { ok: false, error: { code: 'unauthorized', message: 'caller is not the console' } };

/**
 * Serves the ConsoleApi over IPC on the fixed channels of the bridge contract. Requests go to
 * `core.dispatch` (which parses method and input and never throws) only from frames showing our own
 * app. Event subscriptions are kept per webContents, at most one per event, and all disposed when
 * that webContents is destroyed. Returns a disposable that removes the handlers and subscriptions.
 * A reload keeps the webContents: its subscriptions stay (bounded by the number of events) and the
 * reloaded page's subscribe is a no-op. Not cleared on navigation, because the new document's first
 * subscribe can reach main before the navigation event does.
 */
export function bindConsoleIpc({ ipcMain, core, log }: IpcBridgeOptions): Disposable {
  const owned = new DisposableStore();
  /** webContents id -> its subscriptions by event name. */
  const byContents = new Map<number, Map<EventName, Disposable>>();

  ipcMain.handle(IPC_CHANNELS.request, async (event, method, input) => {
    if (!mayCallHost(event.senderFrame)) {
      log.warn({ method: String(method).slice(0, 64) }, 'refused IPC request from a foreign frame');
      return REFUSED;
    }
    return core.dispatch(method, input);
  });
  owned.add(toDisposable(() => ipcMain.removeHandler(IPC_CHANNELS.request)));

  const onSubscribe: IpcListener = (event, name) => {
    if (!mayCallHost(event.senderFrame) || !isEventName(name)) {
      log.warn({ event: String(name).slice(0, 64) }, 'refused IPC subscription');
      return;
    }
    const subs = subscriptionsOf(event.sender);
    if (subs.has(name)) return;
    const contents = event.sender;
    subs.set(
      name,
      core.subscribe(name, (payload) => {
        if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.event, name, payload);
      }),
    );
  };
  const onUnsubscribe: IpcListener = (event, name) => {
    if (!isEventName(name)) return;
    const subs = byContents.get(event.sender.id);
    subs?.get(name)?.dispose();
    subs?.delete(name);
  };
  ipcMain.on(IPC_CHANNELS.subscribe, onSubscribe);
  ipcMain.on(IPC_CHANNELS.unsubscribe, onUnsubscribe);
  owned.add(
    toDisposable(() => {
      ipcMain.off(IPC_CHANNELS.subscribe, onSubscribe);
      ipcMain.off(IPC_CHANNELS.unsubscribe, onUnsubscribe);
      for (const id of [...byContents.keys()]) disposeContents(id);
    }),
  );

  function subscriptionsOf(contents: IpcSender): Map<EventName, Disposable> {
    let subs = byContents.get(contents.id);
    if (!subs) {
      subs = new Map();
      byContents.set(contents.id, subs);
      // `id` is still readable in 'destroyed'; capture it anyway so nothing touches the dead object.
      const id = contents.id;
      contents.once('destroyed', () => disposeContents(id));
    }
    return subs;
  }

  function disposeContents(id: number): void {
    const subs = byContents.get(id);
    byContents.delete(id);
    for (const d of subs?.values() ?? []) d.dispose();
  }

  return owned;
}

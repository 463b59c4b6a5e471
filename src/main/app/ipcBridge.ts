import type { IpcMain, IpcMainEvent, WebContents } from 'electron';
import { isEventName, type EventName } from '../../shared/contract/consoleApi';
import { IPC_CHANNELS } from '../../shared/contract/hostBridge';
import type { RpcResult } from '../../shared/contract/rpc';
import { DisposableStore, toDisposable, type Disposable } from '../../shared/lifecycle';
import type { ConsoleCore } from '../core';
import type { Logger } from '../services/logger';
import { mayCallHost } from './security';

export type IpcBridgeOptions = { ipcMain: IpcMain; core: Pick<ConsoleCore, 'dispatch' | 'subscribe'>; log: Logger };

const REFUSED: RpcResult = { ok: false, error: { code: 'unauthorized', message: 'caller is not the console' } };

/**
 * Serves the ConsoleApi over IPC on the fixed channels of the bridge contract. Requests go to
 * `core.dispatch` (which parses method and input and never throws) only from frames showing our own
 * app. Event subscriptions are kept per webContents, at most one per event, and all disposed when
 * that webContents is destroyed. Returns a disposable that removes the handlers and subscriptions.
 */
export function bindConsoleIpc({ ipcMain, core, log }: IpcBridgeOptions): Disposable {
  const owned = new DisposableStore();
  /** webContents id -> its subscriptions by event name. */
  const byContents = new Map<number, Map<EventName, Disposable>>();

  ipcMain.handle(IPC_CHANNELS.request, async (event, method: unknown, input: unknown) => {
    if (!mayCallHost(event.senderFrame)) {
      log.warn({ method: String(method).slice(0, 64) }, 'refused IPC request from a foreign frame');
      return REFUSED;
    }
    return core.dispatch(method, input);
  });
  owned.add(toDisposable(() => ipcMain.removeHandler(IPC_CHANNELS.request)));

  const onSubscribe = (event: IpcMainEvent, name: unknown) => {
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
  const onUnsubscribe = (event: IpcMainEvent, name: unknown) => {
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

  function subscriptionsOf(contents: WebContents): Map<EventName, Disposable> {
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

import { EVENT_NAMES, REQUEST_NAMES, isEventName, type EventName } from '../shared/contract/names';
import type { Disposable } from '../shared/contract/consoleApi';
import { IPC_CHANNELS, type HostBridge } from '../shared/contract/hostBridge';

/** The little of `ipcRenderer` the bridge needs, bound to the fixed channels by the caller. */
export type BridgeIpc = {
  invoke(channel: typeof IPC_CHANNELS.request, method: string, input: unknown): Promise<unknown>;
  send(channel: typeof IPC_CHANNELS.subscribe | typeof IPC_CHANNELS.unsubscribe, event: string): void;
  on(channel: typeof IPC_CHANNELS.event, listener: (name: unknown, payload: unknown) => void): void;
};

/**
 * Builds the object the preload exposes as `window.mdcHost`, from the contract's name lists only:
 * one function per request (returning the raw envelope; the renderer's client parses it and adds
 * timeouts) and one `onX(listener) -> {dispose}` per event. The first listener of an event subscribes
 * in main, the last one to go unsubscribes. No channel name or raw IPC object is reachable from it.
 */
export function buildHostBridge(ipc: BridgeIpc, onListenerError: (event: EventName, err: unknown) => void = rethrowLater): HostBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  ipc.on(IPC_CHANNELS.event, (name, payload) => {
    if (!isEventName(name)) return;
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (err) {
        onListenerError(name, err);
      }
    }
  });

  const bridge: Record<string, unknown> = {};
  for (const method of REQUEST_NAMES) {
    bridge[method] = (input: unknown): Promise<unknown> => ipc.invoke(IPC_CHANNELS.request, method, input);
  }
  for (const name of EVENT_NAMES) {
    bridge[name] = (listener: unknown): Disposable => {
      if (typeof listener !== 'function') throw new TypeError(`${name}: listener must be a function`);
      // Wrap, so the same function added twice is two subscriptions, each with its own dispose.
      const entry = (payload: unknown) => (listener as (payload: unknown) => void)(payload);
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
      }
      set.add(entry);
      if (set.size === 1) ipc.send(IPC_CHANNELS.subscribe, name);
      let disposed = false;
      return {
        dispose: () => {
          if (disposed) return;
          disposed = true;
          const current = listeners.get(name);
          if (!current?.delete(entry)) return;
          if (current.size === 0) {
            listeners.delete(name);
            ipc.send(IPC_CHANNELS.unsubscribe, name);
          }
        },
      };
    };
  }
  return Object.freeze(bridge) as HostBridge;
}

function rethrowLater(_event: EventName, err: unknown): void {
  setTimeout(() => {
    throw err;
  }, 0);
}

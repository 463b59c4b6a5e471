import type { Disposable, EventName, RequestName } from './consoleApi';

/**
 * What the Electron preload exposes on `window.mdcHost`: one function per request of the contract
 * (returning the raw `{ok, value} | {ok:false, error}` envelope, which the renderer parses), one
 * `onX` per event. Generated from the contract's name lists; no channel-name parameter anywhere.
 */
export type HostBridge = {
  readonly [K in RequestName]: (input: unknown) => Promise<unknown>;
} & {
  readonly [E in EventName]: (listener: (payload: unknown) => void) => Disposable;
};

export const HOST_BRIDGE_GLOBAL = 'mdcHost';

/** Fixed IPC channel names between preload and main (never chosen by the renderer). */
export const IPC_CHANNELS = {
  request: 'mdc:request',
  subscribe: 'mdc:subscribe',
  unsubscribe: 'mdc:unsubscribe',
  event: 'mdc:event',
} as const;

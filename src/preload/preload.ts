import { contextBridge, ipcRenderer } from 'electron';
import { HOST_BRIDGE_GLOBAL } from '../shared/contract/hostBridge';
import { buildHostBridge } from './preloadBridge';

/**
 * The console window's preload (sandboxed: only `electron` may be required; the rest is bundled).
 * Exposes exactly one object, `window.mdcHost`, built from the contract; never `ipcRenderer` itself.
 */
const bridge = buildHostBridge({
  invoke: (channel, method, input) => ipcRenderer.invoke(channel, method, input),
  send: (channel, event) => ipcRenderer.send(channel, event),
  on: (channel, listener) => {
    ipcRenderer.on(channel, (_event, name: unknown, payload: unknown) => listener(name, payload));
  },
});

contextBridge.exposeInMainWorld(HOST_BRIDGE_GLOBAL, bridge);

import { Ion } from 'cesium';
import 'cesium/Build/Cesium/Widgets/CesiumWidget/CesiumWidget.css';

let done = false;

/**
 * Points Cesium at the runtime files the build copies to `./cesium/` (workers, WASM, the bundled NaturalEarthII
 * imagery) and leaves Cesium ion without a token, so nothing can default to the internet: the coal private network
 * has none, and a request that leaves the machine unasked is a bug here.
 */
export function prepareCesium(): void {
  if (done) return;
  done = true;
  // Read by buildModuleUrl on its first use (its setBaseUrl is not in the typings).
  (globalThis as { CESIUM_BASE_URL?: string }).CESIUM_BASE_URL = new URL('./cesium/', document.baseURI).href;
  Ion.defaultAccessToken = '';
}

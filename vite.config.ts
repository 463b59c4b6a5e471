import { fileURLToPath } from 'node:url';
import { defineConfig, normalizePath } from 'vite';
import react from '@vitejs/plugin-react';
import { viteStaticCopy } from 'vite-plugin-static-copy';

/** CesiumJS's prebuilt workers, third-party WASM and bundled assets (NaturalEarthII imagery, sky box). */
const cesiumBuild = normalizePath(fileURLToPath(new URL('./node_modules/cesium/Build/Cesium', import.meta.url)));

/**
 * The renderer: one page, relative asset paths so it loads from app://console/ and http://127.0.0.1 alike.
 * Cesium's runtime files are served from `./cesium/` (the map sets that base URL before it creates a globe); the
 * map's code itself is a chunk loaded only when the map page opens.
 */
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [
    react(),
    viteStaticCopy({
      targets: ['Workers', 'ThirdParty', 'Assets'].map((dir) => ({ src: `${cesiumBuild}/${dir}`, dest: 'cesium' })),
    }),
  ],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
  },
});

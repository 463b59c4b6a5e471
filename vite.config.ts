import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The renderer: one page, relative asset paths so it loads from app://console/ and http://127.0.0.1 alike. */
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
  },
});

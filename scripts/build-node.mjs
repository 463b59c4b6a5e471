// Bundles the Node side with esbuild: the web host, the Electron main process and the preload.
// npm packages stay external (better-sqlite3 is native); the sandboxed preload is one self-contained file.
import { build } from 'esbuild';
import fs from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };

const jobs = [
  build({ ...common, entryPoints: ['src/main/web/cli.ts'], outfile: 'dist/main/web.mjs', format: 'esm', packages: 'external' }),
];
if (fs.existsSync('src/main/app/main.ts')) {
  jobs.push(
    build({ ...common, entryPoints: ['src/main/app/main.ts'], outfile: 'dist/main/electron.cjs', format: 'cjs', packages: 'external', external: ['electron'] }),
  );
}
if (fs.existsSync('src/preload/preload.ts')) {
  jobs.push(
    build({ ...common, entryPoints: ['src/preload/preload.ts'], outfile: 'dist/preload/preload.cjs', format: 'cjs', platform: 'browser', external: ['electron'], sourcemap: false }),
  );
}
await Promise.all(jobs);
console.log(`built ${jobs.length} Node bundles into dist/`);

import fs from 'node:fs';

/**
 * Debian packages the lab and the tests need (installed by `npx tsx lab/cli.ts install` and by `npm run setup`).
 * One list, in lab/debian-packages.txt, because the setup script runs before any TypeScript tooling exists.
 */
export const LAB_DEBIAN_PACKAGES: readonly string[] = fs
  .readFileSync(new URL('./debian-packages.txt', import.meta.url), 'utf8')
  .split(/\s+/)
  .filter(Boolean);

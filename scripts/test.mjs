// `npm test`: type-check, lint, unit tests (vitest), build, end-to-end tests (Playwright in Debian's
// Chromium against the web host and the local lab of real servers). Stops at the first failing step and
// ends with one line that totals both test runners: `tests: N passed, N failed`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-test-'));
const vitestJson = path.join(reports, 'vitest.json');
const playwrightJson = path.join(reports, 'playwright.json');

const steps = [
  { name: 'type-check', cmd: 'npx', args: ['tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'lint', cmd: 'npx', args: ['eslint', '.', '--max-warnings=0'] },
  { name: 'unit tests', cmd: 'npx', args: ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`] },
  { name: 'build', cmd: 'npm', args: ['run', 'build'] },
  {
    name: 'end-to-end tests',
    cmd: 'npx',
    args: ['playwright', 'test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
  },
];

/** Passed/failed counts from the runners' JSON reports (absent report: nothing counted). */
function counts() {
  let passed = 0;
  let failed = 0;
  try {
    const v = JSON.parse(fs.readFileSync(vitestJson, 'utf8'));
    passed += v.numPassedTests ?? 0;
    failed += (v.numFailedTests ?? 0) + (v.numFailedTestSuites ?? 0);
  } catch {
    // unit tests did not run
  }
  try {
    const p = JSON.parse(fs.readFileSync(playwrightJson, 'utf8'));
    passed += p.stats?.expected ?? 0;
    failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0);
  } catch {
    // end-to-end tests did not run
  }
  return { passed, failed };
}

const only = process.argv.slice(2);
let failedStep = null;
for (const step of steps) {
  if (only.length && !only.some((o) => step.name.startsWith(o))) continue;
  process.stdout.write(`\n=== ${step.name}: ${step.cmd} ${step.args.join(' ')}\n`);
  const started = Date.now();
  const r = spawnSync(step.cmd, step.args, { stdio: 'inherit', env: { ...process.env, ...step.env } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    process.stdout.write(`\n=== ${step.name} FAILED after ${secs}s\n`);
    failedStep = step.name;
    break;
  }
  process.stdout.write(`=== ${step.name} ok (${secs}s)\n`);
}
const { passed, failed } = counts();
fs.rmSync(reports, { recursive: true, force: true });
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
process.exit(failedStep ? 1 : 0);

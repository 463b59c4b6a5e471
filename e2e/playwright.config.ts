import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

/** Chromium from Debian, headless, no network beyond this machine. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--autoplay-policy=no-user-gesture-required',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // As the Electron host does: a PBX's media relay on this machine (the lab's rtpengine on 127.0.0.1) offers a loopback
  // ICE candidate; without this Chromium pairs only its other interfaces with it and incoming audio starts seconds late.
  '--allow-loopback-in-peer-connection',
];

const electronPresent = fs.existsSync(path.join('node_modules', 'electron', 'path.txt'));

export default defineConfig({
  testDir: '.',
  outputDir: '../test-results',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1, // one lab of real servers per run; 2 cores
  retries: 0, // a flaky test is a bug
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1600, height: 900 },
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
    trace: 'off',
  },
  projects: [
    { name: 'web', testMatch: /web\/.*\.spec\.ts$/ },
    // The real Electron app, only where its binary could be downloaded (never on this workplace's machines).
    ...(electronPresent ? [{ name: 'electron', testMatch: /electron\/.*\.spec\.ts$/ }] : []),
  ],
});

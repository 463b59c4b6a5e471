import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

describe('logger', () => {
  it('never writes secrets to the log file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-log-'));
    process.env.MDC_STDERR_LOG_LEVEL = 'silent';
    const log = createLogger(dir, 'info');
    log.info({ password: 'hunter2', config: { secret: 's3cr3t', token: 'tok-123' }, url: 'ws://x' }, 'backend saved');
    await new Promise<void>((resolve) => log.flush(() => resolve()));
    await new Promise((r) => setTimeout(r, 50));
    const text = fs.readFileSync(path.join(dir, 'logs', 'console.log'), 'utf8');
    expect(text).toContain('backend saved');
    expect(text).not.toMatch(/hunter2|s3cr3t|tok-123/);
    delete process.env.MDC_STDERR_LOG_LEVEL;
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

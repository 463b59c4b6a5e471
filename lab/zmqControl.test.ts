// @vitest-environment node
/** ZmqControl against ffmpeg's real zmq filter (libzmq inside ffmpeg): batches, errors, reconnects. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReply, ZmqControl } from './zmqControl';

const canRun = existsSync('/usr/bin/ffmpeg');

function startFfmpeg(socket: string): ChildProcess {
  const graph = `testsrc2=size=320x180:rate=25,realtime,zmq=bind_address=ipc\\\\://${socket},crop@c=w=160:h=ow*9/16:x=0:y=0,null,scale=160:90`;
  return spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-filter_complex', graph, '-f', 'null', '-'], { stdio: 'ignore' });
}

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!canRun)('ZmqControl with ffmpeg zmq filter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mdc-zmq-'));
  const socket = join(dir, 'ctl.zmq');
  const procs: ChildProcess[] = [];
  let readyCount = 0;
  const control = new ZmqControl(socket, () => readyCount++);

  afterAll(() => {
    control.close();
    for (const p of procs) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses filter replies', () => {
    expect(parseReply('0 Success')).toEqual({ code: 0, text: 'Success' });
    expect(parseReply('38 Function not implemented')).toEqual({ code: 38, text: 'Function not implemented' });
    expect(parseReply('garbage')).toEqual({ code: -1, text: 'garbage' });
  });

  it('connects once ffmpeg binds, applies a batch within a frame or two, and reports errors per command', async () => {
    expect(control.send(['crop@c x 2'])).toBeNull(); // not connected yet
    control.start();
    procs.push(startFfmpeg(socket));
    await until(() => control.connected, 5000);
    expect(readyCount).toBeGreaterThanOrEqual(1); // see the reconnect test: one announcement per handshake
    expect(control.connections).toBe(readyCount);
    const t0 = Date.now();
    const replies = await control.send(["crop@c w '96'", 'crop@c x 10', 'crop@c y 4', 'crop@c nosuch 1', 'nosuch@x w 1']);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(replies?.map((r) => r.code)).toEqual([0, 0, 0, 38, 38]);
  });

  it('reconnects to a restarted ffmpeg and says so', async () => {
    const before = readyCount;
    procs[0]?.kill('SIGKILL');
    await until(() => !control.connected, 3000);
    expect(control.send(['crop@c x 0'])).toBeNull();
    procs.push(startFfmpeg(socket));
    control.kick();
    await until(() => control.connected, 5000);
    // A new handshake with the new ffmpeg, announced once per handshake. Not "exactly one": a freshly started
    // ffmpeg can drop the first connection while its filter graph comes up (seen under load), and the control then
    // connects again and announces that too, which is what the camera needs (it re-sends its state on each).
    expect(readyCount).toBeGreaterThan(before);
    expect(control.connections).toBe(readyCount);
    expect((await control.send(['crop@c x 20']))?.[0]?.code).toBe(0);
  });
});

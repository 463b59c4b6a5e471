import { execFileSync } from 'node:child_process';
import WebSocket from 'ws';
import { JanusClient } from '../../src/main/connectors/janus/janusClient';
import { RPC_PROTOCOL, rpcSubprotocols } from '../../src/shared/contract/rpc';
import { test, expect } from '../support/fixtures';
import { framesDuring } from '../support/frameProbe';

/** Opens an RPC socket to the web host like the renderer does (token as subprotocol). */
async function rpcSocket(origin: string, token: string | null): Promise<WebSocket> {
  const protocols = token ? rpcSubprotocols(token) : [RPC_PROTOCOL];
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/rpc`, protocols);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return ws;
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()) as Record<string, unknown>)));
}

test.describe('bad input gets a clear message and breaks nothing', () => {
  test('malformed RPC messages are answered with errors; a socket without the session token is refused', async ({ host }) => {
    const token = new URL(host.url).hash.replace('#token=', '');
    await expect(rpcSocket(host.origin, null)).rejects.toThrow(/401/);
    await expect(rpcSocket(host.origin, 'wrong-token')).rejects.toThrow(/401/);

    const ws = await rpcSocket(host.origin, token);
    ws.send('this is not json');
    expect(await nextMessage(ws)).toMatchObject({ t: 'error', error: { code: 'bad-request' } });
    ws.send(JSON.stringify({ t: 'req', id: 'x' }));
    expect(await nextMessage(ws)).toMatchObject({ t: 'error', error: { code: 'bad-request' } });
    ws.send(JSON.stringify({ t: 'req', id: 1, method: 'dropDatabase', input: {} }));
    expect(await nextMessage(ws)).toMatchObject({ t: 'res', id: 1, result: { ok: false, error: { code: 'unknown-method' } } });
    ws.send(JSON.stringify({ t: 'req', id: 2, method: 'openStream', input: { channelId: 42 } }));
    expect(await nextMessage(ws)).toMatchObject({ t: 'res', id: 2, result: { ok: false, error: { code: 'bad-request' } } });
    ws.send(JSON.stringify({ t: 'req', id: 3, method: 'openStream', input: { channelId: 'lab:999999', accept: ['janus-webrtc'] } }));
    expect(await nextMessage(ws)).toMatchObject({ t: 'res', id: 3, result: { ok: false, error: { code: 'not-found' } } });
    // Still serving.
    ws.send(JSON.stringify({ t: 'req', id: 4, method: 'getAppInfo', input: {} }));
    expect(await nextMessage(ws)).toMatchObject({ t: 'res', id: 4, result: { ok: true, value: { host: 'web' } } });
    ws.close();
  });

  test('a wrong Janus URL shows the platform offline with the reason; the others keep working', async ({ console, host }) => {
    await console.open(host.url);
    await console.nav('settings').click();
    // The web host has no OS keychain: the settings page says where credentials are and how they are kept.
    await expect(console.page.getByTestId('secrets-warning')).toContainText('0600');
    const form = console.page.locator('.settings-page__form');
    await form.getByPlaceholder('名称').fill('错误地址');
    await form.getByPlaceholder(/标识/).fill('wrong');
    await form.getByPlaceholder('ws://host:8188').fill('ws://127.0.0.1:9');
    await console.page.getByTestId('backend-add').click();
    const lamp = console.page.locator('[data-backend-id="wrong"]');
    await expect(lamp).toHaveAttribute('data-state', 'offline', { timeout: 15_000 });
    await expect(console.page.getByTestId('backend-table')).toContainText('ECONNREFUSED');
    await expect(console.page.locator('[data-backend-id="lab"]')).toHaveAttribute('data-state', 'online');
    await console.page.getByTestId('backend-remove-wrong').click();
    await console.page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
    await expect(lamp).toHaveCount(0);
  });

  test('a mountpoint that never sends shows as offline and its tile keeps retrying with the reason', async ({ console, host, lab }) => {
    // Add a silent mountpoint to the lab's Janus at run time (nothing feeds its port).
    const janus = new JanusClient(lab.janusUrl);
    await janus.connect();
    const handle = await janus.attach('janus.plugin.streaming');
    const metadata = JSON.stringify({ schema: 'mdc.channel/1', name: '测试煤矿静默通道', category: '01', place: '静默通道' });
    await janus.request(handle, {
      request: 'create',
      type: 'rtp',
      id: 9901,
      description: '测试煤矿静默通道',
      metadata,
      permanent: false,
      media: [{ type: 'video', mid: 'v', port: 0, pt: 96, codec: 'h264' }],
    });
    try {
      await console.open(host.url);
      await console.page.getByRole('button', { name: '刷新设备目录' }).click();
      await console.search('静默通道');
      const channel = console.channel('lab:9901');
      await expect(channel).toHaveAttribute('data-online', 'false', { timeout: 15_000 });
      await console.setTransport('WebRTC');
      await console.playInTile('lab:9901', 2);
      await expect(console.tile(2)).toHaveAttribute('data-phase', 'retrying', { timeout: 20_000 });
      await expect(console.tile(2)).toContainText('startup');
    } finally {
      await janus.request(handle, { request: 'destroy', id: 9901 }).catch(() => undefined);
      janus.close();
    }
  });

  test('the jsmpeg relay restarts its ffmpeg when it crashes and the tile plays on', async ({ console, host, lab, errors }) => {
    errors.expect(/WebSocket/);
    const ch = lab.channels.filter((c) => !c.live)[2]!;
    const id = `lab:${ch.mountpointId}`;
    await console.playLive(host.url, { id, name: ch.name }, 0, 'JSMpeg');
    const port = new URL(ch.mpegtsUrl).port;
    const pids = execFileSync('pgrep', ['-f', 'mpeg1video']).toString().trim().split('\n');
    const relayPid = pids.find((pid) => execFileSync('ps', ['-o', 'args=', '-p', pid]).toString().includes(`127.0.0.1:${port}`));
    expect(relayPid, 'relay ffmpeg process').toBeTruthy();
    process.kill(Number(relayPid), 'SIGKILL');
    await console.page.waitForTimeout(500);
    await console.waitPlaying(0, 20_000);
    expect(await framesDuring(console.page, id, 3_000), 'frames after the relay restarted').toBeGreaterThan(40);
  });
});

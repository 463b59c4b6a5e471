import { execFileSync } from 'node:child_process';
import { test, expect } from '../support/fixtures';
import { framesDuring, framesOf, pictureContrast } from '../support/frameProbe';

const channelId = (mountpointId: number) => `lab:${mountpointId}`;

test.describe('device tree and live video against the lab (real Janus, real ffmpeg cameras)', () => {
  test('the tree shows 长治市 → 区县 → 煤矿 → 点位类别 → 通道 with counts, and search narrows it', async ({ console, host, lab }) => {
    await console.open(host.url);
    await expect(console.treeGroup('city')).toContainText('长治市');
    await expect(console.treeGroup('city')).toContainText(`${lab.channels.length}/${lab.channels.length}`);
    const counties = new Set(lab.channels.map((c) => c.county));
    await expect(console.treeGroup('county')).toHaveCount(counties.size);

    // Expand one mine down to its channels.
    const first = lab.channels.find((c) => !c.live)!;
    const mineTitle = console.page.locator(`[data-testid="tree-mine"][data-node-key$="/${first.mineId}"]`);
    await console.expand(mineTitle);
    const category = console.page.locator(`[data-testid="tree-category"][data-node-key$="/${first.mineId}/${first.category}"]`);
    await expect(category).toBeVisible();
    await console.expand(category);
    await expect(console.channel(channelId(first.mountpointId))).toContainText(first.name);

    // Search by the category's Chinese name finds exactly the channels of that category.
    await console.search('主井口');
    const expected = lab.channels.filter((c) => c.category === '02').length;
    expect(expected).toBeGreaterThan(0);
    await expect(console.channels()).toHaveCount(expected);
    await console.search('没有这个通道');
    await expect(console.page.getByText('没有匹配的通道')).toBeVisible();
  });

  test('plays a channel over Janus WebRTC: frames are decoded and the picture is real', async ({ console, host, lab }) => {
    const ch = lab.channels.find((c) => !c.live)!;
    await console.playLive(host.url, { id: channelId(ch.mountpointId), name: ch.name }, 0, 'WebRTC');
    await expect(console.tile(0)).toHaveAttribute('data-kind', 'janus-webrtc');
    const frames = await framesDuring(console.page, channelId(ch.mountpointId), 3_000);
    expect(frames, 'frames decoded in 3 s over Janus WebRTC').toBeGreaterThan(40);
    expect(await pictureContrast(console.page, channelId(ch.mountpointId))).toBeGreaterThan(10);
    await expect(console.tile(0)).toHaveAttribute('data-decode-path', 'webrtc');
  });

  test('plays a channel over jsmpeg through the ffmpeg relay: frames are decoded', async ({ console, host, lab }) => {
    const ch = lab.channels.filter((c) => !c.live)[1]!;
    await console.playLive(host.url, { id: channelId(ch.mountpointId), name: ch.name }, 1, 'JSMpeg');
    await expect(console.tile(1)).toHaveAttribute('data-kind', 'jsmpeg-ws');
    const frames = await framesDuring(console.page, channelId(ch.mountpointId), 3_000);
    expect(frames, 'frames decoded in 3 s over jsmpeg').toBeGreaterThan(40);
    expect(await pictureContrast(console.page, channelId(ch.mountpointId))).toBeGreaterThan(10);
  });

  test("plays a channel over mpegts.js (FLV remux of the camera's H.264)", async ({ console, host, lab }) => {
    const ch = lab.channels.filter((c) => !c.live)[2]!;
    const id = channelId(ch.mountpointId);
    await console.playLive(host.url, { id, name: ch.name }, 2, 'FLV');
    await expect(console.tile(2)).toHaveAttribute('data-kind', 'flv');
    await expect(console.tile(2)).toHaveAttribute('data-decode-path', 'mse');
    const frames = await framesDuring(console.page, id, 3_000);
    expect(frames, 'frames decoded in 3 s over mpegts.js').toBeGreaterThan(40);
    expect(await pictureContrast(console.page, id)).toBeGreaterThan(10);
  });

  test('a tile recovers by itself when Janus is killed and started again', async ({ console, host, lab, errors }) => {
    // While Janus is down the browser logs failed WebSocket connections: expected here, and only here.
    errors.expect(/WebSocket connection to 'ws:\/\/198\.18\.0\.1:8188\/' failed/);
    errors.expect(/janus|Janus|ICE|transport/i);
    const ch = lab.channels.find((c) => c.live) ?? lab.channels[0]!;
    const id = channelId(ch.mountpointId);
    await console.playLive(host.url, { id, name: ch.name }, 0, 'WebRTC');

    await lab.killJanus();
    await expect(console.tile(0)).toHaveAttribute('data-phase', 'retrying', { timeout: 15_000 });
    await expect(console.page.locator('[data-backend-id="lab"]')).toHaveAttribute('data-state', 'offline', { timeout: 15_000 });

    await lab.startJanus();
    await console.waitPlaying(0, 30_000);
    const before = await framesOf(console.page, id);
    expect(await framesDuring(console.page, id, 3_000), 'frames after recovery').toBeGreaterThan(40);
    expect(before).toBeGreaterThan(0);
    await expect(console.page.locator('[data-backend-id="lab"]')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
  });

  test('a tile recovers by itself when its camera stream stops and comes back', async ({ console, host, lab }) => {
    const ch = lab.channels.filter((c) => !c.live)[3]!;
    const id = channelId(ch.mountpointId);
    await console.playLive(host.url, { id, name: ch.name }, 0, 'WebRTC');

    // Freeze the lab camera that feeds this mountpoint (its RTP goes to 198.18.0.1:<22000 + 2·(id − 100)>).
    const rtp = `198.18.0.1:${22000 + 2 * (ch.mountpointId - 100)}`;
    const pid = execFileSync('pgrep', ['-f', `ffmpeg.*rtp://${rtp}`]).toString().trim().split('\n')[0]!;
    process.kill(Number(pid), 'SIGSTOP');
    try {
      await expect(console.tile(0)).toHaveAttribute('data-phase', 'retrying', { timeout: 20_000 });
      await expect(console.tile(0)).toContainText(/stalled|startup/);
    } finally {
      process.kill(Number(pid), 'SIGCONT');
    }
    await console.waitPlaying(0, 30_000);
    expect(await framesDuring(console.page, id, 3_000), 'frames after the stream came back').toBeGreaterThan(40);
  });
});

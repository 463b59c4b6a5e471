import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { test, expect } from '../support/fixtures';
import { framesDuring } from '../support/frameProbe';

const channelId = (mountpointId: number) => `lab:${mountpointId}`;

test.describe('wall tiles: local recording, instant replay, WebGL budget, CCTV keyboard (against the lab)', () => {
  test('a local recording of a tile is a playable WebM file listed with its channel and time range', async ({ console, host, lab }) => {
    const page = console.page;
    await console.open(host.url);
    const ch = lab.channels.find((c) => !c.live && !c.ptz)!;
    await console.search(ch.name);
    await console.playInTile(channelId(ch.mountpointId), 0);
    await console.waitPlaying(0);
    await console.tile(0).hover();
    await console.tile(0).getByTestId('tile-record').click();
    await expect(console.tile(0)).toHaveAttribute('data-recording', 'true');
    await page.waitForTimeout(4_000);
    await console.tile(0).hover();
    await console.tile(0).getByTestId('tile-record').click();
    await expect(console.tile(0)).toHaveAttribute('data-recording', 'false');

    await console.openPanel('media');
    await page.getByTestId('media-panel').getByText('本地录像').click();
    const item = page.getByTestId('recording-item').first();
    await expect(item).toContainText(ch.name);
    await expect(item).not.toContainText('录像中');
    const file = (await item.locator('.media-path').textContent())!.trim();
    expect(file.startsWith(host.dataDir)).toBe(true);
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 4).toString('hex'), 'EBML header of a WebM file').toBe('1a45dfa3');
    expect(Number(await item.getAttribute('data-bytes'))).toBe(bytes.length);
    // ffmpeg decodes it: about four seconds of video frames.
    const probe = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height', '-of', 'json', file], {
      encoding: 'utf8',
    });
    const stream = (JSON.parse(probe) as { streams: { nb_read_frames: string; width: number }[] }).streams[0]!;
    expect(Number(stream.nb_read_frames), 'frames in the recording').toBeGreaterThan(50);
    expect(stream.width).toBeGreaterThan(0);
  });

  test('instant replay plays the last seconds of a relay channel in the tile; a WebRTC-only history says why it cannot', async ({ console, host, lab }) => {
    const page = console.page;
    await console.open(host.url);
    const ch = lab.channels.filter((c) => !c.live && !c.ptz)[3]!;
    const id = channelId(ch.mountpointId);

    // Over WebRTC the relay has kept nothing of this channel: a clear message, the live picture stays.
    await console.setTransport('WebRTC');
    await console.search(ch.name);
    await console.playInTile(id, 0);
    await console.waitPlaying(0);
    await console.tile(0).hover();
    await console.tile(0).getByTestId('tile-replay').click();
    await expect(page.getByText(/无法即时回放/)).toBeVisible();
    await expect(console.tile(0)).toHaveAttribute('data-phase', 'playing');

    // Through the relay (JSMpeg) the last seconds are kept: replay shows them over the tile, then back to live.
    await console.setTransport('JSMpeg');
    await expect(console.tile(0)).toHaveAttribute('data-kind', 'jsmpeg-ws');
    await console.waitPlaying(0);
    await page.waitForTimeout(8_000);
    await console.tile(0).hover();
    await console.tile(0).getByTestId('tile-replay').click();
    await expect(console.tile(0).locator('.tile__badge')).toHaveText('即时回放');
    await expect(console.tile(0).locator('.tile__replay canvas')).toBeVisible();
    // Both the live player and the replay player decode this channel now: more than one stream's worth of frames.
    expect(await framesDuring(page, id, 2_000)).toBeGreaterThan(60);
    await console.tile(0).hover();
    await console.tile(0).getByTestId('tile-replay').click();
    await expect(console.tile(0).locator('.tile__badge')).toHaveCount(0);
    await expect(console.tile(0)).toHaveAttribute('data-phase', 'playing');
    await console.setTransport('Auto');
  });

  test('jsmpeg tiles beyond the WebGL context budget draw with Canvas2D and still play', async ({ console, host, lab }) => {
    const page = console.page;
    await page.addInitScript('globalThis.__mdcWebglBudget = 2;');
    await console.open(host.url);
    await console.setTransport('JSMpeg');
    const mine = lab.channels[0]!.mineId;
    await page.locator(`[data-testid="tree-mine"][data-node-key$="/${mine}"]`).dragTo(console.tile(0));
    const count = lab.channels.filter((c) => c.mineId === mine).length;
    expect(count).toBe(4);
    for (let i = 0; i < 4; i++) await console.waitPlaying(i, 30_000);
    await expect
      .poll(async () => (await console.tiles().evaluateAll((els) => els.map((e) => e.getAttribute('data-decode-path')))).sort().join(','))
      .toBe('jsmpeg-canvas2d,jsmpeg-canvas2d,jsmpeg-webgl,jsmpeg-webgl');
    for (const c of lab.channels.filter((x) => x.mineId === mine)) {
      expect(await framesDuring(page, channelId(c.mountpointId), 1_500), `frames of ${c.name}`).toBeGreaterThan(20);
    }
    await console.setTransport('Auto');
  });

  test('the CCTV keyboard: number+T picks a tile, number+Enter puts that camera on it, Alt+5 is the 9-split, Delete closes', async ({ console, host }) => {
    const page = console.page;
    await console.open(host.url);
    await page.getByTestId('wall-grid').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('3');
    await page.keyboard.press('t');
    await expect(console.tile(2)).toHaveClass(/tile--selected/);
    await page.keyboard.press('1');
    await expect(page.getByTestId('keyboard-entry')).toHaveText('1');
    await page.keyboard.press('Enter');
    // Camera 1 is the first channel in the tree's order; the tile shows its number and plays it.
    await expect(console.tile(2)).not.toHaveAttribute('data-channel-id', '');
    await console.waitPlaying(2);
    await expect(console.tile(2).locator('.tile__camno')).toHaveText('#1');
    await page.keyboard.press('Alt+5');
    await expect(page.getByTestId('wall-grid')).toHaveAttribute('data-layout', '9');
    await page.keyboard.press('3');
    await page.keyboard.press('t');
    await page.keyboard.press('Delete');
    await expect(console.tile(2)).toHaveAttribute('data-phase', 'empty');
  });
});

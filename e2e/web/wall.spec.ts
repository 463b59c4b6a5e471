import fs from 'node:fs';
import { test, expect } from '../support/fixtures';
import { framesDuring } from '../support/frameProbe';
import { clockLatencyMs, readClock } from '../../lab/clockBarcode';

const channelId = (mountpointId: number) => `lab:${mountpointId}`;

test.describe('video wall against the lab (real Janus, real ffmpeg cameras; wall state on the Node side)', () => {
  test('a 9-split built by drag and drop (whole mines, one channel, a swap) decodes on every tile, survives a reload and comes back from a scene', async ({
    console,
    host,
    lab,
  }) => {
    test.setTimeout(150_000);
    const page = console.page;
    await console.open(host.url);
    await console.setLayout('9');
    const byMine = new Map<string, string[]>();
    for (const c of lab.channels) byMine.set(c.mineId, [...(byMine.get(c.mineId) ?? []), channelId(c.mountpointId)]);
    const [mineA, mineB] = [...byMine.keys()];

    // A whole mine dropped on the wall fills the free tiles in tree order.
    const mineNode = (id: string) => page.locator(`[data-testid="tree-mine"][data-node-key$="/${id}"]`);
    await mineNode(mineA!).dragTo(console.tile(0));
    await expect.poll(async () => (await console.tileChannels()).filter(Boolean).length).toBe(byMine.get(mineA!)!.length);
    await mineNode(mineB!).dragTo(console.tile(0));
    const filled = byMine.get(mineA!)!.length + byMine.get(mineB!)!.length;
    await expect.poll(async () => (await console.tileChannels()).filter(Boolean).length).toBe(Math.min(9, filled));
    for (const id of [...byMine.get(mineA!)!, ...byMine.get(mineB!)!].slice(0, 9)) expect(await console.tileChannels()).toContain(id);

    // One channel onto the last tile (replaces), then swap tile 0 and tile 8 by dragging the tile's label.
    const single = [...byMine.values()].at(-1)!.at(-1)!;
    await console.search(lab.channels.find((c) => channelId(c.mountpointId) === single)!.name);
    await console.channel(single).dragTo(console.tile(8));
    await expect(console.tile(8)).toHaveAttribute('data-channel-id', single);
    const first = await console.tile(0).getAttribute('data-channel-id');
    await console.tile(0).locator('.tile__status').dragTo(console.tile(8));
    await expect(console.tile(0)).toHaveAttribute('data-channel-id', single);
    await expect(console.tile(8)).toHaveAttribute('data-channel-id', first!);

    // Every tile decodes.
    const layout = await console.tileChannels();
    expect(layout.filter(Boolean)).toHaveLength(9);
    for (let i = 0; i < 9; i++) await console.waitPlaying(i, 30_000);
    for (const id of layout) expect(await framesDuring(page, id, 1_000), `frames of ${id}`).toBeGreaterThan(10);
    await expect(page.getByTestId('wall-health')).toHaveAttribute('data-playing', '9');

    // Save a scene, reload: the wall is the same (it lives on the Node side) and plays again.
    await console.openPanel('scenes');
    await page.getByTestId('scene-name').fill('九画面测试');
    await page.getByTestId('scene-save').click();
    await expect(page.getByTestId('scene-item').filter({ hasText: '九画面测试' })).toBeVisible();
    await page.reload();
    await expect(page.getByTestId('wall-grid')).toHaveAttribute('data-layout', '9');
    expect(await console.tileChannels()).toEqual(layout);
    for (let i = 0; i < 9; i++) await console.waitPlaying(i, 30_000);

    // Clear and go back to 4, then recall the scene: layout and channels come back.
    await console.open(host.url);
    await console.openPanel('scenes');
    await page.getByTestId('scene-item').filter({ hasText: '九画面测试' }).getByTestId('scene-recall').click();
    await expect(page.getByTestId('wall-grid')).toHaveAttribute('data-layout', '9');
    expect(await console.tileChannels()).toEqual(layout);
    for (let i = 0; i < 9; i++) await console.waitPlaying(i, 30_000);
  });

  test('a layout switch keeps the streams that stay visible; presets 6, 8, 16, 25 and a merged custom layout tile the wall', async ({ console, host, lab }) => {
    const page = console.page;
    await console.open(host.url);
    const ch = lab.channels.find((c) => !c.live)!;
    await console.search(ch.name);
    await console.playInTile(channelId(ch.mountpointId), 0);
    await console.waitPlaying(0);
    const generation = await console.tile(0).getAttribute('data-generation');
    for (const [id, cells] of [['6', 6], ['8', 8], ['16', 16], ['25', 25], ['1', 1]] as const) {
      await console.setLayout(id);
      await expect(console.tiles()).toHaveCount(cells);
      // Tile 0 kept its player: same generation, still playing, frames keep coming.
      await expect(console.tile(0)).toHaveAttribute('data-generation', generation!);
      await expect(console.tile(0)).toHaveAttribute('data-phase', 'playing');
    }
    expect(await framesDuring(page, channelId(ch.mountpointId), 1_000)).toBeGreaterThan(10);

    // Custom: a 4x4 grid, merge tiles 1,2,5,6 (a 2x2 block) into one.
    await page.getByTestId('merge-start').hover();
    await page.getByText('4×4 网格，选择相邻窗口合并').click();
    await expect(console.tiles()).toHaveCount(16);
    for (const i of [1, 2, 5, 6]) await console.tile(i).click({ position: { x: 10, y: 30 } });
    await page.getByTestId('merge-apply').click();
    await expect(page.getByTestId('wall-grid')).toHaveAttribute('data-layout', 'custom');
    await expect(console.tiles()).toHaveCount(13);
    const big = await console.tile(1).boundingBox();
    const small = await console.tile(0).boundingBox();
    expect(big!.width).toBeGreaterThan(small!.width * 1.8);
    expect(big!.height).toBeGreaterThan(small!.height * 1.8);
  });

  test('a tour by query (every channel of one county) advances on a tile by itself; pause holds it, next moves it', async ({ console, host, lab }) => {
    const page = console.page;
    await console.open(host.url);
    const county = lab.channels[0]!.county;
    const expected = lab.channels.filter((c) => c.county === county).map((c) => channelId(c.mountpointId));
    expect(expected.length).toBeGreaterThan(2);
    await console.openPanel('tours');
    await page.getByTestId('tour-name').fill('襄垣轮巡');
    await page.getByTestId('tour-dwell').fill('3');
    await page.getByRole('combobox', { name: '区县' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: '襄垣县' }).click();
    await page.getByTestId('tour-save').click();
    const tour = page.getByTestId('tour-item').filter({ hasText: '襄垣轮巡' });
    await console.selectTile(2);
    await tour.getByTestId('tour-start-tile').click();
    await expect(console.tile(2)).toHaveAttribute('data-channel-id', expected[0]!);
    // It advances by itself within its dwell time (3 s) and plays what it shows.
    await expect(console.tile(2)).toHaveAttribute('data-channel-id', expected[1]!, { timeout: 6_000 });
    await console.waitPlaying(2);
    await page.getByTestId('tour-pause').click();
    const held = await console.tile(2).getAttribute('data-channel-id');
    await page.waitForTimeout(4_000);
    await expect(console.tile(2)).toHaveAttribute('data-channel-id', held!);
    await page.getByTestId('tour-next').click();
    const next = expected[(expected.indexOf(held!) + 1) % expected.length]!;
    await expect(console.tile(2)).toHaveAttribute('data-channel-id', next);
    await page.getByTestId('tour-stop').click();
    await expect(page.getByTestId('tour-run')).toHaveCount(0);
  });

  test('a snapshot is saved as a PNG that shows the channel (its clock barcode reads back) and is listed', async ({ console, host, lab }) => {
    const page = console.page;
    await console.open(host.url);
    const clock = lab.channels.find((c) => c.mountpointId === lab.clockMountpointId)!;
    await console.search(clock.name);
    await console.playInTile(channelId(clock.mountpointId), 0);
    await console.waitPlaying(0);
    await page.waitForTimeout(500);
    const before = Date.now();
    await console.tile(0).hover();
    await console.tile(0).getByTestId('tile-snapshot').click();
    await console.openPanel('media');
    const item = page.getByTestId('snapshot-item').filter({ has: page.locator(`[data-channel-id="${channelId(clock.mountpointId)}"]`) }).or(
      page.locator(`[data-testid="snapshot-item"][data-channel-id="${channelId(clock.mountpointId)}"]`),
    );
    await expect(item.first()).toBeVisible();
    await expect(item.first()).toContainText(clock.name);
    const path = (await item.first().locator('.media-path').textContent())!.trim();
    expect(path.startsWith(host.dataDir), `snapshot under the data folder: ${path}`).toBe(true);
    const png = fs.readFileSync(path);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');

    // Decode the file in the page and read the live camera's clock barcode from it: the picture is that channel's, taken just now.
    // The console's CSP forbids eval: the reader comes in as an init script (as the latency benchmark does it).
    await page.addInitScript(`window.__readClock = ${readClock.toString()};`);
    await page.reload();
    await expect(page.getByTestId('wall-grid')).toBeVisible();
    const stamp = await page.evaluate(
      async ({ b64 }) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        // The caption bar sits below the picture: read the 16:9 picture above it.
        const c = document.createElement('canvas');
        c.width = img.naturalWidth;
        c.height = Math.round((img.naturalWidth * 9) / 16);
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const read = (window as unknown as { __readClock: (d: Uint8ClampedArray, w: number, h: number) => number | null }).__readClock;
        return { ms: read(ctx.getImageData(0, 0, c.width, c.height).data, c.width, c.height), width: c.width, height: c.height };
      },
      { b64: png.toString('base64') },
    );
    expect(stamp.ms, 'clock barcode in the snapshot').not.toBeNull();
    const age = clockLatencyMs(before, stamp.ms!);
    expect(Math.abs(age), `snapshot shows the clock ${age} ms before the click`).toBeLessThan(5_000);
    expect(stamp.width).toBeGreaterThanOrEqual(640);
  });

  test('PTZ from the panel reaches the lab camera (ISAPI) and changes its picture; presets set, list and recall; no PTZ says so', async ({
    console,
    host,
    lab,
  }) => {
    const page = console.page;
    await console.open(host.url);
    const ptzChannel = lab.channels.find((c) => c.mountpointId === lab.ptz.mountpointId)!;
    const state = async () => (await (await fetch(lab.ptz.stateUrl)).json()) as { x: number; y: number; zoom: number };
    await console.search(ptzChannel.name);
    await console.playInTile(channelId(ptzChannel.mountpointId), 0);
    await console.waitPlaying(0);
    await console.selectTile(0);
    await console.openPanel('ptz');
    await expect(page.getByTestId('ptz-panel')).toBeVisible();

    const pictureOf = () =>
      page.evaluate(
        (id) =>
          new Promise<number[]>((resolve) => {
            const w = window as unknown as { __mdcFrameHooks: ((i: { channelId: string; element: CanvasImageSource }) => void)[] };
            const hook = (info: { channelId: string; element: CanvasImageSource }) => {
              if (info.channelId !== id) return;
              w.__mdcFrameHooks.splice(w.__mdcFrameHooks.indexOf(hook), 1);
              const c = document.createElement('canvas');
              c.width = 32;
              c.height = 18;
              const ctx = c.getContext('2d', { willReadFrequently: true })!;
              ctx.drawImage(info.element, 0, 0, 32, 18);
              const d = ctx.getImageData(0, 0, 32, 18).data;
              resolve(Array.from({ length: 32 * 18 }, (_, i) => 0.299 * d[i * 4]! + 0.587 * d[i * 4 + 1]! + 0.114 * d[i * 4 + 2]!));
            };
            w.__mdcFrameHooks.push(hook);
          }),
        channelId(ptzChannel.mountpointId),
      );
    const difference = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;

    const before = await state();
    const picture0 = await pictureOf();
    // Hold "right" on the pad for a second at full speed, then release (the pad sends move, then stop).
    await page.getByTestId('ptz-right').hover();
    await page.mouse.down();
    await page.waitForTimeout(1_000);
    await page.mouse.up();
    await expect.poll(async () => (await state()).x, { message: 'pan position of the lab camera' }).toBeGreaterThan(before.x + 20);
    const moved = await state();
    await page.waitForTimeout(600);
    expect((await state()).x, 'the camera stopped on release').toBeCloseTo(moved.x, 0);
    await page.waitForTimeout(300);
    const picture1 = await pictureOf();
    expect(difference(picture0, picture1), 'the tile shows the camera turned').toBeGreaterThan(8);

    // A preset stores this position; after moving away, recalling it comes back.
    await page.getByPlaceholder('编号').fill('7');
    await page.getByPlaceholder('预置位名称').fill('皮带机头');
    await page.getByTestId('ptz-preset-set').click();
    const preset = page.getByTestId('ptz-preset').filter({ hasText: '皮带机头' });
    await expect(preset).toBeVisible();
    const stored = await state();
    await page.getByTestId('ptz-up').hover();
    await page.mouse.down();
    await page.waitForTimeout(700);
    await page.mouse.up();
    await expect.poll(async () => (await state()).y).not.toBeCloseTo(stored.y, 0);
    await preset.getByRole('button', { name: /调\s*用/ }).click();
    await expect.poll(async () => Math.abs((await state()).y - stored.y) + Math.abs((await state()).x - stored.x)).toBeLessThan(1);

    // A channel without PTZ: the panel says so plainly.
    const plain = lab.channels.find((c) => !c.live && !c.ptz)!;
    await console.search(plain.name);
    await console.playInTile(channelId(plain.mountpointId), 1);
    await console.selectTile(1);
    await expect(page.getByTestId('ptz-unsupported')).toContainText('不支持云台控制');
  });

  test('a second browser window opens monitor 2 by number and plays what the console puts there', async ({ console, host, lab, context }) => {
    const page = console.page;
    await console.open(host.url);
    const token = new URL(host.url).hash.match(/token=([^&]+)/)![1]!;
    const wallPage = await context.newPage();
    await wallPage.goto(`${new URL(host.url).origin}/#/wall/2&token=${token}`);
    await expect(wallPage.getByTestId('wall-window')).toHaveAttribute('data-monitor', '2');
    // The wall window created monitor 2; the console can now drive it.
    await page.getByTestId('monitor-2').click();
    await expect(page.getByTestId('wall-grid')).toHaveAttribute('data-monitor', '2');
    await page.getByRole('button', { name: '清空本监视器' }).click();
    const ch = lab.channels.filter((c) => !c.live)[2]!;
    await console.search(ch.name);
    await console.playInTile(channelId(ch.mountpointId), 1);
    const remoteTile = wallPage.locator(`[data-testid="tile"][data-tile-index="1"]`);
    await expect(remoteTile).toHaveAttribute('data-channel-id', channelId(ch.mountpointId));
    await expect(remoteTile).toHaveAttribute('data-phase', 'playing', { timeout: 20_000 });
    await page.getByRole('button', { name: '清空本监视器' }).click();
    await expect(remoteTile).toHaveAttribute('data-phase', 'empty');
    await wallPage.close();
    await page.getByTestId('monitor-1').click();
  });
});

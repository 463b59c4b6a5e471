import { execFileSync } from 'node:child_process';
import { expect, test } from '../support/fixtures';
import { clockLatencyMs, readClock } from '../../lab/clockBarcode';
import type { Page } from '@playwright/test';
import type { Lab } from '../../lab/lab';

type Segment = { start: number; end: number };

/** The lab recorder's segments of one camera over the last hour (its own index, as the console reads it). */
async function segmentsOf(lab: Lab, mountpointId: number): Promise<Segment[]> {
  const now = Date.now();
  const res = await fetch(`${lab.records.origin}/records/${mountpointId}/index?from=${now - 3600_000}&to=${now + 60_000}`);
  return ((await res.json()) as { segments: Segment[] }).segments;
}

/** Recorded milliseconds of the camera's current run (since the lab started). */
async function liveRecordedMs(lab: Lab, mountpointId: number, since: number): Promise<number> {
  const segs = (await segmentsOf(lab, mountpointId)).filter((s) => s.start >= since - 2000);
  return segs.length ? segs.at(-1)!.end - segs[0]!.start : 0;
}

const tile = (page: Page, channelId: string) => page.locator(`[data-testid="playback-tile"][data-channel-id="${channelId}"]`);
const wallMs = async (page: Page, channelId: string) => Number((await tile(page, channelId).getAttribute('data-wall-ms')) || 0);

async function pickChannels(page: Page, names: string[]): Promise<void> {
  const select = page.getByRole('combobox', { name: '选择通道（最多 4 路）' });
  for (const name of names) {
    await select.fill(name);
    await page.locator('.ant-select-item-option').filter({ hasText: name }).first().click();
  }
  await page.keyboard.press('Escape');
}

/** Types a wall-clock time (the page's local time zone) into 跳转 and presses Enter. */
async function goTo(page: Page, ms: number): Promise<void> {
  const text = await page.evaluate((t) => new Date(t).toTimeString().slice(0, 8), ms);
  await page.getByTestId('playback-goto').fill(text);
  await page.getByTestId('playback-goto').press('Enter');
}

/** Reads the clock barcode from the picture the tile's <video> shows now. */
async function barcodeOf(page: Page, channelId: string): Promise<number | null> {
  return page.evaluate((id) => {
    const video = document.querySelector<HTMLVideoElement>(`[data-testid="playback-tile"][data-channel-id="${id}"] video`);
    if (!video || video.readyState < 2) return null;
    const c = document.createElement('canvas');
    c.width = video.videoWidth;
    c.height = video.videoHeight;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(video, 0, 0);
    const read = (window as unknown as { __readClock: (d: Uint8ClampedArray, w: number, h: number) => number | null }).__readClock;
    return read(ctx.getImageData(0, 0, c.width, c.height).data, c.width, c.height);
  }, channelId);
}

test.describe('录像回放 against the lab recorder (real ffmpeg segments, console gateway, hls.js)', () => {
  test('plays from a chosen time (clock barcode agrees), seeks, changes speed, keeps two channels in sync and downloads a marked span', async ({
    console,
    host,
    lab,
  }) => {
    test.setTimeout(150_000);
    const page = console.page;
    // The console's CSP forbids eval: the barcode reader comes in as an init script.
    await page.addInitScript(`window.__readClock = ${readClock.toString()};`);
    await console.open(host.url);
    const clock = lab.channels.find((c) => c.live)!;
    const clip = lab.channels.find((c) => c.mountpointId === 101)!;
    const labStart = (await segmentsOf(lab, clock.mountpointId))[0]?.start ?? Date.now();
    await expect.poll(() => liveRecordedMs(lab, clock.mountpointId, labStart), { timeout: 60_000, intervals: [1000] }).toBeGreaterThan(30_000);
    const clockSegs = await segmentsOf(lab, clock.mountpointId);
    // A whole second a few seconds into the recording both cameras made since the lab started.
    const t0 = Math.floor((clockSegs[0]!.start + 8000) / 1000) * 1000;

    await page.getByTestId('nav-playback').click();
    await pickChannels(page, [clock.name, clip.name]);
    await page.getByTestId('playback-query').click();
    await expect(page.locator('[data-testid="playback-row"]')).toHaveCount(2);
    await expect(page.locator(`[data-testid="playback-row"][data-channel-id="lab:101"] [data-testid="playback-span"]`)).not.toHaveCount(0);
    await expect(tile(page, 'lab:103')).toBeVisible();
    await expect(tile(page, 'lab:101')).toBeVisible();

    // From a chosen time: both tiles show it, and the recorded picture's own clock says so.
    await goTo(page, t0);
    await expect.poll(async () => Math.abs((await wallMs(page, 'lab:103')) - t0), { timeout: 15_000 }).toBeLessThan(300);
    await expect.poll(async () => Math.abs((await wallMs(page, 'lab:101')) - t0), { timeout: 15_000 }).toBeLessThan(300);
    let shown: number | null = null;
    await expect.poll(async () => (shown = await barcodeOf(page, 'lab:103')), { timeout: 15_000 }).not.toBeNull();
    expect(Math.abs(clockLatencyMs(t0, shown!)), `recorded frame shows ${shown}, asked for ${t0}`).toBeLessThan(1500);

    // Play at 1x: time runs, frames are decoded, the two channels stay together.
    await page.getByTestId('playback-play').click();
    const framesBefore = Number(await tile(page, 'lab:103').getAttribute('data-frames'));
    await page.waitForTimeout(3000);
    const w1 = await wallMs(page, 'lab:103');
    expect(w1 - t0).toBeGreaterThan(1500);
    expect(w1 - t0).toBeLessThan(5000);
    expect(Number(await tile(page, 'lab:103').getAttribute('data-frames'))).toBeGreaterThan(framesBefore + 30);
    expect(Math.abs((await wallMs(page, 'lab:101')) - w1), 'sync at 1x').toBeLessThan(600);

    // 4x: recorded time runs about four times as fast, still in step.
    await page.getByTestId('playback-speed').getByText('4x').click();
    await expect(tile(page, 'lab:101')).toHaveAttribute('data-rate', '4');
    const a = await wallMs(page, 'lab:103');
    await page.waitForTimeout(2000);
    const b = await wallMs(page, 'lab:103');
    expect(b - a, 'recorded ms per 2 s at 4x').toBeGreaterThan(5000);
    expect(Math.abs((await wallMs(page, 'lab:101')) - b), 'sync at 4x').toBeLessThan(1500);

    // Seek back while playing: both follow, and the barcode again agrees.
    await page.getByTestId('playback-pause').click();
    await page.getByTestId('playback-speed').getByText('1x').click();
    await goTo(page, t0 + 4000);
    await expect.poll(async () => Math.abs((await wallMs(page, 'lab:101')) - (t0 + 4000)), { timeout: 15_000 }).toBeLessThan(300);
    await expect.poll(async () => Math.abs(clockLatencyMs(t0 + 4000, (await barcodeOf(page, 'lab:103')) ?? 0)), { timeout: 15_000 }).toBeLessThan(1500);

    // Download t0+4 s .. t0+10 s of both channels into the media library.
    await page.getByTestId('playback-mark-in').click();
    await goTo(page, t0 + 10_000);
    await expect.poll(async () => Math.abs((await wallMs(page, 'lab:103')) - (t0 + 10_000)), { timeout: 15_000 }).toBeLessThan(300);
    await page.getByTestId('playback-mark-out').click();
    await expect(page.getByTestId('timeline-selection')).toBeVisible();
    await page.getByTestId('playback-download').click();
    const items = page.getByTestId('download-item');
    await expect(items).toHaveCount(2);
    await expect(items.and(page.locator('[data-state="done"]'))).toHaveCount(2, { timeout: 30_000 });

    await page.getByTestId('nav-wall').click();
    await console.openPanel('media');
    await page.getByTestId('media-panel').getByText('本地录像').click();
    const saved = page.getByTestId('recording-item').filter({ hasText: clock.name }).first();
    const file = (await saved.locator('.media-path').textContent())!.trim();
    expect(file.startsWith(host.dataDir)).toBe(true);
    expect(file.endsWith('.mp4')).toBe(true);
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'json', file], { encoding: 'utf8' })) as {
      format: { duration: string };
    };
    const seconds = Number(probe.format.duration);
    expect(seconds, 'downloaded span is about 6 s (cut at keyframes)').toBeGreaterThan(4.5);
    expect(seconds).toBeLessThan(8);
  });

  test('bad input: a camera without a recorder, a day without recordings, and a gap the clock skips over', async ({ console, host, lab }) => {
    test.setTimeout(90_000);
    const page = console.page;
    await console.open(host.url);
    const clip = lab.channels.find((c) => c.mountpointId === 101)!;
    const unrecorded = lab.channels.find((c) => !c.recorded && !c.ptz)!;
    await page.getByTestId('nav-playback').click();

    // A camera nobody records: its row says so, the other channel still plays.
    await pickChannels(page, [unrecorded.name, clip.name]);
    await page.getByTestId('playback-query').click();
    await expect(page.locator(`[data-testid="playback-row"][data-channel-id="lab:${unrecorded.mountpointId}"]`)).toContainText('没有配置录像服务');
    await expect(tile(page, 'lab:101')).toBeVisible();
    await expect(tile(page, `lab:${unrecorded.mountpointId}`)).toHaveCount(0);

    // The made-up history has a 3-minute gap: playing into it jumps to the next recording.
    const spans = await page
      .locator('[data-testid="playback-row"][data-channel-id="lab:101"] [data-testid="playback-span"]')
      .evaluateAll((els) => els.map((e) => ({ start: Number(e.getAttribute('data-start')), end: Number(e.getAttribute('data-end')) })));
    expect(spans.length).toBeGreaterThanOrEqual(2);
    const [first, second] = spans.sort((x, y) => x.start - y.start);
    await goTo(page, Math.ceil((first!.end + 30_000) / 1000) * 1000);
    await page.getByTestId('playback-play').click();
    await expect.poll(async () => await wallMs(page, 'lab:101'), { timeout: 15_000 }).toBeGreaterThanOrEqual(second!.start);
    await expect(tile(page, 'lab:101')).toHaveAttribute('data-phase', 'playing');
    await page.getByTestId('playback-pause').click();

    // Yesterday: nothing recorded; every row says so and nothing plays.
    await page.getByTestId('playback-day').click();
    await page.keyboard.press('Control+A');
    const yesterday = await page.evaluate(() => {
      const d = new Date(Date.now() - 24 * 3600_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    await page.keyboard.type(yesterday);
    await page.keyboard.press('Enter');
    await page.getByTestId('playback-query').click();
    await expect(page.locator('[data-testid="playback-row"][data-channel-id="lab:101"]')).toContainText('当天没有录像');
    await expect(page.getByTestId('playback-tile')).toHaveCount(0);
  });
});

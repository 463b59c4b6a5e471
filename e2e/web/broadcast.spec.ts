import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { phoneHeardRuns, phoneToneShare } from '../support/wavTone';

/**
 * Emergency broadcast against the lab PBX: the console calls the lab's three IP speakers (baresip phones that answer
 * by themselves and record what they hear) and sends them speech made offline by espeak-ng, an uploaded file, or the
 * fake microphone. What each speaker heard is read back from its recording.
 */

const SPEAKERS = ['7001', '7002', '7003'];
const LAB_GROUP = '实验室广播音柱';
/** The lab's mixed group: a SIP speaker and two RTP speakers fed by Janus AudioBridge. */
const MIXED = ['7001', '7101', '7102'];

async function openBroadcast(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('nav-broadcast').click();
  await expect(page.getByTestId('broadcast-page')).toBeVisible();
  await page.getByTestId(`bgroup-${LAB_GROUP}`).getByTestId('bgroup-pick').click();
}

/** Makes speech from text; returns the clip's length in ms. */
async function makeSpeech(page: Page, text: string): Promise<number> {
  await page.getByTestId('compose-tab-tts').click();
  await page.getByTestId('tts-text').fill(text);
  await page.getByTestId('tts-make').click();
  const clip = page.getByTestId('compose-clip');
  await expect(clip).toContainText(text.slice(0, 10), { timeout: 20_000 });
  return Number(await clip.getAttribute('data-duration-ms'));
}

async function setRepeat(page: Page, n: number): Promise<void> {
  const input = page.getByRole('spinbutton', { name: '重复' }).first();
  await input.fill(String(n));
  await input.blur();
}

/** Waits for the running broadcast to end; returns its panel's phase text. */
async function waitEnded(page: Page, timeoutMs: number): Promise<void> {
  await expect(page.getByTestId('broadcast-onair')).toHaveAttribute('data-phase', 'ended', { timeout: timeoutMs });
}

test.describe('emergency broadcast (应急广播)', () => {
  test.describe.configure({ timeout: 120_000 });

  test('TTS to three speakers, twice: each hears two runs of the message at its length; the record lists every speaker', async ({ page, host, lab, errors: _errors }) => {
    await openBroadcast(page, host.url);
    const clipMs = await makeSpeech(page, '井下全体人员注意，立即沿避灾路线撤离。');
    expect(clipMs).toBeGreaterThan(3000);
    await setRepeat(page, 2);
    await page.getByTestId('broadcast-start').click();
    const onAir = page.getByTestId('broadcast-onair');
    await expect(onAir).toHaveAttribute('data-phase', 'on-air', { timeout: 10_000 });
    for (const n of SPEAKERS) await expect(page.getByTestId(`endpoint-${n}`)).toHaveAttribute('data-state', 'answered');
    await waitEnded(page, 2 * clipMs + 15_000);
    await expect(page.getByTestId('broadcast-phase')).toHaveText('播放完成');
    for (const n of SPEAKERS) {
      const runs = await phoneHeardRuns(lab, n);
      expect(runs, `${n} heard ${JSON.stringify(runs)}`).toHaveLength(2);
      for (const r of runs) {
        const heardMs = r.endMs - r.startMs;
        // The clip's own leading and trailing silence is not heard as sound; nothing longer than the clip is.
        expect(heardMs, `${n}: run of ${heardMs} ms for a ${clipMs} ms clip`).toBeGreaterThan(clipMs * 0.75);
        expect(heardMs).toBeLessThan(clipMs + 300);
      }
      // The repeat comes after a pause of about a second.
      expect(runs[1]!.startMs - runs[0]!.endMs).toBeGreaterThan(800);
    }
    // The record: completed, every speaker answered, with its time on air, and the audio that went out.
    const record = page.locator('[data-testid^="record-"][data-state="completed"]').first();
    await expect(record).toBeVisible();
    await expect(record.getByTestId('record-reached')).toHaveText('3/3 接通');
    await record.locator('.ant-table-row-expand-icon').click();
    const deliveries = page.locator('.ant-table-expanded-row').first();
    for (const n of SPEAKERS) await expect(deliveries.getByRole('row', { name: new RegExp(n) })).toContainText('已接通');
    await record.getByTestId('record-play').click();
    const audio = page.getByTestId('broadcast-rec-audio');
    await expect.poll(async () => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 10_000 }).toBeGreaterThan(0.5);
    const duration = await audio.evaluate((a: HTMLAudioElement) => a.duration);
    // MediaRecorder's WebM has no duration header until it is read through; either way it played.
    expect(Number.isNaN(duration) || duration === Infinity || duration > (2 * clipMs) / 1000 - 1).toBe(true);
  });

  test('an uploaded WAV is converted and played: every speaker hears its 1 kHz tone for its length', async ({ page, host, lab, errors: _errors }) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mdc-upload-'));
    try {
      const wav = path.join(dir, 'tone.wav');
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=1000:duration=3', '-ar', '44100', '-ac', '2', wav]);
      await openBroadcast(page, host.url);
      await page.getByTestId('compose-tab-file').click();
      await page.locator('input[type=file]').setInputFiles({ name: '警报音.wav', mimeType: 'audio/wav', buffer: readFileSync(wav) });
      await expect(page.getByTestId('compose-clip')).toContainText('警报音', { timeout: 20_000 });
      const clipMs = Number(await page.getByTestId('compose-clip').getAttribute('data-duration-ms'));
      expect(Math.abs(clipMs - 3000)).toBeLessThan(150);
      await setRepeat(page, 1);
      await page.getByTestId('broadcast-start').click();
      await waitEnded(page, 20_000);
      for (const n of SPEAKERS) {
        const runs = await phoneHeardRuns(lab, n);
        expect(runs, `${n} heard ${JSON.stringify(runs)}`).toHaveLength(1);
        const run = runs[0]!;
        expect(Math.abs(run.endMs - run.startMs - 3000), `${n}: ${run.endMs - run.startMs} ms`).toBeLessThan(400);
        expect(await phoneToneShare(lab, n, 1000, run.startMs + 200, run.endMs - 200)).toBeGreaterThan(0.8);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('live shouting: the speakers hear the microphone only while push-to-talk is held; the level meter moves', async ({ page, host, lab, errors: _errors }) => {
    await openBroadcast(page, host.url);
    await page.getByTestId('compose-tab-live').click();
    await page.getByTestId('broadcast-start-live').click();
    const onAir = page.getByTestId('broadcast-onair');
    await expect(onAir).toHaveAttribute('data-phase', 'on-air', { timeout: 10_000 });
    for (const n of SPEAKERS) await expect(page.getByTestId(`endpoint-${n}`)).toHaveAttribute('data-state', 'answered', { timeout: 10_000 });
    await page.waitForTimeout(1500); // on air, not talking: silence
    const ptt = page.getByTestId('broadcast-ptt');
    await ptt.dispatchEvent('pointerdown');
    await expect.poll(async () => Number(await page.getByTestId('level-meter').getAttribute('data-level')), { timeout: 5000 }).toBeGreaterThan(0.01);
    await page.waitForTimeout(2500);
    await ptt.dispatchEvent('pointerup');
    await page.waitForTimeout(1500); // released: silence again
    await page.getByTestId('broadcast-stop').click();
    await waitEnded(page, 15_000);
    await expect(page.getByTestId('broadcast-phase')).toHaveText('手动结束');
    for (const n of SPEAKERS) {
      const runs = await phoneHeardRuns(lab, n);
      expect(runs, `${n} heard ${JSON.stringify(runs)}`).toHaveLength(1);
      const run = runs[0]!;
      expect(run.startMs, `${n}: silence before push-to-talk`).toBeGreaterThan(1000);
      expect(run.endMs - run.startMs).toBeGreaterThan(1800);
      expect(run.endMs - run.startMs).toBeLessThan(3600);
    }
  });

  test('RTP speakers through Janus AudioBridge (G.711 μ-law and A-law) hear the message with a SIP speaker; with Janus down they fail and the SIP speaker still hears it', async ({
    page,
    host,
    lab,
    errors,
  }) => {
    await openBroadcast(page, host.url);
    await page.getByTestId('bgroup-实验室混合广播').getByTestId('bgroup-pick').click();
    const clipMs = await makeSpeech(page, '井下全体人员注意，立即撤离。');
    await setRepeat(page, 1);
    await page.getByTestId('broadcast-start').click();
    for (const n of MIXED) await expect(page.getByTestId(`endpoint-${n}`)).toHaveAttribute('data-state', 'answered', { timeout: 10_000 });
    await expect(page.getByTestId('endpoint-7101')).toContainText('RTP 198.18.0.2:5102（PCMU）');
    await waitEnded(page, clipMs + 15_000);
    for (const n of MIXED) {
      await expect(page.getByTestId(`endpoint-${n}`)).toHaveAttribute('data-outcome', 'answered');
      const runs = await phoneHeardRuns(lab, n);
      expect(runs, `${n} heard ${JSON.stringify(runs)}`).toHaveLength(1);
      expect(runs[0]!.endMs - runs[0]!.startMs).toBeGreaterThan(clipMs * 0.75);
      expect(runs[0]!.endMs - runs[0]!.startMs).toBeLessThan(clipMs + 300);
    }

    // Janus down: its speakers fail with the reason, the SIP speaker is not held up.
    errors.expect(/WebSocket connection to 'ws:\/\/198\.18\.0\.1:8188\/' failed/);
    errors.expect(/janus|Janus|ICE|transport/i);
    await lab.killJanus();
    try {
      const before = await page.getByTestId('broadcast-onair').getAttribute('data-broadcast-id');
      await page.getByTestId('broadcast-start').click();
      await expect(page.getByTestId('broadcast-onair')).not.toHaveAttribute('data-broadcast-id', before ?? '');
      for (const n of ['7101', '7102']) {
        await expect(page.getByTestId(`endpoint-${n}`)).toHaveAttribute('data-outcome', 'failed', { timeout: 15_000 });
        await expect(page.getByTestId(`endpoint-${n}`)).toContainText('AudioBridge');
      }
      await waitEnded(page, clipMs + 15_000);
      await expect(page.getByTestId('endpoint-7001')).toHaveAttribute('data-outcome', 'answered');
      expect(await phoneHeardRuns(lab, '7001')).toHaveLength(1);
      await expect(page.locator('[data-testid^="record-"]').first().getByTestId('record-reached')).toHaveText('1/3 接通');
    } finally {
      await lab.startJanus();
    }
  });

  test('a schedule fires at its time, plays to the group and is marked played', async ({ page, host, lab, errors: _errors }) => {
    await openBroadcast(page, host.url);
    const clipMs = await makeSpeech(page, '定时广播测试，请注意安全。');
    await page.getByTestId('compose-schedule').click();
    const modal = page.locator('.ant-modal').filter({ hasText: '新建定时广播' });
    await modal.getByTestId('schedule-name').fill('交接班提醒');
    const at = new Date(Date.now() + 15_000);
    const p = (n: number) => String(n).padStart(2, '0');
    const text = `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())} ${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}`;
    const picker = modal.locator('.ant-picker input');
    await picker.click();
    await picker.fill(text);
    await picker.press('Enter');
    await modal.getByTestId('schedule-name').click();
    await modal.getByRole('button', { name: /保\s*存/ }).click();
    await expect(modal).toBeHidden();
    const row = page.getByTestId('schedule-交接班提醒');
    await expect(row.getByTestId('schedule-state')).toHaveText('等待播放');
    // It fires by itself: the engine starts it, the record is marked as scheduled.
    await expect(page.getByTestId('broadcast-onair')).toHaveAttribute('data-phase', /connecting|on-air/, { timeout: 25_000 });
    const firedAt = Date.now();
    expect(firedAt).toBeGreaterThan(at.getTime() - 1000);
    await waitEnded(page, clipMs + 15_000);
    await expect(page.getByTestId('broadcast-phase')).toHaveText('播放完成');
    await expect(row.getByTestId('schedule-state')).toHaveText('已播出');
    for (const n of SPEAKERS) expect(await phoneHeardRuns(lab, n)).toHaveLength(2); // repeat: 2 (the editor's default)
    await page.getByTestId('tab-records').click();
    await expect(page.locator('[data-testid^="record-"][data-state="completed"]').first()).toContainText('定时');
  });

  test('bad input: endpoints down or silent are recorded as such while the others hear it; empty text, non-audio and past schedules are refused', async ({ page, host, lab, errors: _errors }) => {
    await openBroadcast(page, host.url);
    // A group with a working speaker, a speaker that never registers (480) and a phone that never answers.
    await page.getByTestId('bgroup-new').click();
    await page.getByTestId('bgroup-name').fill('含故障终端');
    const members = page.getByRole('combobox', { name: '广播终端' });
    for (const n of ['7001', '7009', '8999']) {
      await members.fill(n);
      await page.locator('.ant-select-item-option').filter({ hasText: n }).first().click();
    }
    await page.getByTestId('bgroup-name').click();
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('bgroup-含故障终端').getByTestId('bgroup-pick').click();
    // Empty text: nothing to make.
    await page.getByTestId('compose-tab-tts').click();
    await page.getByTestId('tts-text').fill('   ');
    await expect(page.getByTestId('tts-make')).toBeDisabled();
    await makeSpeech(page, '测试故障终端。');
    await setRepeat(page, 1);
    await page.getByTestId('broadcast-start').click();
    await expect(page.getByTestId('endpoint-7009')).toHaveAttribute('data-outcome', 'no-answer', { timeout: 10_000 });
    await expect(page.getByTestId('endpoint-7009')).toContainText('480');
    await waitEnded(page, 30_000);
    await expect(page.getByTestId('endpoint-7001')).toHaveAttribute('data-outcome', 'answered');
    await expect(page.getByTestId('endpoint-8999')).toHaveAttribute('data-outcome', 'no-answer');
    expect(await phoneHeardRuns(lab, '7001')).toHaveLength(1);
    const record = page.locator('[data-testid^="record-"][data-state="completed"]').first();
    await expect(record.getByTestId('record-reached')).toHaveText('1/3 接通');

    // A file that is not audio: refused with a clear message; the library does not change.
    await page.getByTestId('compose-tab-file').click();
    const before = await page.locator('[data-testid^="clip-"]').count();
    await page.locator('input[type=file]').setInputFiles({ name: '值班表.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from('这不是音频 just text') });
    await expect(page.locator('.ant-message')).toContainText('不是可识别的音频文件');
    await expect(page.locator('[data-testid^="clip-"]')).toHaveCount(before);

    // A schedule in the past: refused, nothing stored.
    await page.getByTestId('compose-schedule').click();
    const modal = page.locator('.ant-modal').filter({ hasText: '新建定时广播' });
    await modal.getByTestId('schedule-name').fill('过去的时间');
    const picker = modal.locator('.ant-picker input');
    await picker.click();
    await picker.fill('2020-01-01 08:00:00');
    await picker.press('Enter');
    await modal.getByTestId('schedule-name').click();
    await modal.getByRole('button', { name: /保\s*存/ }).click();
    await expect(page.locator('.ant-message')).toContainText('定时时间已过');
    await modal.getByRole('button', { name: /取\s*消/ }).click();
    await expect(page.getByTestId('schedule-过去的时间')).toHaveCount(0);
  });
});

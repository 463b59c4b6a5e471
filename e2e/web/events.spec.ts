import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { AlarmStore } from '../../src/main/alarms/alarmStore';
import { EventStore } from '../../src/main/events/eventStore';
import { openStore } from '../../src/main/services/store';
import { expect, test } from '../support/fixtures';
import { startWebHostProcess, type WebHostProcess } from '../support/webHostProcess';

/**
 * 事件管理 against a web host of its own (no lab needed: events, alarms to link and the catalogue-free mine names are
 * seeded into its data dir): a new event with coordinates and a linked alarm, edited and closed, every change in the
 * history and in SQLite; Chinese search and filters; CSV and Excel export read back and re-imported; a CSV import
 * with bad rows; a 快报 from the built-in template and an edited one; and an event that survives a SIGKILL.
 */

const HOUR = 3_600_000;

/** Seeds two events and an alarm into a data dir before its host starts. */
function seed(dataDir: string): { alarmId: string; waterId: string } {
  const db = openStore({ dataDir });
  try {
    const now = Date.now();
    const alarm = new AlarmStore(db).ingest(
      {
        sourceId: 'e2e',
        externalId: 'e2e-1',
        category: 'ai',
        kind: 'smoke-fire',
        kindName: null,
        level: 3,
        channelId: null,
        deviceId: 'AIBOX-E2E',
        reporter: 'AIBOX-E2E',
        occurredAt: now - HOUR,
        score: 0.9,
        boxes: [],
        description: '主斜井皮带机头烟火',
      },
      { link: { mineId: 'm-wz', mineName: '王庄煤矿', county: '140403', linked: true }, picture: null },
    ).alarm;
    const events = new EventStore(db, { seatId: 'seat-e2e', now: () => now - 2 * HOUR });
    const base = { mineId: null, location: null, casualties: '无', cause: '', measures: '', reporter: '值班员甲', links: [] };
    const water = events.create({ ...base, type: 'water', level: 3, mineName: '常村煤矿', place: '中央水泵房', occurredAt: now - 3 * HOUR, description: '水仓水位上涨' }, '值班员甲');
    events.create({ ...base, type: 'electromechanical', level: 1, mineName: '余吾煤业', place: '2号变电所', occurredAt: now - 4 * HOUR, description: '高压开关跳闸' }, '值班员甲');
    return { alarmId: alarm.id, waterId: water.id };
  } finally {
    db.close();
  }
}

async function eventsHost(dataDir: string): Promise<WebHostProcess> {
  return startWebHostProcess({ dataDir });
}

/** 警情事件 → the 事件管理 tab (the events page is the second tab beside 警情记录). */
async function openEvents(page: Page, host: WebHostProcess): Promise<void> {
  await page.goto(host.url);
  await page.getByTestId('nav-alarms').click();
  const eventsPage = page.getByTestId('events-page');
  if (!(await eventsPage.isVisible())) await page.getByRole('tab', { name: '事件管理' }).click();
  await expect(eventsPage).toBeVisible();
}

function rows(page: Page) {
  return page.getByTestId('event-table').locator('[data-event-id]');
}

async function pick(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: option }).first().click();
}

function exited(child: WebHostProcess['child']): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-e2e-events-'));
}

test.describe('事件管理', () => {
  test('新建 with coordinates and a linked alarm, 编辑, 结束: the history and SQLite hold every change', async ({ page }) => {
    const dir = tempDir();
    const { alarmId } = seed(dir);
    const host = await eventsHost(dir);
    try {
      await openEvents(page, host);
      await expect(rows(page)).toHaveCount(2);
      // Types are shown by colour.
      await expect(rows(page).first().locator('[data-event-type="water"]')).toBeVisible();

      await page.getByTestId('event-new').click();
      await pick(page, 'event-form-type', '火灾');
      await pick(page, 'event-form-level', '较大');
      await page.getByTestId('event-form-place').fill('主斜井皮带机头');
      await page.getByTestId('event-form-lon').fill('113.123456');
      await page.getByTestId('event-form-lat').fill('36.234567');
      await page.getByTestId('event-form-reporter').fill('张调度');
      await page.getByTestId('event-form-description').fill('皮带机头冒烟，AI 报警');
      await pick(page, 'event-link-alarm', '烟火');
      await page.keyboard.press('Escape');
      await page.getByTestId('event-form-save').click();

      const detail = page.getByTestId('event-detail');
      await expect(page.getByTestId('event-detail-state')).toHaveText('处置中');
      await expect(detail).toContainText('113.123456, 36.234567');
      await expect(page.getByTestId('event-detail-link')).toContainText('烟火');
      await expect(rows(page)).toHaveCount(3);

      await page.getByTestId('event-edit').click();
      await pick(page, 'event-form-level', '特别重大');
      await page.getByTestId('event-form-save').click();
      await expect(page.getByTestId('event-history').locator('.ant-timeline-item')).toHaveCount(2);
      await expect(page.getByTestId('event-history')).toContainText('较大 → 特别重大');

      await page.getByTestId('event-close').click();
      await page.getByTestId('event-close-note').fill('明火已扑灭，恢复生产');
      await page.getByTestId('event-close-confirm').click();
      await expect(page.getByTestId('event-detail-state')).toHaveText('已结束');
      await expect(page.getByTestId('event-history').locator('.ant-timeline-item')).toHaveCount(3);
      await expect(page.getByTestId('event-history')).toContainText('明火已扑灭');

      const db = openStore({ dataDir: dir });
      try {
        const row = db.prepare("SELECT * FROM events WHERE type = 'fire'").get() as Record<string, unknown>;
        expect(row).toMatchObject({ level: 4, state: 'closed', place: '主斜井皮带机头', lon: 113.123456, lat: 36.234567, reporter: '张调度' });
        expect(db.prepare('SELECT kind, target_id FROM event_links WHERE event_id = ?').all(row.id)).toEqual([{ kind: 'alarm', target_id: alarmId }]);
        const history = db.prepare('SELECT action, actor FROM event_history WHERE event_id = ? ORDER BY at').all(row.id);
        expect(history).toEqual([
          { action: 'create', actor: 'operator' },
          { action: 'update', actor: 'operator' },
          { action: 'close', actor: 'operator' },
        ]);
        expect(() => db.prepare('DELETE FROM event_history').run()).toThrow(/append-only/);
      } finally {
        db.close();
      }
    } finally {
      await host.stop();
    }
  });

  test('search in Chinese and filter by type and state', async ({ page }) => {
    const dir = tempDir();
    const { waterId } = seed(dir);
    const host = await eventsHost(dir);
    try {
      await openEvents(page, host);
      await page.getByTestId('event-search').locator('input').fill('水泵');
      await page.getByTestId('event-search').locator('input').press('Enter');
      await expect(rows(page)).toHaveCount(1);
      await expect(rows(page).first()).toHaveAttribute('data-event-id', waterId);
      await page.getByTestId('event-search').locator('input').fill('');
      await page.getByTestId('event-search').locator('input').press('Enter');
      await expect(rows(page)).toHaveCount(2);
      await pick(page, 'event-filter-type', '机电事故');
      await expect(rows(page)).toHaveCount(1);
      await expect(rows(page).first()).toContainText('2号变电所');
      await pick(page, 'event-filter-state', '已结束');
      await expect(rows(page)).toHaveCount(0);
    } finally {
      await host.stop();
    }
  });

  test('export CSV (UTF-8 with BOM) and Excel, re-import creates nothing twice, a CSV with bad rows imports the good ones', async ({ page }) => {
    const dir = tempDir();
    seed(dir);
    const host = await eventsHost(dir);
    try {
      await openEvents(page, host);
      const csvDownload = page.waitForEvent('download');
      await page.getByTestId('event-export-csv').click();
      const csvFile = path.join(dir, 'out.csv');
      await (await csvDownload).saveAs(csvFile);
      const csv = fs.readFileSync(csvFile);
      expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = csv.toString('utf8').slice(1).split('\r\n');
      expect(lines[0]).toMatch(/^事件编号,类型,级别,状态,煤矿,地点/);
      expect(lines.filter((l) => l).length).toBe(3);
      expect(csv.toString('utf8')).toContain('水害,重大,处置中,常村煤矿,中央水泵房');

      const xlsxDownload = page.waitForEvent('download');
      await page.getByTestId('event-export-xlsx').click();
      const xlsxFile = path.join(dir, 'out.xlsx');
      await (await xlsxDownload).saveAs(xlsxFile);
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(xlsxFile);
      const sheet = book.worksheets[0]!;
      expect(sheet.rowCount).toBe(3);
      expect(sheet.getRow(1).getCell(2).value).toBe('类型');
      expect(sheet.getRow(2).getCell(2).value).toBe('水害');

      // The exported workbook again: every row exists already.
      await page.getByTestId('event-import-open').click();
      await page.locator('[data-testid="event-import"] input[type=file]').setInputFiles(xlsxFile);
      await expect(page.getByTestId('event-import-summary')).toContainText('0 行可导入，2 行有错误');
      await expect(page.getByTestId('event-import-errors')).toContainText('已存在');
      await expect(page.getByTestId('event-import-commit')).toBeDisabled();

      const bad = path.join(dir, 'in.csv');
      fs.writeFileSync(
        bad,
        '\ufeff类型,级别,煤矿,地点,发生时间,描述\r\n水害,较大,王庄煤矿,北翼采区,2026-11-20 08:30,老空水渗出\r\n洪水,较大,王庄煤矿,,2026-11-20 08:30,\r\n火灾,9,王庄煤矿,,2026-11-20 08:30,\r\n',
      );
      await page.locator('[data-testid="event-import"] input[type=file]').setInputFiles(bad);
      await expect(page.getByTestId('event-import-summary')).toContainText('共 3 行：1 行可导入，2 行有错误');
      await expect(page.getByTestId('event-import-errors')).toContainText('洪水');
      await page.getByTestId('event-import-commit').click();
      await expect(page.getByTestId('event-import')).toBeHidden();
      await expect(rows(page)).toHaveCount(3);
      await expect(page.getByTestId('event-table')).toContainText('老空水渗出');
    } finally {
      await host.stop();
    }
  });

  test('快报 from the built-in template, an edited one with an unknown placeholder, saved as a template, downloaded', async ({ page }) => {
    const dir = tempDir();
    const { waterId } = seed(dir);
    const host = await eventsHost(dir);
    try {
      await openEvents(page, host);
      await page.getByTestId(`event-detail-${waterId}`).click();
      await page.getByTestId('event-report').click();
      const preview = page.getByTestId('report-preview');
      await expect(preview).toContainText('煤矿安全生产事故快报');
      await expect(preview).toContainText('四、事故类型：水害（重大）');
      await expect(preview).toContainText('二、事故发生地点：常村煤矿 中央水泵房');
      await expect(preview).not.toContainText('{{');

      await page.getByTestId('report-template-body').fill('{{煤矿}}{{地点}}发生{{类型}}，{{不存在}}');
      await expect(preview).toHaveText('常村煤矿中央水泵房发生水害，{{不存在}}');
      await expect(page.getByTestId('report-unknown')).toContainText('不存在');

      await page.getByTestId('report-modal').getByPlaceholder('新模板名称').fill('简报');
      await page.getByTestId('report-template-save-as').click();
      await expect(page.getByTestId('report-template')).toContainText('简报');

      const download = page.waitForEvent('download');
      await page.getByTestId('report-download').click();
      const file = path.join(dir, 'report.txt');
      await (await download).saveAs(file);
      expect(fs.readFileSync(file, 'utf8').replace(/^\ufeff/, '')).toBe('常村煤矿中央水泵房发生水害，{{不存在}}');
    } finally {
      await host.stop();
    }
  });

  test('an event and its history survive a SIGKILL of the host', async ({ page }) => {
    const dir = tempDir();
    seed(dir);
    let host = await eventsHost(dir);
    try {
      await openEvents(page, host);
      await page.getByTestId('event-new').click();
      await pick(page, 'event-form-type', '顶板事故');
      await page.getByTestId('event-form-place').fill('东翼 2305 掘进工作面');
      await page.getByTestId('event-form-save').click();
      await expect(page.getByTestId('event-detail-state')).toHaveText('处置中');

      host.child.kill('SIGKILL');
      await exited(host.child);
      host = await eventsHost(dir);
      await openEvents(page, host);
      const row = rows(page).filter({ hasText: '东翼 2305 掘进工作面' });
      await expect(row.locator('[data-event-type="roof"]')).toBeVisible();
      await row.locator('[data-testid^="event-detail-"]').click();
      await expect(page.getByTestId('event-history').locator('.ant-timeline-item')).toHaveCount(1);
    } finally {
      await host.stop();
    }
  });
});

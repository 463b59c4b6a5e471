import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { openStore } from '../../src/main/services/store';
import { TaskStore } from '../../src/main/tasks/taskStore';
import type { Lab } from '../../lab/lab';
import { expect, test } from '../support/fixtures';
import { startWebHostProcess, type WebHostProcess } from '../support/webHostProcess';

/**
 * 任务管理 against a web host of its own (its tasks stay out of the other specs) with the lab PBX's directory: a task
 * to a directory contact through its whole life, overdue marking and filtering, text search, and a task that
 * survives a SIGKILL of the host with its history.
 */

const HOUR = 3_600_000;

async function taskHost(lab: Lab, dataDir?: string): Promise<WebHostProcess> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-e2e-tasks-'));
  return startWebHostProcess({ labBackend: lab.janusUrl, labPbx: lab.pbx.consoleJson, dataDir: dir });
}

async function openTasks(page: Page, host: WebHostProcess): Promise<void> {
  await page.goto(host.url);
  await page.getByTestId('nav-tasks').click();
  await expect(page.getByTestId('tasks-page')).toBeVisible();
}

/** Seeds tasks straight into a data dir (before its host starts): one overdue, one due later, as another sender. */
function seed(dataDir: string): { overdue: string; later: string } {
  const db = openStore({ dataDir });
  try {
    const now = Date.now();
    let clock = now - 5 * HOUR;
    const store = new TaskStore(db, { seatId: 'seat-e2e', now: () => clock });
    const overdue = store.create(
      { title: '排查主井提升机异响', description: '', level: 3, receiver: { kind: 'text', id: null, name: '机电科' }, deadline: now - 2 * HOUR },
      'operator',
    );
    clock += 60_000;
    const later = store.create(
      { title: '上报瓦斯超限处置情况', description: '附监测曲线', level: 2, receiver: { kind: 'text', id: null, name: 'operator' }, deadline: now + 5 * HOUR },
      '指挥长李四',
    );
    return { overdue: overdue.id, later: later.id };
  } finally {
    db.close();
  }
}

function exited(child: WebHostProcess['child']): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function transition(page: Page, action: string, note?: string): Promise<void> {
  await page.getByTestId(`task-action-${action}`).click();
  if (note) await page.getByTestId('task-action-note').fill(note);
  await page.getByTestId('task-action-confirm').click();
  await expect(page.getByTestId('task-action-confirm')).toBeHidden();
}

test.describe('任务管理', () => {
  test('a task to a directory contact: 新建 → 接收 → 开始处理 → 完成, each step in the history', async ({ page, lab }) => {
    const host = await taskHost(lab);
    try {
      await openTasks(page, host);
      const contact = lab.pbx.phones.find((p) => p.role === 'duty')!;
      await page.getByTestId('task-new').click();
      await page.getByTestId('task-form-title').fill('核查皮带机头人员穿越报警');
      await page.getByTestId('task-form-contact').click();
      await page.keyboard.type(contact.name);
      await page.keyboard.press('Enter');
      await page.getByTestId('task-form-quick-2h').click();
      await page.getByTestId('task-form-description').fill('调取视频并电话核实');
      await page.locator('.ant-modal-footer .ant-btn-primary').click();

      // The drawer opens on the new task; the list (我的任务: sent by me) has it.
      await expect(page.getByTestId('task-detail-state')).toHaveText('待接收');
      const row = page.locator('[data-task-id]', { hasText: '核查皮带机头人员穿越报警' });
      await expect(row).toContainText(contact.name);
      await expect(row).toContainText(/剩余 1 小时 5\d 分钟|剩余 2 小时/);

      await transition(page, 'accept', '收到');
      await expect(page.getByTestId('task-detail-state')).toHaveText('已接收');
      await expect(page.getByTestId('task-action-complete')).toHaveCount(0);
      await transition(page, 'start');
      await transition(page, 'complete', '已核实，系误报');
      await expect(page.getByTestId('task-detail-state')).toHaveText('已完成');
      await expect(page.getByTestId('task-actions')).toHaveCount(0);
      const history = page.getByTestId('task-history');
      await expect(history.locator('.ant-timeline-item')).toHaveCount(4);
      await expect(history).toContainText('已核实，系误报');
      await expect(row.locator('[data-testid^="task-state-"]')).toHaveText('已完成');
    } finally {
      await host.stop();
    }
  });

  test('overdue tasks are marked red, 仅超期 lists only them, 我发出的 and text search filter', async ({ page, lab }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-e2e-tasks-'));
    const ids = seed(dir);
    const host = await taskHost(lab, dir);
    try {
      await openTasks(page, host);
      const overdueRow = page.locator(`[data-task-id="${ids.overdue}"]`);
      await expect(overdueRow).toHaveClass(/task-row--overdue/);
      await expect(page.getByTestId(`task-deadline-${ids.overdue}`)).toHaveText(/超期 (1 小时 5\d 分钟|2 小时)/);
      await expect(page.locator(`[data-task-id="${ids.later}"]`)).not.toHaveClass(/task-row--overdue/);
      await expect(page.getByTestId('tasks-overdue-count')).toHaveText('超期 1');

      await page.getByTestId('task-filter-overdue').click();
      await expect(page.locator('[data-task-id]')).toHaveCount(1);
      await page.getByTestId('task-filter-overdue').click();
      await expect(page.locator('[data-task-id]')).toHaveCount(2);

      await page.getByTestId('tasks-tab-sent').click();
      await expect(page.locator('[data-task-id]')).toHaveCount(1);
      await expect(overdueRow).toBeVisible();
      await page.getByTestId('tasks-tab-all').click();
      await page.getByTestId('task-search').locator('input').fill('瓦斯');
      await page.getByTestId('task-search').locator('input').press('Enter');
      await expect(page.locator('[data-task-id]')).toHaveCount(1);
      await expect(page.locator(`[data-task-id="${ids.later}"]`)).toBeVisible();
    } finally {
      await host.stop();
    }
  });

  test('a task and its history survive a SIGKILL of the host', async ({ page, lab }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-e2e-tasks-'));
    let host = await taskHost(lab, dir);
    try {
      await openTasks(page, host);
      await page.getByTestId('task-new').click();
      await page.getByTestId('task-form-title').fill('通知常村煤矿加强巡检');
      await page.getByTestId('task-form-receiver-kind').getByText('手工填写').click();
      await page.getByTestId('task-form-receiver-text').fill('常村煤矿调度室');
      await page.getByTestId('task-form-quick-30m').click();
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      await expect(page.getByTestId('task-detail-state')).toHaveText('待接收');
      await transition(page, 'reject', '不归我单位负责');
      await expect(page.getByTestId('task-detail-state')).toHaveText('已退回');

      host.child.kill('SIGKILL');
      await exited(host.child);
      host = await taskHost(lab, dir);
      await openTasks(page, host);
      const row = page.locator('[data-task-id]', { hasText: '通知常村煤矿加强巡检' });
      await expect(row.locator('[data-testid^="task-state-"]')).toHaveText('已退回');
      await row.locator('[data-testid^="task-detail-"]').click();
      await expect(page.getByTestId('task-history').locator('.ant-timeline-item')).toHaveCount(2);
      await expect(page.getByTestId('task-history')).toContainText('不归我单位负责');
    } finally {
      await host.stop();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { requestContract } from '../../shared/contract/consoleApi';
import { AuditLog } from '../services/auditLog';
import type { SyncRecord } from '../sync/recordSink';
import { T0, tempStores } from '../telephony/telephonyFixture.test-support';
import { createTaskService } from './taskHandlers';

const stores = tempStores();
afterEach(() => stores.cleanup());

describe('createTaskService', () => {
  it('serves the contract: inputs parsed as the dispatcher would, outputs valid, each change audited and sent', async () => {
    const { db } = stores.fresh();
    const audit = new AuditLog(db);
    const records: SyncRecord[] = [];
    const { handlers, applyRemote } = createTaskService({ db, audit, actor: '值班员', seatId: 'seat-a', sink: { enqueue: (r) => records.push(r) }, now: () => T0 });
    const created = await handlers.createTask(
      requestContract.createTask.input.parse({
        title: ' 核查一键报警 ',
        description: '',
        level: 1,
        receiver: { kind: 'mine', id: 'm1', name: '王庄煤矿' },
        mineId: 'm1',
        deadline: T0 + 60_000,
      }),
    );
    expect(requestContract.createTask.output.parse(created)).toEqual(created);
    expect(created).toMatchObject({ title: '核查一键报警', sender: '值班员', seatId: 'seat-a' });
    const moved = await handlers.transitionTask(requestContract.transitionTask.input.parse({ id: created.id, action: 'accept', note: '收到' }));
    expect(moved.state).toBe('accepted');
    const edited = await handlers.updateTask(requestContract.updateTask.input.parse({ id: created.id, level: 2 }));
    expect(edited.level).toBe(2);
    const list = await handlers.listTasks(requestContract.listTasks.input.parse({ scope: 'sent', limit: 10 }));
    expect(requestContract.listTasks.output.parse(list)).toEqual([edited]);
    const detail = await handlers.getTask({ id: created.id });
    expect(requestContract.getTask.output.parse(detail).history.map((h) => h.action)).toEqual(['create', 'accept', 'edit']);
    expect(audit.list(10).map((a) => a.action).reverse()).toEqual(['task.create', 'task.accept', 'task.update']);
    expect(records.map((r) => r.kind)).toEqual(['task-change', 'task-change', 'task-change']);
    // Its own records applied back are repeats.
    records.forEach(applyRemote);
    expect((await handlers.getTask({ id: created.id })).history).toHaveLength(3);
  });
});

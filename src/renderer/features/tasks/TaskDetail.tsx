import { useState } from 'react';
import { App, Button, Descriptions, Drawer, Empty, Input, Modal, Space, Tag, Timeline, Typography } from 'antd';
import { allowedTaskActions, FINISHED_TASK_STATES, isTaskOverdue, type Task, type TaskHistoryEntry, type TaskTransitionAction } from '../../../shared/domain/task';
import { localDateTime } from '../../../shared/localTime';
import { useT } from '../../app/hooks';
import type { StringKey } from '../../app/strings';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { actionKey, deadlineText, levelKey, stateKey, TASK_LEVEL_COLORS, TASK_STATE_COLORS } from './taskModel';
import { useGetTaskQuery, useTransitionTaskMutation } from './tasksApi';

const DANGER: readonly TaskTransitionAction[] = ['reject', 'cancel'];

/** One task: what, who, when, the state buttons (each with an optional note) and the full history. */
export function TaskDetail({ taskId, now, onClose, onEdit }: { taskId: string | null; now: number; onClose: () => void; onEdit: (task: Task) => void }) {
  const t = useT();
  const { data, error } = useGetTaskQuery(taskId ?? '', { skip: taskId === null });
  const shown = data && data.task.id === taskId ? data : null;
  return (
    <Drawer
      open={taskId !== null}
      onClose={onClose}
      mask={false}
      width={600}
      destroyOnHidden
      title={shown ? <DetailTitle task={shown.task} /> : t('tasks.detail.title')}
      extra={
        shown && !FINISHED_TASK_STATES.includes(shown.task.state) ? (
          <Button size="small" onClick={() => onEdit(shown.task)} data-testid="task-edit">
            {t('tasks.detail.edit')}
          </Button>
        ) : null
      }
      data-testid="task-detail"
    >
      {shown ? (
        <DetailBody task={shown.task} history={shown.history} now={now} />
      ) : error ? (
        <Empty description={(error as { message?: string }).message ?? t('tasks.failed')} />
      ) : null}
    </Drawer>
  );
}

function DetailTitle({ task }: { task: Task }) {
  const t = useT();
  return (
    <Space size={8}>
      <Tag color={TASK_LEVEL_COLORS[task.level]}>{t(levelKey(task.level))}</Tag>
      <span>{task.title}</span>
      <Tag color={TASK_STATE_COLORS[task.state]} data-testid="task-detail-state">
        {t(stateKey(task.state))}
      </Tag>
    </Space>
  );
}

function DetailBody({ task, history, now }: { task: Task; history: TaskHistoryEntry[]; now: number }) {
  const t = useT();
  const { data: catalogue } = useGetCatalogueQuery();
  const mine = task.mineId ? catalogue?.mines.find((m) => m.id === task.mineId) : null;
  const overdue = isTaskOverdue(task, now);
  // Seats are named once more than one took part.
  const multiSeat = new Set(history.map((h) => h.seatId)).size > 1;
  return (
    <div className="task-detail">
      <TaskActions task={task} />
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('tasks.col.receiver')}>{task.receiver.name}</Descriptions.Item>
        <Descriptions.Item label={t('tasks.col.sender')}>{task.sender}</Descriptions.Item>
        <Descriptions.Item label={t('tasks.col.created')}>{localDateTime(task.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('tasks.col.deadline')}>
          <div>{localDateTime(task.deadline)}</div>
          {!FINISHED_TASK_STATES.includes(task.state) ? (
            <Typography.Text type={overdue ? 'danger' : undefined} data-testid="task-detail-deadline">
              {deadlineText(t, task.deadline, now)}
            </Typography.Text>
          ) : null}
        </Descriptions.Item>
        <Descriptions.Item label={t('tasks.detail.mine')}>{mine ? mine.shortName || mine.name : (task.mineId ?? '—')}</Descriptions.Item>
        <Descriptions.Item label={t('tasks.detail.feedback')}>{task.feedback ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('tasks.detail.description')} span={2}>
          <div className="task-detail__description">{task.description || '—'}</div>
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5}>{t('tasks.detail.history')}</Typography.Title>
      <Timeline
        data-testid="task-history"
        items={history.map((h) => ({
          key: h.changeId,
          color: h.action === 'reject' || h.action === 'cancel' ? 'red' : h.action === 'complete' ? 'green' : 'blue',
          children: (
            <div className="task-history__item">
              <div>
                <strong>{t(actionKey(h.action))}</strong> · {h.actor} · {localDateTime(h.at)}
                {multiSeat ? <span className="task-history__seat"> · {t('tasks.detail.seat', { seat: h.seatId })}</span> : null}
              </div>
              {h.action === 'edit' ? (
                <div className="task-history__changed">
                  {t('tasks.detail.changed', { fields: h.changed.map((f) => t(`tasks.field.${f}` as StringKey)).join('、') })}
                </div>
              ) : null}
              {h.note ? <div className="task-history__note">{h.note}</div> : null}
            </div>
          ),
        }))}
      />
    </div>
  );
}

/** 接收, 开始处理, 完成, 退回, 撤销 as the state allows; each asks for an optional note first. */
export function TaskActions({ task }: { task: Task }) {
  const t = useT();
  const { message } = App.useApp();
  const [transition, state] = useTransitionTaskMutation();
  const [asking, setAsking] = useState<TaskTransitionAction | null>(null);
  const [note, setNote] = useState('');
  const actions = allowedTaskActions(task.state);
  if (actions.length === 0) return null;

  const confirm = async (): Promise<void> => {
    if (!asking) return;
    const result = await transition({ id: task.id, action: asking, ...(note.trim() ? { note: note.trim() } : {}) });
    if ('error' in result) {
      message.error((result.error as { message?: string }).message ?? t('tasks.failed'));
      return;
    }
    message.success(t('tasks.detail.done', { action: t(actionKey(asking)) }));
    setAsking(null);
    setNote('');
  };

  return (
    <>
      <Space size={8} wrap data-testid="task-actions">
        {actions.map((a) => (
          <Button key={a} type={DANGER.includes(a) ? 'default' : 'primary'} danger={DANGER.includes(a)} onClick={() => setAsking(a)} data-testid={`task-action-${a}`}>
            {t(actionKey(a))}
          </Button>
        ))}
      </Space>
      <Modal
        open={asking !== null}
        title={asking ? t('tasks.detail.noteTitle', { action: t(actionKey(asking)), title: task.title }) : ''}
        onCancel={() => setAsking(null)}
        onOk={() => void confirm()}
        okText={asking ? t(actionKey(asking)) : undefined}
        okButtonProps={{ danger: asking !== null && DANGER.includes(asking), 'data-testid': 'task-action-confirm' } as React.ComponentProps<typeof Button>}
        confirmLoading={state.isLoading}
        destroyOnHidden
      >
        <Input.TextArea rows={3} maxLength={500} showCount value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('tasks.detail.notePlaceholder')} data-testid="task-action-note" />
      </Modal>
    </>
  );
}

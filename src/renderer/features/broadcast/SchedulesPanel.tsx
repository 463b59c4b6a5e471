import { App, Button, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Select, Table, Tag } from 'antd';
import { StopOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import type { BroadcastClip, BroadcastGroup, BroadcastSchedule, ScheduleRecurrence } from '../../../shared/domain/broadcast';
import { useT } from '../../app/hooks';
import { useCancelScheduleMutation, useListSchedulesQuery, useSaveScheduleMutation } from './broadcastApi';
import { timeText } from './broadcastModel';

export type ScheduleDraft = { groupId: string | null; clipId: string | null };

type Props = {
  groups: BroadcastGroup[];
  clips: BroadcastClip[];
  /** The editor's starting values (null: closed). */
  draft: ScheduleDraft | null;
  onDraft: (draft: ScheduleDraft | null) => void;
};

const STATE_COLOR: Record<BroadcastSchedule['state'], string> = { active: 'processing', done: 'success', cancelled: 'default', missed: 'warning' };

type FormValues = { name: string; groupId: string; clipId: string; at: Dayjs; recurrence: ScheduleRecurrence; repeat: number };

/** 定时广播: every schedule with its next time and state, cancel, and the editor for a new one. */
export function SchedulesPanel({ groups, clips, draft, onDraft }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const { data: schedules = [] } = useListSchedulesQuery();
  const [save, { isLoading: saving }] = useSaveScheduleMutation();
  const [cancel] = useCancelScheduleMutation();
  const [form] = Form.useForm<FormValues>();
  const groupName = (id: string) => groups.find((g) => g.id === id)?.name ?? id;
  const clipName = (id: string) => clips.find((c) => c.id === id)?.name ?? id;

  const submit = async () => {
    let v: FormValues;
    try {
      v = await form.validateFields();
    } catch {
      return; // the form shows what is missing
    }
    const result = await save({
      id: `s-${crypto.randomUUID().slice(0, 8)}`,
      name: v.name.trim(),
      groupId: v.groupId,
      clipId: v.clipId,
      repeat: v.repeat,
      firstAt: v.at.valueOf(),
      recurrence: v.recurrence,
    });
    if ('error' in result) message.error((result.error as { message?: string }).message ?? String(result.error));
    else onDraft(null);
  };

  const columns = [
    { title: t('broadcast.schedule.name'), dataIndex: 'name', key: 'name' },
    { title: t('broadcast.col.group'), key: 'group', render: (_: unknown, s: BroadcastSchedule) => groupName(s.groupId) },
    { title: t('broadcast.schedule.clip'), key: 'clip', ellipsis: true, render: (_: unknown, s: BroadcastSchedule) => `${clipName(s.clipId)} ×${s.repeat}` },
    { title: t('broadcast.schedule.recurrence'), key: 'rec', width: 80, render: (_: unknown, s: BroadcastSchedule) => t(`broadcast.schedule.${s.recurrence}`) },
    { title: t('broadcast.schedule.next'), key: 'next', width: 160, render: (_: unknown, s: BroadcastSchedule) => (s.nextAt ? timeText(s.nextAt) : '—') },
    { title: t('broadcast.schedule.last'), key: 'last', width: 160, render: (_: unknown, s: BroadcastSchedule) => (s.lastFiredAt ? timeText(s.lastFiredAt) : '—') },
    {
      title: t('broadcast.col.result'),
      key: 'state',
      width: 90,
      render: (_: unknown, s: BroadcastSchedule) => (
        <Tag color={STATE_COLOR[s.state]} data-testid="schedule-state">
          {t(`broadcast.schedule.state.${s.state}`)}
        </Tag>
      ),
    },
    {
      title: '',
      key: 'actions',
      width: 100,
      render: (_: unknown, s: BroadcastSchedule) =>
        s.state === 'active' ? (
          <Popconfirm
            title={t('broadcast.schedule.cancelConfirm', { name: s.name })}
            onConfirm={() =>
              void cancel(s.id).then((r) => {
                if ('error' in r) message.error((r.error as { message?: string }).message ?? String(r.error));
              })
            }
          >
            <Button size="small" danger icon={<StopOutlined />} data-testid="schedule-cancel">
              {t('broadcast.schedule.cancel')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <div className="broadcast-schedules" data-testid="broadcast-schedules">
      <div className="broadcast-toolbar">
        <Button type="primary" onClick={() => onDraft({ groupId: null, clipId: null })} data-testid="schedule-new">
          {t('broadcast.schedule.new')}
        </Button>
      </div>
      <Table
        size="small"
        rowKey="id"
        dataSource={schedules}
        columns={columns}
        pagination={{ pageSize: 8, hideOnSinglePage: true }}
        locale={{ emptyText: t('broadcast.schedule.empty') }}
        onRow={(s) => ({ 'data-testid': `schedule-${s.name}` }) as React.HTMLAttributes<HTMLElement>}
      />
      <Modal
        open={draft !== null}
        title={t('broadcast.schedule.new')}
        onOk={() => void submit()}
        onCancel={() => onDraft(null)}
        okText={t('phone.save')}
        confirmLoading={saving}
        destroyOnHidden
        afterOpenChange={(open) => {
          if (open && draft)
            form.setFieldsValue({ groupId: draft.groupId ?? undefined, clipId: draft.clipId ?? undefined, at: dayjs().add(10, 'minute').second(0), recurrence: 'once', repeat: 2 });
        }}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('broadcast.schedule.name')} rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input data-testid="schedule-name" />
          </Form.Item>
          <Form.Item name="groupId" label={t('broadcast.target')} rules={[{ required: true }]}>
            <Select aria-label={t('broadcast.target')} options={groups.map((g) => ({ value: g.id, label: g.name }))} />
          </Form.Item>
          <Form.Item name="clipId" label={t('broadcast.schedule.clip')} rules={[{ required: true }]}>
            <Select aria-label={t('broadcast.schedule.clip')} options={clips.map((c) => ({ value: c.id, label: c.name }))} />
          </Form.Item>
          <Form.Item name="at" label={t('broadcast.schedule.time')} rules={[{ required: true }]}>
            <DatePicker showTime format="YYYY-MM-DD HH:mm:ss" data-testid="schedule-time" />
          </Form.Item>
          <Form.Item name="recurrence" label={t('broadcast.schedule.recurrence')}>
            <Select
              aria-label={t('broadcast.schedule.recurrence')}
              options={(['once', 'daily', 'weekly'] as const).map((r) => ({ value: r, label: t(`broadcast.schedule.${r}`) }))}
            />
          </Form.Item>
          <Form.Item name="repeat" label={t('broadcast.repeat')}>
            <InputNumber min={1} max={10} aria-label={t('broadcast.repeat')} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}

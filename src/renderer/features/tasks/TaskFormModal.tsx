import { useEffect, useMemo } from 'react';
import { App, Button, DatePicker, Form, Input, Modal, Segmented, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { MAX_TASK_DESCRIPTION, MAX_TASK_TITLE, type Task, type TaskReceiver } from '../../../shared/domain/task';
import { useT } from '../../app/hooks';
import { useListContactsQuery } from '../phone/phoneApi';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { levelKey, quickDeadline } from './taskModel';
import { useCreateTaskMutation, useUpdateTaskMutation } from './tasksApi';

type ReceiverKind = 'contact' | 'mine' | 'text';

type FormValues = {
  title: string;
  description?: string;
  level: number;
  receiverKind: ReceiverKind;
  contactId?: string;
  mineRef?: string;
  receiverText?: string;
  deadline: Dayjs;
  note?: string;
};

const QUICK = ['30m', '2h', 'today', 'tomorrow'] as const;

/**
 * 新建任务 / 修改任务: receiver from the directory, a mine of the catalogue, or a typed name; level; deadline with
 * quick buttons (30 分钟, 2 小时, 今天, 明天); description. The task is stored before the modal closes.
 */
export function TaskFormModal({ open, task, onClose }: { open: boolean; task: Task | null; onClose: (saved: Task | null) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const { data: contacts } = useListContactsQuery(undefined, { skip: !open });
  const { data: catalogue } = useGetCatalogueQuery();
  const [create, createState] = useCreateTaskMutation();
  const [update, updateState] = useUpdateTaskMutation();
  const kind = Form.useWatch('receiverKind', form) ?? 'contact';
  const mines = useMemo(() => catalogue?.mines ?? [], [catalogue]);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (task) {
      const r = task.receiver;
      form.setFieldsValue({
        title: task.title,
        description: task.description,
        level: task.level,
        receiverKind: r.kind === 'contact' || r.kind === 'mine' ? r.kind : 'text',
        ...(r.kind === 'contact' && r.id ? { contactId: r.id } : {}),
        ...(r.kind === 'mine' && r.id ? { mineRef: r.id } : {}),
        ...(r.kind === 'text' || r.kind === 'seat' ? { receiverText: r.name } : {}),
        deadline: dayjs(task.deadline),
      });
    } else {
      form.setFieldsValue({ level: 1, receiverKind: 'contact', deadline: dayjs(quickDeadline('2h', Date.now())).second(0) });
    }
  }, [open, task, form]);

  const receiverOf = (v: FormValues): { receiver: TaskReceiver; mineId: string | null } | null => {
    if (v.receiverKind === 'contact') {
      const c = contacts?.find((x) => x.id === v.contactId);
      if (!c) return null;
      return { receiver: { kind: 'contact', id: c.id, name: c.name }, mineId: c.mineId };
    }
    if (v.receiverKind === 'mine') {
      const m = mines.find((x) => x.id === v.mineRef);
      if (!m) return null;
      return { receiver: { kind: 'mine', id: m.id, name: m.shortName || m.name }, mineId: m.id };
    }
    const name = v.receiverText?.trim();
    // A seat receiver edited as text keeps its seat.
    if (task?.receiver.kind === 'seat' && name === task.receiver.name) return { receiver: task.receiver, mineId: task.mineId };
    return name ? { receiver: { kind: 'text', id: null, name }, mineId: null } : null;
  };

  const submit = async (v: FormValues): Promise<void> => {
    const who = receiverOf(v);
    if (!who) {
      message.warning(t('tasks.form.receiverRequired'));
      return;
    }
    const deadline = v.deadline.valueOf();
    const fields = { title: v.title.trim(), description: (v.description ?? '').trim(), level: v.level, deadline, ...who };
    const result = task
      ? await update({ id: task.id, ...fields, ...(v.note?.trim() ? { note: v.note.trim() } : {}) })
      : await create({ id: crypto.randomUUID(), ...fields });
    if ('error' in result) {
      message.error((result.error as { message?: string }).message ?? t('tasks.failed'));
      return;
    }
    message.success(t(task ? 'tasks.form.saved' : 'tasks.form.created'));
    onClose(result.data);
  };

  return (
    <Modal
      open={open}
      title={t(task ? 'tasks.form.editTitle' : 'tasks.form.newTitle')}
      onCancel={() => onClose(null)}
      onOk={() => form.submit()}
      okText={t(task ? 'tasks.form.save' : 'tasks.form.create')}
      confirmLoading={createState.isLoading || updateState.isLoading}
      destroyOnHidden
      width={600}
      data-testid="task-form"
    >
      <Form<FormValues> form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
        <Form.Item name="title" label={t('tasks.form.title')} rules={[{ required: true, whitespace: true, message: t('tasks.form.titleRequired') }, { max: MAX_TASK_TITLE }]}>
          <Input maxLength={MAX_TASK_TITLE} data-testid="task-form-title" />
        </Form.Item>
        <Form.Item label={t('tasks.form.receiver')} required>
          <Space.Compact block>
            <Form.Item name="receiverKind" noStyle>
              <Segmented<ReceiverKind>
                options={(['contact', 'mine', 'text'] as const).map((k) => ({ value: k, label: t(`tasks.form.receiver.${k}`) }))}
                data-testid="task-form-receiver-kind"
              />
            </Form.Item>
          </Space.Compact>
          <div className="task-form__receiver">
            {kind === 'contact' ? (
              <Form.Item name="contactId" noStyle>
                <Select
                  showSearch
                  allowClear
                  placeholder={t('tasks.form.receiver.contactPlaceholder')}
                  optionFilterProp="label"
                  options={(contacts ?? []).map((c) => ({ value: c.id, label: `${c.name} · ${c.org || c.mineName || ''} ${c.number}` }))}
                  data-testid="task-form-contact"
                />
              </Form.Item>
            ) : kind === 'mine' ? (
              <Form.Item name="mineRef" noStyle>
                <Select
                  showSearch
                  allowClear
                  placeholder={t('tasks.form.receiver.minePlaceholder')}
                  optionFilterProp="label"
                  options={mines.map((m) => ({ value: m.id, label: m.shortName || m.name }))}
                  data-testid="task-form-mine"
                />
              </Form.Item>
            ) : (
              <Form.Item name="receiverText" noStyle>
                <Input maxLength={64} placeholder={t('tasks.form.receiver.textPlaceholder')} data-testid="task-form-receiver-text" />
              </Form.Item>
            )}
          </div>
        </Form.Item>
        <Space size={16} align="start" wrap>
          <Form.Item name="level" label={t('tasks.form.level')}>
            <Segmented<number> options={[1, 2, 3, 4].map((l) => ({ value: l, label: t(levelKey(l)) }))} data-testid="task-form-level" />
          </Form.Item>
          <Form.Item
            name="deadline"
            label={t('tasks.form.deadline')}
            rules={[
              { required: true, message: t('tasks.form.deadlineRequired') },
              { validator: async (_, v?: Dayjs) => (v && v.valueOf() <= Date.now() ? Promise.reject(new Error(t('tasks.form.deadlinePast'))) : undefined) },
            ]}
            extra={
              <Space size={4} className="task-form__quick">
                {QUICK.map((q) => (
                  <Button
                    key={q}
                    size="small"
                    type="dashed"
                    data-testid={`task-form-quick-${q}`}
                    onClick={() => form.setFieldValue('deadline', dayjs(quickDeadline(q, Date.now())).second(0).millisecond(0))}
                  >
                    {t(`tasks.form.quick.${q}`)}
                  </Button>
                ))}
              </Space>
            }
          >
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" allowClear={false} data-testid="task-form-deadline" />
          </Form.Item>
        </Space>
        <Form.Item name="description" label={t('tasks.form.description')}>
          <Input.TextArea rows={4} maxLength={MAX_TASK_DESCRIPTION} showCount data-testid="task-form-description" />
        </Form.Item>
        {task ? (
          <Form.Item name="note" label={t('tasks.form.note')}>
            <Input maxLength={500} />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

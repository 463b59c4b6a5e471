import { useMemo, useState } from 'react';
import { AutoComplete, Button, Checkbox, DatePicker, Input, Segmented, Select, Table, Tabs, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { FINISHED_TASK_STATES, isTaskOverdue, TASK_STATES, type Task, type TaskOrder, type TaskQuery, type TaskState } from '../../../shared/domain/task';
import { localDateTime } from '../../../shared/localTime';
import { useT } from '../../app/hooks';
import { withFilter, withTimeRange, type TimeRange } from '../../app/filters';
import { useKeysetPages } from '../../app/useKeysetPages';
import { useNow } from '../phone/useNow';
import { TaskDetail } from './TaskDetail';
import { TaskFormModal } from './TaskFormModal';
import { deadlineText, DUE_SOON_MS, levelKey, stateKey, TASK_LEVEL_COLORS, TASK_STATE_COLORS } from './taskModel';
import { useLazyListTasksQuery, useListTasksQuery } from './tasksApi';

const PAGE = 50;
/** Countdowns and the overdue marks follow the clock at this pace; the list is fetched again as often (other seats). */
const TICK_MS = 30_000;

type Scope = 'mine' | 'sent' | 'all';
type Filters = Omit<TaskQuery, 'limit' | 'after' | 'scope' | 'order' | 'text'>;

/**
 * 任务管理: 我的任务 (sent by or addressed to me), 我发出的, 全部; filtered by state, level, sender, creation and
 * deadline ranges, overdue only and text; newest first or soonest deadline first, keyset paged. Overdue rows carry a
 * red bar and a red 超期 N 小时; the countdowns follow the clock every 30 s.
 */
export function TasksPage() {
  const t = useT();
  const now = useNow(true, TICK_MS);
  const [scope, setScope] = useState<Scope>('mine');
  const [order, setOrder] = useState<TaskOrder>('created');
  const [filters, setFilters] = useState<Filters>({});
  const [text, setText] = useState('');
  const [senderDraft, setSenderDraft] = useState('');
  const [detailId, setDetailId] = useState<string | null>(null);
  const [form, setForm] = useState<{ open: boolean; task: Task | null }>({ open: false, task: null });

  const query: TaskQuery = useMemo(
    () => ({ ...filters, scope, order, ...(text.trim() ? { text: text.trim() } : {}), limit: PAGE }),
    [filters, scope, order, text],
  );
  const first = useListTasksQuery(query, { pollingInterval: TICK_MS });
  const [fetchMore, more] = useLazyListTasksQuery();
  const { rows, canLoadMore, loadMore } = useKeysetPages(query, PAGE, first.data, (last) =>
    fetchMore({ ...query, after: { key: order === 'deadline' ? last.deadline : last.createdAt, id: last.id } }).unwrap(),
  );
  const overdueCount = rows.filter((x) => isTaskOverdue(x, now)).length;
  const senders = useMemo(() => [...new Set(rows.map((x) => x.sender))].map((s) => ({ value: s })), [rows]);

  const set = <K extends keyof Filters>(key: K, value: Filters[K] | undefined): void =>
    setFilters((f) => withFilter(f, key, value));
  const setRange = (fromKey: 'createdFrom' | 'deadlineFrom', toKey: 'createdTo' | 'deadlineTo', range: TimeRange): void =>
    setFilters((f) => withTimeRange(f, fromKey, toKey, range));

  const columns = [
    {
      title: t('tasks.col.title'),
      key: 'title',
      ellipsis: true,
      render: (_: unknown, x: Task) => (
        <span title={x.description || x.title}>
          <Tag color={TASK_LEVEL_COLORS[x.level]}>{t(levelKey(x.level))}</Tag>
          {x.title}
        </span>
      ),
    },
    { title: t('tasks.col.receiver'), key: 'receiver', width: 160, ellipsis: true, render: (_: unknown, x: Task) => x.receiver.name },
    { title: t('tasks.col.sender'), key: 'sender', width: 120, ellipsis: true, render: (_: unknown, x: Task) => x.sender },
    { title: t('tasks.col.created'), key: 'created', width: 160, render: (_: unknown, x: Task) => localDateTime(x.createdAt) },
    {
      title: t('tasks.col.deadline'),
      key: 'deadline',
      width: 200,
      render: (_: unknown, x: Task) => {
        const finished = FINISHED_TASK_STATES.includes(x.state);
        const overdue = isTaskOverdue(x, now);
        return (
          <div className="tasks-page__deadline">
            <span>{localDateTime(x.deadline).slice(5, 16)}</span>
            {finished ? null : (
              <Typography.Text
                type={overdue ? 'danger' : x.deadline - now < DUE_SOON_MS ? 'warning' : 'secondary'}
                strong={overdue}
                data-testid={`task-deadline-${x.id}`}
              >
                {deadlineText(t, x.deadline, now)}
              </Typography.Text>
            )}
          </div>
        );
      },
    },
    {
      title: t('tasks.col.state'),
      key: 'state',
      width: 96,
      render: (_: unknown, x: Task) => (
        <Tag color={TASK_STATE_COLORS[x.state]} data-testid={`task-state-${x.id}`}>
          {t(stateKey(x.state))}
        </Tag>
      ),
    },
    {
      title: t('tasks.col.detail'),
      key: 'detail',
      width: 70,
      render: (_: unknown, x: Task) => (
        <Button size="small" type="link" data-testid={`task-detail-${x.id}`} onClick={() => setDetailId(x.id)}>
          {t('tasks.col.detail')}
        </Button>
      ),
    },
  ];

  return (
    <div className="tasks-page" data-testid="tasks-page">
      <div className="tasks-page__head">
        <Tabs
          activeKey={scope}
          onChange={(k) => setScope(k as Scope)}
          items={(['mine', 'sent', 'all'] as const).map((k) => ({ key: k, label: <span data-testid={`tasks-tab-${k}`}>{t(`tasks.tab.${k}`)}</span> }))}
        />
        {overdueCount > 0 ? (
          <Tag color="red" data-testid="tasks-overdue-count">
            {t('tasks.overdueCount', { n: overdueCount })}
          </Tag>
        ) : null}
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setForm({ open: true, task: null })} data-testid="task-new">
          {t('tasks.new')}
        </Button>
      </div>
      <div className="tasks-page__filters">
        <Select
          allowClear
          placeholder={t('tasks.filter.state')}
          style={{ width: 110 }}
          value={filters.state}
          onChange={(v?: TaskState) => set('state', v)}
          options={TASK_STATES.map((s) => ({ value: s, label: t(stateKey(s)) }))}
          data-testid="task-filter-state"
        />
        <Select
          allowClear
          placeholder={t('tasks.filter.level')}
          style={{ width: 110 }}
          value={filters.level}
          onChange={(v?: number) => set('level', v)}
          options={[1, 2, 3, 4].map((l) => ({ value: l, label: t(levelKey(l)) }))}
        />
        <AutoComplete
          allowClear
          placeholder={t('tasks.filter.sender')}
          style={{ width: 130 }}
          options={senders}
          value={senderDraft}
          onChange={(v?: string) => {
            setSenderDraft(v ?? '');
            if (!v) set('sender', undefined);
          }}
          onSelect={(v?: string) => set('sender', v)}
          onBlur={() => set('sender', senderDraft.trim() || undefined)}
          data-testid="task-filter-sender"
        />
        <DatePicker.RangePicker
          showTime={{ format: 'HH:mm' }}
          format="MM-DD HH:mm"
          placeholder={[t('tasks.filter.createdFrom'), t('tasks.filter.createdTo')]}
          style={{ width: 260 }}
          onChange={(r) => setRange('createdFrom', 'createdTo', r)}
        />
        <DatePicker.RangePicker
          showTime={{ format: 'HH:mm' }}
          format="MM-DD HH:mm"
          placeholder={[t('tasks.filter.deadlineFrom'), t('tasks.filter.deadlineTo')]}
          style={{ width: 260 }}
          onChange={(r) => setRange('deadlineFrom', 'deadlineTo', r)}
        />
        <Checkbox checked={filters.overdueOnly === true} onChange={(e) => set('overdueOnly', e.target.checked)} data-testid="task-filter-overdue">
          {t('tasks.filter.overdue')}
        </Checkbox>
        <Input.Search allowClear placeholder={t('tasks.filter.search')} style={{ width: 220 }} onSearch={setText} data-testid="task-search" />
        <Segmented<TaskOrder>
          value={order}
          onChange={setOrder}
          options={(['created', 'deadline'] as const).map((o) => ({ value: o, label: t(`tasks.order.${o}`) }))}
          data-testid="task-order"
        />
      </div>
      <Table<Task>
        size="small"
        rowKey="id"
        className="tasks-page__table"
        data-testid="task-table"
        loading={first.isFetching && !first.data}
        dataSource={rows}
        columns={columns}
        pagination={false}
        locale={{ emptyText: t('tasks.empty') }}
        scroll={{ y: 'calc(100vh - 260px)' }}
        rowClassName={(x) => (isTaskOverdue(x, now) ? 'task-row--overdue' : '')}
        onRow={(x) => ({ onDoubleClick: () => setDetailId(x.id), 'data-task-id': x.id }) as React.HTMLAttributes<HTMLElement>}
        footer={() =>
          canLoadMore ? (
            <Button loading={more.isFetching} onClick={() => void loadMore()} data-testid="task-more">
              {t('tasks.more')}
            </Button>
          ) : (
            <span className="tasks-page__end">{t('tasks.total', { n: rows.length })}</span>
          )
        }
      />
      <TaskDetail taskId={detailId} now={now} onClose={() => setDetailId(null)} onEdit={(task) => setForm({ open: true, task })} />
      <TaskFormModal
        open={form.open}
        task={form.task}
        onClose={(saved) => {
          setForm({ open: false, task: null });
          if (saved) setDetailId(saved.id);
        }}
      />
    </div>
  );
}

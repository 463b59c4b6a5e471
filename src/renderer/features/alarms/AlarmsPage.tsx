import { useMemo, useState } from 'react';
import { Alert, Badge, Button, DatePicker, Input, Segmented, Select, Space, Table, Tag } from 'antd';
import { ALARM_CATEGORIES, ALARM_KINDS, type Alarm, type AlarmCategory, type AlarmQuery, type AlarmState } from '../../../shared/domain/alarm';
import { DISTRICTS } from '../../../shared/domain/referenceData';
import { localDateTime } from '../../../shared/localTime';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { withFilter, withTimeRange, type TimeRange } from '../../app/filters';
import { useKeysetPages } from '../../app/useKeysetPages';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { AlarmDetail } from './AlarmDetail';
import { CATEGORY_NAMES, kindText, LEVEL_COLORS, LEVEL_NAMES, placeText, STATE_COLORS, STATE_NAMES } from './alarmModel';
import { useGetAlarmStatusQuery, useLazyListAlarmsQuery, useListAlarmsQuery } from './alarmsApi';
import { detailOpened, selectAlarmDetailId, selectPending } from './alarmsSlice';
import { useChannelName } from './useChannelName';

const PAGE = 50;

type Filters = Omit<AlarmQuery, 'limit' | 'before'>;

/**
 * 警情记录: every alarm (app, device, intelligent, other) in one list, newest first, filtered by type, place, level,
 * state, time and text; 详情 opens the picture, the handling steps and the linked video. The first page follows new
 * alarms as they arrive; older pages load on demand (keyset paging, as fast on the millionth row as on the first).
 */
export function AlarmsPage() {
  const dispatch = useAppDispatch();
  const detailId = useAppSelector(selectAlarmDetailId);
  const pending = useAppSelector(selectPending);
  const { data: catalogue } = useGetCatalogueQuery();
  const channelName = useChannelName();
  // Kept current by onAlarmStatus (the receiver's state changes are pushed).
  const { data: status } = useGetAlarmStatusQuery();
  const [filters, setFilters] = useState<Filters>({});
  const [text, setText] = useState('');
  const query: AlarmQuery = useMemo(() => ({ ...filters, ...(text.trim() ? { text: text.trim() } : {}), limit: PAGE }), [filters, text]);
  const first = useListAlarmsQuery(query);
  const [fetchMore, more] = useLazyListAlarmsQuery();
  // Older pages belong to the filter they were loaded for: a new filter starts from its first page.
  const { rows, canLoadMore, loadMore } = useKeysetPages(query, PAGE, first.data, (last) =>
    fetchMore({ ...query, before: { receivedAt: last.receivedAt, id: last.id } }).unwrap(),
  );

  const set = <K extends keyof Filters>(key: K, value: Filters[K] | undefined): void =>
    setFilters((f) => {
      const next = withFilter(f, key, value);
      if (key === 'county') delete next.mineId;
      return next;
    });
  const mines = (catalogue?.mines ?? []).filter((m) => !filters.county || m.countyCode === filters.county);
  const receiverDown = status && status.receiverError;

  const columns = [
    {
      title: '类型',
      key: 'kind',
      width: 170,
      render: (_: unknown, a: Alarm) => (
        <Space size={4}>
          <Tag color={LEVEL_COLORS[a.level]}>{LEVEL_NAMES[a.level]}</Tag>
          <span>{kindText(a)}</span>
        </Space>
      ),
    },
    {
      title: '报警人/来源',
      key: 'reporter',
      width: 230,
      render: (_: unknown, a: Alarm) => (
        <span title={a.sourceId}>
          {CATEGORY_NAMES[a.category]}
          {a.reporter ? ` · ${a.reporter}` : ''}
        </span>
      ),
    },
    { title: '时间', key: 'time', width: 165, render: (_: unknown, a: Alarm) => localDateTime(a.occurredAt) },
    {
      title: '地点',
      key: 'place',
      render: (_: unknown, a: Alarm) =>
        a.linked ? `${placeText(a)}${a.channelId ? ` · ${channelName(a.channelId)}` : ''}` : <Tag color="warning">{placeText(a)}</Tag>,
    },
    {
      title: '操作类型',
      key: 'state',
      width: 100,
      render: (_: unknown, a: Alarm) => (
        <Tag color={STATE_COLORS[a.state]} data-testid={`alarm-state-${a.id}`}>
          {STATE_NAMES[a.state]}
        </Tag>
      ),
    },
    { title: '处理人', key: 'handledBy', width: 100, render: (_: unknown, a: Alarm) => a.handledBy ?? '—' },
    { title: '消警原因', key: 'reason', width: 140, ellipsis: true, render: (_: unknown, a: Alarm) => a.dismissReason ?? '—' },
    {
      title: '详情',
      key: 'detail',
      width: 70,
      render: (_: unknown, a: Alarm) => (
        <Button size="small" type="link" data-testid={`alarm-detail-${a.id}`} onClick={() => dispatch(detailOpened(a.id))}>
          详情
        </Button>
      ),
    },
  ];

  return (
    <div className="alarms-page" data-testid="alarms-page">
      <div className="alarms-page__filters">
        <Segmented<AlarmCategory | 'all'>
          value={filters.category ?? 'all'}
          onChange={(v) => set('category', v === 'all' ? undefined : v)}
          options={[{ value: 'all', label: '全部' }, ...ALARM_CATEGORIES.map((c) => ({ value: c, label: CATEGORY_NAMES[c] }))]}
        />
        <Select
          allowClear
          placeholder="报警类型"
          style={{ width: 150 }}
          value={filters.kind}
          onChange={(v?: string) => set('kind', v)}
          options={Object.entries(ALARM_KINDS).map(([value, label]) => ({ value, label }))}
          data-testid="alarm-filter-kind"
        />
        <Select
          allowClear
          placeholder="区县"
          style={{ width: 110 }}
          value={filters.county}
          onChange={(v?: string) => set('county', v)}
          options={DISTRICTS.map((d) => ({ value: d.adcode, label: d.name }))}
        />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder="煤矿"
          style={{ width: 170 }}
          value={filters.mineId}
          onChange={(v?: string) => set('mineId', v)}
          options={mines.map((m) => ({ value: m.id, label: m.shortName || m.name }))}
        />
        <Select
          allowClear
          placeholder="级别"
          style={{ width: 110 }}
          value={filters.minLevel}
          onChange={(v?: number) => set('minLevel', v)}
          options={[1, 2, 3, 4].map((l) => ({ value: l, label: `≥ ${LEVEL_NAMES[l]}` }))}
        />
        <Select
          allowClear
          placeholder="状态"
          style={{ width: 100 }}
          value={filters.state}
          onChange={(v?: AlarmState) => set('state', v)}
          options={(Object.keys(STATE_NAMES) as AlarmState[]).map((s) => ({ value: s, label: STATE_NAMES[s] }))}
          data-testid="alarm-filter-state"
        />
        <DatePicker.RangePicker
          showTime
          onChange={(range: TimeRange) => setFilters((f) => withTimeRange(f, 'from', 'to', range))}
        />
        <Input.Search allowClear placeholder="搜索类型、煤矿、设备、说明" style={{ width: 240 }} onSearch={setText} data-testid="alarm-search" />
        <Badge count={pending.length} overflowCount={999} title="未处理（达到弹窗级别）">
          <Tag color="red" className="alarms-page__pending">
            未处理
          </Tag>
        </Badge>
      </div>
      {receiverDown ? <Alert type="error" banner message={status.receiverError} /> : null}
      {first.isError ? (
        <Alert type="error" banner message={`警情记录读取失败：${(first.error as { message?: string }).message ?? ''}`} action={<Button size="small" onClick={() => void first.refetch()}>重试</Button>} />
      ) : null}
      <Table<Alarm>
        size="small"
        rowKey="id"
        className="alarms-page__table"
        data-testid="alarm-table"
        loading={first.isFetching && !first.data}
        dataSource={rows}
        columns={columns}
        pagination={false}
        scroll={{ y: 'calc(100vh - 250px)' }}
        rowClassName={(a) => (a.state === 'new' ? 'alarm-row--new' : '')}
        onRow={(a) => ({ onDoubleClick: () => dispatch(detailOpened(a.id)), 'data-alarm-id': a.id }) as React.HTMLAttributes<HTMLElement>}
        footer={() =>
          canLoadMore ? (
            <Button loading={more.isFetching} onClick={() => void loadMore()} data-testid="alarm-more">
              加载更多
            </Button>
          ) : (
            <span className="alarms-page__end">共 {rows.length} 条</span>
          )
        }
      />
      <AlarmDetail alarmId={detailId} onClose={() => dispatch(detailOpened(null))} />
    </div>
  );
}

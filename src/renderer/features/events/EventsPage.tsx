import { useMemo, useState } from 'react';
import { App, Button, DatePicker, Input, Select, Space, Table, Tag } from 'antd';
import {
  EVENT_LEVEL_NAMES,
  EVENT_STATE_NAMES,
  type ConsoleEvent,
  type EventFileFormat,
  type EventFilter,
  type EventQuery,
  type EventState,
  type EventType,
} from '../../../shared/domain/event';
import { localDateTime } from '../../../shared/localTime';
import { useT } from '../../app/hooks';
import { withFilter, withTimeRange, type TimeRange } from '../../app/filters';
import { useKeysetPages } from '../../app/useKeysetPages';
import { saveBase64 } from '../phone/saveFile';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { EventDetailDrawer } from './EventDetailDrawer';
import { EventFormModal } from './EventFormModal';
import { EVENT_TYPE_OPTIONS, EventTypeTag, LevelTag, STATE_COLORS } from './eventModel';
import { useExportEventsMutation, useLazyListEventsQuery, useListEventsQuery } from './eventsApi';
import { ImportModal } from './ImportModal';
import { ReportModal } from './ReportModal';

const PAGE = 50;
const MIME: Record<EventFileFormat, string> = {
  csv: 'text/csv;charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * 事件管理: every event newest first (type in its colour, level, mine, place, state, time), filtered by type, level,
 * mine, state, time and text, older pages on demand (keyset paging). 新建事件, the detail with its history, 快报,
 * and export (CSV / Excel of what the filters select) and import.
 */
export function EventsPage() {
  const t = useT();
  const { message } = App.useApp();
  const { data: catalogue } = useGetCatalogueQuery();
  const [filters, setFilters] = useState<EventFilter>({});
  const [text, setText] = useState('');
  const filter: EventFilter = useMemo(() => ({ ...filters, ...(text.trim() ? { text: text.trim() } : {}) }), [filters, text]);
  const query: EventQuery = useMemo(() => ({ ...filter, limit: PAGE }), [filter]);
  const first = useListEventsQuery(query, { pollingInterval: 10_000 });
  const [fetchMore, more] = useLazyListEventsQuery();
  const { rows, canLoadMore, loadMore } = useKeysetPages(query, PAGE, first.data, (last) =>
    fetchMore({ ...query, before: { occurredAt: last.occurredAt, id: last.id } }).unwrap(),
  );
  const [exportEvents, exportState] = useExportEventsMutation();
  const [detailId, setDetailId] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ event: ConsoleEvent | null } | null>(null);
  const [reporting, setReporting] = useState<ConsoleEvent | null>(null);
  const [importing, setImporting] = useState(false);

  const set = <K extends keyof EventFilter>(key: K, value: EventFilter[K] | undefined): void =>
    setFilters((f) => withFilter(f, key, value));

  const download = async (format: EventFileFormat): Promise<void> => {
    try {
      const file = await exportEvents({ filter, format }).unwrap();
      if (file.dataBase64) {
        saveBase64(file.dataBase64, MIME[format], file.fileName);
        message.success(t('events.export.done', { count: file.count, path: file.path }));
      } else {
        message.warning(t('events.export.onlyOnDisk', { count: file.count, path: file.path }), 10);
      }
    } catch (err) {
      message.error((err as { message?: string }).message ?? String(err));
    }
  };

  const columns = [
    {
      title: t('events.col.type'),
      key: 'type',
      width: 110,
      render: (_: unknown, e: ConsoleEvent) => <EventTypeTag type={e.type} />,
    },
    { title: t('events.col.level'), key: 'level', width: 90, render: (_: unknown, e: ConsoleEvent) => <LevelTag level={e.level} /> },
    { title: t('events.col.mine'), key: 'mine', width: 160, ellipsis: true, render: (_: unknown, e: ConsoleEvent) => e.mineName ?? '—' },
    { title: t('events.col.place'), key: 'place', width: 200, ellipsis: true, render: (_: unknown, e: ConsoleEvent) => e.place || '—' },
    { title: t('events.col.description'), key: 'description', ellipsis: true, render: (_: unknown, e: ConsoleEvent) => e.description || '—' },
    { title: t('events.col.occurredAt'), key: 'time', width: 165, render: (_: unknown, e: ConsoleEvent) => localDateTime(e.occurredAt) },
    {
      title: t('events.col.state'),
      key: 'state',
      width: 90,
      render: (_: unknown, e: ConsoleEvent) => (
        <Tag color={STATE_COLORS[e.state]} data-testid={`event-state-${e.id}`}>
          {EVENT_STATE_NAMES[e.state]}
        </Tag>
      ),
    },
    { title: t('events.col.links'), key: 'links', width: 70, render: (_: unknown, e: ConsoleEvent) => e.links.length || '—' },
    {
      title: t('events.col.detail'),
      key: 'detail',
      width: 70,
      render: (_: unknown, e: ConsoleEvent) => (
        <Button size="small" type="link" data-testid={`event-detail-${e.id}`} onClick={() => setDetailId(e.id)}>
          {t('events.col.detail')}
        </Button>
      ),
    },
  ];

  return (
    <div className="alarms-page events-page" data-testid="events-page">
      <div className="alarms-page__filters">
        <Button type="primary" onClick={() => setEditing({ event: null })} data-testid="event-new">
          {t('events.new')}
        </Button>
        <Select
          allowClear
          placeholder={t('events.col.type')}
          style={{ width: 130 }}
          value={filters.type}
          onChange={(v?: EventType) => set('type', v)}
          options={EVENT_TYPE_OPTIONS}
          data-testid="event-filter-type"
        />
        <Select
          allowClear
          placeholder={t('events.col.level')}
          style={{ width: 120 }}
          value={filters.minLevel}
          onChange={(v?: number) => set('minLevel', v)}
          options={[1, 2, 3, 4].map((l) => ({ value: l, label: `≥ ${EVENT_LEVEL_NAMES[l]}` }))}
        />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('events.col.mine')}
          style={{ width: 170 }}
          value={filters.mineId}
          onChange={(v?: string) => set('mineId', v)}
          options={(catalogue?.mines ?? []).map((m) => ({ value: m.id, label: m.shortName || m.name }))}
        />
        <Select
          allowClear
          placeholder={t('events.col.state')}
          style={{ width: 100 }}
          value={filters.state}
          onChange={(v?: EventState) => set('state', v)}
          options={(Object.keys(EVENT_STATE_NAMES) as EventState[]).map((s) => ({ value: s, label: EVENT_STATE_NAMES[s] }))}
          data-testid="event-filter-state"
        />
        <DatePicker.RangePicker
          showTime
          onChange={(range: TimeRange) => setFilters((f) => withTimeRange(f, 'from', 'to', range))}
        />
        <Input.Search allowClear placeholder={t('events.search')} style={{ width: 240 }} onSearch={setText} data-testid="event-search" />
        <Space.Compact>
          <Button onClick={() => void download('csv')} loading={exportState.isLoading && exportState.originalArgs?.format === 'csv'} data-testid="event-export-csv">
            {t('events.export.csv')}
          </Button>
          <Button onClick={() => void download('xlsx')} loading={exportState.isLoading && exportState.originalArgs?.format === 'xlsx'} data-testid="event-export-xlsx">
            {t('events.export.xlsx')}
          </Button>
          <Button onClick={() => setImporting(true)} data-testid="event-import-open">
            {t('events.import.title')}
          </Button>
        </Space.Compact>
      </div>
      <Table<ConsoleEvent>
        size="small"
        rowKey="id"
        className="alarms-page__table"
        data-testid="event-table"
        loading={first.isFetching && !first.data}
        dataSource={rows}
        columns={columns}
        pagination={false}
        scroll={{ y: 'calc(100vh - 210px)' }}
        onRow={(e) => ({ onDoubleClick: () => setDetailId(e.id), 'data-event-id': e.id }) as React.HTMLAttributes<HTMLElement>}
        footer={() =>
          canLoadMore ? (
            <Button loading={more.isFetching} onClick={() => void loadMore()} data-testid="event-more">
              {t('events.more')}
            </Button>
          ) : (
            <span className="alarms-page__end">{t('events.count', { n: rows.length })}</span>
          )
        }
      />
      <EventDetailDrawer eventId={detailId} onClose={() => setDetailId(null)} onEdit={(e) => setEditing({ event: e })} onReport={setReporting} />
      <EventFormModal
        open={editing !== null}
        event={editing?.event ?? null}
        onClose={(saved) => {
          setEditing(null);
          if (saved) setDetailId(saved.id);
        }}
      />
      <ReportModal key={reporting?.id ?? ''} event={reporting} onClose={() => setReporting(null)} />
      <ImportModal open={importing} onClose={() => setImporting(false)} />
    </div>
  );
}

import { useState } from 'react';
import { mapFocusHash } from '../map/mapFocus';
import { App, Button, Descriptions, Drawer, Empty, Input, Modal, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { EVENT_CHANGE_ACTION_NAMES, EVENT_LEVEL_NAMES, EVENT_LINK_KIND_NAMES, EVENT_STATE_NAMES, EVENT_TYPES, type ConsoleEvent, type EventChange } from '../../../shared/domain/event';
import { localDateTime } from '../../../shared/localTime';
import { useT } from '../../app/hooks';
import type { StringKey } from '../../app/strings';
import { EventTypeTag, LevelTag, STATE_COLORS } from './eventModel';
import { useCloseEventMutation, useGetEventQuery } from './eventsApi';
import { MapPicker } from './MapPicker';
import { useGetCatalogueQuery } from '../tree/catalogueApi';

const FIELD_KEYS: Record<string, StringKey> = {
  type: 'events.col.type',
  level: 'events.col.level',
  mineId: 'events.field.mineId',
  mineName: 'events.col.mine',
  place: 'events.col.place',
  location: 'events.field.location',
  occurredAt: 'events.col.occurredAt',
  description: 'events.col.description',
  casualties: 'events.col.casualties',
  cause: 'events.col.cause',
  measures: 'events.col.measures',
  reporter: 'events.col.reporter',
  links: 'events.field.links',
  state: 'events.col.state',
};

/** One changed value as the operator reads it. */
function valueText(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (field === 'type' && typeof value === 'string' && value in EVENT_TYPES) return EVENT_TYPES[value as keyof typeof EVENT_TYPES].name;
  if (field === 'state' && (value === 'open' || value === 'closed')) return EVENT_STATE_NAMES[value];
  if (field === 'level' && typeof value === 'number') return EVENT_LEVEL_NAMES[value] ?? String(value);
  if (field === 'occurredAt' && typeof value === 'number') return localDateTime(value);
  if (field === 'location' && Array.isArray(value)) return value.join(', ');
  if (field === 'links' && Array.isArray(value)) return `${value.length}`;
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

function ChangeItem({ change }: { change: EventChange }) {
  const t = useT();
  const fields = Object.entries(change.changes).filter(([f]) => change.action !== 'create' && change.action !== 'import' ? true : f === 'type' || f === 'level');
  return (
    <div data-testid="event-history-item">
      <Space size={6} wrap>
        <Tag>{EVENT_CHANGE_ACTION_NAMES[change.action]}</Tag>
        <span>{change.actor}</span>
        <Typography.Text type="secondary">{localDateTime(change.at)}</Typography.Text>
        <Typography.Text type="secondary" title={t('events.detail.seat')}>
          @{change.seatId}
        </Typography.Text>
      </Space>
      {change.action === 'update' ? (
        <ul style={{ margin: '4px 0 0', paddingInlineStart: 18 }}>
          {fields.map(([field, { before, after }]) => (
            <li key={field}>
              {FIELD_KEYS[field] ? t(FIELD_KEYS[field]) : field}：{valueText(field, before)} → {valueText(field, after)}
            </li>
          ))}
        </ul>
      ) : null}
      {change.note ? <div style={{ marginTop: 4 }}>{change.note}</div> : null}
    </div>
  );
}

/**
 * The event's detail: every field, what is linked, and its history (every change with who, seat and when, the
 * fields before and after). 编辑, 结束 and 快报 from here.
 */
export function EventDetailDrawer({
  eventId,
  onClose,
  onEdit,
  onReport,
}: {
  eventId: string | null;
  onClose: () => void;
  onEdit: (event: ConsoleEvent) => void;
  onReport: (event: ConsoleEvent) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  // Polled while open: another seat's change shows up without reopening.
  const { data, isFetching, error } = useGetEventQuery(eventId ?? '', { skip: !eventId, pollingInterval: 10_000 });
  const { data: catalogue } = useGetCatalogueQuery();
  const [close, closeState] = useCloseEventMutation();
  const [closing, setClosing] = useState(false);
  const [note, setNote] = useState('');
  const event = data && data.event.id === eventId ? data.event : null;

  const doClose = async (): Promise<void> => {
    if (!event) return;
    try {
      await close({ id: event.id, note: note.trim() || null }).unwrap();
      setClosing(false);
      setNote('');
      message.success(t('events.detail.closed'));
    } catch (err) {
      message.error((err as { message?: string }).message ?? String(err));
    }
  };

  return (
    <Drawer
      open={eventId !== null}
      onClose={onClose}
      width={560}
      title={event ? t('events.detail.title', { type: EVENT_TYPES[event.type].name }) : t('events.detail.loading')}
      data-testid="event-detail"
      extra={
        event ? (
          <Space>
            {event.location ? (
              <Button onClick={() => (location.hash = mapFocusHash({ kind: 'event', id: event.id }))} data-testid="event-to-map">
                {t('map.locate')}
              </Button>
            ) : null}
            <Button onClick={() => onReport(event)} data-testid="event-report">
              {t('events.report.button')}
            </Button>
            <Button onClick={() => onEdit(event)} data-testid="event-edit">
              {t('events.detail.edit')}
            </Button>
            {event.state === 'open' ? (
              <Button danger onClick={() => setClosing(true)} data-testid="event-close">
                {t('events.detail.close')}
              </Button>
            ) : null}
          </Space>
        ) : null
      }
    >
      {error ? <Empty description={(error as { message?: string }).message ?? t('events.detail.loadFailed')} /> : null}
      {!event && isFetching ? <Spin /> : null}
      {event ? (
        <>
          <Descriptions column={2} size="small" bordered>
            <Descriptions.Item label={t('events.col.type')}>
              <EventTypeTag type={event.type} />
            </Descriptions.Item>
            <Descriptions.Item label={t('events.col.level')}>
              <LevelTag level={event.level} />
            </Descriptions.Item>
            <Descriptions.Item label={t('events.col.state')}>
              <Tag color={STATE_COLORS[event.state]} data-testid="event-detail-state">
                {EVENT_STATE_NAMES[event.state]}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('events.col.occurredAt')}>{localDateTime(event.occurredAt)}</Descriptions.Item>
            <Descriptions.Item label={t('events.col.mine')}>{event.mineName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('events.col.reporter')}>{event.reporter || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('events.col.place')} span={2}>
              {event.place || '—'}
              {event.location ? (
                <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
                  ({event.location[0].toFixed(6)}, {event.location[1].toFixed(6)})
                </Typography.Text>
              ) : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('events.col.description')} span={2}>
              <span style={{ whiteSpace: 'pre-wrap' }}>{event.description || '—'}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('events.col.casualties')} span={2}>
              {event.casualties || '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('events.col.cause')} span={2}>
              {event.cause || '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('events.col.measures')} span={2}>
              <span style={{ whiteSpace: 'pre-wrap' }}>{event.measures || '—'}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('events.field.links')} span={2}>
              {event.links.length === 0 ? '—' : null}
              {event.links.map((l) => (
                <div key={`${l.kind}:${l.id}`} data-testid="event-detail-link">
                  <Tag>{EVENT_LINK_KIND_NAMES[l.kind]}</Tag>
                  {l.label}
                </div>
              ))}
            </Descriptions.Item>
            <Descriptions.Item label={t('events.detail.created')} span={2}>
              {event.createdBy} · {localDateTime(event.createdAt)}
            </Descriptions.Item>
          </Descriptions>
          {event.location ? (
            <div style={{ marginTop: 12 }}>
              <MapPicker value={event.location} mines={catalogue?.mines ?? []} height={220} />
            </div>
          ) : null}
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('events.detail.history')}
          </Typography.Title>
          <Timeline data-testid="event-history" items={[...(data?.history ?? [])].reverse().map((c) => ({ key: c.id, color: c.action === 'close' ? 'gray' : c.action === 'update' ? 'blue' : 'green', children: <ChangeItem change={c} /> }))} />
        </>
      ) : null}
      <Modal
        open={closing}
        title={t('events.detail.closeTitle')}
        onCancel={() => setClosing(false)}
        onOk={() => void doClose()}
        confirmLoading={closeState.isLoading}
        okText={t('events.detail.close')}
        okButtonProps={{ danger: true, 'data-testid': 'event-close-confirm' } as React.ComponentProps<typeof Button>}
      >
        <Input.TextArea value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder={t('events.detail.closeNote')} autoSize={{ minRows: 2 }} data-testid="event-close-note" />
      </Modal>
    </Drawer>
  );
}

import { useEffect, useMemo, useState } from 'react';
import { App, Button, DatePicker, Form, Input, InputNumber, Modal, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import {
  EVENT_LEVEL_NAMES,
  EVENT_LINK_KIND_NAMES,
  MAX_EVENT_TEXT,
  type ConsoleEvent,
  type EventLink,
  type EventType,
} from '../../../shared/domain/event';
import type { LonLat } from '../../../shared/domain/catalogue';
import { localDateTime } from '../../../shared/localTime';
import { useT } from '../../app/hooks';
import { kindText } from '../alarms/alarmModel';
import { useListAlarmsQuery } from '../alarms/alarmsApi';
import { useListCallsQuery } from '../phone/phoneApi';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { useListRecordingsQuery } from '../wall/wallApi';
import { EVENT_TYPE_OPTIONS } from './eventModel';
import { useSaveEventMutation } from './eventsApi';
import { MapPicker } from './MapPicker';
import { nearestMine } from '../map/mapModel';

type FormValues = {
  type: EventType;
  level: number;
  mineId?: string;
  place?: string;
  lon?: number | null;
  lat?: number | null;
  occurredAt: Dayjs;
  description?: string;
  casualties?: string;
  cause?: string;
  measures?: string;
  reporter?: string;
  alarms?: string[];
  calls?: string[];
  callRecordings?: string[];
  videoRecordings?: string[];
};

const LINK_FIELDS = { alarm: 'alarms', call: 'calls', callRecording: 'callRecordings', videoRecording: 'videoRecordings' } as const;

/** Something to link, with the label the event keeps for it. */
type Option = { value: string; label: string };

/**
 * 新建事件 / 编辑事件: type (by colour), level, mine from the catalogue, place and coordinates (the mine's own, or typed),
 * time, the texts a 快报 needs, and the alarms, calls and recordings that belong to it. Saved to SQLite before the
 * modal closes; an edit carries the version it started from, so someone else's change meanwhile is not overwritten.
 */
/** `at`: a new event's place picked beforehand (on 一张图), with the mine nearest to it when one is within 5 km. */
export function EventFormModal({ open, event, at, onClose }: { open: boolean; event: ConsoleEvent | null; at?: LonLat | null; onClose: (saved: ConsoleEvent | null) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const { data: catalogue } = useGetCatalogueQuery();
  const [save, saveState] = useSaveEventMutation();
  const alarms = useListAlarmsQuery({ limit: 200 }, { skip: !open });
  const calls = useListCallsQuery({ limit: 200 }, { skip: !open });
  const recordings = useListRecordingsQuery(200, { skip: !open });
  const mines = useMemo(() => catalogue?.mines ?? [], [catalogue]);
  const mineId = Form.useWatch('mineId', form);
  const lon = Form.useWatch('lon', form);
  const lat = Form.useWatch('lat', form);
  const [showMap, setShowMap] = useState(false);

  // By value: the form is reset only when it opens or its place changes, never because a parent re-rendered.
  const atLon = at?.[0];
  const atLat = at?.[1];
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (event) {
      const ids = (kind: EventLink['kind']) => event.links.filter((l) => l.kind === kind).map((l) => l.id);
      form.setFieldsValue({
        type: event.type,
        level: event.level,
        ...(event.mineId ? { mineId: event.mineId } : {}),
        place: event.place,
        lon: event.location?.[0] ?? null,
        lat: event.location?.[1] ?? null,
        occurredAt: dayjs(event.occurredAt),
        description: event.description,
        casualties: event.casualties,
        cause: event.cause,
        measures: event.measures,
        reporter: event.reporter,
        alarms: ids('alarm'),
        calls: ids('call'),
        callRecordings: ids('callRecording'),
        videoRecordings: ids('videoRecording'),
      });
    } else {
      const near = atLon !== undefined && atLat !== undefined ? nearestMine(catalogue?.mines ?? [], [atLon, atLat], 5000) : null;
      form.setFieldsValue({
        type: 'gas',
        level: 1,
        occurredAt: dayjs().second(0).millisecond(0),
        ...(atLon !== undefined && atLat !== undefined ? { lon: Math.round(atLon * 1e6) / 1e6, lat: Math.round(atLat * 1e6) / 1e6 } : {}),
        ...(near ? { mineId: near.id } : {}),
      });
    }
    // The catalogue is read once per opening: a later catalogue push must not reset what is being typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, event, form, atLon, atLat]);

  // Options: what the lists hold now, plus what the event already links (it may be older than the lists reach).
  const options = useMemo(() => {
    const kept = (kind: EventLink['kind']): Option[] => (event?.links ?? []).filter((l) => l.kind === kind).map((l) => ({ value: l.id, label: l.label }));
    const merge = (own: Option[], fresh: Option[]) => {
      const seen = new Set(fresh.map((o) => o.value));
      return [...fresh, ...own.filter((o) => !seen.has(o.value))];
    };
    const party = (p: { number: string; name: string | null }) => (p.name ? `${p.name}(${p.number})` : p.number);
    return {
      alarm: merge(
        kept('alarm'),
        (alarms.data ?? []).map((a) => ({ value: a.id, label: `${localDateTime(a.occurredAt)} ${kindText(a)} ${a.mineName ?? a.deviceId ?? ''}`.trim() })),
      ),
      call: merge(
        kept('call'),
        (calls.data ?? []).map((c) => ({ value: c.id, label: `${localDateTime(c.startedAt)} ${party(c.caller)} → ${party(c.callee)}` })),
      ),
      callRecording: merge(
        kept('callRecording'),
        (calls.data ?? [])
          .filter((c) => c.recordingId)
          .map((c) => ({ value: c.recordingId!, label: `${t('events.link.recordingOf')} ${localDateTime(c.startedAt)} ${party(c.caller)} → ${party(c.callee)}` })),
      ),
      videoRecording: merge(
        kept('videoRecording'),
        (recordings.data ?? []).map((r) => ({ value: r.id, label: `${localDateTime(r.startedAt)} ${r.channelName}` })),
      ),
    } satisfies Record<EventLink['kind'], Option[]>;
  }, [alarms.data, calls.data, recordings.data, event, t]);

  const useMineLocation = (): void => {
    const mine = mines.find((m) => m.id === mineId);
    if (mine?.location) form.setFieldsValue({ lon: mine.location[0], lat: mine.location[1] });
    else message.info(t('events.form.noMineLocation'));
  };

  const submit = async (v: FormValues): Promise<void> => {
    const hasLon = v.lon !== null && v.lon !== undefined;
    const hasLat = v.lat !== null && v.lat !== undefined;
    if (hasLon !== hasLat) {
      message.error(t('events.form.coordsBoth'));
      return;
    }
    const location: LonLat | null = hasLon && hasLat ? [v.lon!, v.lat!] : null;
    const links: EventLink[] = (Object.keys(LINK_FIELDS) as EventLink['kind'][]).flatMap((kind) =>
      (v[LINK_FIELDS[kind]] ?? []).map((id) => ({ kind, id, label: (options[kind].find((o) => o.value === id)?.label ?? id).slice(0, 200) })),
    );
    const mine = mines.find((m) => m.id === v.mineId);
    try {
      const saved = await save({
        ...(event ? { id: event.id, expectedUpdatedAt: event.updatedAt } : {}),
        type: v.type,
        level: v.level,
        mineId: v.mineId ?? null,
        mineName: mine ? mine.name : v.mineId ? (event?.mineName ?? null) : null,
        place: (v.place ?? '').trim(),
        location,
        occurredAt: v.occurredAt.valueOf(),
        description: v.description ?? '',
        casualties: v.casualties ?? '',
        cause: v.cause ?? '',
        measures: v.measures ?? '',
        reporter: (v.reporter ?? '').trim(),
        links,
      }).unwrap();
      message.success(event ? t('events.form.saved') : t('events.form.created'));
      onClose(saved);
    } catch (err) {
      message.error((err as { message?: string }).message ?? String(err));
    }
  };

  const linkSelect = (kind: EventLink['kind']) => (
    <Form.Item name={LINK_FIELDS[kind]} label={EVENT_LINK_KIND_NAMES[kind]}>
      <Select
        mode="multiple"
        allowClear
        optionFilterProp="label"
        placeholder={t('events.form.linkPlaceholder')}
        options={options[kind]}
        maxTagCount="responsive"
        data-testid={`event-link-${kind}`}
      />
    </Form.Item>
  );

  return (
    <Modal
      open={open}
      title={event ? t('events.form.editTitle') : t('events.form.newTitle')}
      width={760}
      onCancel={() => onClose(null)}
      okText={t('events.form.save')}
      confirmLoading={saveState.isLoading}
      onOk={() => form.submit()}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'event-form-save' } as React.ComponentProps<typeof Button>}
    >
      <Form<FormValues> form={form} layout="vertical" onFinish={(v) => void submit(v)} data-testid="event-form" className="event-form">
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="type" label={t('events.col.type')} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Select
              data-testid="event-form-type"
              options={EVENT_TYPE_OPTIONS}
            />
          </Form.Item>
          <Form.Item name="level" label={t('events.col.level')} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Select data-testid="event-form-level" options={[1, 2, 3, 4].map((l) => ({ value: l, label: EVENT_LEVEL_NAMES[l] }))} />
          </Form.Item>
          <Form.Item name="occurredAt" label={t('events.col.occurredAt')} rules={[{ required: true }]} style={{ flex: 1.4 }}>
            <DatePicker showTime style={{ width: '100%' }} data-testid="event-form-time" />
          </Form.Item>
        </Space.Compact>
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="mineId" label={t('events.col.mine')} style={{ flex: 1 }}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t('events.form.minePlaceholder')}
              options={mines.map((m) => ({ value: m.id, label: m.name }))}
              data-testid="event-form-mine"
            />
          </Form.Item>
          <Form.Item name="place" label={t('events.col.place')} style={{ flex: 1.4 }} rules={[{ max: 200 }]}>
            <Input placeholder={t('events.form.placePlaceholder')} data-testid="event-form-place" />
          </Form.Item>
        </Space.Compact>
        <Space align="end" wrap>
          <Form.Item name="lon" label={t('events.form.lon')}>
            <InputNumber min={-180} max={180} step={0.000001} style={{ width: 150 }} data-testid="event-form-lon" />
          </Form.Item>
          <Form.Item name="lat" label={t('events.form.lat')}>
            <InputNumber min={-90} max={90} step={0.000001} style={{ width: 150 }} data-testid="event-form-lat" />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button disabled={!mineId} onClick={useMineLocation}>
                {t('events.form.mineLocation')}
              </Button>
              <Button onClick={() => setShowMap((v) => !v)} data-testid="event-form-map-toggle">
                {showMap ? t('events.form.hideMap') : t('events.form.pickOnMap')}
              </Button>
            </Space>
          </Form.Item>
          <Form.Item name="reporter" label={t('events.col.reporter')} rules={[{ max: 64 }]}>
            <Input style={{ width: 160 }} data-testid="event-form-reporter" />
          </Form.Item>
        </Space>
        {showMap ? (
          <div style={{ marginBottom: 16 }}>
            <MapPicker
              value={typeof lon === 'number' && typeof lat === 'number' ? [lon, lat] : null}
              mines={mines}
              onPick={([x, y]) => form.setFieldsValue({ lon: x, lat: y })}
            />
          </div>
        ) : null}
        <Form.Item name="description" label={t('events.col.description')} rules={[{ max: MAX_EVENT_TEXT }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} data-testid="event-form-description" />
        </Form.Item>
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="casualties" label={t('events.col.casualties')} style={{ flex: 1 }} rules={[{ max: MAX_EVENT_TEXT }]}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
          </Form.Item>
          <Form.Item name="cause" label={t('events.col.cause')} style={{ flex: 1 }} rules={[{ max: MAX_EVENT_TEXT }]}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="measures" label={t('events.col.measures')} rules={[{ max: MAX_EVENT_TEXT }]}>
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
        </Form.Item>
        {linkSelect('alarm')}
        <Space.Compact block style={{ gap: 12 }}>
          <div style={{ flex: 1 }}>{linkSelect('call')}</div>
          <div style={{ flex: 1 }}>{linkSelect('callRecording')}</div>
        </Space.Compact>
        {linkSelect('videoRecording')}
      </Form>
    </Modal>
  );
}

import { useMemo } from 'react';
import { App, Button, Descriptions, Empty, Space, Table, Tag } from 'antd';
import { CloseOutlined, PhoneOutlined, PlayCircleOutlined, NodeIndexOutlined, DeleteOutlined } from '@ant-design/icons';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import type { Alarm } from '../../../shared/domain/alarm';
import type { Catalogue } from '../../../shared/domain/catalogue';
import { EVENT_TYPES, type ConsoleEvent } from '../../../shared/domain/event';
import type { GpsUnit } from '../../../shared/domain/gps';
import type { MapMark } from '../../../shared/domain/map';
import { POINT_CATEGORIES } from '../../../shared/domain/referenceData';
import { useAppDispatch, useT } from '../../app/hooks';
import { detailOpened } from '../alarms/alarmsSlice';
import { kindText, LEVEL_COLORS, LEVEL_NAMES } from '../alarms/alarmModel';
import { usePhoneEngine } from '../phone/phoneEngineContext';
import { useOpenChannelsOnWall, useOpenMineOnWall } from '../wall/useOpenOnWall';
import { LivePreview } from './LivePreview';
import { mineCategoryCounts, type LayerName, type MineStatus } from './mapModel';
import { useDeleteMapMarkMutation } from './mapApi';

export type MapData = {
  catalogue: Catalogue | undefined;
  statuses: ReadonlyMap<string, MineStatus>;
  alarms: readonly Alarm[];
  events: readonly ConsoleEvent[];
  units: readonly GpsUnit[];
  marks: readonly MapMark[];
};

const time = (ms: number) => new Date(ms).toLocaleString('zh-CN', { hour12: false });

/** What a click on the map picked: a mine with its 36 point categories, a camera with live video, a unit … */
export function MapDetailPanel({
  api,
  picked,
  data,
  onClose,
  onTrack,
}: {
  api: ConsoleApi;
  picked: { layer: LayerName; id: string };
  data: MapData;
  onClose: () => void;
  onTrack: (unitId: string) => void;
}) {
  const t = useT();
  const dispatch = useAppDispatch();
  let title = '';
  let body: React.ReactNode = <Empty description={t('map.detail.gone')} />;
  const { layer, id } = picked;
  if (layer === 'mines') {
    const s = data.statuses.get(id);
    if (s) {
      title = s.mine.name;
      body = <MineDetail status={s} catalogue={data.catalogue} />;
    }
  } else if (layer === 'cameras') {
    const ch = data.catalogue?.channels.find((c) => c.id === id);
    if (ch) {
      title = ch.name;
      body = <CameraDetail api={api} channelId={ch.id} online={ch.online} place={ch.place} category={ch.categoryCode} mine={ch.mineId ? data.statuses.get(ch.mineId)?.mine.name ?? null : null} />;
    }
  } else if (layer === 'units') {
    const u = data.units.find((x) => x.id === id);
    if (u) {
      title = u.name || u.id;
      body = <UnitDetail api={api} unit={u} mine={u.mineId ? data.statuses.get(u.mineId)?.mine.name ?? null : null} onTrack={onTrack} />;
    }
  } else if (layer === 'alarms') {
    const a = data.alarms.find((x) => x.id === id);
    if (a) {
      title = kindText(a);
      body = (
        <>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('map.detail.level')}>
              <Tag color={LEVEL_COLORS[a.level]}>{LEVEL_NAMES[a.level]}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('map.detail.time')}>{time(a.occurredAt)}</Descriptions.Item>
            <Descriptions.Item label={t('map.detail.place')}>{a.mineName ?? a.deviceId ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('map.detail.reporter')}>{a.reporter ?? '—'}</Descriptions.Item>
          </Descriptions>
          <Button
            type="primary"
            onClick={() => {
              dispatch(detailOpened(a.id));
              location.hash = '#/alarms';
            }}
          >
            {t('map.detail.openAlarm')}
          </Button>
        </>
      );
    }
  } else if (layer === 'events') {
    const e = data.events.find((x) => x.id === id);
    if (e) {
      title = `${EVENT_TYPES[e.type].name} · ${e.mineName ?? e.place}`;
      body = (
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('map.detail.time')}>{time(e.occurredAt)}</Descriptions.Item>
          <Descriptions.Item label={t('map.detail.place')}>{e.place || e.mineName || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('map.detail.description')}>{e.description || '—'}</Descriptions.Item>
        </Descriptions>
      );
    }
  } else if (layer === 'marks') {
    const m = data.marks.find((x) => x.id === id);
    if (m) {
      title = m.name;
      body = <MarkDetail mark={m} onDeleted={onClose} />;
    }
  }
  return (
    <div className="map-panel map-panel--detail" data-testid="map-detail" data-layer={layer}>
      <div className="map-panel__head">
        <span className="map-panel__title">{title || t('map.detail.title')}</span>
        <Button size="small" type="text" icon={<CloseOutlined />} onClick={onClose} aria-label={t('map.close')} />
      </div>
      <div className="map-panel__body">{body}</div>
    </div>
  );
}

function MineDetail({ status, catalogue }: { status: MineStatus; catalogue: Catalogue | undefined }) {
  const t = useT();
  const openMine = useOpenMineOnWall();
  const rows = useMemo(() => mineCategoryCounts(status.mine.id, catalogue?.channels ?? []), [status.mine.id, catalogue]);
  const covered = rows.filter((r) => r.total > 0).length;
  return (
    <>
      <Space wrap style={{ marginBottom: 8 }}>
        <Tag color="blue" data-testid="mine-online">{t('map.detail.channels', { online: status.online, total: status.total })}</Tag>
        <Tag color={status.openAlarms > 0 ? 'red' : 'default'}>{t('map.detail.openAlarms', { count: status.openAlarms })}</Tag>
        <Tag>{t('map.detail.categoriesCovered', { covered, total: POINT_CATEGORIES.length })}</Tag>
      </Space>
      <Table
        data-testid="mine-categories"
        size="small"
        pagination={false}
        rowKey="code"
        scroll={{ y: 300 }}
        dataSource={rows}
        rowClassName={(r) => (r.total === 0 ? 'map-category--missing' : '')}
        columns={[
          { title: t('map.detail.category'), dataIndex: 'name', render: (name: string, r) => `${r.code} ${name}` },
          { title: t('map.detail.count'), dataIndex: 'total', width: 96, align: 'right', render: (total: number, r) => (total === 0 ? '—' : `${r.online}/${total}`) },
        ]}
      />
      <Button style={{ marginTop: 8 }} type="primary" icon={<PlayCircleOutlined />} disabled={status.total === 0} onClick={() => void openMine(status.mine.id)}>
        {t('map.detail.mineOnWall')}
      </Button>
    </>
  );
}

function CameraDetail({ api, channelId, online, place, category, mine }: { api: ConsoleApi; channelId: string; online: boolean; place: string; category: string; mine: string | null }) {
  const t = useT();
  const { message } = App.useApp();
  const open = useOpenChannelsOnWall();
  const categoryName = POINT_CATEGORIES.find((c) => c.code === category)?.name ?? category;
  return (
    <>
      {online ? <LivePreview api={api} channelId={channelId} /> : <Tag>{t('map.detail.offline')}</Tag>}
      <Descriptions size="small" column={1} style={{ marginTop: 8 }}>
        <Descriptions.Item label={t('map.detail.mine')}>{mine ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('map.detail.category')}>{`${category} ${categoryName}`}</Descriptions.Item>
        <Descriptions.Item label={t('map.detail.place')}>{place || '—'}</Descriptions.Item>
      </Descriptions>
      <Space>
        <Button
          type="primary"
          icon={<PlayCircleOutlined />}
          onClick={async () => {
            if (await open([channelId])) message.success(t('map.selection.previewed', { count: 1 }));
          }}
        >
          {t('map.detail.onWall')}
        </Button>
        <Button onClick={() => (location.hash = `#/playback?channel=${encodeURIComponent(channelId)}&at=${Date.now() - 600_000}`)}>{t('map.detail.playback')}</Button>
      </Space>
    </>
  );
}

function UnitDetail({ api, unit, mine, onTrack }: { api: ConsoleApi; unit: GpsUnit; mine: string | null; onTrack: (id: string) => void }) {
  const t = useT();
  const phone = usePhoneEngine();
  const { message } = App.useApp();
  return (
    <>
      {unit.channelId && unit.online ? <LivePreview api={api} channelId={unit.channelId} /> : null}
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('map.detail.kind')}>{t(`map.type.${unit.kind}`)}</Descriptions.Item>
        <Descriptions.Item label={t('map.detail.state')}>
          <Tag color={unit.online ? 'green' : 'default'}>{t(unit.online ? 'map.detail.online' : 'map.detail.offline')}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('map.detail.mine')}>{mine ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('map.detail.lastFix')}>{unit.last ? time(unit.last.at) : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('map.detail.position')}>{unit.last ? `${unit.last.lon.toFixed(6)}, ${unit.last.lat.toFixed(6)}${unit.last.alt !== null ? ` · ${unit.last.alt.toFixed(0)} m` : ''}` : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('map.detail.speed')}>{unit.last?.speed != null ? `${(unit.last.speed * 3.6).toFixed(1)} km/h` : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('map.detail.phone')}>{unit.phone ?? '—'}</Descriptions.Item>
      </Descriptions>
      <Space wrap>
        <Button
          icon={<PhoneOutlined />}
          disabled={!unit.phone}
          onClick={async () => {
            try {
              await phone.dial(unit.phone!);
            } catch (err) {
              message.error(err instanceof Error ? err.message : String(err));
            }
          }}
        >
          {t('map.detail.call')}
        </Button>
        <Button icon={<NodeIndexOutlined />} onClick={() => onTrack(unit.id)} data-testid="unit-track">
          {t('map.detail.track')}
        </Button>
      </Space>
    </>
  );
}

function MarkDetail({ mark, onDeleted }: { mark: MapMark; onDeleted: () => void }) {
  const t = useT();
  const [remove, { isLoading }] = useDeleteMapMarkMutation();
  return (
    <>
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('map.detail.position')}>{`${mark.lon.toFixed(6)}, ${mark.lat.toFixed(6)}`}</Descriptions.Item>
        <Descriptions.Item label={t('map.mark.note')}>{mark.note || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('map.detail.time')}>{time(mark.createdAt)}</Descriptions.Item>
      </Descriptions>
      <Button danger icon={<DeleteOutlined />} loading={isLoading} onClick={async () => {
        if (!('error' in (await remove(mark.id)))) onDeleted();
      }}>
        {t('map.mark.delete')}
      </Button>
    </>
  );
}

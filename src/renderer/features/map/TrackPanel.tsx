import { useEffect, useRef, useState } from 'react';
import { Alert, Button, DatePicker, Select, Slider, Space, Typography } from 'antd';
import { CaretRightOutlined, CloseOutlined, PauseOutlined, SearchOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { GPS_TRACK_WINDOW_MS, type GpsTrack, type GpsUnit } from '../../../shared/domain/gps';
import { useT } from '../../app/hooks';
import type { MapScene } from './engine/mapScene';
import { TRACK_SPEEDS } from './engine/trackPlayback';
import { useLazyQueryGpsTrackQuery } from './mapApi';
import { UNIT_COLORS } from './mapModel';

const clock = (ms: number) => dayjs(ms).format('MM-DD HH:mm:ss');

/**
 * 轨迹回放: a unit's positions over a span of the past 24 hours, drawn on the map and played back on a timeline
 * (play/pause, speed, drag to any moment).
 */
export function TrackPanel({ scene, units, unitId, onUnit, onClose }: { scene: MapScene; units: readonly GpsUnit[]; unitId: string | null; onUnit: (id: string) => void; onClose: () => void }) {
  const t = useT();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(1, 'hour'), dayjs()]);
  const [fetchTrack, { isFetching, error }] = useLazyQueryGpsTrackQuery();
  const [track, setTrack] = useState<GpsTrack | null>(null);
  const [at, setAt] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(16);
  const atRef = useRef(0);

  const start = track?.fixes[0]?.at ?? 0;
  const end = track?.fixes[track.fixes.length - 1]?.at ?? 0;

  const query = async () => {
    if (!unitId) return;
    setPlaying(false);
    const result = await fetchTrack({ unitId, from: range[0].valueOf(), to: range[1].valueOf() });
    const next = result.data ?? null;
    setTrack(next);
    const unit = units.find((u) => u.id === unitId);
    scene.track.load(next?.fixes ?? [], unit ? UNIT_COLORS[unit.kind] : '#ffd666');
    const first = next?.fixes[0];
    if (first) {
      atRef.current = first.at;
      setAt(first.at);
      scene.track.seek(first.at);
      // The whole track in view.
      let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
      for (const f of next.fixes) {
        west = Math.min(west, f.lon);
        east = Math.max(east, f.lon);
        south = Math.min(south, f.lat);
        north = Math.max(north, f.lat);
      }
      scene.view.flyToBounds({ west, south, east, north });
    }
  };

  // Playback: the unit moves every frame; the slider and clock follow at ~10 Hz.
  useEffect(() => {
    if (!playing || !track || track.fixes.length === 0) return;
    let last = performance.now();
    let shown = last;
    let raf = requestAnimationFrame(function step(now) {
      const next = Math.min(end, atRef.current + (now - last) * speed);
      last = now;
      atRef.current = next;
      scene.track.seek(next);
      if (now - shown > 100 || next >= end) {
        shown = now;
        setAt(next);
      }
      if (next >= end) setPlaying(false);
      else raf = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(raf);
  }, [playing, track, speed, end, scene]);

  // On close; when the whole page goes, the globe (and the track with it) may already be destroyed.
  useEffect(
    () => () => {
      if (!scene.isDestroyed) scene.track.clear();
    },
    [scene],
  );

  const seek = (value: number) => {
    atRef.current = value;
    setAt(value);
    scene.track.seek(value);
  };

  return (
    <div className="map-track" data-testid="map-track">
      <Space wrap align="center">
        <Typography.Text strong>{t('map.track.title')}</Typography.Text>
        <Select
          style={{ width: 200 }}
          placeholder={t('map.track.unit')}
          value={unitId ?? undefined}
          onChange={onUnit}
          showSearch
          optionFilterProp="label"
          options={units.map((u) => ({ value: u.id, label: `${t(`map.type.${u.kind}`)} · ${u.name || u.id}` }))}
          data-testid="track-unit"
        />
        <DatePicker.RangePicker
          showTime
          value={range}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
          disabledDate={(d) => d.isAfter(dayjs()) || d.isBefore(dayjs().subtract(1, 'day').startOf('day'))}
          presets={[
            { label: t('map.track.last1h'), value: [dayjs().subtract(1, 'hour'), dayjs()] },
            { label: t('map.track.last6h'), value: [dayjs().subtract(6, 'hour'), dayjs()] },
            { label: t('map.track.last24h'), value: [dayjs().subtract(GPS_TRACK_WINDOW_MS, 'ms'), dayjs()] },
          ]}
        />
        <Button type="primary" icon={<SearchOutlined />} loading={isFetching} disabled={!unitId} onClick={() => void query()} data-testid="track-query">
          {t('map.track.query')}
        </Button>
        <Button
          icon={playing ? <PauseOutlined /> : <CaretRightOutlined />}
          disabled={!track || track.fixes.length < 2}
          onClick={() => {
            if (!playing && atRef.current >= end) seek(start);
            setPlaying(!playing);
          }}
          data-testid="track-play"
        >
          {t(playing ? 'map.track.pause' : 'map.track.play')}
        </Button>
        <Select style={{ width: 90 }} value={speed} onChange={setSpeed} options={TRACK_SPEEDS.map((s) => ({ value: s, label: `${s}×` }))} aria-label={t('map.track.speed')} />
        <Typography.Text type="secondary" data-testid="track-info">
          {track ? t('map.track.points', { count: track.fixes.length }) + (track.thinned ? t('map.track.thinned') : '') : ''}
        </Typography.Text>
        <Button size="small" type="text" icon={<CloseOutlined />} onClick={onClose} aria-label={t('map.close')} />
      </Space>
      {error ? <Alert type="error" showIcon message={(error as { message?: string }).message ?? t('map.track.failed')} /> : null}
      {track && track.fixes.length === 0 ? <Alert type="info" showIcon message={t('map.track.empty')} /> : null}
      {track && track.fixes.length > 0 ? (
        <div className="map-track__timeline">
          <span className="map-track__clock" data-testid="track-clock" data-at={Math.round(at)}>
            {clock(at)}
          </span>
          <Slider min={start} max={Math.max(end, start + 1)} value={at} onChange={seek} tooltip={{ formatter: (v) => (v ? clock(v) : '') }} style={{ flex: 1 }} />
          <span className="map-track__clock">{clock(end)}</span>
        </div>
      ) : null}
    </div>
  );
}

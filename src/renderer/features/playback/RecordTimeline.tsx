import { useRef, useState } from 'react';
import { Segmented } from 'antd';
import type { RecordSpan } from '../../../shared/domain/playback';
import { useT } from '../../app/hooks';
import { clockText } from './timeFormat';

export type TimelineRow = { channelId: string; name: string; spans: RecordSpan[]; message: string | null };

const ZOOMS = [
  { key: '24h', ms: 24 * 3600_000 },
  { key: '2h', ms: 2 * 3600_000 },
  { key: '30m', ms: 30 * 60_000 },
  { key: '5m', ms: 5 * 60_000 },
] as const;
type ZoomKey = (typeof ZOOMS)[number]['key'];

/** Tick step for a visible range: about eight labels. */
function tickStep(range: number): number {
  const steps = [10_000, 30_000, 60_000, 5 * 60_000, 10 * 60_000, 30 * 60_000, 3600_000, 2 * 3600_000, 3 * 3600_000];
  return steps.find((s) => range / s <= 10) ?? 3 * 3600_000;
}

/**
 * The day's recordings per channel (device blue, cloud green), a cursor at the playback clock and the
 * selection to download. Click to play from a time; zoom from the whole day down to five minutes around the cursor.
 */
export function RecordTimeline(props: {
  day: number;
  rows: TimelineRow[];
  cursor: number | null;
  selection: { from: number; to: number } | null;
  onSeek: (ms: number) => void;
}) {
  const t = useT();
  const { day, rows, cursor, selection, onSeek } = props;
  const [zoom, setZoom] = useState<ZoomKey>('24h');
  const track = useRef<HTMLDivElement>(null);
  const range = ZOOMS.find((z) => z.key === zoom)?.ms ?? 24 * 3600_000;
  const centre = cursor ?? day + 12 * 3600_000;
  const start = zoom === '24h' ? day : Math.min(Math.max(day, centre - range / 2), day + 24 * 3600_000 - range);
  const end = start + range;
  const pct = (ms: number) => `${(((Math.min(Math.max(ms, start), end) - start) / range) * 100).toFixed(4)}%`;
  const step = tickStep(range);
  const ticks: number[] = [];
  for (let x = Math.ceil(start / step) * step; x <= end; x += step) ticks.push(x);

  const seekAt = (clientX: number) => {
    const box = track.current?.getBoundingClientRect();
    if (!box || box.width === 0) return;
    onSeek(Math.round(start + ((clientX - box.left) / box.width) * range));
  };

  return (
    <div className="timeline" data-testid="playback-timeline" data-view-start={start} data-view-end={end}>
      <div className="timeline__bar">
        <Segmented
          size="small"
          value={zoom}
          onChange={(v) => setZoom(v as ZoomKey)}
          options={ZOOMS.map((z) => ({ value: z.key, label: t(`playback.zoom.${z.key}`) }))}
          data-testid="timeline-zoom"
        />
        <span className="timeline__legend">
          <i className="timeline__swatch timeline__swatch--device" /> {t('playback.source.device')}
          <i className="timeline__swatch timeline__swatch--cloud" /> {t('playback.source.cloud')}
        </span>
      </div>
      <div className="timeline__body">
        <div className="timeline__names">
          <div className="timeline__axis-name" />
          {rows.map((r) => (
            <div key={r.channelId} className="timeline__name" title={r.name}>
              {r.name}
            </div>
          ))}
        </div>
        <div className="timeline__track" ref={track} onClick={(e) => seekAt(e.clientX)} data-testid="timeline-track">
          <div className="timeline__axis">
            {ticks.map((x) => (
              <span key={x} className="timeline__tick" style={{ left: pct(x) }}>
                {clockText(x).slice(0, step < 60_000 ? 8 : 5)}
              </span>
            ))}
          </div>
          {rows.map((r) => (
            <div key={r.channelId} className="timeline__row" data-testid="playback-row" data-channel-id={r.channelId} data-spans={r.spans.length}>
              {r.message ? <span className="timeline__message">{r.message}</span> : null}
              {r.spans
                .filter((s) => s.end > start && s.start < end)
                .map((s) => (
                  <span
                    key={`${s.source}-${s.start}`}
                    className={`timeline__span timeline__span--${s.source}`}
                    style={{ left: pct(s.start), width: `calc(${pct(s.end)} - ${pct(s.start)})` }}
                    title={`${clockText(s.start)} – ${clockText(s.end)}`}
                    data-testid="playback-span"
                    data-start={s.start}
                    data-end={s.end}
                    data-source={s.source}
                  />
                ))}
            </div>
          ))}
          {selection ? (
            <div
              className="timeline__selection"
              style={{ left: pct(selection.from), width: `calc(${pct(selection.to)} - ${pct(selection.from)})` }}
              data-testid="timeline-selection"
            />
          ) : null}
          {cursor !== null && cursor >= start && cursor <= end ? <div className="timeline__cursor" style={{ left: pct(cursor) }} /> : null}
        </div>
      </div>
    </div>
  );
}

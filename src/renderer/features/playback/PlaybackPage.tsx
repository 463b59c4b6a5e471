import { useCallback, useEffect, useMemo, useState } from 'react';
import { App as AntApp, Button, DatePicker, Input, List, Progress, Segmented, Select, Space, Switch, Tooltip } from 'antd';
import {
  CameraOutlined,
  CaretRightOutlined,
  DownloadOutlined,
  PauseOutlined,
  SearchOutlined,
  StepBackwardOutlined,
  StepForwardOutlined,
} from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { playbackSpeeds, type PlaybackSession } from '../../../shared/domain/playback';
import { useT } from '../../app/hooks';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { useSaveSnapshotMutation } from '../wall/wallApi';
import { canvasToPngBase64, composeSnapshot, formatSnapshotTime } from '../../media/snapshot';
import {
  useCancelDownloadMutation,
  useClosePlaybackMutation,
  useLazyQueryRecordsQuery,
  useListDownloadsQuery,
  useOpenPlaybackMutation,
  useStartDownloadMutation,
} from './playbackApi';
import { PlaybackGroup, type GroupSnapshot } from './playbackGroup';
import { PlaybackTile } from './PlaybackTile';
import { RecordTimeline, type TimelineRow } from './RecordTimeline';
import { clockText, dayStart, parseClock } from './timeFormat';

const MAX_CHANNELS = 4;
const DAY_MS = 24 * 3600_000;
const TICK_MS = 200;
/** A linked recording starts this long before the time it names (what led up to an alarm). */
const LINK_LEAD_MS = 30_000;

/** The channel and time a `#/playback?channel=…&at=…` link names, or null. */
export function playbackLink(hash: string): { channelId: string; at: number } | null {
  const query = hash.split('?')[1];
  if (!query) return null;
  const params = new URLSearchParams(query);
  const channelId = params.get('channel');
  const at = Number(params.get('at'));
  return channelId && Number.isFinite(at) && at > 0 ? { channelId, at } : null;
}

type Opened = { channelId: string; name: string; session: PlaybackSession | null; row: TimelineRow };

function errorText(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

/**
 * 录像回放: pick up to four channels and a day, see their recordings on a timeline, play from any time at
 * 0.5x–8x, step frames, keep channels in sync, export a snapshot and download a marked span.
 */
export function PlaybackPage() {
  const t = useT();
  const { message } = AntApp.useApp();
  const catalogue = useGetCatalogueQuery();
  const [link] = useState(() => playbackLink(location.hash));
  const [picked, setPicked] = useState<string[]>(() => (link ? [link.channelId] : []));
  const [day, setDay] = useState<Dayjs>(() => dayjs(link ? dayStart(link.at) : undefined));
  const [opened, setOpened] = useState<Opened[]>([]);
  const [busy, setBusy] = useState(false);
  const [group] = useState(() => new PlaybackGroup());
  const [snap, setSnap] = useState<GroupSnapshot>({ clockMs: 0, playing: false, speed: 1, tiles: {} });
  const [active, setActive] = useState<string | null>(null);
  const [sync, setSync] = useState(true);
  const [gotoText, setGotoText] = useState('');
  const [markIn, setMarkIn] = useState<number | null>(null);
  const [markOut, setMarkOut] = useState<number | null>(null);
  const [queryRecords] = useLazyQueryRecordsQuery();
  const [openPlayback] = useOpenPlaybackMutation();
  const [closePlayback] = useClosePlaybackMutation();
  const [startDownload] = useStartDownloadMutation();
  const [cancelDownload] = useCancelDownloadMutation();
  const [saveSnapshot] = useSaveSnapshotMutation();
  const downloads = useListDownloadsQuery();

  const channels = useMemo(() => catalogue.data?.channels ?? [], [catalogue.data]);
  // The page re-renders with the playback clock (5 Hz): the picker's options (up to every channel) are built once per catalogue.
  const channelOptions = useMemo(() => channels.map((c) => ({ value: c.id, label: c.name })), [channels]);
  const dayMs = dayStart(day.valueOf());

  useEffect(() => {
    const timer = setInterval(() => setSnap(group.tick()), TICK_MS);
    return () => clearInterval(timer);
  }, [group]);

  // Sessions are released when the page closes or the set changes.
  useEffect(() => {
    return () => {
      for (const o of opened) if (o.session) void closePlayback(o.session.source.sessionId);
    };
  }, [opened, closePlayback]);

  const onTileError = useCallback((msg: string) => void message.error(msg), [message]);

  /** Opens `ids` on the day starting at `fromDay`, at `seekTo` when given (else at the first recording). */
  const load = async (ids: string[] = picked, fromDay: number = dayMs, seekTo?: number) => {
    if (ids.length === 0) {
      void message.warning(t('playback.pickChannels'));
      return;
    }
    setBusy(true);
    const from = fromDay;
    const to = fromDay + DAY_MS;
    const next = await Promise.all(
      ids.map(async (channelId): Promise<Opened> => {
        const name = channels.find((c) => c.id === channelId)?.name ?? channelId;
        try {
          const { spans } = await queryRecords({ channelId, from, to }).unwrap();
          if (spans.length === 0) return { channelId, name, session: null, row: { channelId, name, spans, message: t('playback.noRecords') } };
          const session = await openPlayback({ channelId, from, to }).unwrap();
          return { channelId, name, session, row: { channelId, name, spans, message: null } };
        } catch (err) {
          return { channelId, name, session: null, row: { channelId, name, spans: [], message: errorText(err) } };
        }
      }),
    );
    setBusy(false);
    group.pause();
    setOpened(next);
    setActive(next.find((o) => o.session)?.channelId ?? null);
    group.setActive(next.find((o) => o.session)?.channelId ?? null);
    const first = next.flatMap((o) => o.row.spans).sort((a, b) => a.start - b.start)[0];
    if (seekTo !== undefined) void group.seek(seekTo);
    else if (first) void group.seek(first.start);
    setMarkIn(null);
    setMarkOut(null);
  };

  // `#/playback?channel=<id>&at=<ms>` (an alarm's 报警录像): that channel, from shortly before that time, once the
  // catalogue is there; the link is consumed so a reload does not jump again.
  useEffect(() => {
    if (!link || channels.length === 0) return;
    history.replaceState(null, '', '#/playback');
    const timer = setTimeout(() => void load([link.channelId], dayStart(link.at), link.at - LINK_LEAD_MS), 0);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [link, channels.length > 0]);

  const seek = (ms: number) => void group.seek(ms);
  const goto = () => {
    const ms = parseClock(gotoText, dayMs);
    if (ms === null) {
      void message.warning(t('playback.badTime'));
      return;
    }
    seek(ms);
  };

  const snapshot = async () => {
    const id = active ?? opened.find((o) => o.session)?.channelId;
    const player = id ? group.player(id) : undefined;
    const frame = player?.captureFrame();
    const wall = player?.wallTime();
    if (!id || !frame || !wall) {
      void message.warning(t('playback.noFrame'));
      return;
    }
    const name = opened.find((o) => o.channelId === id)?.name ?? id;
    const png = await canvasToPngBase64(composeSnapshot(frame, { channelName: `${name} ${t('playback.recordedTag')}`, time: formatSnapshotTime(new Date(wall)) }));
    try {
      await saveSnapshot({ channelId: id, takenAt: Math.round(wall), pngBase64: png }).unwrap();
      void message.success(t('playback.snapshotSaved'));
    } catch (err) {
      void message.error(errorText(err));
    }
  };

  const selection = markIn !== null && markOut !== null && markOut > markIn ? { from: markIn, to: markOut } : null;
  const download = async () => {
    if (!selection) {
      void message.warning(t('playback.markFirst'));
      return;
    }
    const targets = opened.filter((o) => o.row.spans.some((s) => s.end > selection.from && s.start < selection.to));
    if (targets.length === 0) {
      void message.warning(t('playback.noRecordsInSelection'));
      return;
    }
    for (const o of targets) {
      try {
        await startDownload({ channelId: o.channelId, from: selection.from, to: selection.to }).unwrap();
      } catch (err) {
        void message.error(`${o.name}: ${errorText(err)}`);
      }
    }
  };

  const playing = snap.playing;
  const shown = opened.filter((o) => o.session);
  const cols = shown.length <= 1 ? 1 : 2;
  return (
    <div className="playback" data-testid="playback-page">
      <div className="playback__query">
        <Select
          mode="multiple"
          maxCount={MAX_CHANNELS}
          placeholder={t('playback.channels')}
          value={picked}
          onChange={setPicked}
          showSearch={{ optionFilterProp: 'label' }}
          options={channelOptions}
          style={{ minWidth: 420, flex: 1 }}
          aria-label={t('playback.channels')}
          data-testid="playback-channels"
        />
        <DatePicker value={day} onChange={(d) => d && setDay(d)} allowClear={false} data-testid="playback-day" />
        <Button type="primary" icon={<SearchOutlined />} loading={busy} onClick={() => void load()} data-testid="playback-query">
          {t('playback.query')}
        </Button>
      </div>
      <div className={`playback__grid playback__grid--${cols}`} data-testid="playback-grid">
        {shown.length === 0 ? <div className="playback__empty">{t('playback.empty')}</div> : null}
        {shown.map((o) =>
          o.session ? (
            <PlaybackTile
              key={o.session.source.sessionId}
              name={o.name}
              session={o.session}
              group={group}
              status={snap.tiles[o.channelId]}
              active={active === o.channelId}
              onSelect={() => {
                setActive(o.channelId);
                group.setActive(o.channelId);
              }}
              onError={onTileError}
            />
          ) : null,
        )}
      </div>
      <div className="playback__controls">
        <Space wrap>
          <Tooltip title={t('playback.stepBack')}>
            <Button icon={<StepBackwardOutlined />} onClick={() => group.step(-1)} data-testid="playback-step-back" />
          </Tooltip>
          {playing ? (
            <Button icon={<PauseOutlined />} onClick={() => group.pause()} data-testid="playback-pause">
              {t('playback.pause')}
            </Button>
          ) : (
            <Button type="primary" icon={<CaretRightOutlined />} onClick={() => group.play()} disabled={shown.length === 0} data-testid="playback-play">
              {t('playback.play')}
            </Button>
          )}
          <Tooltip title={t('playback.stepForward')}>
            <Button icon={<StepForwardOutlined />} onClick={() => group.step(1)} data-testid="playback-step-forward" />
          </Tooltip>
          <Segmented
            value={snap.speed}
            onChange={(v) => void group.setSpeed(Number(v))}
            options={playbackSpeeds.map((s) => ({ value: s, label: `${s}x` }))}
            data-testid="playback-speed"
          />
          <span className="playback__clock" data-testid="playback-clock" data-ms={Math.round(snap.clockMs)}>
            {snap.clockMs ? clockText(snap.clockMs) : '--:--:--'}
          </span>
          <Input
            value={gotoText}
            onChange={(e) => setGotoText(e.target.value)}
            onPressEnter={goto}
            placeholder={t('playback.gotoPlaceholder')}
            style={{ width: 120 }}
            data-testid="playback-goto"
          />
          <Space size={4}>
            <Switch
              checked={sync}
              onChange={(v) => {
                setSync(v);
                group.setSync(v);
              }}
              data-testid="playback-sync"
            />
            {t('playback.sync')}
          </Space>
          <Button icon={<CameraOutlined />} onClick={() => void snapshot()} data-testid="playback-snapshot">
            {t('playback.snapshot')}
          </Button>
          <Button onClick={() => setMarkIn(Math.round(group.time))} data-testid="playback-mark-in">
            {t('playback.markIn')}
            {markIn ? ` ${clockText(markIn)}` : ''}
          </Button>
          <Button onClick={() => setMarkOut(Math.round(group.time))} data-testid="playback-mark-out">
            {t('playback.markOut')}
            {markOut ? ` ${clockText(markOut)}` : ''}
          </Button>
          <Button icon={<DownloadOutlined />} onClick={() => void download()} disabled={!selection} data-testid="playback-download">
            {t('playback.download')}
          </Button>
        </Space>
      </div>
      <RecordTimeline day={dayMs} rows={opened.map((o) => o.row)} cursor={snap.clockMs || null} selection={selection} onSeek={seek} />
      {(downloads.data ?? []).length > 0 ? (
        <List
          className="playback__downloads"
          size="small"
          header={t('playback.downloads')}
          dataSource={downloads.data ?? []}
          renderItem={(d) => (
            <List.Item
              data-testid="download-item"
              data-state={d.state}
              data-progress={d.progress}
              data-recording-id={d.recordingId ?? ''}
              actions={d.state === 'running' ? [<a key="c" onClick={() => void cancelDownload(d.downloadId)}>{t('playback.cancel')}</a>] : []}
            >
              <span className="playback__download-name">
                {d.channelName} {clockText(d.from)}–{clockText(d.to)}
              </span>
              <Progress
                percent={Math.round(d.progress * 100)}
                size="small"
                status={d.state === 'failed' ? 'exception' : d.state === 'done' ? 'success' : 'active'}
                style={{ width: 240 }}
              />
              <span className="playback__download-state">{d.message ?? t(`playback.download.${d.state}`)}</span>
            </List.Item>
          )}
        />
      ) : null}
    </div>
  );
}

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { App } from 'antd';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import { ConsoleError } from '../../../shared/contract/rpc';
import { bytesToBase64, canvasToPngBase64, composeSnapshot, createPlayer, TileRecorder, type Player } from '../../media';
import { useAppDispatch, useT } from '../../app/hooks';
import { wallApi } from './wallApi';

/** Seconds an instant replay goes back. */
export const REPLAY_SECONDS = 30;

/** Snapshot, local recording, instant replay and the PTZ panel, for the tiles of one window. */
export type TileMedia = {
  snapshot(key: string, channelId: string, channelName: string, player: Player | null): Promise<void>;
  toggleRecording(key: string, channelId: string, player: Player | null): Promise<void>;
  /** mm:ss since the recording of this tile started, or null. */
  recordingOf(key: string): string | null;
  toggleReplay(key: string, channelId: string): Promise<void>;
  replayOf(key: string): boolean;
  replayContainer(key: string): (el: HTMLDivElement | null) => void;
  openPtz(tile: number): void;
};

type Recording = { id: string; recorder: TileRecorder; startedAt: number };

const pad = (n: number) => String(n).padStart(2, '0');
export function formatTime(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function useTileMedia(api: ConsoleApi, openPtz: (tile: number) => void): TileMedia {
  const t = useT();
  const { message } = App.useApp();
  const dispatch = useAppDispatch();
  const recordings = useRef(new Map<string, Recording>());
  const replays = useRef(new Map<string, { player: Player; sessionId: string }>());
  const replayBoxes = useRef(new Map<string, HTMLDivElement>());
  const boxCallbacks = useRef(new Map<string, (el: HTMLDivElement | null) => void>());
  const [, setTick] = useState(0);
  const rerender = useCallback(() => setTick((n) => n + 1), []);
  const reason = (err: unknown) => (err instanceof ConsoleError || err instanceof Error ? err.message : String(err));

  // The REC clock ticks once a second while anything records.
  const [recordingCount, setRecordingCount] = useState(0);
  useEffect(() => {
    if (recordingCount === 0) return;
    const timer = setInterval(rerender, 1000);
    return () => clearInterval(timer);
  }, [recordingCount, rerender]);

  useEffect(
    () => () => {
      for (const r of recordingsSnapshot(recordings.current)) void r.recorder.stop().catch(() => undefined);
      for (const r of replays.current.values()) r.player.dispose();
    },
    [],
  );

  const stopReplay = useCallback(
    (key: string) => {
      const r = replays.current.get(key);
      if (!r) return;
      replays.current.delete(key);
      r.player.dispose();
      replayBoxes.current.get(key)?.replaceChildren();
      void api.closeStream({ sessionId: r.sessionId }).catch(() => undefined);
      rerender();
    },
    [api, rerender],
  );

  return useMemo<TileMedia>(
    () => ({
      async snapshot(_key, channelId, channelName, player) {
        const frame = player ? await player.captureFrame() : null;
        if (!frame) {
          void message.warning(t('tile.snapshotNoFrame'));
          return;
        }
        const takenAt = Date.now();
        try {
          const png = await canvasToPngBase64(composeSnapshot(frame, { channelName, time: formatTime(takenAt) }));
          const entry = await dispatch(wallApi.endpoints.saveSnapshot.initiate({ channelId, takenAt, pngBase64: png })).unwrap();
          void message.success({ content: t('tile.snapshotSaved', { path: entry.path }), key: 'snapshot' });
        } catch (err) {
          void message.error(t('tile.snapshotFailed', { reason: reason(err as Error) }));
        }
      },
      async toggleRecording(key, channelId, player) {
        const current = recordings.current.get(key);
        if (current) {
          recordings.current.delete(key);
          setRecordingCount(recordings.current.size);
          try {
            await current.recorder.stop();
            const entry = await api.stopRecording({ recordingId: current.id });
            dispatch(wallApi.util.invalidateTags(['Recordings']));
            void message.success(t('tile.recordSaved', { path: entry.path }));
          } catch (err) {
            void message.error(t('tile.recordFailed', { reason: reason(err) }));
          }
          return;
        }
        const stream = player?.captureStream() ?? null;
        if (!stream) {
          void message.warning(t('tile.snapshotNoFrame'));
          return;
        }
        try {
          const mimeType = TileRecorder.pickMimeType();
          const entry = await api.startRecording({ channelId, mimeType });
          const recorder = new TileRecorder(stream, mimeType, async (seq, bytes) => {
            await api.appendRecording({ recordingId: entry.id, seq, dataBase64: bytesToBase64(bytes) });
          });
          recorder.onError((err) => {
            void message.error(t('tile.recordFailed', { reason: reason(err) }));
            if (recordings.current.get(key)?.id === entry.id) {
              recordings.current.delete(key);
              setRecordingCount(recordings.current.size);
              void api.stopRecording({ recordingId: entry.id }).catch(() => undefined);
            }
          });
          recorder.start();
          recordings.current.set(key, { id: entry.id, recorder, startedAt: Date.now() });
          setRecordingCount(recordings.current.size);
          dispatch(wallApi.util.invalidateTags(['Recordings']));
        } catch (err) {
          void message.error(t('tile.recordFailed', { reason: reason(err) }));
        }
      },
      recordingOf(key) {
        const r = recordings.current.get(key);
        if (!r) return null;
        const s = Math.floor((Date.now() - r.startedAt) / 1000);
        return `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
      },
      async toggleReplay(key, channelId) {
        if (replays.current.has(key)) {
          stopReplay(key);
          return;
        }
        const box = replayBoxes.current.get(key);
        if (!box) return;
        try {
          const source = await api.openReplay({ channelId, seconds: REPLAY_SECONDS });
          const player = createPlayer(source);
          replays.current.set(key, { player, sessionId: source.sessionId });
          player.onState((state) => {
            if (state === 'failed') {
              void message.info({ content: t('tile.replayEnded'), key: `replay-${key}` });
              stopReplay(key);
            }
          });
          player.mount(box);
          rerender();
        } catch (err) {
          void message.warning(t('tile.replayUnavailable', { reason: reason(err) }));
        }
      },
      replayOf: (key) => replays.current.has(key),
      replayContainer(key) {
        let cb = boxCallbacks.current.get(key);
        if (!cb) {
          cb = (el) => {
            if (el) replayBoxes.current.set(key, el);
            else {
              replayBoxes.current.delete(key);
              stopReplay(key);
            }
          };
          boxCallbacks.current.set(key, cb);
        }
        return cb;
      },
      openPtz,
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, dispatch, message, t, openPtz, stopReplay, rerender, recordingCount],
  );
}

function recordingsSnapshot(map: Map<string, Recording>): Recording[] {
  return [...map.values()];
}

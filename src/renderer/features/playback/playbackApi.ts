import type { DownloadState, PlaybackSession, RecordSpan } from '../../../shared/domain/playback';
import { consoleApi, type ThunkExtra } from '../../api/consoleApiSlice';

type Window = { channelId: string; from: number; to: number };

/** Recordings, playback sessions and downloads of recorded video. */
export const playbackApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    queryRecords: build.query<{ spans: RecordSpan[] }, Window>({
      query: (input) => ({ method: 'queryRecords', input }),
    }),
    openPlayback: build.mutation<PlaybackSession, Window>({
      query: (input) => ({ method: 'openPlayback', input }),
    }),
    closePlayback: build.mutation<null, string>({
      query: (sessionId) => ({ method: 'closeStream', input: { sessionId } }),
    }),
    playbackControl: build.mutation<null, { sessionId: string; op: 'pause' | 'resume' | 'seek' | 'speed'; value?: number }>({
      query: (input) => ({ method: 'playbackControl', input }),
    }),
    startDownload: build.mutation<DownloadState, Window>({
      query: (input) => ({ method: 'startDownload', input }),
    }),
    cancelDownload: build.mutation<DownloadState, string>({
      query: (downloadId) => ({ method: 'cancelDownload', input: { downloadId } }),
    }),
    /** Downloads, kept live by `onDownloadProgress`. */
    listDownloads: build.query<DownloadState[], void>({
      query: () => ({ method: 'listDownloads', input: {} }),
      async onCacheEntryAdded(_arg, { extra, updateCachedData, cacheDataLoaded, cacheEntryRemoved }) {
        const { api } = extra as ThunkExtra;
        const apply = (d: DownloadState) =>
          updateCachedData((draft) => {
            const i = draft.findIndex((x) => x.downloadId === d.downloadId);
            if (i >= 0) draft[i] = d;
            else draft.unshift(d);
          });
        const early: DownloadState[] = [];
        let loaded = false;
        const sub = api.onDownloadProgress((d) => (loaded ? apply(d) : early.push(d)));
        try {
          await cacheDataLoaded;
          loaded = true;
          early.forEach(apply);
        } catch {
          // the entry went away before its first answer
        }
        await cacheEntryRemoved;
        sub.dispose();
      },
    }),
  }),
});

export const {
  useLazyQueryRecordsQuery,
  useOpenPlaybackMutation,
  useClosePlaybackMutation,
  usePlaybackControlMutation,
  useStartDownloadMutation,
  useCancelDownloadMutation,
  useListDownloadsQuery,
} = playbackApi;

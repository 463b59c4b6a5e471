import type { WallCommand, WallCommandResult, WallState } from '../../../shared/domain/wall';
import type { PtzCommand, PtzPreset } from '../../../shared/domain/ptz';
import type { RecordingEntry, SnapshotEntry } from '../../../shared/domain/mediaLibrary';
import { consoleApi, type ThunkExtra } from '../../api/consoleApiSlice';

/** The wall as the Node side holds it, kept live by `onWallChanged`; commands answer with the new state. */
export const wallApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    getWall: build.query<WallState, void>({
      query: () => ({ method: 'getWall', input: {} }),
      async onCacheEntryAdded(_arg, { updateCachedData, cacheDataLoaded, cacheEntryRemoved, extra }) {
        const { api } = extra as ThunkExtra;
        let loaded = false;
        let early: WallState | null = null;
        const apply = (next: WallState) => updateCachedData((draft) => (next.version <= draft.version ? draft : next));
        const sub = api.onWallChanged((next) => {
          if (loaded) apply(next);
          else if (!early || next.version > early.version) early = next;
        });
        try {
          await cacheDataLoaded;
          loaded = true;
          if (early) apply(early);
        } catch {
          // the entry went away before its first answer
        }
        await cacheEntryRemoved;
        sub.dispose();
      },
    }),
    wallCommand: build.mutation<WallCommandResult, WallCommand>({
      query: (command) => ({ method: 'wallCommand', input: command }),
      async onQueryStarted(_arg, { dispatch, queryFulfilled }) {
        try {
          const { data } = await queryFulfilled;
          dispatch(wallApi.util.updateQueryData('getWall', undefined, (draft) => (data.state.version <= draft.version ? draft : data.state)));
        } catch {
          // the caller shows the error
        }
      },
    }),
    ptz: build.mutation<null, { channelId: string; command: PtzCommand }>({
      query: (input) => ({ method: 'ptz', input }),
      invalidatesTags: (_r, _e, arg) => (arg.command.op === 'setPreset' || arg.command.op === 'removePreset' ? ['Presets'] : []),
    }),
    listPtzPresets: build.query<PtzPreset[], string>({
      query: (channelId) => ({ method: 'listPtzPresets', input: { channelId } }),
      providesTags: ['Presets'],
    }),
    listSnapshots: build.query<SnapshotEntry[], number>({
      query: (limit) => ({ method: 'listSnapshots', input: { limit } }),
      providesTags: ['Snapshots'],
    }),
    saveSnapshot: build.mutation<SnapshotEntry, { channelId: string; takenAt: number; pngBase64: string }>({
      query: (input) => ({ method: 'saveSnapshot', input }),
      invalidatesTags: ['Snapshots'],
    }),
    listRecordings: build.query<RecordingEntry[], number>({
      query: (limit) => ({ method: 'listRecordings', input: { limit } }),
      providesTags: ['Recordings'],
    }),
  }),
});

export const {
  useGetWallQuery,
  useWallCommandMutation,
  usePtzMutation,
  useListPtzPresetsQuery,
  useListSnapshotsQuery,
  useSaveSnapshotMutation,
  useListRecordingsQuery,
} = wallApi;

import type { WallCommand, WallCommandResult, WallState } from '../../../shared/domain/wall';
import type { PtzCommand, PtzPreset } from '../../../shared/domain/ptz';
import type { RecordingEntry, SnapshotEntry } from '../../../shared/domain/mediaLibrary';
import { consoleApi, type ThunkExtra } from '../../api/consoleApiSlice';
import { followPushes } from '../../api/livePush';

/** The wall as the Node side holds it, kept live by `onWallChanged`; commands answer with the new state. */
export const wallApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    getWall: build.query<WallState, void>({
      query: () => ({ method: 'getWall', input: {} }),
      async onCacheEntryAdded(_arg, lifecycle) {
        const { api } = lifecycle.extra as ThunkExtra;
        await followPushes((listener) => api.onWallChanged(listener), lifecycle);
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

import type { Settings } from '../../../shared/domain/settings';
import type { SaveSync, SyncStatus } from '../../../shared/domain/sync';
import { consoleApi, type ThunkExtra } from '../../api/consoleApiSlice';

/** Seat sync (席位同步): its status, pushed live, and its settings. */
export const syncApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    getSyncStatus: build.query<SyncStatus, void>({
      query: () => ({ method: 'getSyncStatus', input: {} }),
      providesTags: ['Sync'],
      async onCacheEntryAdded(_arg, { extra, updateCachedData, cacheDataLoaded, cacheEntryRemoved }) {
        const { api } = extra as ThunkExtra;
        // Each push is the whole status: the latest one wins (one that came before the first answer is kept).
        let loaded = false;
        let early: SyncStatus | null = null;
        const sub = api.onSyncStatus((next) => {
          if (loaded) updateCachedData(() => next);
          else early = next;
        });
        try {
          await cacheDataLoaded;
          loaded = true;
          if (early) {
            const first: SyncStatus = early;
            updateCachedData(() => first);
          }
        } catch {
          // the entry went away before its first answer
        }
        await cacheEntryRemoved;
        sub.dispose();
      },
    }),
    saveSync: build.mutation<Settings, SaveSync>({
      query: (input) => ({ method: 'saveSync', input }),
      invalidatesTags: ['Settings', 'Sync', 'Audit'],
    }),
  }),
});

export const { useGetSyncStatusQuery, useSaveSyncMutation } = syncApi;

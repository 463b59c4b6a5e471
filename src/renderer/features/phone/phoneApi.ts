import type { Settings } from '../../../shared/domain/settings';
import type { CallQuery, CallRecord, Contact, ContactGroup, PresenceSnapshot, SaveSipAccountInput } from '../../../shared/domain/telephony';
import { consoleApi, type ThunkExtra } from '../../api/consoleApiSlice';

/** Directory, groups, presence, call history and recordings of telephone dispatch. */
export const phoneApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    listContacts: build.query<Contact[], void>({ query: () => ({ method: 'listContacts', input: {} }), providesTags: ['Contacts'] }),
    saveContact: build.mutation<Contact, Contact>({ query: (input) => ({ method: 'saveContact', input }), invalidatesTags: ['Contacts'] }),
    deleteContact: build.mutation<null, string>({ query: (id) => ({ method: 'deleteContact', input: { id } }), invalidatesTags: ['Contacts', 'Groups', 'BroadcastGroups', 'RtpRoutes'] }),
    listGroups: build.query<ContactGroup[], void>({ query: () => ({ method: 'listGroups', input: {} }), providesTags: ['Groups'] }),
    saveGroup: build.mutation<ContactGroup, ContactGroup>({ query: (input) => ({ method: 'saveGroup', input }), invalidatesTags: ['Groups'] }),
    deleteGroup: build.mutation<null, string>({ query: (id) => ({ method: 'deleteGroup', input: { id } }), invalidatesTags: ['Groups'] }),
    /** The PBX's view of the directory, kept live by `onPresence`. */
    getPresence: build.query<PresenceSnapshot, void>({
      query: () => ({ method: 'getPresence', input: {} }),
      async onCacheEntryAdded(_arg, { extra, updateCachedData, cacheDataLoaded, cacheEntryRemoved }) {
        const { api } = extra as ThunkExtra;
        let latest: PresenceSnapshot | null = null;
        let loaded = false;
        const sub = api.onPresence((p) => {
          latest = p;
          if (loaded) updateCachedData(() => p);
        });
        try {
          await cacheDataLoaded;
          loaded = true;
          const early = latest as PresenceSnapshot | null;
          if (early) updateCachedData(() => early);
        } catch {
          // gone before the first answer
        }
        await cacheEntryRemoved;
        sub.dispose();
      },
    }),
    listCalls: build.query<CallRecord[], CallQuery>({ query: (input) => ({ method: 'listCalls', input }), providesTags: ['Calls'] }),
    exportCallRecordings: build.mutation<{ path: string; fileName: string; bytes: number; zipBase64: string }, string[]>({
      query: (ids) => ({ method: 'exportCallRecordings', input: { ids } }),
    }),
    saveSipAccount: build.mutation<Settings, SaveSipAccountInput>({
      query: (input) => ({ method: 'saveSipAccount', input }),
      invalidatesTags: ['Settings', 'Audit'],
    }),
    removeSipAccount: build.mutation<Settings, string>({
      query: (id) => ({ method: 'removeSipAccount', input: { id } }),
      invalidatesTags: ['Settings', 'Audit'],
    }),
  }),
});

export const {
  useListContactsQuery,
  useSaveContactMutation,
  useDeleteContactMutation,
  useListGroupsQuery,
  useSaveGroupMutation,
  useDeleteGroupMutation,
  useGetPresenceQuery,
  useListCallsQuery,
  useExportCallRecordingsMutation,
  useSaveSipAccountMutation,
  useRemoveSipAccountMutation,
} = phoneApi;

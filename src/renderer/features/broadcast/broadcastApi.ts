import type {
  BroadcastClip,
  BroadcastGroup,
  BroadcastQuery,
  BroadcastRecord,
  BroadcastSchedule,
  RtpRoute,
  SaveScheduleInput,
  TtsInput,
  UploadClipInput,
} from '../../../shared/domain/broadcast';
import { consoleApi } from '../../api/consoleApiSlice';

/** Broadcast groups, the audio library, schedules and records of emergency broadcast (应急广播). */
export const broadcastApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    listBroadcastGroups: build.query<BroadcastGroup[], void>({ query: () => ({ method: 'listBroadcastGroups', input: {} }), providesTags: ['BroadcastGroups'] }),
    saveBroadcastGroup: build.mutation<BroadcastGroup, BroadcastGroup>({
      query: (input) => ({ method: 'saveBroadcastGroup', input }),
      invalidatesTags: ['BroadcastGroups'],
    }),
    deleteBroadcastGroup: build.mutation<null, string>({ query: (id) => ({ method: 'deleteBroadcastGroup', input: { id } }), invalidatesTags: ['BroadcastGroups'] }),
    listClips: build.query<BroadcastClip[], void>({ query: () => ({ method: 'listClips', input: {} }), providesTags: ['Clips'] }),
    synthesizeClip: build.mutation<BroadcastClip, TtsInput>({ query: (input) => ({ method: 'synthesizeClip', input }), invalidatesTags: ['Clips'] }),
    uploadClip: build.mutation<BroadcastClip, UploadClipInput>({ query: (input) => ({ method: 'uploadClip', input }), invalidatesTags: ['Clips'] }),
    deleteClip: build.mutation<null, string>({ query: (id) => ({ method: 'deleteClip', input: { id } }), invalidatesTags: ['Clips'] }),
    listSchedules: build.query<BroadcastSchedule[], void>({ query: () => ({ method: 'listSchedules', input: {} }), providesTags: ['Schedules'] }),
    saveSchedule: build.mutation<BroadcastSchedule, SaveScheduleInput>({ query: (input) => ({ method: 'saveSchedule', input }), invalidatesTags: ['Schedules'] }),
    cancelSchedule: build.mutation<BroadcastSchedule, string>({ query: (id) => ({ method: 'cancelSchedule', input: { id } }), invalidatesTags: ['Schedules'] }),
    listBroadcasts: build.query<BroadcastRecord[], BroadcastQuery>({ query: (input) => ({ method: 'listBroadcasts', input }), providesTags: ['Broadcasts'] }),
    listRtpRoutes: build.query<RtpRoute[], void>({ query: () => ({ method: 'listRtpRoutes', input: {} }), providesTags: ['RtpRoutes'] }),
    saveRtpRoute: build.mutation<RtpRoute, RtpRoute>({ query: (input) => ({ method: 'saveRtpRoute', input }), invalidatesTags: ['RtpRoutes', 'Audit'] }),
    deleteRtpRoute: build.mutation<null, string>({ query: (id) => ({ method: 'deleteRtpRoute', input: { id } }), invalidatesTags: ['RtpRoutes', 'Audit'] }),
  }),
});

export const {
  useListBroadcastGroupsQuery,
  useSaveBroadcastGroupMutation,
  useDeleteBroadcastGroupMutation,
  useListClipsQuery,
  useSynthesizeClipMutation,
  useUploadClipMutation,
  useDeleteClipMutation,
  useListSchedulesQuery,
  useSaveScheduleMutation,
  useCancelScheduleMutation,
  useListBroadcastsQuery,
  useListRtpRoutesQuery,
  useSaveRtpRouteMutation,
  useDeleteRtpRouteMutation,
} = broadcastApi;

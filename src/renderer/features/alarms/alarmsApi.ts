import type { AddAlarmStepInput, Alarm, AlarmOptions, AlarmQuery, AlarmStatus, AlarmStep, SaveAlarmInput, SeatRole } from '../../../shared/domain/alarm';
import type { Settings } from '../../../shared/domain/settings';
import { consoleApi } from '../../api/consoleApiSlice';

/** Alarm records (警情记录), their handling, and the alarm inputs' settings and state. */
export const alarmsApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    /** Tagged LIST: the feed refreshes the lists while alarms pour in without refetching an open detail each time. */
    listAlarms: build.query<Alarm[], AlarmQuery>({ query: (input) => ({ method: 'listAlarms', input }), providesTags: [{ type: 'Alarms', id: 'LIST' }] }),
    getAlarm: build.query<{ alarm: Alarm; steps: AlarmStep[] }, string>({
      query: (id) => ({ method: 'getAlarm', input: { id } }),
      providesTags: (_r, _e, id) => [{ type: 'Alarms', id }],
    }),
    /** Pictures are large: kept only while shown. */
    readAlarmPicture: build.query<{ mimeType: string; dataBase64: string }, string>({
      query: (id) => ({ method: 'readAlarmPicture', input: { id } }),
      keepUnusedDataFor: 5,
    }),
    acceptAlarm: build.mutation<Alarm, string>({
      query: (id) => ({ method: 'acceptAlarm', input: { id } }),
      invalidatesTags: (_r, _e, id) => ['Alarms', { type: 'Alarms', id }],
    }),
    addAlarmStep: build.mutation<{ alarm: Alarm; steps: AlarmStep[] }, AddAlarmStepInput>({
      query: (input) => ({ method: 'addAlarmStep', input }),
      invalidatesTags: (_r, _e, { id }) => ['Alarms', { type: 'Alarms', id }],
    }),
    saveSeatRole: build.mutation<Settings, SeatRole>({ query: (role) => ({ method: 'saveSeatRole', input: { role } }), invalidatesTags: ['Settings', 'Audit'] }),
    dismissAlarm: build.mutation<Alarm, { id: string; reason: string }>({
      query: (input) => ({ method: 'dismissAlarm', input }),
      invalidatesTags: (_r, _e, { id }) => ['Alarms', { type: 'Alarms', id }],
    }),
    getAlarmStatus: build.query<AlarmStatus, void>({ query: () => ({ method: 'getAlarmStatus', input: {} }), providesTags: ['AlarmStatus'] }),
    saveAlarmInput: build.mutation<Settings, SaveAlarmInput>({
      query: (input) => ({ method: 'saveAlarmInput', input }),
      invalidatesTags: ['Settings', 'AlarmStatus', 'Audit'],
    }),
    removeAlarmInput: build.mutation<Settings, string>({
      query: (id) => ({ method: 'removeAlarmInput', input: { id } }),
      invalidatesTags: ['Settings', 'AlarmStatus', 'Audit'],
    }),
    saveAlarmOptions: build.mutation<Settings, AlarmOptions>({
      query: (input) => ({ method: 'saveAlarmOptions', input }),
      invalidatesTags: ['Settings', 'AlarmStatus', 'Audit'],
    }),
  }),
});

export const {
  useListAlarmsQuery,
  useLazyListAlarmsQuery,
  useGetAlarmQuery,
  useReadAlarmPictureQuery,
  useAcceptAlarmMutation,
  useDismissAlarmMutation,
  useAddAlarmStepMutation,
  useSaveSeatRoleMutation,
  useGetAlarmStatusQuery,
  useSaveAlarmInputMutation,
  useRemoveAlarmInputMutation,
  useSaveAlarmOptionsMutation,
} = alarmsApi;

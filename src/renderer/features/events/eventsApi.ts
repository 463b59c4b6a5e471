import type { RequestInput, RequestOutput } from '../../../shared/contract/consoleApi';
import type { ConsoleEvent, EventDetail, EventQuery, RenderedReport, ReportTemplate, SaveEventInput, SaveReportTemplateInput } from '../../../shared/domain/event';
import { consoleApi } from '../../api/consoleApiSlice';

/** Events (事件管理): the list, one event with its history, saves, import/export and 快报 templates. */
export const eventsApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    listEvents: build.query<ConsoleEvent[], EventQuery>({ query: (input) => ({ method: 'listEvents', input }), providesTags: ['Events'] }),
    getEvent: build.query<EventDetail, string>({
      query: (id) => ({ method: 'getEvent', input: { id } }),
      providesTags: (_r, _e, id) => [{ type: 'Events', id }],
    }),
    saveEvent: build.mutation<ConsoleEvent, SaveEventInput>({
      query: (input) => ({ method: 'saveEvent', input }),
      invalidatesTags: (r) => ['Events', ...(r ? [{ type: 'Events' as const, id: r.id }] : []), 'Audit'],
    }),
    closeEvent: build.mutation<ConsoleEvent, { id: string; note: string | null }>({
      query: (input) => ({ method: 'closeEvent', input }),
      invalidatesTags: (_r, _e, { id }) => ['Events', { type: 'Events', id }, 'Audit'],
    }),
    exportEvents: build.mutation<RequestOutput<'exportEvents'>, RequestInput<'exportEvents'>>({
      query: (input) => ({ method: 'exportEvents', input }),
      invalidatesTags: ['Audit'],
    }),
    importEvents: build.mutation<RequestOutput<'importEvents'>, RequestInput<'importEvents'>>({
      query: (input) => ({ method: 'importEvents', input }),
      invalidatesTags: (r, _e, input) => (input.dryRun || !r?.created ? [] : ['Events', 'Audit']),
    }),
    listReportTemplates: build.query<ReportTemplate[], void>({
      query: () => ({ method: 'listReportTemplates', input: {} }),
      providesTags: ['ReportTemplates'],
    }),
    saveReportTemplate: build.mutation<ReportTemplate, SaveReportTemplateInput>({
      query: (input) => ({ method: 'saveReportTemplate', input }),
      invalidatesTags: ['ReportTemplates', 'Audit'],
    }),
    deleteReportTemplate: build.mutation<null, string>({
      query: (id) => ({ method: 'deleteReportTemplate', input: { id } }),
      invalidatesTags: ['ReportTemplates', 'Audit'],
    }),
    renderEventReport: build.query<RenderedReport, { eventId: string; body: string }>({
      query: (input) => ({ method: 'renderEventReport', input }),
      keepUnusedDataFor: 5,
    }),
  }),
});

export const {
  useListEventsQuery,
  useLazyListEventsQuery,
  useGetEventQuery,
  useSaveEventMutation,
  useCloseEventMutation,
  useExportEventsMutation,
  useImportEventsMutation,
  useListReportTemplatesQuery,
  useSaveReportTemplateMutation,
  useDeleteReportTemplateMutation,
  useRenderEventReportQuery,
} = eventsApi;

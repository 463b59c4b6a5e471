import { createApi, type BaseQueryFn } from '@reduxjs/toolkit/query/react';
import type { ConsoleApi, RequestInput, RequestName } from '../../shared/contract/consoleApi';
import { ConsoleError, type ErrorCode } from '../../shared/contract/rpc';

export type ApiError = { code: ErrorCode; message: string };
export type ConsoleQueryArgs = { [K in RequestName]: { method: K; input: RequestInput<K> } }[RequestName];

/** The ConsoleApi instance is injected via the store's thunk extra argument. */
export type ThunkExtra = { api: ConsoleApi };

/** Base query over the ConsoleApi: returns `{data}` or `{error}`, never throws. */
const consoleBaseQuery: BaseQueryFn<ConsoleQueryArgs, unknown, ApiError> = async (args, { extra }) => {
  const { api } = extra as ThunkExtra;
  try {
    const call = api[args.method] as (input: unknown) => Promise<unknown>;
    return { data: await call(args.input) };
  } catch (err) {
    if (err instanceof ConsoleError) return { error: { code: err.code, message: err.message } };
    return { error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
  }
};

/** The one RTK Query API; features inject their endpoints. */
export const consoleApi = createApi({
  reducerPath: 'consoleApi',
  baseQuery: consoleBaseQuery,
  tagTypes: ['Settings', 'Catalogue', 'Audit', 'Snapshots', 'Recordings', 'Presets', 'Contacts', 'Groups', 'Calls', 'BroadcastGroups', 'Clips', 'Broadcasts', 'Schedules', 'RtpRoutes', 'Alarms', 'AlarmStatus', 'Tasks', 'Sync', 'Events', 'ReportTemplates', 'MapMarks', 'GpsFeed'],
  endpoints: () => ({}),
});

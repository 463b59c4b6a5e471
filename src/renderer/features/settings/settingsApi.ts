import type { SaveBackendInput, Settings } from '../../../shared/domain/settings';
import type { AuditEntry } from '../../../shared/domain/audit';
import { consoleApi } from '../../api/consoleApiSlice';
import type { RequestOutput } from '../../../shared/contract/consoleApi';

export const settingsApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    getAppInfo: build.query<RequestOutput<'getAppInfo'>, void>({ query: () => ({ method: 'getAppInfo', input: {} }) }),
    getSettings: build.query<Settings, void>({ query: () => ({ method: 'getSettings', input: {} }), providesTags: ['Settings'] }),
    saveBackend: build.mutation<Settings, SaveBackendInput>({
      /** WVP/Hikvision carry their password/appSecret once here; it is never sent back. */
      query: (config) => ({ method: 'saveBackend', input: config }),
      invalidatesTags: ['Settings', 'Audit'],
    }),
    removeBackend: build.mutation<Settings, string>({
      query: (id) => ({ method: 'removeBackend', input: { id } }),
      invalidatesTags: ['Settings', 'Audit'],
    }),
    listAudit: build.query<AuditEntry[], number>({ query: (limit) => ({ method: 'listAudit', input: { limit } }), providesTags: ['Audit'] }),
  }),
});

export const { useGetAppInfoQuery, useGetSettingsQuery, useSaveBackendMutation, useRemoveBackendMutation, useListAuditQuery } = settingsApi;

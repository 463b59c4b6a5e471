import type { Catalogue } from '../../../shared/domain/catalogue';
import { consoleApi, type ThunkExtra } from '../../api/consoleApiSlice';
import { followPushes } from '../../api/livePush';

/** The merged catalogue of every backend, kept live by the host's `onCatalogueChanged` push. */
export const catalogueApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    getCatalogue: build.query<Catalogue, void>({
      query: () => ({ method: 'getCatalogue', input: {} }),
      providesTags: ['Catalogue'],
      async onCacheEntryAdded(_arg, lifecycle) {
        const { api } = lifecycle.extra as ThunkExtra;
        await followPushes((listener) => api.onCatalogueChanged(listener), lifecycle);
      },
    }),
    refreshCatalogue: build.mutation<Catalogue, void>({
      query: () => ({ method: 'refreshCatalogue', input: {} }),
      async onQueryStarted(_arg, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        dispatch(catalogueApi.util.updateQueryData('getCatalogue', undefined, () => data));
      },
    }),
  }),
});

export const { useGetCatalogueQuery, useRefreshCatalogueMutation } = catalogueApi;

import type { Catalogue } from '../../../shared/domain/catalogue';
import { consoleApi, type ThunkExtra } from '../../api/consoleApiSlice';
import { followPushes } from '../../api/livePush';

/**
 * Freezes a catalogue as it arrives. Immer (inside RTK Query) would otherwise walk and freeze all 10,000 channels
 * itself on every store update (~50 ms); it skips values that are frozen already, and this loop is far cheaper.
 */
export function freezeCatalogue(catalogue: Catalogue): Catalogue {
  for (const c of catalogue.channels) {
    Object.freeze(c.streams);
    if (c.location) Object.freeze(c.location);
    Object.freeze(c);
  }
  for (const m of catalogue.mines) {
    if (m.location) Object.freeze(m.location);
    Object.freeze(m);
  }
  for (const b of catalogue.backends) Object.freeze(b);
  Object.freeze(catalogue.channels);
  Object.freeze(catalogue.mines);
  Object.freeze(catalogue.backends);
  return Object.freeze(catalogue);
}

/** The merged catalogue of every backend, kept live by the host's `onCatalogueChanged` push. */
export const catalogueApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    getCatalogue: build.query<Catalogue, void>({
      query: () => ({ method: 'getCatalogue', input: {} }),
      transformResponse: freezeCatalogue,
      providesTags: ['Catalogue'],
      async onCacheEntryAdded(_arg, lifecycle) {
        const { api } = lifecycle.extra as ThunkExtra;
        await followPushes((listener) => api.onCatalogueChanged((next) => listener(freezeCatalogue(next))), lifecycle);
      },
    }),
    refreshCatalogue: build.mutation<Catalogue, void>({
      query: () => ({ method: 'refreshCatalogue', input: {} }),
      transformResponse: freezeCatalogue,
      async onQueryStarted(_arg, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        dispatch(catalogueApi.util.updateQueryData('getCatalogue', undefined, () => data));
      },
    }),
  }),
});

export const { useGetCatalogueQuery, useRefreshCatalogueMutation } = catalogueApi;

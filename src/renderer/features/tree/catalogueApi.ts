import type { Catalogue } from '../../../shared/domain/catalogue';
import { consoleApi, type ThunkExtra } from '../../api/consoleApiSlice';

/** The merged catalogue of every backend, kept live by the host's `onCatalogueChanged` push. */
export const catalogueApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    getCatalogue: build.query<Catalogue, void>({
      query: () => ({ method: 'getCatalogue', input: {} }),
      providesTags: ['Catalogue'],
      async onCacheEntryAdded(_arg, { updateCachedData, cacheDataLoaded, cacheEntryRemoved, extra }) {
        const { api } = extra as ThunkExtra;
        // Subscribe before the first answer lands, so no change between fetch and subscription is lost.
        let loaded = false;
        let early: Catalogue | null = null;
        const apply = (next: Catalogue) => updateCachedData((draft) => (next.version === draft.version ? draft : next));
        const sub = api.onCatalogueChanged((next) => {
          if (loaded) apply(next);
          else early = next;
        });
        try {
          await cacheDataLoaded;
          loaded = true;
          if (early) apply(early);
        } catch {
          // the entry went away before its first answer
        }
        await cacheEntryRemoved;
        sub.dispose();
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

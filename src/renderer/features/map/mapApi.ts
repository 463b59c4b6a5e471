import type { GpsFeedStatus, GpsFix, GpsTrack, GpsTrackQuery, GpsUnit, SaveGpsFeed } from '../../../shared/domain/gps';
import { GPS_ONLINE_MS } from '../../../shared/domain/gps';
import type { MapMark, MapOptions, SaveMapMarkInput } from '../../../shared/domain/map';
import type { Settings } from '../../../shared/domain/settings';
import { consoleApi, type ThunkExtra } from '../../api/consoleApiSlice';

/** Folds pushed fixes into the unit list: newest fix per unit, new units added, online recomputed. */
export function applyFixes(units: GpsUnit[], fixes: readonly GpsFix[], changed: readonly GpsUnit[], now: number): void {
  for (const u of changed) {
    const i = units.findIndex((x) => x.id === u.id);
    if (i === -1) units.push(u);
    else units[i] = { ...u, last: newer(units[i]!.last, u.last) };
  }
  const byId = new Map(units.map((u) => [u.id, u]));
  for (const fix of fixes) {
    const unit = byId.get(fix.unitId);
    if (unit) unit.last = newer(unit.last, fix);
  }
  for (const u of units) u.online = u.last !== null && now - u.last.at < GPS_ONLINE_MS;
}

function newer(a: GpsFix | null, b: GpsFix | null): GpsFix | null {
  if (!a) return b;
  if (!b) return a;
  return b.at >= a.at ? b : a;
}

/** 一张图's own data: marks, GPS units (live) and tracks, the map and GPS feed settings. */
export const mapApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    listMapMarks: build.query<MapMark[], void>({ query: () => ({ method: 'listMapMarks', input: {} }), providesTags: ['MapMarks'] }),
    saveMapMark: build.mutation<MapMark, SaveMapMarkInput>({ query: (input) => ({ method: 'saveMapMark', input }), invalidatesTags: ['MapMarks'] }),
    deleteMapMark: build.mutation<null, string>({ query: (id) => ({ method: 'deleteMapMark', input: { id } }), invalidatesTags: ['MapMarks'] }),
    saveMapOptions: build.mutation<Settings, MapOptions>({ query: (input) => ({ method: 'saveMapOptions', input }), invalidatesTags: ['Settings', 'Audit'] }),
    /** The units with their newest fix, kept live by `onGpsFixes`. */
    listGpsUnits: build.query<GpsUnit[], void>({
      query: () => ({ method: 'listGpsUnits', input: {} }),
      async onCacheEntryAdded(_arg, { extra, updateCachedData, cacheDataLoaded, cacheEntryRemoved }) {
        const { api } = extra as ThunkExtra;
        const early: { fixes: GpsFix[]; units: GpsUnit[] }[] = [];
        let loaded = false;
        const sub = api.onGpsFixes((push) => {
          if (loaded) updateCachedData((units) => applyFixes(units, push.fixes, push.units, Date.now()));
          else early.push(push);
        });
        // Online state also ends by time, without any push.
        const timer = setInterval(() => {
          if (loaded) updateCachedData((units) => applyFixes(units, [], [], Date.now()));
        }, 15_000);
        try {
          await cacheDataLoaded;
          loaded = true;
          if (early.length > 0) updateCachedData((units) => early.forEach((p) => applyFixes(units, p.fixes, p.units, Date.now())));
        } catch {
          // gone before its first answer
        }
        await cacheEntryRemoved;
        clearInterval(timer);
        sub.dispose();
      },
    }),
    queryGpsTrack: build.query<GpsTrack, GpsTrackQuery>({ query: (input) => ({ method: 'queryGpsTrack', input }), keepUnusedDataFor: 30 }),
    getGpsFeedStatus: build.query<GpsFeedStatus, void>({
      query: () => ({ method: 'getGpsFeedStatus', input: {} }),
      providesTags: ['GpsFeed'],
      async onCacheEntryAdded(_arg, { extra, updateCachedData, cacheDataLoaded, cacheEntryRemoved }) {
        const { api } = extra as ThunkExtra;
        let loaded = false;
        const sub = api.onGpsFeedStatus((next) => {
          if (loaded) updateCachedData(() => next);
        });
        try {
          await cacheDataLoaded;
          loaded = true;
        } catch {
          // gone before its first answer
        }
        await cacheEntryRemoved;
        sub.dispose();
      },
    }),
    saveGpsFeed: build.mutation<Settings, SaveGpsFeed>({ query: (input) => ({ method: 'saveGpsFeed', input }), invalidatesTags: ['Settings', 'GpsFeed', 'Audit'] }),
  }),
});

export const {
  useListMapMarksQuery,
  useSaveMapMarkMutation,
  useDeleteMapMarkMutation,
  useSaveMapOptionsMutation,
  useListGpsUnitsQuery,
  useLazyQueryGpsTrackQuery,
  useGetGpsFeedStatusQuery,
  useSaveGpsFeedMutation,
} = mapApi;

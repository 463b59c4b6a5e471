import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import { DEFAULT_ALARM_OPTIONS, type AlarmEvent, type AlarmOptions } from '../../../shared/domain/alarm';
import { DisposableStore, toDisposable, type Disposable } from '../../../shared/lifecycle';
import { consoleApi } from '../../api/consoleApiSlice';
import type { AppStore } from '../../app/store';
import { settingsApi } from '../settings/settingsApi';
import { AlarmSound } from './alarmSound';
import { alarmChimed, alarmEventsReceived, pendingLoaded } from './alarmsSlice';

/** The list page refetches at most this often while alarms pour in (the pop-up shows each one at once). */
const LIST_REFRESH_MS = 1000;
/** Unhandled alarms of the last day are waiting for the operator when the console starts. */
const PENDING_WINDOW_MS = 24 * 3600_000;

/**
 * Alarm pushes into the store: collected and applied once per frame (a burst of a thousand is a few renders, not a
 * thousand), the pop-up's sound, and the list refetched at most once a second. Unhandled alarms are loaded at start
 * so nothing that arrived while the console was closed is forgotten.
 */
export function connectAlarmFeed(api: ConsoleApi, store: AppStore): Disposable {
  const owned = new DisposableStore();
  const sound = new AlarmSound();
  owned.add(toDisposable(() => sound.dispose()));
  const options = (): AlarmOptions => settingsApi.endpoints.getSettings.select()(store.getState()).data?.alarmOptions ?? DEFAULT_ALARM_OPTIONS;
  let batch: AlarmEvent[] = [];
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let refresh: ReturnType<typeof setTimeout> | null = null;
  let lastRefresh = 0;

  const refreshList = (): void => {
    refresh = null;
    lastRefresh = performance.now();
    store.dispatch(consoleApi.util.invalidateTags([{ type: 'Alarms', id: 'LIST' }]));
  };
  const flush = (): void => {
    if (frame !== null) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
    frame = timer = null;
    const events = batch;
    batch = [];
    if (events.length === 0) return;
    const { popupMinLevel, sound: withSound } = options();
    store.dispatch(alarmEventsReceived({ events, popupMinLevel, at: performance.now() }));
    const loudest = Math.max(0, ...events.filter((e) => e.change === 'new' && e.alarm.level >= popupMinLevel).map((e) => e.alarm.level));
    if (withSound && loudest > 0) void sound.play(loudest).then((played) => played && store.dispatch(alarmChimed()));
    if (refresh === null) refresh = setTimeout(refreshList, Math.max(0, LIST_REFRESH_MS - (performance.now() - lastRefresh)));
    // A detail that is open follows its alarm's handling at once (another seat's 接警, a mine's 处置反馈).
    const handled = [...new Set(events.filter((e) => e.change === 'handled').map((e) => e.alarm.id))];
    if (handled.length > 0) store.dispatch(consoleApi.util.invalidateTags(handled.map((id) => ({ type: 'Alarms' as const, id }))));
  };
  owned.add(
    api.onAlarm((event) => {
      batch.push(event);
      // A frame when the window is drawn; the timer when it is hidden (no frames), so the store is never behind.
      frame ??= requestAnimationFrame(flush);
      timer ??= setTimeout(flush, 100);
    }),
  );
  owned.add(
    toDisposable(() => {
      if (frame !== null) cancelAnimationFrame(frame);
      if (timer !== null) clearTimeout(timer);
      if (refresh !== null) clearTimeout(refresh);
    }),
  );
  owned.add(api.onAlarmStatus(() => store.dispatch(consoleApi.util.invalidateTags(['AlarmStatus']))));
  void store
    .dispatch(settingsApi.endpoints.getSettings.initiate(undefined, { subscribe: false }))
    .then(() => api.listAlarms({ state: 'new', minLevel: options().popupMinLevel, from: Date.now() - PENDING_WINDOW_MS, limit: 300 }))
    .then((alarms) => store.dispatch(pendingLoaded(alarms)))
    .catch(() => undefined);
  return owned;
}

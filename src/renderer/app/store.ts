import { combineSlices, configureStore } from '@reduxjs/toolkit';
import type { ConsoleApi } from '../../shared/contract/consoleApi';
import { consoleApi } from '../api/consoleApiSlice';
import { uiSlice, type HostKind } from './uiSlice';
import { wallUiSlice } from '../features/wall/wallUiSlice';
import { broadcastSlice } from '../features/broadcast/broadcastSlice';
import { phoneSlice } from '../features/phone/phoneSlice';
import { alarmsSlice } from '../features/alarms/alarmsSlice';

const rootReducer = combineSlices(consoleApi, uiSlice, wallUiSlice, phoneSlice, broadcastSlice, alarmsSlice);
export type RootState = ReturnType<typeof rootReducer>;

export function makeStore(api: ConsoleApi, host: HostKind, preloadedState?: Partial<RootState>) {
  return configureStore({
    reducer: rootReducer,
    preloadedState: { ...preloadedState, ui: { ...uiSlice.getInitialState(), host, ...preloadedState?.ui } },
    middleware: (getDefault) => getDefault({ thunk: { extraArgument: { api } } }).concat(consoleApi.middleware),
  });
}

export type AppStore = ReturnType<typeof makeStore>;
export type AppDispatch = AppStore['dispatch'];

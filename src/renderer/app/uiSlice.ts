import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { Language } from '../../shared/domain/settings';

export type HostKind = 'ipc' | 'websocket';

type UiState = { language: Language; host: HostKind; hostConnected: boolean };

const initialState: UiState = { language: 'zh-CN', host: 'websocket', hostConnected: true };

export const uiSlice = createSlice({
  name: 'ui',
  initialState,
  reducers: {
    languageChanged: (state, action: PayloadAction<Language>) => {
      state.language = action.payload;
    },
    hostConnectionChanged: (state, action: PayloadAction<boolean>) => {
      state.hostConnected = action.payload;
    },
  },
  selectors: {
    selectLanguage: (s) => s.language,
    selectHost: (s) => s.host,
    selectHostConnected: (s) => s.hostConnected,
  },
});

export const { languageChanged, hostConnectionChanged } = uiSlice.actions;
export const { selectLanguage, selectHost, selectHostConnected } = uiSlice.selectors;

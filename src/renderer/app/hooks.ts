import { useCallback } from 'react';
import { useDispatch, useSelector, useStore } from 'react-redux';
import type { AppDispatch, AppStore, RootState } from './store';
import { selectLanguage } from './uiSlice';
import { translate, type StringKey } from './strings';

export const useAppDispatch = useDispatch.withTypes<AppDispatch>();
export const useAppSelector = useSelector.withTypes<RootState>();
export const useAppStore = useStore.withTypes<AppStore>();

/** `t(key, vars)` in the current language. */
export function useT(): (key: StringKey, vars?: Record<string, string | number>) => string {
  const language = useAppSelector(selectLanguage);
  return useCallback((key, vars) => translate(language, key, vars), [language]);
}

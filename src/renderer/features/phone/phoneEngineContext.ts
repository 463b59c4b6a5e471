import { createContext, useContext, useEffect } from 'react';
import { useGetSettingsQuery } from '../settings/settingsApi';
import type { PhoneEngine } from '../../media/telephony/phoneEngine';
import { useListContactsQuery } from './phoneApi';

/** The console window's one phone engine (wall windows have none). */
export const PhoneEngineContext = createContext<PhoneEngine | null>(null);

export function usePhoneEngine(): PhoneEngine {
  const engine = useContext(PhoneEngineContext);
  if (!engine) throw new Error('usePhoneEngine outside PhoneEngineContext');
  return engine;
}

/** Keeps the engine's lines in step with the SIP accounts in settings and its names with the directory. */
export function usePhoneEngineSync(engine: PhoneEngine): void {
  const { data: settings } = useGetSettingsQuery();
  const { data: contacts } = useListContactsQuery();
  const accounts = settings?.sipAccounts;
  useEffect(() => {
    if (accounts) void engine.configure(accounts);
  }, [engine, accounts]);
  useEffect(() => {
    if (contacts) engine.setDirectory(contacts);
  }, [engine, contacts]);
}

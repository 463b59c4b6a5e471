/** The relay's status vocabulary; its close codes live in src/shared (the renderer reads them too). */
export { RelayCloseCode } from '../../shared/contract/relayCloseCodes';

export type RelayState = 'starting' | 'streaming' | 'restarting' | 'failed' | 'stopped';

export type RelayStatus = {
  sourceUrl: string;
  state: RelayState;
  viewers: number;
  message?: string;
};

export type RelayLog = (level: 'info' | 'warn' | 'error', msg: string, extra?: object) => void;

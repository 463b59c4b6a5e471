/**
 * WebSocket close codes the relay sends to a viewer. The renderer's JsmpegPlayer maps the
 * same numbers (it may not import main code); if these change, change `jsmpegCloseCodes`
 * in src/renderer/media/jsmpegPlayer.ts too. Candidates for src/shared.
 */
export const RelayCloseCode = {
  /** Ticket unknown, expired, already used or revoked before use. */
  badTicket: 4001,
  /** The source failed repeatedly; the relay gave up. */
  sourceFailed: 4002,
  /** The viewer did not keep up (bufferedAmount stayed above the limit). */
  slowViewer: 4003,
  /** The ticket was revoked while the viewer was connected (stream closed by the console). */
  revoked: 4004,
  /** The relay is shutting down. */
  shutdown: 1001,
} as const;
export type RelayCloseCode = (typeof RelayCloseCode)[keyof typeof RelayCloseCode];

export type RelayState = 'starting' | 'streaming' | 'restarting' | 'failed' | 'stopped';

export type RelayStatus = {
  sourceUrl: string;
  state: RelayState;
  viewers: number;
  message?: string;
};

export type RelayLog = (level: 'info' | 'warn' | 'error', msg: string, extra?: object) => void;

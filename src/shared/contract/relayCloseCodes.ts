/** WebSocket close codes the jsmpeg relay (main) sends to a viewer (renderer); one table for both sides. */
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

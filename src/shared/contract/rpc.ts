import { z } from 'zod';

/** Error codes that cross a host boundary. */
export const errorCodeSchema = z.enum([
  'bad-request', // input failed the contract schema
  'unknown-method',
  'not-found',
  'unavailable', // a backend or service cannot be reached
  'timeout',
  'unauthorized',
  'internal',
  'unsupported', // the channel or backend cannot do this (no PTZ, no replay buffer)
  'conflict', // the request is valid but the current state refuses it (a recording already stopped)
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const rpcErrorSchema = z.object({ code: errorCodeSchema, message: z.string().max(4000) });
export type RpcError = z.infer<typeof rpcErrorSchema>;

export const rpcResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: rpcErrorSchema }),
]);
export type RpcResult = z.infer<typeof rpcResultSchema>;

/** Thrown on the client side when a request fails; carries the code across. */
export class ConsoleError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

/** WebSocket subprotocol of the web host's RPC; the session token travels as a second subprotocol `token.<hex>`. */
export const RPC_PROTOCOL = 'mdc-rpc.v1';
export const RPC_TOKEN_PREFIX = 'token.';
export function rpcSubprotocols(token: string): string[] {
  return [RPC_PROTOCOL, `${RPC_TOKEN_PREFIX}${token}`];
}

/** WebSocket wire format of the web host (IPC uses the same payloads on fixed channels). */
/** Big enough for a base64 PNG snapshot of a 1080p frame. */
export const MAX_WIRE_MESSAGE_BYTES = 16 * 1024 * 1024;

export const clientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('req'), id: z.number().int().nonnegative(), method: z.string().max(64), input: z.unknown() }),
  z.object({ t: z.literal('sub'), event: z.string().max(64) }),
  z.object({ t: z.literal('unsub'), event: z.string().max(64) }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const serverMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('res'), id: z.number().int().nonnegative(), result: rpcResultSchema }),
  z.object({ t: z.literal('evt'), event: z.string(), payload: z.unknown() }),
  z.object({ t: z.literal('error'), error: rpcErrorSchema }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export function formatZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

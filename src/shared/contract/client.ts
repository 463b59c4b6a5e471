import {
  REQUEST_NAMES,
  EVENT_NAMES,
  requestContract,
  eventContract,
  type ConsoleApi,
  type Disposable,
  type EventName,
  type RequestName,
} from './consoleApi';
import { ConsoleError, formatZodError, rpcResultSchema } from './rpc';

/**
 * The transport a client needs: send one request and get the raw result envelope back,
 * subscribe to one event and get raw payloads. IPC (preload) and WebSocket implement it.
 */
export interface RpcTransport {
  request(method: RequestName, input: unknown, timeoutMs: number): Promise<unknown>;
  subscribe(event: EventName, listener: (payload: unknown) => void): Disposable;
}

/**
 * Builds a ConsoleApi from a transport: one method per request in the contract, one
 * `onX` per event. Replies and event payloads are parsed from `unknown`.
 */
export function createConsoleApi(transport: RpcTransport, onInvalidEvent?: (event: string, reason: string) => void): ConsoleApi {
  const api: Record<string, unknown> = {};
  for (const method of REQUEST_NAMES) {
    const spec = requestContract[method];
    api[method] = async (input: unknown) => {
      const raw = await transport.request(method, input, spec.timeoutMs);
      const envelope = rpcResultSchema.safeParse(raw);
      if (!envelope.success) throw new ConsoleError('internal', `${method}: malformed reply (${formatZodError(envelope.error)})`);
      if (!envelope.data.ok) throw new ConsoleError(envelope.data.error.code, envelope.data.error.message);
      const value = spec.output.safeParse(envelope.data.value);
      if (!value.success) throw new ConsoleError('internal', `${method}: reply failed the contract (${formatZodError(value.error)})`);
      return value.data;
    };
  }
  for (const event of EVENT_NAMES) {
    const schema = eventContract[event];
    api[event] = (listener: (payload: unknown) => void): Disposable =>
      transport.subscribe(event, (raw) => {
        const parsed = schema.safeParse(raw);
        if (parsed.success) listener(parsed.data);
        else onInvalidEvent?.(event, formatZodError(parsed.error));
      });
  }
  return Object.freeze(api) as ConsoleApi;
}

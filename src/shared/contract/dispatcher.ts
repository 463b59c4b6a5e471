import { requestContract, isRequestName, type ConsoleHandlers } from './consoleApi';
import { ConsoleError, formatZodError, type RpcResult } from './rpc';

/**
 * The host side of the contract: parses the method name and input from `unknown`, calls the
 * handler, checks the output against the contract and wraps everything in an envelope.
 * Never throws; both hosts (IPC, WebSocket) call this and nothing else.
 */
export function createDispatcher(handlers: ConsoleHandlers, onError: (method: string, err: unknown) => void) {
  return async function dispatch(method: unknown, input: unknown): Promise<RpcResult> {
    if (!isRequestName(method)) {
      return { ok: false, error: { code: 'unknown-method', message: `unknown method ${String(method).slice(0, 64)}` } };
    }
    const spec = requestContract[method];
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) {
      return { ok: false, error: { code: 'bad-request', message: `${method}: ${formatZodError(parsed.error)}` } };
    }
    try {
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      const checked = spec.output.safeParse(value);
      if (!checked.success) {
        onError(method, new Error(`output failed the contract: ${formatZodError(checked.error)}`));
        return { ok: false, error: { code: 'internal', message: `${method}: internal error` } };
      }
      return { ok: true, value: checked.data };
    } catch (err) {
      if (err instanceof ConsoleError) return { ok: false, error: { code: err.code, message: err.message } };
      onError(method, err);
      return { ok: false, error: { code: 'internal', message: `${method}: ${err instanceof Error ? err.message : 'internal error'}` } };
    }
  };
}
export type Dispatch = ReturnType<typeof createDispatcher>;

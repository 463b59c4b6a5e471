/**
 * Kamailio's JSON-RPC over HTTP (modules jsonrpcs + xhttp, e.g. http://127.0.0.1:8088/RPC): registrations from
 * usrloc (`ul.dump`) and calls from the dialog module (`dlg.list`), mapped to the directory's PbxView.
 * Answers are parsed defensively: only the fields read here are checked, anything else is ignored.
 */
import { z } from 'zod';
import type { PbxView, PbxViewSource } from './pbxView';

export class KamailioRpcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KamailioRpcError';
  }
}

const rpcReplySchema = z.union([
  z.object({ jsonrpc: z.literal('2.0'), result: z.unknown() }),
  z.object({ jsonrpc: z.literal('2.0'), error: z.object({ code: z.number(), message: z.string() }) }),
]);

/** A contact's `Expires`: seconds left, or 'permanent', 'expired', 'deleted'. */
const contactSchema = z.object({ Contact: z.object({ Address: z.string().optional(), Expires: z.union([z.number(), z.string()]) }) });
const aorSchema = z.object({ Info: z.object({ AoR: z.string(), Contacts: z.array(z.unknown()).optional() }) });
const ulDumpSchema = z.object({
  Domains: z.array(z.object({ Domain: z.object({ AoRs: z.array(z.unknown()).optional() }) })),
});
/** Dialog states: 1 unconfirmed, 2 early, 3 confirmed without ACK, 4 confirmed, 5 deleted. */
const dialogSchema = z.object({ state: z.number(), from_uri: z.string(), to_uri: z.string() });

/** `sip:8001@127.0.0.1;x=y` or `8001@127.0.0.1` or `8001` → `8001`. */
export function userPart(uriOrAor: string): string | null {
  const s = uriOrAor.trim().replace(/^<|>$/g, '').replace(/^sips?:/i, '');
  const user = s.includes('@') ? s.slice(0, s.indexOf('@')) : s.split(/[;:?]/)[0] ?? '';
  return user.length > 0 ? decodeURIComponent(user) : null;
}

function contactIsLive(c: unknown): boolean {
  const parsed = contactSchema.safeParse(c);
  if (!parsed.success) return false;
  const e = parsed.data.Contact.Expires;
  return typeof e === 'number' ? e > 0 : e === 'permanent';
}

export function registeredFromUlDump(result: unknown): string[] {
  const dump = ulDumpSchema.safeParse(result);
  if (!dump.success) throw new KamailioRpcError('PBX 的 ul.dump 应答格式不认识（缺少 Domains）');
  const users = new Set<string>();
  for (const d of dump.data.Domains) {
    for (const a of d.Domain.AoRs ?? []) {
      const aor = aorSchema.safeParse(a);
      if (!aor.success) continue;
      if (!(aor.data.Info.Contacts ?? []).some(contactIsLive)) continue;
      const user = userPart(aor.data.Info.AoR);
      if (user) users.add(user);
    }
  }
  return [...users].sort();
}

export function inDialogFromDlgList(result: unknown): string[] {
  // No dialogs: Kamailio answers an empty array (older versions: no result at all).
  const list = result === null || result === undefined ? [] : result;
  if (!Array.isArray(list)) throw new KamailioRpcError('PBX 的 dlg.list 应答格式不认识（不是数组）');
  const users = new Set<string>();
  for (const item of list) {
    const dlg = dialogSchema.safeParse(item);
    if (!dlg.success || dlg.data.state < 1 || dlg.data.state > 4) continue;
    for (const uri of [dlg.data.from_uri, dlg.data.to_uri]) {
      const user = userPart(uri);
      if (user) users.add(user);
    }
  }
  return [...users].sort();
}

export class KamailioRpc implements PbxViewSource {
  private seq = 0;

  constructor(
    /** e.g. http://127.0.0.1:8088/RPC */
    private readonly url: string,
    private readonly timeoutMs = 3000,
  ) {}

  /** One JSON-RPC 2.0 call; throws KamailioRpcError with a readable message. */
  async call(method: string, params: unknown[] = [], signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', method, params, id: ++this.seq }),
        signal: combined,
      });
    } catch (err) {
      if (timeout.aborted) throw new KamailioRpcError(`PBX ${this.url} 在 ${this.timeoutMs} ms 内无应答（${method}）`);
      if (signal?.aborted) throw new KamailioRpcError(`PBX 查询已取消（${method}）`);
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new KamailioRpcError(`无法连接 PBX ${this.url}：${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new KamailioRpcError(`PBX ${this.url} 应答读取失败（${method}）：${(err as Error).message}`);
    }
    if (!res.ok) throw new KamailioRpcError(`PBX ${this.url} 返回 HTTP ${res.status}（${method}）：${text.slice(0, 120)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new KamailioRpcError(`PBX ${this.url} 返回的不是合法 JSON（${method}）：${text.slice(0, 120)}`);
    }
    const reply = rpcReplySchema.safeParse(json);
    if (!reply.success) throw new KamailioRpcError(`PBX ${this.url} 返回的不是 JSON-RPC 2.0 应答（${method}）`);
    if ('error' in reply.data) {
      throw new KamailioRpcError(`PBX 拒绝了 ${method}：${reply.data.error.code} ${reply.data.error.message}`);
    }
    return reply.data.result;
  }

  async view(signal?: AbortSignal): Promise<PbxView> {
    const [ul, dlg] = await Promise.all([this.call('ul.dump', [], signal), this.call('dlg.list', [], signal)]);
    return { registered: registeredFromUlDump(ul), inDialog: inDialogFromDlgList(dlg) };
  }
}

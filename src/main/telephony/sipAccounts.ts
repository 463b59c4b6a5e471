import { createHash } from 'node:crypto';
import { ConsoleError } from '../../shared/contract/rpc';
import type { SaveSipAccountInput, SipAccount, SipCredentials } from '../../shared/domain/telephony';

/** Message when a new SIP account arrives without its password. */
export const MISSING_SIP_PASSWORD = '请填写 SIP 账号的注册密码';

/** The account to store in settings and the password to keep apart from it (null: keep the stored one). */
export function splitSipPassword(input: SaveSipAccountInput): { account: SipAccount; password: string | null } {
  const { password, ...account } = input;
  return { account, password: password ?? null };
}

/** HA1 of HTTP digest (RFC 2617/8760 with MD5): md5(user:realm:password), lower-case hex. */
export function digestHa1(user: string, realm: string, password: string): string {
  return createHash('md5').update(`${user}:${realm}:${password}`, 'utf8').digest('hex');
}

/** What the renderer registers with: the account's addresses and HA1, never the password. */
export function sipCredentials(id: string, account: SipAccount | undefined, password: string | null): SipCredentials {
  if (!account) throw new ConsoleError('not-found', `没有这个 SIP 账号: ${id}`);
  if (password === null) throw new ConsoleError('not-found', `SIP 账号「${account.name}」没有保存密码，请在设置中重新填写`);
  const realm = account.realm ?? account.domain;
  return {
    accountId: account.id,
    wsUrl: account.wsUrl,
    domain: account.domain,
    user: account.user,
    realm,
    displayName: account.displayName,
    ha1: digestHa1(account.user, realm, password),
  };
}

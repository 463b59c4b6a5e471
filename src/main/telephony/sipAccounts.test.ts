import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared/contract/rpc';
import { sipAccountSchema, sipCredentialsSchema } from '../../shared/domain/telephony';
import { digestHa1, sipCredentials, splitSipPassword } from './sipAccounts';

const account = sipAccountSchema.parse({
  id: 'seat1',
  name: '调度席 1',
  enabled: true,
  wsUrl: 'ws://127.0.0.1:5066',
  domain: '127.0.0.1',
  user: '8001',
  displayName: '市应急调度',
});

describe('SIP account credentials', () => {
  it('computes HA1 = md5(user:realm:password) (RFC 2617 example)', () => {
    // RFC 2617 §3.5: Mufasa / testrealm@host.com / Circle Of Life
    expect(digestHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life')).toBe('939e7578ed9e3c518a452acee763bce9');
  });

  it('uses the realm, or the domain without one, and never carries the password', () => {
    const c = sipCredentials('seat1', account, 'pw#1');
    expect(sipCredentialsSchema.parse(c)).toEqual(c);
    expect(c).toMatchObject({ realm: '127.0.0.1', ha1: createHash('md5').update('8001:127.0.0.1:pw#1').digest('hex') });
    expect(JSON.stringify(c)).not.toContain('pw#1');
    expect(sipCredentials('seat1', { ...account, realm: 'mdc' }, 'pw#1').ha1).toBe(digestHa1('8001', 'mdc', 'pw#1'));
  });

  it('says clearly when the account or its password is missing', () => {
    expect(() => sipCredentials('seat9', undefined, 'x')).toThrow(ConsoleError);
    expect(() => sipCredentials('seat9', undefined, 'x')).toThrow(/seat9/);
    expect(() => sipCredentials('seat1', account, null)).toThrow(/密码/);
  });

  it('splits the password off the account to store', () => {
    expect(splitSipPassword({ ...account, password: 'p' })).toEqual({ account, password: 'p' });
    expect(splitSipPassword(account)).toEqual({ account, password: null });
  });
});

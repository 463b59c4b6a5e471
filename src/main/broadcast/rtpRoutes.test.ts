import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared/contract/rpc';
import { rtpRouteSchema, type RtpRoute } from '../../shared/domain/broadcast';
import { contact, tempStores } from '../telephony/telephonyFixture.test-support';
import { DirectoryStore } from '../telephony/directoryStore';
import { RtpRoutes } from './rtpRoutes';

const stores = tempStores();
afterEach(() => stores.cleanup());

function setup() {
  const { db } = stores.fresh();
  const directory = new DirectoryStore(db);
  directory.importContacts([contact('s1', '7101', { role: 'speaker' }), contact('s2', '7102', { role: 'speaker' })], false);
  return { directory, routes: new RtpRoutes(db) };
}

const route = (extra: Partial<RtpRoute> = {}): RtpRoute => ({ contactId: 's1', backendId: 'lab', host: '239.1.1.1', port: 5004, codec: 'pcmu', ...extra });

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(ConsoleError);
    return (err as ConsoleError).code;
  }
}

describe('RtpRoutes', () => {
  it('saves, replaces and deletes a directory entry’s route', () => {
    const { routes } = setup();
    routes.save(route(), ['lab']);
    routes.save(route({ port: 5006, codec: 'pcma' }), ['lab']);
    expect(routes.list()).toEqual([route({ port: 5006, codec: 'pcma' })]);
    expect(routes.delete('s1')).toBe(true);
    expect(routes.delete('s1')).toBe(false);
    expect(routes.list()).toEqual([]);
  });

  it('refuses a contact not in the directory, a backend that is not Janus, and an address another speaker uses', () => {
    const { routes } = setup();
    expect(codeOf(() => routes.save(route({ contactId: 'nobody' }), ['lab']))).toBe('bad-request');
    expect(codeOf(() => routes.save(route(), ['other']))).toBe('bad-request');
    routes.save(route(), ['lab']);
    expect(codeOf(() => routes.save(route({ contactId: 's2' }), ['lab']))).toBe('conflict');
    expect(routes.list()).toHaveLength(1);
  });

  it('goes with its contact', () => {
    const { directory, routes } = setup();
    routes.save(route(), ['lab']);
    directory.deleteContact('s1');
    expect(routes.list()).toEqual([]);
  });

  it('the contract takes IPv4 unicast or multicast only, ports 1024–65534, G.711 or Opus', () => {
    expect(rtpRouteSchema.safeParse(route({ host: '198.18.0.2' })).success).toBe(true);
    expect(rtpRouteSchema.safeParse(route({ host: 'speaker.local' })).success).toBe(false);
    expect(rtpRouteSchema.safeParse(route({ host: '256.1.1.1' })).success).toBe(false);
    expect(rtpRouteSchema.safeParse(route({ port: 80 })).success).toBe(false);
    expect(rtpRouteSchema.safeParse({ ...route(), codec: 'g729' }).success).toBe(false);
  });
});

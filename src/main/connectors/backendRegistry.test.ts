import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { BackendConfig } from '../../shared/domain/settings';
import { Emitter } from '../../shared/lifecycle';
import { ConsoleError } from '../../shared/contract/rpc';
import { BackendRegistry } from './backendRegistry';
import type { BackendCatalogue, BackendHealth, VideoBackend } from './videoBackend';

/** A backend whose catalogue the test controls; the registry's merging and change logic is what is tested. */
class ScriptedBackend implements VideoBackend {
  readonly kind = 'scripted';
  readonly capabilities = { ptz: false, playback: false, download: false, talk: false };
  private readonly emitter = new Emitter<BackendHealth>();
  readonly onHealthChange = this.emitter.event;
  fail = false;
  fetches = 0;
  private state: BackendHealth = { state: 'connecting', message: null };
  constructor(readonly id: string, readonly name: string, private readonly channels: number) {}
  async ptz(): Promise<void> {
    throw new ConsoleError('unsupported', 'no ptz');
  }
  async ptzPresets(): Promise<never[]> {
    throw new ConsoleError('unsupported', 'no ptz');
  }
  async queryRecords(): Promise<never[]> {
    throw new ConsoleError('unsupported', 'no recordings');
  }
  async openPlaybackStream(): Promise<never> {
    throw new ConsoleError('unsupported', 'no recordings');
  }
  async fetchCatalogue(): Promise<BackendCatalogue> {
    this.fetches += 1;
    await new Promise((r) => setTimeout(r, 5));
    if (this.fail) {
      this.state = { state: 'offline', message: 'ECONNREFUSED' };
      this.emitter.fire(this.state);
      throw new ConsoleError('unavailable', 'ECONNREFUSED');
    }
    this.state = { state: 'online', message: null };
    return {
      mines: [{ id: `m-${this.id}`, name: 'mine', shortName: 'mine', countyCode: '140423', location: null }],
      channels: Array.from({ length: this.channels }, (_, i) => ({
        id: `${this.id}:${i}`, backendId: this.id, name: `c${i}`, gbId: null, countyCode: '140423', mineId: `m-${this.id}`,
        categoryCode: '02', place: '', location: null, online: true, streams: ['janus-webrtc' as const], substream: false, ptz: false,
      })),
    };
  }
  health(): BackendHealth {
    return this.state;
  }
  async play(): Promise<never> {
    throw new Error('not used');
  }
  dispose(): void {}
}

const config = (id: string): BackendConfig => ({ id, kind: 'janus', name: id, enabled: true, url: 'ws://127.0.0.1:1' });

describe('BackendRegistry', () => {
  const log = pino({ level: 'silent' });

  it('a backend added while a refresh runs is fetched at once, not at the next poll', async () => {
    const made = new Map<string, ScriptedBackend>();
    const registry = new BackendRegistry(log, (c) => {
      const b = new ScriptedBackend(c.id, c.name, 3);
      made.set(c.id, b);
      return b;
    }, 60_000);
    const changes: number[] = [];
    registry.onCatalogueChanged((c) => changes.push(c.channels.length));
    registry.configure([]);
    registry.configure([config('a')]); // while the empty refresh is still in flight
    await registry.refresh();
    expect(registry.catalogue().channels).toHaveLength(3);
    expect(changes.at(-1)).toBe(3);
    registry.dispose();
  });

  it('merges several backends and keeps a failing one’s channels, offline, with its reason', async () => {
    const made = new Map<string, ScriptedBackend>();
    const registry = new BackendRegistry(log, (c) => {
      const b = new ScriptedBackend(c.id, c.name, c.id === 'a' ? 2 : 4);
      made.set(c.id, b);
      return b;
    }, 60_000);
    registry.configure([config('a'), config('b')]);
    await registry.refresh();
    expect(registry.catalogue().channels).toHaveLength(6);
    made.get('b')!.fail = true;
    await registry.refresh();
    const cat = registry.catalogue();
    expect(cat.channels.filter((c) => c.backendId === 'b').every((c) => !c.online)).toBe(true);
    expect(cat.channels.filter((c) => c.backendId === 'a').every((c) => c.online)).toBe(true);
    expect(cat.backends.find((b) => b.backendId === 'b')).toMatchObject({ state: 'offline', message: 'ECONNREFUSED' });
    registry.configure([config('a')]);
    expect(registry.catalogue().channels).toHaveLength(2);
    registry.dispose();
  });
});

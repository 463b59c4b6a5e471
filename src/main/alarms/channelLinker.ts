import type { Channel, Mine } from '../../shared/domain/catalogue';

export type AlarmLink = { channelId: string | null; mineId: string | null; mineName: string | null; county: string | null; linked: boolean };

/**
 * Finds the channel an alarm's device id names: a catalogue channel id (`<backend>:<id>`), its backend-local id, or
 * its GB/T 28181 20-digit id. An id that names nothing is kept and marked unlinked (the box may know cameras the
 * console does not, yet).
 */
export class ChannelLinker {
  private byKey = new Map<string, Channel>();
  private mines = new Map<string, Mine>();
  private seen: unknown = null;

  constructor(private readonly catalogue: () => { channels: readonly Channel[]; mines: readonly Mine[] }) {}

  link(deviceId: string | null): AlarmLink {
    this.refresh();
    const channel = deviceId === null ? undefined : this.byKey.get(deviceId.trim());
    if (!channel) return { channelId: null, mineId: null, mineName: null, county: null, linked: false };
    const mine = channel.mineId === null ? undefined : this.mines.get(channel.mineId);
    return { channelId: channel.id, mineId: channel.mineId, mineName: mine?.shortName ?? mine?.name ?? null, county: channel.countyCode ?? mine?.countyCode ?? null, linked: true };
  }

  /** Rebuilds the lookups when the catalogue object changed (the registry replaces it on every refresh). */
  private refresh(): void {
    const current = this.catalogue();
    if (current === this.seen) return;
    this.seen = current;
    const byKey = new Map<string, Channel>();
    for (const ch of current.channels) {
      byKey.set(ch.id, ch);
      const local = ch.id.slice(ch.id.indexOf(':') + 1);
      if (!byKey.has(local)) byKey.set(local, ch);
      if (ch.gbId && !byKey.has(ch.gbId)) byKey.set(ch.gbId, ch);
    }
    this.byKey = byKey;
    this.mines = new Map(current.mines.map((m) => [m.id, m]));
  }
}

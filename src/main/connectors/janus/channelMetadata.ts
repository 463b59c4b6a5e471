import { z } from 'zod';
import { gbIdSchema, lonLatSchema } from '../../../shared/domain/catalogue';

/**
 * Channel metadata that rides in a Janus streaming mountpoint's `metadata` string
 * (schema `mdc.channel/1`; the lab writes it, a site's own Janus config can too).
 */
export const channelMetadataSchema = z.object({
  schema: z.literal('mdc.channel/1'),
  gbId: gbIdSchema.optional(),
  name: z.string().min(1).max(200),
  county: z.string().regex(/^\d{6}$/).optional(),
  mineId: z.string().min(1).max(64).optional(),
  mineName: z.string().max(200).optional(),
  mineShort: z.string().max(100).optional(),
  mineLocation: lonLatSchema.optional(),
  category: z.string().regex(/^\d{2}$/).optional(),
  place: z.string().max(200).optional(),
  location: lonLatSchema.optional(),
  /** The camera has pan/tilt/zoom; without `ptzControl` the console has no way to drive it. */
  ptz: z.boolean().optional(),
  /** How to drive the PTZ: Hikvision ISAPI at `http(s)://host[:port]/ISAPI/PTZCtrl/channels/<n>`. */
  ptzControl: z
    .object({
      protocol: z.literal('isapi'),
      url: z.string().max(500).regex(/^https?:\/\/[^/?#\s]+\/ISAPI\/PTZCtrl\/channels\/\d{1,3}\/?$/, 'not an ISAPI PTZ channel URL'),
    })
    .optional(),
  /** The camera's recordings: a segment index (see connectors/recordings/segmentIndex.ts) on loopback or the Janus host. */
  recordIndex: z
    .object({ url: z.string().max(500).regex(/^https?:\/\/[^/?#\s]+\/\S*$/, 'not an http(s) URL') })
    .optional(),
  /** Janus mountpoint of the same camera's sub stream (lower resolution); hidden from the catalogue. */
  subMountpoint: z.number().int().positive().optional(),
  /** MPEG-TS or RTSP url of the same camera, for the jsmpeg relay. */
  mpegts: z.string().regex(/^(udp|rtsp|https?):\/\//).optional(),
});
export type ChannelMetadata = z.infer<typeof channelMetadataSchema>;

/** Metadata of a sub stream mountpoint (`{"schema":"mdc.substream/1","main":101}`): not a channel of its own. */
export function isSubstreamMetadata(raw: unknown): boolean {
  if (typeof raw !== 'string' || !raw.includes('mdc.substream/1')) return false;
  try {
    const json: unknown = JSON.parse(raw);
    return typeof json === 'object' && json !== null && (json as { schema?: unknown }).schema === 'mdc.substream/1';
  } catch {
    return false;
  }
}

/** Parses the metadata string; returns null (and why) when it is absent or not ours. */
export function parseChannelMetadata(raw: unknown): { ok: true; value: ChannelMetadata } | { ok: false; reason: string } {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'no metadata' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'metadata is not JSON' };
  }
  const parsed = channelMetadataSchema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: parsed.error.issues[0]?.message ?? 'invalid' };
}

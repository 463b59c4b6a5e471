import { MAX_ALARM_PICTURE_BYTES, type Alarm, type AlarmInput, type AlarmMapping } from '../../shared/domain/alarm';
import { Emitter } from '../../shared/lifecycle';
import { PictureRefused, type AlarmPictures, type StoredPicture } from './alarmPictures';
import type { AlarmStore } from './alarmStore';
import type { ChannelLinker } from './channelLinker';
import { mapPush, type MappedPush } from './fieldMapping';

const PICTURE_FETCH_MS = 5000;

export type IntakeResult = { alarm: Alarm; duplicate: boolean; pictureNote: string | null };

export type IntakeDeps = {
  store: AlarmStore;
  pictures: AlarmPictures;
  linker: ChannelLinker;
  /** Fetches a picture a push names by URL (the box serves it); bounded in time and size. */
  fetchPicture?: (url: string) => Promise<Buffer>;
  warn: (fields: Record<string, unknown>, message: string) => void;
};

/**
 * Every input's last step, the same for all (webhook, MQTT, WVP, Hikvision): read the push with the source's mapping,
 * keep its picture when it is one, link the channel, store the alarm, and only then report it stored (the input
 * acknowledges the push after this resolves). A picture that cannot be had never loses the alarm: it is kept
 * without one, and the note says why.
 */
export class AlarmIntake {
  private readonly fetchPicture: (url: string) => Promise<Buffer>;
  private readonly stored = new Emitter<Alarm>();
  /** A new alarm (not a repeat) is on disk. */
  readonly onNewAlarm = this.stored.event;

  constructor(private readonly deps: IntakeDeps) {
    this.fetchPicture = deps.fetchPicture ?? fetchBounded;
  }

  /** Throws MappingError for a push that cannot be read (the input answers 4xx). */
  async take(sourceId: string, mapping: AlarmMapping, body: unknown): Promise<IntakeResult> {
    const mapped = mapPush(sourceId, mapping, body);
    return this.takeMapped(mapped);
  }

  /** The newest stored alarm time of a source (a polling input resumes there after a restart). */
  latestOccurredAt(sourceId: string): number | null {
    return this.deps.store.latestOccurredAt(sourceId);
  }

  async takeMapped({ input, picture }: MappedPush): Promise<IntakeResult> {
    const link = this.deps.linker.link(input.deviceId);
    const linked: AlarmInput = { ...input, channelId: link.channelId };
    let stored: StoredPicture | null = null;
    let pictureNote: string | null = null;
    if (picture) {
      try {
        const data = picture.kind === 'url' ? await this.fetchPicture(picture.url) : decodeBase64(picture.data);
        stored = await this.deps.pictures.storeAsync(data, input.kindName ?? input.kind, Date.now());
      } catch (err) {
        pictureNote = err instanceof Error ? err.message : String(err);
        this.deps.warn({ sourceId: input.sourceId, externalId: input.externalId, reason: pictureNote }, 'alarm kept without its picture');
      }
    }
    let result: { alarm: Alarm; duplicate: boolean };
    try {
      result = this.deps.store.ingest(linked, { link, picture: stored });
    } catch (err) {
      if (stored) this.deps.pictures.discard(stored.path);
      throw err;
    }
    // A repeated push keeps the first alarm and its picture.
    if (result.duplicate && stored) this.deps.pictures.discard(stored.path);
    if (!result.duplicate) this.stored.fire(result.alarm);
    return { ...result, pictureNote };
  }
}

function decodeBase64(data: string): Buffer {
  const clean = data.replace(/\s+/g, '');
  if (clean.length > Math.ceil((MAX_ALARM_PICTURE_BYTES * 4) / 3) + 4) throw new PictureRefused('报警图片过大');
  return Buffer.from(clean, 'base64');
}

/** GET a picture: http(s) only, 5 s, at most MAX_ALARM_PICTURE_BYTES (read as a stream, never trusted lengths). */
export async function fetchBounded(url: string): Promise<Buffer> {
  if (!/^https?:\/\//i.test(url)) throw new PictureRefused('图片地址只支持 http(s)');
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(PICTURE_FETCH_MS), redirect: 'error' });
  } catch (err) {
    throw new PictureRefused(`图片下载失败：${err instanceof Error ? err.message : String(err)}`);
  }
  if (!response.ok || !response.body) throw new PictureRefused(`图片下载失败：HTTP ${response.status}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_ALARM_PICTURE_BYTES) throw new PictureRefused('报警图片过大');
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

import { z } from 'zod';
import { streamSourceSchema } from './stream';

/** Where a recording is kept: on the camera/NVR (GB/T 28181 "device") or on the platform's media server ("cloud"). */
export const recordSourceSchema = z.enum(['device', 'cloud']);
export type RecordSource = z.infer<typeof recordSourceSchema>;

/** A stretch of recorded video of one channel, epoch milliseconds, end exclusive. */
export const recordSpanSchema = z.object({
  start: z.number().int(),
  end: z.number().int(),
  source: recordSourceSchema,
});
export type RecordSpan = z.infer<typeof recordSpanSchema>;

/** Longest window one query or playback may cover (a day and a bit, so "today" works across midnight). */
export const MAX_RECORD_WINDOW_MS = 26 * 3600_000;
/** Longest span one download may cover. */
export const MAX_DOWNLOAD_MS = 2 * 3600_000;

export const recordWindowSchema = z
  .object({ channelId: z.string().min(1).max(200), from: z.number().int().nonnegative(), to: z.number().int().nonnegative() })
  .strict()
  .refine((w) => w.to > w.from && w.to - w.from <= MAX_RECORD_WINDOW_MS, 'time window must be positive and at most 26 h');

/**
 * One piece of the media timeline of a playback session: `duration` seconds of media starting at media time
 * `mediaStart` show wall-clock time from `start` (epoch ms). Pieces are in order and do not overlap; a gap in
 * the recording is a jump in `start` between neighbours while media time runs on.
 */
export const timelinePieceSchema = z.object({
  start: z.number().int(),
  mediaStart: z.number().nonnegative(),
  duration: z.number().positive(),
});
export type TimelinePiece = z.infer<typeof timelinePieceSchema>;

/**
 * A playback session: what to play and how its media time maps to the wall clock. 'client' control means the
 * player seeks and changes speed itself (a VOD playlist of recorded files); 'server' means the backend paces the
 * stream and takes pause/seek/speed as requests (GB/T 28181 device playback).
 */
export const playbackSessionSchema = z.object({
  source: streamSourceSchema,
  control: z.enum(['client', 'server']),
  timeline: z.array(timelinePieceSchema),
});
export type PlaybackSession = z.infer<typeof playbackSessionSchema>;

export const playbackSpeeds = [0.5, 1, 2, 4, 8] as const;

/** Wall-clock time shown at media time `t` (seconds); null past the end. */
export function wallTimeAt(timeline: readonly TimelinePiece[], t: number): number | null {
  for (const p of timeline) {
    if (t >= p.mediaStart && t < p.mediaStart + p.duration) return p.start + (t - p.mediaStart) * 1000;
  }
  return null;
}

/**
 * Media time that shows wall-clock `ms`; inside a gap, the start of the next recorded piece (`inGap` true);
 * null after the last piece.
 */
export function mediaTimeAt(timeline: readonly TimelinePiece[], ms: number): { t: number; inGap: boolean } | null {
  for (const p of timeline) {
    const end = p.start + p.duration * 1000;
    if (ms < p.start) return { t: p.mediaStart, inGap: true };
    if (ms < end) return { t: p.mediaStart + (ms - p.start) / 1000, inGap: false };
  }
  return null;
}

/** Merges spans closer than `toleranceMs` (segment boundaries) into continuous ones, per source, sorted by start. */
export function mergeSpans(spans: readonly RecordSpan[], toleranceMs = 1500): RecordSpan[] {
  const sorted = [...spans].sort((a, b) => a.source.localeCompare(b.source) || a.start - b.start);
  const out: RecordSpan[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && last.source === s.source && s.start <= last.end + toleranceMs) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** A download of recorded video into the media library, as its progress is reported. */
export const downloadStateSchema = z.object({
  downloadId: z.string(),
  channelId: z.string(),
  channelName: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  /** 0..1 */
  progress: z.number().min(0).max(1),
  bytes: z.number().int().nonnegative(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** zh-CN reason when failed. */
  message: z.string().nullable(),
  /** The library's recording entry once done. */
  recordingId: z.string().nullable(),
});
export type DownloadState = z.infer<typeof downloadStateSchema>;

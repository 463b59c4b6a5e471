import type { TimelinePiece } from '../../shared/domain/playback';
import type { RecordFile } from '../connectors/videoBackend';

/** A recorded file with its wall-clock span, as a playback session plays it. */
export type VodSegment = { start: number; end: number; file: RecordFile };

/** Neighbouring segments closer than this are one continuous recording (no discontinuity). */
const CONTIGUOUS_MS = 500;

/**
 * An HLS VOD playlist over recorded segments (each served at `seg/<index>.ts` beside the playlist) and the
 * timeline that maps its media time to the wall clock. Gaps between recordings are cut out of media time (the
 * player plays on into the next recording) and marked EXT-X-DISCONTINUITY, as is every remuxed MP4 file (its
 * timestamps start again at zero).
 */
export function buildVodPlaylist(segments: readonly VodSegment[]): { playlist: string; timeline: TimelinePiece[] } {
  const timeline: TimelinePiece[] = [];
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MEDIA-SEQUENCE:0'];
  const target = Math.max(1, ...segments.map((s) => Math.ceil((s.end - s.start) / 1000)));
  lines.push(`#EXT-X-TARGETDURATION:${target}`);
  let media = 0;
  let prevEnd: number | null = null;
  segments.forEach((s, i) => {
    const duration = (s.end - s.start) / 1000;
    const continuous = prevEnd !== null && Math.abs(s.start - prevEnd) <= CONTIGUOUS_MS && s.file.container === 'mpegts';
    const last = timeline.at(-1);
    if (continuous && last) last.duration = Number((last.duration + duration).toFixed(3));
    else timeline.push({ start: s.start, mediaStart: Number(media.toFixed(3)), duration });
    if (i > 0 && !continuous) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.start).toISOString()}`, `#EXTINF:${duration.toFixed(3)},`, `seg/${i}.ts`);
    media += duration;
    prevEnd = s.end;
  });
  lines.push('#EXT-X-ENDLIST', '');
  return { playlist: lines.join('\n'), timeline };
}

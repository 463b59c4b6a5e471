/**
 * RTP broadcast speakers (网络广播音柱 that take plain RTP, unicast or multicast): each listens on the lab's host-side
 * veth address, which Janus in its namespace reaches, decodes G.711 (PCMU or PCMA) and writes what it hears as
 * 16-bit WAV, one file per burst of packets (a new file after 2 s without any), named like a lab phone's recording
 * (`<dir>/<number>/rtp-<time>-dec.wav`) so the same helpers read both. Files are rewritten as packets arrive, so
 * a file's mtime is its last packet (latestHeard places the audio in time by it).
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_IP } from './netns';

export type RtpSpeakerDef = { number: string; name: string; port: number; codec: 'pcmu' | 'pcma' };

/** The lab's RTP speakers (their directory entries and routes are in the PBX's console.json). */
export const RTP_SPEAKERS: readonly RtpSpeakerDef[] = [
  { number: '7101', name: '井口广播音柱（RTP）', port: 5102, codec: 'pcmu' },
  { number: '7102', name: '副井底车场广播音柱（RTP）', port: 5104, codec: 'pcma' },
];
export const RTP_SPEAKER_HOST = HOST_IP;

const RATE = 8000;
const BURST_GAP_MS = 2000;
/** Rewrite the file at most this often while packets arrive. */
const FLUSH_MS = 200;

export type RtpSpeaker = { def: RtpSpeakerDef; packets: () => number; stop: () => Promise<void> };

export async function startRtpSpeakers(dir: string, log: (line: string) => void): Promise<RtpSpeaker[]> {
  return Promise.all(RTP_SPEAKERS.map((def) => startRtpSpeaker(def, join(dir, def.number), log)));
}

function startRtpSpeaker(def: RtpSpeakerDef, dir: string, log: (line: string) => void): Promise<RtpSpeaker> {
  mkdirSync(dir, { recursive: true });
  const socket: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  let packets = 0;
  let burst: { file: string; chunks: Int16Array[]; lastAt: number; flushedAt: number } | null = null;
  const decode = def.codec === 'pcmu' ? ulaw : alaw;

  const flush = () => {
    if (!burst) return;
    burst.flushedAt = Date.now();
    writeFileSync(burst.file, wav(burst.chunks));
  };

  socket.on('message', (msg) => {
    const payload = rtpPayload(msg);
    if (!payload) return;
    packets++;
    const now = Date.now();
    if (!burst || now - burst.lastAt > BURST_GAP_MS) {
      flush();
      burst = { file: join(dir, `rtp-${stamp(new Date(now))}-dec.wav`), chunks: [], lastAt: now, flushedAt: 0 };
    }
    const pcm = new Int16Array(payload.length);
    for (let i = 0; i < payload.length; i++) pcm[i] = decode(payload[i]!);
    burst.chunks.push(pcm);
    burst.lastAt = now;
    if (now - burst.flushedAt >= FLUSH_MS) flush();
  });
  // The last packets of a burst: written once the speaker has been quiet a moment.
  const timer = setInterval(() => {
    if (burst && Date.now() - burst.lastAt > 100 && burst.flushedAt < burst.lastAt) flush();
  }, 100);

  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(def.port, RTP_SPEAKER_HOST, () => {
      socket.off('error', reject);
      socket.on('error', (err) => log(`rtp speaker ${def.number}: ${err.message}`));
      resolve({
        def,
        packets: () => packets,
        stop: () =>
          new Promise<void>((done) => {
            clearInterval(timer);
            flush();
            socket.close(() => done());
          }),
      });
    });
  });
}

/** The payload of an RTP packet (version 2; CSRCs, extension and padding skipped), or null. */
export function rtpPayload(msg: Buffer): Buffer | null {
  if (msg.length < 12 || msg[0]! >> 6 !== 2) return null;
  const cc = msg[0]! & 0x0f;
  let offset = 12 + cc * 4;
  if (msg[0]! & 0x10) {
    if (msg.length < offset + 4) return null;
    offset += 4 + msg.readUInt16BE(offset + 2) * 4;
  }
  let end = msg.length;
  if (msg[0]! & 0x20) end -= msg[msg.length - 1]!;
  return end > offset ? msg.subarray(offset, end) : null;
}

/** G.711 μ-law byte → 16-bit linear (ITU-T G.711). */
export function ulaw(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/** G.711 A-law byte → 16-bit linear (ITU-T G.711). */
export function alaw(byte: number): number {
  const a = byte ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

function wav(chunks: readonly Int16Array[]): Buffer {
  const samples = chunks.reduce((n, c) => n + c.length, 0);
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write('WAVE', 8);
  buf.write('fmt ', 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(RATE, 24);
  buf.writeUInt32LE(RATE * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(samples * 2, 40);
  let o = 44;
  for (const c of chunks) for (const x of c) o = buf.writeInt16LE(x, o);
  return buf;
}

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}-${p(d.getMilliseconds(), 3)}`;
}

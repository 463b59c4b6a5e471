import { describe, expect, it } from 'vitest';
import { ByteIntegrator, classifyHlsError, classifyMpegtsError, mpegtsConfig } from './msePlayer';

describe('MsePlayer pure parts', () => {
  it('maps mpegts.js errors to player errors', () => {
    expect(classifyMpegtsError('NetworkError', 'HttpStatusCodeInvalid', { code: 404, msg: 'Not Found' }).code).toBe('not-found');
    expect(classifyMpegtsError('NetworkError', 'Exception', { code: -1, msg: 'ws error' }).code).toBe('transport-lost');
    expect(classifyMpegtsError('MediaError', 'CodecUnsupported', { msg: 'Flv: Unsupported codec in video frame: 12' }).code).toBe('unsupported');
    expect(classifyMpegtsError('MediaError', 'MediaMSEError', { msg: 'QuotaExceeded' }).code).toBe('decode');
    expect(classifyMpegtsError('OtherError', 'x').code).toBe('decode');
  });

  it('maps fatal hls.js errors to player errors', () => {
    expect(classifyHlsError('networkError', 'manifestLoadError', 404).code).toBe('not-found');
    expect(classifyHlsError('networkError', 'fragLoadTimeOut').code).toBe('transport-lost');
    expect(classifyHlsError('mediaError', 'manifestIncompatibleCodecsError').code).toBe('unsupported');
    expect(classifyHlsError('mediaError', 'bufferAppendError').code).toBe('decode');
  });

  it('integrates mpegts.js KB/s reports into cumulative bytes', () => {
    const b = new ByteIntegrator();
    expect(b.add(100, 1000)).toBe(0);
    expect(b.add(100, 2000)).toBe(102_400);
    expect(b.add(50, 2500)).toBe(102_400 + 25_600);
    expect(b.add(Number.NaN, 3000)).toBe(128_000);
  });

  it('configures mpegts.js for low-latency live without workers', () => {
    expect(mpegtsConfig(true)).toMatchObject({
      enableWorker: false,
      enableWorkerForMSE: false,
      enableStashBuffer: false,
      isLive: true,
      liveBufferLatencyChasing: true,
    });
    expect(mpegtsConfig(false)).toMatchObject({ isLive: false, liveBufferLatencyChasing: false });
  });
});

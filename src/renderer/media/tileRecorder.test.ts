import { describe, expect, it, vi } from 'vitest';
import {
  pickRecorderMimeType,
  RecorderError,
  TileRecorder,
  type RecorderEngine,
  type RecorderEngineEvents,
  type RecorderEngineFactory,
} from './tileRecorder';

/** A MediaRecorder stand-in the test drives by hand. */
class FakeEngine implements RecorderEngine {
  active = false;
  timeslice = 0;
  stopCalls = 0;
  constructor(
    readonly mimeType: string,
    readonly events: RecorderEngineEvents,
    /** Deliver the final data + stop event asynchronously, like MediaRecorder. */
    private readonly finalData: () => Blob | null = () => null,
  ) {}
  start(timesliceMs: number): void {
    this.timeslice = timesliceMs;
    this.active = true;
  }
  stop(): void {
    this.stopCalls++;
    if (!this.active) return;
    setTimeout(() => this.end(), 5);
  }
  emit(bytes: number[]): void {
    this.events.data(new Blob([new Uint8Array(bytes)]));
  }
  /** The engine ends on its own (tracks ended) or after stop(). */
  end(): void {
    if (!this.active) return;
    const last = this.finalData();
    if (last) this.events.data(last);
    this.active = false;
    this.events.stop();
  }
}

function liveStream(): MediaStream {
  return { getVideoTracks: () => [{ readyState: 'live' }] } as unknown as MediaStream;
}

function setup(sink: (seq: number, data: Uint8Array) => Promise<void>, finalData?: () => Blob | null, options = {}) {
  let engine: FakeEngine | null = null;
  const factory: RecorderEngineFactory = (_stream, opts, events) => (engine = new FakeEngine(opts.mimeType, events, finalData));
  const recorder = new TileRecorder(liveStream(), 'video/webm;codecs=vp8', sink, { engine: factory, ...options });
  recorder.start();
  return { recorder, engine: engine as unknown as FakeEngine };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TileRecorder', () => {
  it('delivers pieces in order, one at a time, however slow the sink, and stop() waits for the last', async () => {
    const got: { seq: number; data: number[] }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const { recorder, engine } = setup(
      async (seq, data) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(seq % 2 === 0 ? 15 : 1); // uneven: later pieces must still wait
        got.push({ seq, data: [...data] });
        inFlight--;
      },
      () => new Blob([new Uint8Array([9, 9])]),
    );
    expect(engine.timeslice).toBe(1000);
    expect(recorder.state).toBe('recording');
    engine.emit([1]);
    engine.emit([]); // empty blobs are skipped, no seq used
    engine.emit([2, 2]);
    engine.emit([3]);
    const result = await recorder.stop();
    expect(got).toEqual([
      { seq: 0, data: [1] },
      { seq: 1, data: [2, 2] },
      { seq: 2, data: [3] },
      { seq: 3, data: [9, 9] }, // the final piece MediaRecorder hands over on stop
    ]);
    expect(maxInFlight).toBe(1);
    expect(result).toEqual({ mimeType: 'video/webm;codecs=vp8', chunks: 4, bytes: 6, endedBy: 'stop' });
    expect(recorder.state).toBe('finished');
    expect(await recorder.stop()).toEqual(result); // idempotent
  });

  it('splits a piece larger than maxChunkBytes, keeping the order', async () => {
    const got: number[][] = [];
    const { recorder, engine } = setup(async (_seq, data) => void got.push([...data]), undefined, { maxChunkBytes: 2 });
    engine.emit([1, 2, 3, 4, 5]);
    engine.emit([6]);
    const result = await recorder.stop();
    expect(got).toEqual([[1, 2], [3, 4], [5], [6]]);
    expect(result.chunks).toBe(4);
  });

  it('a failing sink stops the recording, drops what follows, reports once and rejects stop()', async () => {
    const seqs: number[] = [];
    const { recorder, engine } = setup(async (seq) => {
      if (seq === 1) throw new Error('disk full');
      seqs.push(seq);
    });
    const errors: RecorderError[] = [];
    recorder.onError((e) => errors.push(e));
    engine.emit([1]);
    engine.emit([2]);
    engine.emit([3]);
    await expect(recorder.finished).rejects.toMatchObject({ code: 'sink', message: expect.stringContaining('piece 1 failed: disk full') });
    expect(seqs).toEqual([0]); // nothing after the hole
    expect(engine.stopCalls).toBeGreaterThan(0);
    expect(errors.map((e) => e.code)).toEqual(['sink']);
    expect(recorder.state).toBe('failed');
    await expect(recorder.stop()).rejects.toBeInstanceOf(RecorderError);
  });

  it('a recorder error surfaces as code "recorder"', async () => {
    const { recorder, engine } = setup(async () => undefined);
    const onError = vi.fn();
    recorder.onError(onError);
    engine.events.error(new Error('encoder crashed'));
    await expect(recorder.finished).rejects.toMatchObject({ code: 'recorder', message: 'Recording failed: encoder crashed' });
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('a source that ends resolves with everything delivered and tells onError listeners', async () => {
    const got: number[] = [];
    const { recorder, engine } = setup(async (seq) => {
      await sleep(5);
      got.push(seq);
    }, () => new Blob([new Uint8Array([7])]));
    const onError = vi.fn();
    recorder.onError(onError);
    engine.emit([1]);
    engine.end(); // tracks ended: MediaRecorder flushes and stops by itself
    const result = await recorder.finished;
    expect(got).toEqual([0, 1]);
    expect(result.endedBy).toBe('source-ended');
    expect(onError).toHaveBeenCalledTimes(1);
    expect((onError.mock.calls[0]![0] as RecorderError).code).toBe('source-ended');
  });

  it('gives up on a recorder that never stops', async () => {
    let engine: FakeEngine | null = null;
    const recorder = new TileRecorder(liveStream(), 'video/webm', async () => undefined, {
      stopTimeoutMs: 20,
      engine: (_s, o, ev) => {
        engine = new FakeEngine(o.mimeType, ev);
        engine.stop = () => undefined; // stuck
        return engine;
      },
    });
    recorder.start();
    await expect(recorder.stop()).rejects.toMatchObject({ code: 'recorder', message: expect.stringContaining('did not stop') });
  });

  it('refuses to start without a live video track or when the engine throws', () => {
    const dead = { getVideoTracks: () => [{ readyState: 'ended' }] } as unknown as MediaStream;
    expect(() => new TileRecorder(dead, 'video/webm', async () => undefined).start()).toThrow(/no live video track/);
    const r = new TileRecorder(liveStream(), 'video/webm', async () => undefined, {
      engine: () => {
        throw new Error('NotSupportedError');
      },
    });
    expect(() => r.start()).toThrow(RecorderError);
    expect(r.state).toBe('failed');
    return expect(r.finished).rejects.toMatchObject({ code: 'start' });
  });

  it('stop() before start() resolves at once with nothing recorded', async () => {
    const r = new TileRecorder(liveStream(), 'video/webm', async () => undefined);
    await expect(r.stop()).resolves.toEqual({ mimeType: 'video/webm', chunks: 0, bytes: 0, endedBy: 'stop' });
  });
});

describe('mime type', () => {
  it('prefers vp8, then vp9, then plain webm', () => {
    expect(pickRecorderMimeType(() => true)).toBe('video/webm;codecs=vp8');
    expect(pickRecorderMimeType((t) => t.includes('vp9'))).toBe('video/webm;codecs=vp9');
    expect(pickRecorderMimeType((t) => t === 'video/webm')).toBe('video/webm');
    expect(pickRecorderMimeType(() => false)).toBeNull();
    expect(
      pickRecorderMimeType(() => {
        throw new Error('x');
      }),
    ).toBeNull();
  });

  it('TileRecorder.pickMimeType throws a clear error when nothing is supported', () => {
    expect(TileRecorder.pickMimeType(() => true)).toBe('video/webm;codecs=vp8');
    expect(() => TileRecorder.pickMimeType(() => false)).toThrow(RecorderError);
    // Node has no MediaRecorder: the default probe says no.
    expect(() => TileRecorder.pickMimeType()).toThrow(/can be recorded here/);
  });
});

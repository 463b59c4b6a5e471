import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlayerStats } from './player';
import { WebglBudget } from './webglBudget';

/**
 * JsmpegPlayer's renderer choice, fallback and teardown, with jsmpeg replaced by a recording fake
 * and just enough DOM (canvas, container, timers) for the player. Real pixels are checked in a browser.
 */

type Listener = (ev: { type: string; currentTarget: unknown; preventDefault(): void }) => void;

class FakeTarget {
  private readonly listeners = new Map<string, Set<Listener>>();
  addEventListener(type: string, fn: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(fn);
  }
  removeEventListener(type: string, fn: Listener): void {
    this.listeners.get(type)?.delete(fn);
  }
  dispatch(type: string): void {
    for (const fn of [...(this.listeners.get(type) ?? [])]) fn({ type, currentTarget: this, preventDefault: () => undefined });
  }
  listenerCount(type: string): number {
    return this.listeners.get(type)?.size ?? 0;
  }
}

class FakeGl {
  lost = false;
  loseCalls = 0;
  isContextLost(): boolean {
    return this.lost;
  }
  getExtension(name: string) {
    return name === 'WEBGL_lose_context'
      ? {
          loseContext: () => {
            this.loseCalls++;
            this.lost = true;
          },
        }
      : null;
  }
}

class FakeTrack {
  readyState = 'live';
  stop = vi.fn(() => {
    this.readyState = 'ended';
  });
  addEventListener(): void {}
}

const dom = vi.hoisted(() => ({ webgl: true, canvases: [] as unknown[], drawImage: [] as unknown[][] }));

class FakeCanvas extends FakeTarget {
  dataset: Record<string, string> = {};
  style: Record<string, string> = {};
  width = 300;
  height = 150;
  parentNode: FakeContainer | null = null;
  context: 'webgl' | '2d' | null = null;
  gl: FakeGl | null = null;
  tracks: FakeTrack[] = [];
  constructor() {
    super();
    dom.canvases.push(this);
  }
  getContext(type: string): unknown {
    if (type === 'webgl') {
      if (!dom.webgl || this.context === '2d') return null;
      this.context = 'webgl';
      return (this.gl ??= new FakeGl());
    }
    if (this.context === 'webgl') return null;
    this.context = '2d';
    return { drawImage: (...args: unknown[]) => dom.drawImage.push(args) };
  }
  captureStream(): unknown {
    const track = new FakeTrack();
    this.tracks.push(track);
    return { getTracks: () => [track], getVideoTracks: () => [track] };
  }
  remove(): void {
    this.parentNode?.children.splice(this.parentNode.children.indexOf(this), 1);
    this.parentNode = null;
  }
  replaceWith(other: FakeCanvas): void {
    const parent = this.parentNode!;
    parent.children[parent.children.indexOf(this)] = other;
    other.parentNode = parent;
    this.parentNode = null;
  }
}

class FakeContainer {
  children: FakeCanvas[] = [];
  appendChild(c: FakeCanvas): void {
    c.parentNode = this;
    this.children.push(c);
  }
}

const js = vi.hoisted(() => ({ players: [] as FakeJsmpeg[], failWebglRenderer: false }));

type FakeRenderer = {
  kind: 'webgl' | '2d';
  canvas: FakeCanvas;
  width: number;
  height: number;
  renders: unknown[][];
  render: (...a: unknown[]) => void;
  resize: (w: number, h: number) => void;
  destroy: ReturnType<typeof vi.fn>;
};
type FakeJsmpeg = {
  url: string;
  options: Record<string, unknown> & { disableGl?: boolean; canvas: FakeCanvas; onVideoDecode: (d: unknown) => void };
  renderer: FakeRenderer;
  video: { connect: ReturnType<typeof vi.fn>; destroy: ReturnType<typeof vi.fn> };
  destroy: ReturnType<typeof vi.fn>;
};

vi.mock('@cycjimmy/jsmpeg-player', () => {
  const makeRenderer = (kind: 'webgl' | '2d') =>
    function Renderer(this: FakeRenderer, o: { canvas: FakeCanvas }) {
      this.kind = kind;
      this.canvas = o.canvas;
      o.canvas.getContext(kind);
      this.width = 0;
      this.height = 0;
      this.renders = [];
      this.render = (...a: unknown[]) => void this.renders.push(a);
      this.resize = (w: number, h: number) => {
        this.width = w;
        this.height = h;
        this.canvas.width = w;
        this.canvas.height = h;
      };
      this.destroy = vi.fn();
    };
  const WebGL = makeRenderer('webgl');
  const Canvas2D = makeRenderer('2d');
  class Source {
    options: unknown;
    socket = null;
    shouldAttemptReconnect = true;
    constructor(_url: string, options: unknown) {
      this.options = options;
    }
    start(): void {}
    destroy(): void {}
    onOpen(): void {}
    onClose(): void {}
    onMessage(): void {}
  }
  function Player(this: FakeJsmpeg, url: string, options: FakeJsmpeg['options']) {
    if (!options.disableGl && js.failWebglRenderer) throw new Error('Failed to get WebGL Context');
    this.url = url;
    this.options = options;
    this.renderer = new ((options.disableGl ? Canvas2D : WebGL) as unknown as new (o: unknown) => FakeRenderer)({ canvas: options.canvas });
    this.video = { connect: vi.fn(), destroy: vi.fn() };
    this.destroy = vi.fn();
    js.players.push(this);
  }
  return {
    default: {
      Player,
      Source: { WebSocket: Source },
      Renderer: { WebGL, Canvas2D },
      WASMModule: { IsSupported: () => false, GetModule: () => ({ ready: false, loadFromBuffer: () => undefined }) },
      Base64ToArrayBuffer: () => new ArrayBuffer(0),
      WASM_BINARY_INLINED: '',
    },
  };
});

const { JsmpegPlayer } = await import('./jsmpegPlayer');

let n = 0;
function makePlayer(budget: WebglBudget, useWebGL?: boolean) {
  n++;
  const player = new JsmpegPlayer(
    { kind: 'jsmpeg-ws', sessionId: `s${n}`, channelId: `c${n}`, url: `ws://127.0.0.1:1/relay?ticket=${n}` },
    useWebGL === undefined ? {} : { useWebGL },
    budget,
  );
  const container = new FakeContainer();
  player.mount(container as unknown as HTMLElement);
  return { player, container };
}

const flush = () => vi.advanceTimersByTimeAsync(0);
const canvasOf = (c: FakeContainer) => c.children[0]!;
/** Simulates jsmpeg decoding one frame of w×h into the current renderer. */
function decodeFrame(p: FakeJsmpeg, w = 640, h = 360): void {
  if (p.renderer.width !== w) p.renderer.resize(w, h);
  p.renderer.render(new Uint8Array(4), new Uint8Array(1), new Uint8Array(1), false);
  p.options.onVideoDecode({});
}

describe('JsmpegPlayer renderer choice', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('window', globalThis);
    vi.stubGlobal('document', { createElement: () => new FakeCanvas(), visibilityState: 'visible' });
    vi.stubGlobal('WebGLRenderingContext', FakeGl);
    dom.webgl = true;
    js.failWebglRenderer = false;
    js.players.length = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('uses WebGL within the budget, Canvas2D beyond it, and a disposed player returns its slot', async () => {
    const budget = new WebglBudget(2);
    const tiles = [makePlayer(budget), makePlayer(budget), makePlayer(budget)];
    await flush();
    expect(tiles.map((t) => canvasOf(t.container).dataset.decodePath)).toEqual(['jsmpeg-webgl', 'jsmpeg-webgl', 'jsmpeg-canvas2d']);
    expect(canvasOf(tiles[2]!.container).dataset.fallback).toBe('budget');
    expect(js.players.map((p) => p.options.disableGl)).toEqual([false, false, true]);
    expect(js.players.map((p) => p.renderer.kind)).toEqual(['webgl', 'webgl', '2d']);
    expect(budget.inUse).toBe(2);

    const first = canvasOf(tiles[0]!.container);
    const gl = first.gl!;
    tiles[0]!.player.dispose();
    tiles[0]!.player.dispose();
    expect(js.players[0]!.destroy).toHaveBeenCalledTimes(1);
    expect(gl.loseCalls).toBe(1);
    expect(first.listenerCount('webglcontextlost')).toBe(0);
    expect(tiles[0]!.container.children).toEqual([]);
    expect(budget.inUse).toBe(1);

    const next = makePlayer(budget);
    await flush();
    expect(canvasOf(next.container).dataset.decodePath).toBe('jsmpeg-webgl');
    for (const t of [...tiles, next]) t.player.dispose();
    expect(budget.inUse).toBe(0);
  });

  it('useWebGL:false never takes a slot', async () => {
    const budget = new WebglBudget(2);
    const t = makePlayer(budget, false);
    await flush();
    expect(canvasOf(t.container).dataset).toMatchObject({ decodePath: 'jsmpeg-canvas2d', fallback: 'disabled' });
    expect(budget.inUse).toBe(0);
    t.player.dispose();
  });

  it('falls back when WebGL cannot be created, without keeping the slot', async () => {
    dom.webgl = false;
    const budget = new WebglBudget(2);
    const t = makePlayer(budget);
    await flush();
    expect(canvasOf(t.container).dataset).toMatchObject({ decodePath: 'jsmpeg-canvas2d', fallback: 'webgl-unavailable' });
    expect(canvasOf(t.container).context).toBe('2d');
    expect(budget.inUse).toBe(0);
    t.player.dispose();
  });

  it("falls back when jsmpeg's WebGL renderer fails to set up", async () => {
    js.failWebglRenderer = true;
    const budget = new WebglBudget(2);
    const t = makePlayer(budget);
    await flush();
    expect(js.players).toHaveLength(1);
    expect(js.players[0]!.options.disableGl).toBe(true);
    expect(t.container.children).toHaveLength(1);
    expect(canvasOf(t.container).dataset).toMatchObject({ decodePath: 'jsmpeg-canvas2d', fallback: 'webgl-init-failed' });
    expect(js.players[0]!.options.canvas).toBe(canvasOf(t.container));
    expect(budget.inUse).toBe(0);
    expect(t.player.state).toBe('connecting');
    t.player.dispose();
  });

  it('swaps to Canvas2D in place when the context is lost; the stream goes on', async () => {
    const budget = new WebglBudget(2);
    const t = makePlayer(budget);
    const stats: PlayerStats[] = [];
    t.player.onStats((s) => stats.push(s));
    await flush();
    const jp = js.players[0]!;
    decodeFrame(jp);
    const capture = t.player.captureStream()!;
    expect(capture).not.toBeNull();
    const oldCanvas = canvasOf(t.container);
    const oldRenderer = jp.renderer;

    oldCanvas.gl!.lost = true;
    oldCanvas.dispatch('webglcontextlost');

    const fresh = canvasOf(t.container);
    expect(fresh).not.toBe(oldCanvas);
    expect(t.container.children).toHaveLength(1);
    expect(fresh.dataset).toMatchObject({ decodePath: 'jsmpeg-canvas2d', fallback: 'context-lost', channelId: 'c' + n });
    expect(jp.renderer).not.toBe(oldRenderer);
    expect(jp.renderer.kind).toBe('2d');
    expect(jp.renderer.canvas).toBe(fresh);
    expect([jp.renderer.width, jp.renderer.height]).toEqual([640, 360]);
    expect(jp.video.connect).toHaveBeenCalledWith(jp.renderer);
    expect(oldRenderer.destroy).toHaveBeenCalledTimes(1);
    expect(oldCanvas.gl!.loseCalls).toBe(0); // already lost
    expect(oldCanvas.width).toBe(0);
    expect(budget.inUse).toBe(0);
    expect((capture.getTracks()[0] as unknown as FakeTrack).stop).toHaveBeenCalled(); // recordings of the old canvas end
    expect(jp.destroy).not.toHaveBeenCalled(); // same socket, same decoder

    decodeFrame(jp);
    await vi.advanceTimersByTimeAsync(1000);
    expect(stats.at(-1)).toMatchObject({ decodePath: 'jsmpeg-canvas2d', latencyMs: null, width: 640, height: 360 });
    t.player.dispose();
    expect(jp.destroy).toHaveBeenCalledTimes(1);
  });

  it('captureFrame redraws the last WebGL frame and copies it at native size', async () => {
    const t = makePlayer(new WebglBudget(1));
    await flush();
    expect(await t.player.captureFrame()).toBeNull(); // no frame yet
    const jp = js.players[0]!;
    decodeFrame(jp, 704, 576);
    const rendersBefore = jp.renderer.renders.length;
    dom.drawImage.length = 0;
    const frame = (await t.player.captureFrame()) as unknown as FakeCanvas;
    expect(jp.renderer.renders.length).toBe(rendersBefore + 1); // redrawn in the same task as the read
    expect(jp.renderer.renders.at(-1)).toEqual(jp.renderer.renders.at(-2));
    expect([frame.width, frame.height]).toEqual([704, 576]);
    expect(dom.drawImage).toEqual([[canvasOf(t.container), 0, 0, 704, 576]]);
    t.player.dispose();
  });

  it('captureFrame waits for the next frame when the planes are gone, and dispose() answers null', async () => {
    const t = makePlayer(new WebglBudget(1));
    await flush();
    const jp = js.players[0]!;
    decodeFrame(jp);
    jp.renderer.render(new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)); // as after a WASM heap growth
    const pending = t.player.captureFrame();
    decodeFrame(jp);
    expect(((await pending) as unknown as FakeCanvas).width).toBe(640);

    jp.renderer.render(new Uint8Array(0), new Uint8Array(0), new Uint8Array(0));
    const waiting = t.player.captureFrame();
    t.player.dispose();
    expect(await waiting).toBeNull();
    expect(await t.player.captureFrame()).toBeNull();
    expect(t.player.captureStream()).toBeNull();
  });

  it('dispose() stops capture tracks still running', async () => {
    const t = makePlayer(new WebglBudget(1));
    await flush();
    decodeFrame(js.players[0]!);
    const a = t.player.captureStream()!.getTracks()[0] as unknown as FakeTrack;
    const b = t.player.captureStream()!.getTracks()[0] as unknown as FakeTrack;
    t.player.dispose();
    expect(a.stop).toHaveBeenCalled();
    expect(b.stop).toHaveBeenCalled();
  });
});

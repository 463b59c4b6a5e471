import JSMpeg, {
  type JsmpegPlayerInstance,
  type JsmpegRenderer,
  type JsmpegSourceOptions,
  type JsmpegVideoDecoder,
} from '@cycjimmy/jsmpeg-player';
import type { JsmpegSource } from '../../shared/domain/stream';
import { toDisposable, type Disposable } from '../../shared/lifecycle';
import type { DecodePath, PlayerErrorCode, PlayerOptions } from './player';
import { errorMessage, PlayerBase, type StatsSample } from './playerBase';
import { RelayCloseCode } from '../../shared/contract/relayCloseCodes';
import { copyFrame } from './snapshot';
import { pageWebglBudget, type WebglBudget } from './webglBudget';

/** Maps a relay WebSocket close to a player error. */
export function classifyRelayClose(code: number, reason: string, everOpened: boolean): { code: PlayerErrorCode; message: string } {
  const why = reason ? `: ${reason}` : '';
  switch (code) {
    case RelayCloseCode.badTicket:
      return { code: 'not-found', message: `Relay refused the ticket${why}` };
    case RelayCloseCode.sourceFailed:
      return { code: 'not-found', message: `Camera source failed${why}` };
    case RelayCloseCode.slowViewer:
      return { code: 'transport-lost', message: `Relay dropped this viewer (too slow)${why}` };
    case RelayCloseCode.revoked:
      return { code: 'transport-lost', message: `Stream closed by the console${why}` };
    default:
      return everOpened
        ? { code: 'transport-lost', message: `Relay connection lost (${code})${why}` }
        : { code: 'transport-lost', message: 'Cannot connect to the relay' };
  }
}

/** Context attributes shared by our pre-check and JSMpeg's WebGLRenderer (the first getContext call wins). */
const GL_ATTRIBUTES: WebGLContextAttributes = {
  preserveDrawingBuffer: false,
  alpha: false,
  depth: false,
  stencil: false,
  antialias: false,
  premultipliedAlpha: false,
};

type SourceHooks = {
  onBytes(n: number): void;
  onOpen(): void;
  onClose(code: number, reason: string): void;
};

/**
 * JSMpeg's WebSocket source with byte counting, close reporting and no reconnect (tickets are
 * one-off), safe to destroy before start().
 */
class MeteredSource extends JSMpeg.Source.WebSocket {
  private destroyedEarly = false;

  private get hooks(): SourceHooks | undefined {
    return this.options.mdcHooks as SourceHooks | undefined;
  }

  override start(): void {
    if (this.destroyedEarly) return;
    super.start();
  }

  override destroy(): void {
    this.destroyedEarly = true;
    this.shouldAttemptReconnect = false;
    if (!this.socket) return;
    const s = this.socket;
    s.onmessage = null;
    s.onopen = null;
    s.onerror = null;
    s.onclose = null;
    super.destroy();
  }

  override onOpen(): void {
    super.onOpen();
    this.hooks?.onOpen();
  }

  override onMessage(ev: MessageEvent<ArrayBuffer>): void {
    this.hooks?.onBytes(ev.data.byteLength);
    super.onMessage(ev);
  }

  override onClose(ev?: Event | CloseEvent): void {
    // JSMpeg binds both 'error' and 'close' here; report the close (it always follows an error).
    if (ev && ev.type === 'close') {
      const ce = ev as CloseEvent;
      this.hooks?.onClose(ce.code, ce.reason);
    }
    super.onClose(ev);
  }
}

/** jsmpeg's WebGLRenderer.IsSupported() creates a throwaway WebGL context per player; we probe our own canvas instead. */
let patched = false;
function patchJsmpegOnce(): void {
  if (patched) return;
  patched = true;
  JSMpeg.Renderer.WebGL.IsSupported = () => typeof WebGLRenderingContext !== 'undefined';
}

/** The WASM decoder is one module shared by all players; load it once, before any Player exists. */
let wasmReady: Promise<boolean> | null = null;
function loadWasm(): Promise<boolean> {
  wasmReady ??= new Promise<boolean>((resolve) => {
    if (!JSMpeg.WASMModule.IsSupported()) {
      resolve(false);
      return;
    }
    const module = JSMpeg.WASMModule.GetModule();
    if (module.ready) {
      resolve(true);
      return;
    }
    module.loadFromBuffer(JSMpeg.Base64ToArrayBuffer(JSMpeg.WASM_BINARY_INLINED), (m) => resolve(m !== null));
  });
  return wasmReady;
}

/** Why a player draws with Canvas2D (the canvas's `data-fallback`). */
export type Canvas2dReason = 'disabled' | 'budget' | 'webgl-unavailable' | 'webgl-init-failed' | 'context-lost';

/** Frame rate of captureStream(): the relay's MPEG-1 is 25 fps at most. */
const CAPTURE_FPS = 25;
/** How long captureFrame() waits for a frame when the last one cannot be redrawn. */
const FRAME_WAIT_MS = 1000;

/** The planes of the last render() call: still intact until the decoder decodes the next frame. */
type LastPlanes = { renderer: JsmpegRenderer; y: Uint8Array; cr: Uint8Array; cb: Uint8Array; clamped: boolean | undefined };

type FrameWaiter = { done(canvas: HTMLCanvasElement | null): void };

/**
 * Plays the relay's MPEG-TS/MPEG-1 WebSocket with JSMpeg on a canvas: WebGL while the page's WebGL
 * budget has a slot and the context works, else (or when the context is lost mid-stream) jsmpeg's
 * Canvas2D renderer — swapped in place, the WebSocket and decoder keep running.
 */
export class JsmpegPlayer extends PlayerBase {
  readonly kind = 'jsmpeg-ws' as const;
  private container: HTMLElement | null = null;
  private canvas: HTMLCanvasElement | null = null;
  private gl: WebGLRenderingContext | null = null;
  private glSlot: Disposable | null = null;
  private player: JsmpegPlayerInstance | null = null;
  private path: DecodePath = 'jsmpeg-canvas2d';
  private lastPlanes: LastPlanes | null = null;
  private frameWaiters: FrameWaiter[] = [];
  private frames = 0;
  private bytes = 0;
  private everOpened = false;

  constructor(
    private readonly source: JsmpegSource,
    private readonly options: PlayerOptions = {},
    private readonly budget: WebglBudget = pageWebglBudget,
  ) {
    super(source.channelId);
  }

  protected get decodePath(): DecodePath {
    return this.path;
  }

  protected start(container: HTMLElement): void {
    patchJsmpegOnce();
    this.container = container;
    this.store.add(toDisposable(() => this.release()));
    this.canvas = this.createCanvas();
    container.appendChild(this.canvas);
    void loadWasm().then(
      (wasm) => this.createPlayer(wasm),
      (err: unknown) => this.fail('decode', `JSMpeg WASM failed: ${errorMessage(err)}`),
    );
  }

  protected sampleStats(): StatsSample | null {
    const r = this.player?.renderer;
    return { at: performance.now(), frames: this.frames, bytes: this.bytes, width: r?.width ?? 0, height: r?.height ?? 0, latencyMs: null };
  }

  captureFrame(): Promise<HTMLCanvasElement | null> {
    const canvas = this.canvas;
    const renderer = this.player?.renderer;
    if (this.isDisposed || !canvas || !renderer || this.frames === 0) return Promise.resolve(null);
    // Canvas2D keeps its pixels; a WebGL canvas (no preserveDrawingBuffer) only in the task that drew them.
    if (this.gl === null || this.redrawLastFrame(renderer)) return Promise.resolve(copyFrame(canvas, canvas.width, canvas.height));
    return new Promise<HTMLCanvasElement | null>((resolve) => {
      const timer = setTimeout(() => waiter.done(null), FRAME_WAIT_MS);
      const waiter: FrameWaiter = {
        done: (c) => {
          clearTimeout(timer);
          this.frameWaiters = this.frameWaiters.filter((w) => w !== waiter);
          resolve(c ? copyFrame(c, c.width, c.height) : null);
        },
      };
      this.frameWaiters.push(waiter);
    });
  }

  captureStream(): MediaStream | null {
    const canvas = this.canvas;
    if (this.isDisposed || !canvas || this.frames === 0 || typeof canvas.captureStream !== 'function') return null;
    return this.adoptCapture(canvas.captureStream(CAPTURE_FPS));
  }

  /** A canvas with a live WebGL context and a budget slot, else a plain one for Canvas2D. */
  private createCanvas(): HTMLCanvasElement {
    let reason: Canvas2dReason = 'disabled';
    if (this.options.useWebGL !== false) {
      const slot = this.budget.tryAcquire();
      if (!slot) {
        reason = 'budget';
      } else {
        const canvas = document.createElement('canvas');
        let gl: WebGLRenderingContext | null = null;
        try {
          gl = canvas.getContext('webgl', GL_ATTRIBUTES);
        } catch {
          gl = null;
        }
        if (gl && !gl.isContextLost()) {
          this.gl = gl;
          this.glSlot = slot;
          canvas.addEventListener('webglcontextlost', this.onContextLost);
          return this.prepareCanvas(canvas, 'jsmpeg-webgl', null);
        }
        slot.dispose();
        // A canvas that refused WebGL may refuse 2D too in some engines: start over with a fresh one.
        reason = 'webgl-unavailable';
      }
    }
    return this.prepareCanvas(document.createElement('canvas'), 'jsmpeg-canvas2d', reason);
  }

  private prepareCanvas(canvas: HTMLCanvasElement, path: DecodePath, reason: Canvas2dReason | null): HTMLCanvasElement {
    this.path = path;
    canvas.dataset.decodePath = path;
    if (reason) canvas.dataset.fallback = reason;
    canvas.dataset.channelId = this.source.channelId;
    canvas.style.width = '100%';
    canvas.style.height = '100%';
    canvas.style.objectFit = 'contain';
    canvas.style.display = 'block';
    return canvas;
  }

  private createPlayer(wasm: boolean): void {
    if (this.isDisposed || this.isTerminal || !this.canvas) return;
    try {
      this.player = this.newJsmpeg(this.canvas, wasm);
    } catch (err) {
      if (!this.gl) {
        this.fail('unsupported', `JSMpeg could not start: ${errorMessage(err)}`);
        return;
      }
      // jsmpeg's WebGL renderer could not set itself up on the context (no socket was opened yet).
      this.fallBackToCanvas2d('webgl-init-failed');
      try {
        this.player = this.newJsmpeg(this.canvas, wasm);
      } catch (err2) {
        this.fail('unsupported', `JSMpeg could not start: ${errorMessage(err2)}`);
        return;
      }
    }
    if (this.player.renderer) this.instrument(this.player.renderer);
  }

  private newJsmpeg(canvas: HTMLCanvasElement, wasm: boolean): JsmpegPlayerInstance {
    const hooks: SourceHooks = {
      onBytes: (n) => (this.bytes += n),
      onOpen: () => (this.everOpened = true),
      onClose: (code, reason) => {
        if (this.isDisposed) return;
        const e = classifyRelayClose(code, reason, this.everOpened);
        this.fail(e.code, e.message);
      },
    };
    const sourceOptions: JsmpegSourceOptions = { reconnectInterval: 0, mdcHooks: hooks };
    return new JSMpeg.Player(this.source.url, {
      ...sourceOptions,
      canvas,
      source: MeteredSource,
      audio: false,
      autoplay: true,
      pauseWhenHidden: false, // its visibilitychange listener is never removed by destroy()
      disableGl: this.gl === null,
      disableWebAssembly: !wasm,
      preserveDrawingBuffer: false,
      decodeFirstFrame: true,
      videoBufferSize: 1024 * 1024,
      onVideoDecode: (decoder: JsmpegVideoDecoder) => this.onVideoDecode(decoder),
    });
  }

  /** Remembers the planes of every render() so captureFrame() can redraw the last frame on demand. */
  private instrument(renderer: JsmpegRenderer): void {
    const render = renderer.render.bind(renderer);
    renderer.render = (y, cr, cb, clamped) => {
      this.lastPlanes = { renderer, y, cr, cb, clamped };
      render(y, cr, cb, clamped);
    };
  }

  /**
   * Draws the last decoded frame again (same task as the caller's read). The planes stay valid until
   * the next decode; a WASM heap that grew since has detached them (byteLength 0): then false.
   */
  private redrawLastFrame(renderer: JsmpegRenderer): boolean {
    const last = this.lastPlanes;
    if (!last || last.renderer !== renderer || last.y.byteLength === 0) return false;
    try {
      renderer.render(last.y, last.cr, last.cb, last.clamped);
      return true;
    } catch {
      return false;
    }
  }

  private onVideoDecode(_decoder: JsmpegVideoDecoder): void {
    this.frames++;
    const canvas = this.canvas;
    if (!canvas) return;
    this.frameDecoded(canvas);
    // Synchronously after the draw: a WebGL canvas still holds the picture here.
    for (const waiter of [...this.frameWaiters]) waiter.done(canvas);
  }

  private readonly onContextLost = (ev: Event): void => {
    if (this.isDisposed || ev.currentTarget !== this.canvas) return;
    this.fallBackToCanvas2d('context-lost');
  };

  /**
   * Replaces the WebGL canvas by a Canvas2D one in the same place and, if jsmpeg already runs,
   * points its decoder at a new CanvasRenderer: the stream goes on without a new ticket. Capture
   * streams of the old canvas end (a recorder sees 'source-ended').
   */
  private fallBackToCanvas2d(reason: Canvas2dReason): void {
    const old = this.canvas;
    const fresh = this.prepareCanvas(document.createElement('canvas'), 'jsmpeg-canvas2d', reason);
    if (old?.parentNode) old.replaceWith(fresh);
    else this.container?.appendChild(fresh);
    this.canvas = fresh;
    this.endCaptures();
    this.lastPlanes = null;
    const player = this.player;
    if (player) {
      const oldRenderer = player.renderer;
      const renderer = new JSMpeg.Renderer.Canvas2D({ canvas: fresh });
      if (oldRenderer && oldRenderer.width > 0 && oldRenderer.height > 0) renderer.resize(oldRenderer.width, oldRenderer.height);
      this.instrument(renderer);
      player.renderer = renderer;
      player.video?.connect(renderer);
      try {
        oldRenderer?.destroy();
      } catch {
        // Its GL calls on a lost context are no-ops; nothing else can go wrong that matters here.
      }
    }
    this.discardCanvas(old);
  }

  /** Loses the WebGL context (if any), returns the budget slot and empties and removes the canvas. */
  private discardCanvas(canvas: HTMLCanvasElement | null): void {
    canvas?.removeEventListener('webglcontextlost', this.onContextLost);
    const gl = this.gl;
    this.gl = null;
    if (gl && !gl.isContextLost()) gl.getExtension('WEBGL_lose_context')?.loseContext();
    this.glSlot?.dispose();
    this.glSlot = null;
    if (canvas) {
      canvas.width = 0;
      canvas.height = 0;
      canvas.remove();
    }
  }

  /**
   * Destroys the JSMpeg player (WebSocket, rAF loop, WASM decoder memory, renderer's GL objects),
   * then loses the WebGL context, returns the budget slot and drops the canvas.
   */
  private release(): void {
    for (const waiter of [...this.frameWaiters]) waiter.done(null);
    const player = this.player;
    this.player = null;
    this.lastPlanes = null;
    if (player) {
      try {
        player.destroy();
      } catch {
        // A half-started player may throw in destroy(); the rest still has to go.
      }
    }
    const canvas = this.canvas;
    this.canvas = null;
    this.discardCanvas(canvas);
    this.container = null;
  }
}

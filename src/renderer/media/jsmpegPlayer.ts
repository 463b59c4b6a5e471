import JSMpeg, {
  type JsmpegPlayerInstance,
  type JsmpegSourceOptions,
  type JsmpegVideoDecoder,
} from '@cycjimmy/jsmpeg-player';
import type { JsmpegSource } from '../../shared/domain/stream';
import { toDisposable } from '../../shared/lifecycle';
import type { DecodePath, PlayerErrorCode, PlayerOptions } from './player';
import { errorMessage, PlayerBase, type StatsSample } from './playerBase';
import { RelayCloseCode } from '../../shared/contract/relayCloseCodes';

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

/** Plays the relay's MPEG-TS/MPEG-1 WebSocket with JSMpeg on a canvas (WebGL, or Canvas2D fallback). */
export class JsmpegPlayer extends PlayerBase {
  readonly kind = 'jsmpeg-ws' as const;
  private canvas: HTMLCanvasElement | null = null;
  private gl: WebGLRenderingContext | null = null;
  private player: JsmpegPlayerInstance | null = null;
  private path: DecodePath = 'jsmpeg-canvas2d';
  private frames = 0;
  private bytes = 0;
  private everOpened = false;

  constructor(
    private readonly source: JsmpegSource,
    private readonly options: PlayerOptions = {},
  ) {
    super(source.channelId);
  }

  protected get decodePath(): DecodePath {
    return this.path;
  }

  protected start(container: HTMLElement): void {
    patchJsmpegOnce();
    this.canvas = this.createCanvas(container);
    this.store.add(toDisposable(() => this.release()));
    void loadWasm().then(
      (wasm) => this.createPlayer(wasm),
      (err: unknown) => this.fail('decode', `JSMpeg WASM failed: ${errorMessage(err)}`),
    );
  }

  protected sampleStats(): StatsSample | null {
    const r = this.player?.renderer;
    return { at: performance.now(), frames: this.frames, bytes: this.bytes, width: r?.width ?? 0, height: r?.height ?? 0 };
  }

  private createCanvas(container: HTMLElement): HTMLCanvasElement {
    let canvas = document.createElement('canvas');
    if (this.options.useWebGL !== false) {
      try {
        this.gl = canvas.getContext('webgl', GL_ATTRIBUTES);
      } catch {
        this.gl = null;
      }
      // A canvas that refused WebGL may refuse 2D too in some engines: start over with a fresh one.
      if (!this.gl) canvas = document.createElement('canvas');
    }
    this.path = this.gl ? 'jsmpeg-webgl' : 'jsmpeg-canvas2d';
    canvas.dataset.decodePath = this.path;
    canvas.dataset.channelId = this.source.channelId;
    canvas.style.width = '100%';
    canvas.style.height = '100%';
    canvas.style.objectFit = 'contain';
    canvas.style.display = 'block';
    container.appendChild(canvas);
    return canvas;
  }

  private createPlayer(wasm: boolean): void {
    if (this.isDisposed || this.isTerminal || !this.canvas) return;
    const canvas = this.canvas;
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
    try {
      this.player = new JSMpeg.Player(this.source.url, {
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
    } catch (err) {
      this.fail('unsupported', `JSMpeg could not start: ${errorMessage(err)}`);
    }
  }

  private onVideoDecode(_decoder: JsmpegVideoDecoder): void {
    this.frames++;
    if (this.canvas) this.frameDecoded(this.canvas);
  }

  /** Destroys the JSMpeg player (socket, decoder, renderer), loses the WebGL context and drops the canvas. */
  private release(): void {
    const player = this.player;
    this.player = null;
    if (player) {
      try {
        player.destroy();
      } catch {
        // A half-started player may throw in destroy(); the rest still has to go.
      }
    }
    const gl = this.gl;
    this.gl = null;
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
    const canvas = this.canvas;
    this.canvas = null;
    if (canvas) {
      canvas.width = 0;
      canvas.height = 0;
      canvas.remove();
    }
  }
}

/**
 * Typings for untyped vendor modules used by the players (only what we use).
 * janus-gateway and webrtc-adapter ship their own typings.
 */

declare module '@cycjimmy/jsmpeg-player' {
  /** The demuxer a source writes into. */
  export interface JsmpegDestination {
    write(data: ArrayBuffer): void;
  }

  export interface JsmpegSourceOptions {
    reconnectInterval?: number;
    protocols?: string | string[];
    onSourceEstablished?: (source: unknown) => void;
    onSourceCompleted?: (source: unknown) => void;
    [extra: string]: unknown;
  }

  /** JSMpeg's WebSocket source (an ES5 constructor: subclassable with `extends`). */
  export interface JsmpegWebSocketSource {
    url: string;
    options: JsmpegSourceOptions;
    socket: WebSocket | null;
    streaming: boolean;
    established: boolean;
    destination: JsmpegDestination | null;
    shouldAttemptReconnect: boolean;
    reconnectTimeoutId: number;
    connect(destination: JsmpegDestination): void;
    start(): void;
    destroy(): void;
    resume(headroom: number): void;
    onOpen(): void;
    onClose(ev?: Event | CloseEvent): void;
    onMessage(ev: MessageEvent<ArrayBuffer>): void;
  }
  export type JsmpegWebSocketSourceCtor = new (url: string, options: JsmpegSourceOptions) => JsmpegWebSocketSource;

  /** Draws decoded YCrCb planes on a canvas (WebGLRenderer or CanvasRenderer). */
  export interface JsmpegRenderer {
    canvas: HTMLCanvasElement;
    width: number;
    height: number;
    enabled: boolean;
    resize(width: number, height: number): void;
    render(y: Uint8Array, cr: Uint8Array, cb: Uint8Array, isClampedArray?: boolean): void;
    renderProgress(progress: number): void;
    destroy(): void;
  }

  export interface JsmpegRendererCtor {
    new (options: { canvas?: HTMLCanvasElement; preserveDrawingBuffer?: boolean }): JsmpegRenderer;
  }

  export interface JsmpegVideoDecoder {
    /** Set after the sequence header was read. */
    frameRate?: number;
    destination?: JsmpegRenderer | null;
    /** Sets the renderer the decoder draws into. */
    connect(destination: JsmpegRenderer): void;
    destroy(): void;
  }

  export interface JsmpegPlayerOptions extends JsmpegSourceOptions {
    canvas?: HTMLCanvasElement;
    source?: JsmpegWebSocketSourceCtor;
    audio?: boolean;
    video?: boolean;
    autoplay?: boolean;
    loop?: boolean;
    pauseWhenHidden?: boolean;
    disableGl?: boolean;
    disableWebAssembly?: boolean;
    preserveDrawingBuffer?: boolean;
    progressive?: boolean;
    throttled?: boolean;
    chunkSize?: number;
    decodeFirstFrame?: boolean;
    maxAudioLag?: number;
    videoBufferSize?: number;
    audioBufferSize?: number;
    onVideoDecode?: (decoder: JsmpegVideoDecoder, elapsedMs: number) => void;
    onPlay?: (player: JsmpegPlayerInstance) => void;
    onPause?: (player: JsmpegPlayerInstance) => void;
    onStalled?: (player: JsmpegPlayerInstance) => void;
  }

  export interface JsmpegPlayerInstance {
    source: JsmpegWebSocketSource;
    video?: JsmpegVideoDecoder;
    renderer?: JsmpegRenderer;
    isPlaying: boolean;
    paused: boolean;
    play(): void;
    pause(): void;
    stop(): void;
    destroy(): void;
  }

  export interface JsmpegWasmModule {
    ready: boolean;
    loadFromBuffer(buffer: ArrayBuffer, callback?: (module: JsmpegWasmModule | null) => void): void;
  }

  export interface JsmpegStatic {
    Player: new (url: string, options?: JsmpegPlayerOptions, hooks?: Record<string, () => void>) => JsmpegPlayerInstance;
    Source: { WebSocket: JsmpegWebSocketSourceCtor };
    Renderer: { WebGL: JsmpegRendererCtor & { IsSupported(): boolean }; Canvas2D: JsmpegRendererCtor };
    WASMModule: { IsSupported(): boolean; GetModule(): JsmpegWasmModule };
    Base64ToArrayBuffer(base64: string): ArrayBuffer;
    WASM_BINARY_INLINED: string;
  }

  const JSMpeg: JsmpegStatic;
  export default JSMpeg;
}

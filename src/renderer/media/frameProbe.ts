/**
 * Test/benchmark hook: when a page defines `globalThis.__mdcFrameProbe`, every player calls it
 * once per decoded frame. Production code never defines it, so the cost is one property read.
 * For a <canvas> the call happens synchronously right after the frame was drawn, so
 * `drawImage(element)` inside the probe reads the new picture even without preserveDrawingBuffer.
 */
export type FrameProbeEvent = {
  channelId: string;
  element: HTMLVideoElement | HTMLCanvasElement;
  /** performance.now() when the frame was presented (video) or drawn (canvas). */
  at: number;
};

export type FrameProbe = (event: FrameProbeEvent) => void;

declare global {
  var __mdcFrameProbe: FrameProbe | undefined;
}

export function emitFrameProbe(channelId: string, element: HTMLVideoElement | HTMLCanvasElement, at: number): void {
  const probe = globalThis.__mdcFrameProbe;
  if (probe) probe({ channelId, element, at });
}

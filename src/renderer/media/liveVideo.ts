import { toDisposable, type Disposable } from '../../shared/lifecycle';

/** A <video> with requestVideoFrameCallback (Chromium), typed where lib.dom lacks it. */
export type VideoWithFrameCallback = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, meta: { presentationTime?: number }) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/**
 * Calls `onFrame` for every frame the <video> presents (requestVideoFrameCallback), or on timeupdate
 * (~4 Hz, still proof of progress) where that API is missing; dispose to stop.
 */
export function watchVideoFrames(video: HTMLVideoElement, onFrame: (now: number) => void): Disposable {
  const v = video as VideoWithFrameCallback;
  const rvfc = v.requestVideoFrameCallback?.bind(v);
  let stopped = false;
  if (rvfc) {
    let handle: number | null = null;
    const next = (now: number): void => {
      if (stopped) return;
      onFrame(now);
      handle = rvfc(next);
    };
    handle = rvfc(next);
    return toDisposable(() => {
      stopped = true;
      if (handle !== null) v.cancelVideoFrameCallback?.(handle);
    });
  }
  const onTime = (): void => {
    if (!stopped) onFrame(performance.now());
  };
  video.addEventListener('timeupdate', onTime);
  return toDisposable(() => {
    stopped = true;
    video.removeEventListener('timeupdate', onTime);
  });
}

/** A muted, inline, autoplaying <video> filling `container`, tagged with its channel and decode path. */
export function createLiveVideo(container: HTMLElement, channelId: string, decodePath: string): VideoWithFrameCallback {
  const video = document.createElement('video') as VideoWithFrameCallback;
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.setAttribute('playsinline', '');
  video.dataset.channelId = channelId;
  video.dataset.decodePath = decodePath;
  Object.assign(video.style, { width: '100%', height: '100%', objectFit: 'contain', display: 'block' });
  container.appendChild(video);
  return video;
}

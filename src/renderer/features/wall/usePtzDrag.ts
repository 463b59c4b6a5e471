import { useRef, type PointerEvent as ReactPointerEvent } from 'react';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';

/** Least time between two move commands while dragging, and the smallest change worth sending. */
const SEND_EVERY_MS = 150;
const MIN_CHANGE = 0.1;

/** Turns a drag from the press point into pan/tilt velocities (-1..1): farther is faster. */
export function dragVelocity(dx: number, dy: number, width: number, height: number): { pan: number; tilt: number } {
  const clamp = (v: number) => Math.max(-1, Math.min(1, v));
  const dead = (v: number) => (Math.abs(v) < 0.05 ? 0 : v);
  return { pan: dead(clamp(dx / (width / 2))), tilt: dead(clamp(-dy / (height / 2))) };
}

/**
 * Mouse-drag PTZ on a tile: press, drag towards where the camera should turn, release to stop. Sends
 * at most one move every 150 ms, and always a stop on release or cancel.
 */
export function usePtzDrag(api: ConsoleApi, channelId: string | null) {
  const drag = useRef<{ x: number; y: number; w: number; h: number; last: { pan: number; tilt: number }; sentAt: number } | null>(null);
  const send = (command: Parameters<ConsoleApi['ptz']>[0]['command']) => {
    if (channelId) void api.ptz({ channelId, command }).catch(() => undefined);
  };
  return {
    active: channelId !== null,
    onPointerDown(e: ReactPointerEvent) {
      const el = e.currentTarget as HTMLElement;
      const r = el.getBoundingClientRect();
      el.setPointerCapture(e.pointerId);
      drag.current = { x: e.clientX, y: e.clientY, w: r.width, h: r.height, last: { pan: 0, tilt: 0 }, sentAt: 0 };
    },
    onPointerMove(e: ReactPointerEvent) {
      const d = drag.current;
      if (!d) return;
      const v = dragVelocity(e.clientX - d.x, e.clientY - d.y, d.w, d.h);
      const now = performance.now();
      if (now - d.sentAt < SEND_EVERY_MS) return;
      if (Math.abs(v.pan - d.last.pan) < MIN_CHANGE && Math.abs(v.tilt - d.last.tilt) < MIN_CHANGE) return;
      d.last = v;
      d.sentAt = now;
      send({ op: 'move', pan: v.pan, tilt: v.tilt, zoom: 0 });
    },
    onPointerUp() {
      if (!drag.current) return;
      drag.current = null;
      send({ op: 'stop' });
    },
  };
}

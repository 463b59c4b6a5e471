import { PRESET_IDS, type PresetId } from '../../../shared/domain/wall';

/**
 * CCTV-keyboard addressing on the PC keyboard, as on a matrix keyboard: type a number, then say what
 * it is — `M` monitor, `T` tile, `Enter` (or `C`) camera onto the selected tile. `Esc` clears.
 * Alt+1..7 switch the layout (1/4/6/8/9/16/25); `Delete` closes the tile; `P`/`N`/`B` pause or
 * resume, next and previous step of the monitor's tour; arrows move the selection.
 */
export type CctvAction =
  | { kind: 'monitor'; monitor: number }
  | { kind: 'tile'; tile: number }
  | { kind: 'camera'; camera: number }
  | { kind: 'layout'; preset: PresetId }
  | { kind: 'closeTile' }
  | { kind: 'tour'; action: 'toggle' | 'next' | 'previous' }
  | { kind: 'move'; delta: -1 | 1 };

export type KeyInput = { key: string; altKey?: boolean; ctrlKey?: boolean; metaKey?: boolean };

const MAX_DIGITS = 6;

export class CctvKeyboard {
  private digits = '';

  /** The number typed so far (shown on screen like a keyboard's display). */
  get entry(): string {
    return this.digits;
  }

  /** Feeds one key; returns the action it completes, or null (digit typed, key not ours). */
  press(e: KeyInput): CctvAction | null {
    if (e.ctrlKey || e.metaKey) return null;
    if (e.altKey) {
      const n = Number(e.key);
      const preset = Number.isInteger(n) && n >= 1 ? PRESET_IDS[n - 1] : undefined;
      return preset ? { kind: 'layout', preset } : null;
    }
    if (/^\d$/.test(e.key)) {
      this.digits = (this.digits + e.key).slice(-MAX_DIGITS);
      return null;
    }
    const key = e.key.length === 1 ? e.key.toUpperCase() : e.key;
    const number = this.digits === '' ? null : Number(this.digits);
    switch (key) {
      case 'Escape':
        this.digits = '';
        return null;
      case 'Backspace':
        this.digits = this.digits.slice(0, -1);
        return null;
      case 'M':
        return this.take(number, (n) => ({ kind: 'monitor', monitor: n }));
      case 'T':
        return this.take(number, (n) => ({ kind: 'tile', tile: n - 1 }));
      case 'Enter':
      case 'C':
        return this.take(number, (n) => ({ kind: 'camera', camera: n }));
      case 'Delete':
        return { kind: 'closeTile' };
      case 'P':
        return { kind: 'tour', action: 'toggle' };
      case 'N':
        return { kind: 'tour', action: 'next' };
      case 'B':
        return { kind: 'tour', action: 'previous' };
      case 'ArrowRight':
        return { kind: 'move', delta: 1 };
      case 'ArrowLeft':
        return { kind: 'move', delta: -1 };
      default:
        return null;
    }
  }

  private take(n: number | null, make: (n: number) => CctvAction): CctvAction | null {
    this.digits = '';
    return n === null || n < 1 ? null : make(n);
  }
}

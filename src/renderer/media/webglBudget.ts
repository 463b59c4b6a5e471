import { toDisposable, type Disposable } from '../../shared/lifecycle';

/**
 * Chromium keeps about 16 live WebGL contexts per page and silently loses the oldest one beyond
 * that. The players stay well below: a JsmpegPlayer asks this budget for a slot before it creates
 * a WebGL context and uses jsmpeg's Canvas2D renderer when none is left. A slot goes back on
 * dispose() and when the context is lost.
 */
export const DEFAULT_WEBGL_BUDGET = 12;

declare global {
  /** Test hook: when a page defines it (before players mount), it overrides the page budget's limit. */
  var __mdcWebglBudget: number | undefined;
}

export class WebglBudget {
  private used = 0;
  private configured: number;

  constructor(
    limit: number = DEFAULT_WEBGL_BUDGET,
    /** Read on every acquire; a finite number >= 0 wins over the configured limit. */
    private readonly override: () => unknown = () => undefined,
  ) {
    this.configured = checkLimit(limit);
  }

  /** Slots in total (the override, if set, else the configured limit). */
  get limit(): number {
    const o = this.override();
    return typeof o === 'number' && Number.isFinite(o) && o >= 0 ? Math.floor(o) : this.configured;
  }

  /** Lowering it below `inUse` keeps the existing slots; new requests wait until enough are returned. */
  setLimit(limit: number): void {
    this.configured = checkLimit(limit);
  }

  get inUse(): number {
    return this.used;
  }

  get available(): number {
    return Math.max(0, this.limit - this.used);
  }

  /** A slot (return it with dispose(), idempotent), or null when the budget is spent. */
  tryAcquire(): Disposable | null {
    if (this.used >= this.limit) return null;
    this.used += 1;
    return toDisposable(() => {
      this.used -= 1;
    });
  }
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`WebGL budget must be a whole number >= 0, got ${limit}`);
  return limit;
}

/** The one budget of this page, shared by all players. */
export const pageWebglBudget = new WebglBudget(DEFAULT_WEBGL_BUDGET, () => globalThis.__mdcWebglBudget);

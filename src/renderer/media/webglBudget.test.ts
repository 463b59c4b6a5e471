import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WEBGL_BUDGET, pageWebglBudget, WebglBudget } from './webglBudget';

describe('WebglBudget', () => {
  afterEach(() => {
    globalThis.__mdcWebglBudget = undefined;
  });

  it('hands out slots up to the limit and takes them back once each', () => {
    const budget = new WebglBudget(2);
    const a = budget.tryAcquire();
    const b = budget.tryAcquire();
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(budget.tryAcquire()).toBeNull();
    expect(budget.inUse).toBe(2);
    a!.dispose();
    a!.dispose(); // idempotent: must not free a second slot
    expect(budget.inUse).toBe(1);
    expect(budget.available).toBe(1);
    const c = budget.tryAcquire();
    expect(c).not.toBeNull();
    expect(budget.tryAcquire()).toBeNull();
    b!.dispose();
    c!.dispose();
    expect(budget.inUse).toBe(0);
  });

  it('a lower limit keeps existing slots and refuses new ones until enough came back', () => {
    const budget = new WebglBudget(3);
    const slots = [budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire()];
    budget.setLimit(1);
    expect(budget.inUse).toBe(3);
    expect(budget.tryAcquire()).toBeNull();
    slots[0]!.dispose();
    slots[1]!.dispose();
    expect(budget.tryAcquire()).toBeNull(); // 1 in use, limit 1
    slots[2]!.dispose();
    expect(budget.tryAcquire()).not.toBeNull();
  });

  it('limit 0 means Canvas2D for everyone; bad limits are refused', () => {
    expect(new WebglBudget(0).tryAcquire()).toBeNull();
    expect(() => new WebglBudget(-1)).toThrow(RangeError);
    expect(() => new WebglBudget(1.5)).toThrow(RangeError);
    expect(() => new WebglBudget(2).setLimit(Number.NaN)).toThrow(RangeError);
  });

  it('the page budget defaults to 12 and honours the test hook', () => {
    expect(DEFAULT_WEBGL_BUDGET).toBe(12);
    expect(pageWebglBudget.limit).toBe(12);
    globalThis.__mdcWebglBudget = 1;
    expect(pageWebglBudget.limit).toBe(1);
    const slot = pageWebglBudget.tryAcquire();
    expect(pageWebglBudget.tryAcquire()).toBeNull();
    slot!.dispose();
    globalThis.__mdcWebglBudget = -3; // nonsense is ignored
    expect(pageWebglBudget.limit).toBe(12);
  });
});

import { describe, expect, it } from 'vitest';
import { DisposableStore, Emitter, toDisposable } from './lifecycle';

describe('lifecycle', () => {
  it('disposes in reverse order, once', () => {
    const order: number[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push(1)));
    store.add(toDisposable(() => order.push(2)));
    store.dispose();
    store.dispose();
    expect(order).toEqual([2, 1]);
  });

  it('disposes items added after disposal at once', () => {
    const store = new DisposableStore();
    store.dispose();
    let ran = false;
    store.add(toDisposable(() => (ran = true)));
    expect(ran).toBe(true);
  });

  it('emitter subscriptions end with dispose', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const sub = emitter.event((v) => seen.push(v));
    emitter.fire(1);
    sub.dispose();
    emitter.fire(2);
    expect(seen).toEqual([1]);
    expect(emitter.size).toBe(0);
  });
});

import { useCallback, useState } from 'react';

/** A ref callback plus the element's current height (ResizeObserver), for virtual lists. */
export function useElementHeight<T extends HTMLElement>(): [(el: T | null) => () => void, number] {
  const [height, setHeight] = useState(0);
  const ref = useCallback((el: T | null) => {
    if (!el) return () => undefined;
    const observer = new ResizeObserver(([entry]) => setHeight(entry?.contentRect.height ?? 0));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, height];
}

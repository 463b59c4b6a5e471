import { describe, expect, it } from 'vitest';
import { CctvKeyboard, type CctvAction } from './cctvKeyboard';

function type(kb: CctvKeyboard, keys: string[]): (CctvAction | null)[] {
  return keys.map((key) => kb.press({ key }));
}

describe('CctvKeyboard', () => {
  it('addresses monitor, tile and camera by number', () => {
    const kb = new CctvKeyboard();
    expect(type(kb, ['2', 'm']).at(-1)).toEqual({ kind: 'monitor', monitor: 2 });
    expect(type(kb, ['1', '2', 'T']).at(-1)).toEqual({ kind: 'tile', tile: 11 });
    type(kb, ['1', '0']);
    expect(kb.entry).toBe('10');
    expect(kb.press({ key: 'Backspace' })).toBeNull();
    expect(type(kb, ['3', 'Enter']).at(-1)).toEqual({ kind: 'camera', camera: 13 });
    expect(kb.entry).toBe('');
  });

  it('ignores an action key without a number and clears with Escape', () => {
    const kb = new CctvKeyboard();
    expect(kb.press({ key: 'M' })).toBeNull();
    type(kb, ['4', 'Escape']);
    expect(kb.press({ key: 'Enter' })).toBeNull();
  });

  it('maps Alt+digit to the layout presets and leaves Ctrl shortcuts alone', () => {
    const kb = new CctvKeyboard();
    expect(kb.press({ key: '5', altKey: true })).toEqual({ kind: 'layout', preset: '9' });
    expect(kb.press({ key: '7', altKey: true })).toEqual({ kind: 'layout', preset: '25' });
    expect(kb.press({ key: '8', altKey: true })).toBeNull();
    expect(kb.press({ key: 'c', ctrlKey: true })).toBeNull();
    expect(kb.press({ key: 'Delete' })).toEqual({ kind: 'closeTile' });
    expect(kb.press({ key: 'p' })).toEqual({ kind: 'tour', action: 'toggle' });
  });
});

import { describe, expect, it } from 'vitest';
import { Slots } from './slots.js';

describe('Slots', () => {
  it('holds what was added until its slot is removed', () => {
    const s = new Slots<{ id: number }>();
    const a = { id: 1 };
    const b = { id: 2 };
    const c = { id: 3 };
    const sa = s.add(a);
    const sb = s.add(b);
    const sc = s.add(c);
    expect(new Set([sa, sb, sc]).size).toBe(3);
    expect(s.size).toBe(3);
    s.remove(sb);
    expect(s.size).toBe(2);
    expect(s.values()).toEqual([a, c]);
  });

  it('ignores a slot removed twice, out of range or not an integer', () => {
    const s = new Slots<string>();
    const x = s.add('x');
    s.remove(x);
    s.remove(x);
    s.remove(-1);
    s.remove(99);
    s.remove(Number.NaN);
    s.remove(0.5);
    expect(s.size).toBe(0);
    expect(s.values()).toEqual([]);
    // a freed slot is given again, and a double remove did not free it twice
    expect(s.add('y')).toBe(x);
    expect(s.add('z')).not.toBe(x);
    expect(s.size).toBe(2);
  });

  it('keeps a walk stable while it removes what it walks', () => {
    const s = new Slots<number>();
    const slots = [10, 20, 30, 40].map((n) => [n, s.add(n)] as const);
    const seen: number[] = [];
    for (const v of s.values()) {
      seen.push(v);
      for (const [n, slot] of slots) if (n === v) s.remove(slot);
    }
    expect(seen).toEqual([10, 20, 30, 40]);
    expect(s.size).toBe(0);
  });

  it('does not grow past the most items held at once under churn', () => {
    const s = new Slots<number>();
    const live: number[] = [];
    let widest = 0;
    for (let i = 0; i < 10_000; i++) {
      live.push(s.add(i));
      widest = Math.max(widest, s.size);
      if (live.length > 16) s.remove(live.shift() as number);
    }
    expect(widest).toBe(17);
    // every slot handed out stayed below the peak count: freed ones were reused
    expect(Math.max(...live)).toBeLessThan(17);
  });
});

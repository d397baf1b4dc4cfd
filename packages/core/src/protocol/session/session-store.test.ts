import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEQ_WINDOW, SessionStore } from './session-store.js';

const key = Buffer.alloc(32);

describe('SessionStore', () => {
  it('accepts each counter once inside the window, refuses replays and counters behind it', () => {
    const store = new SessionStore();
    const s = store.add({ id: 'a', hotkey: 'h', key, expiresAt: 10 });
    const take = (seq: number) => {
      const r = SessionStore.check(s, seq);
      if (r === 'ok') SessionStore.record(s, seq);
      return r;
    };
    expect([take(3), take(1), take(2), take(3), take(1)]).toEqual(['ok', 'ok', 'ok', 'replay', 'replay']);
    expect(take(3 + SEQ_WINDOW)).toBe('ok');
    expect(take(3)).toBe('too-old');
    expect(take(4)).toBe('ok');
    expect(take(4)).toBe('replay');
  });

  it('answers as a plain set of seen counters with a window behind the highest (property)', () => {
    // the reference: every counter ever recorded, and the rule in words
    const step = fc.oneof(
      fc.integer({ min: -3, max: 3 }),
      fc.integer({ min: -260, max: 260 }),
      fc.integer({ min: 250, max: 600 }),
      fc.constant(2 ** 40),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), fc.integer({ min: 1, max: 2 ** 45 }), (steps, start) => {
        const store = new SessionStore();
        const s = store.add({ id: 'p', hotkey: 'h', key, expiresAt: 10 });
        const seen = new Set<number>();
        let highest = 0;
        let at = start;
        for (const d of steps) {
          at = Math.max(1, at + d);
          const want = at > highest ? 'ok' : highest - at >= SEQ_WINDOW ? 'too-old' : seen.has(at) ? 'replay' : 'ok';
          expect(SessionStore.check(s, at)).toBe(want);
          if (want === 'ok') {
            SessionStore.record(s, at);
            seen.add(at);
            highest = Math.max(highest, at);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('expires sessions and bounds them per hotkey and in total, oldest first', () => {
    const store = new SessionStore(3, 2);
    store.add({ id: 'a1', hotkey: 'a', key, expiresAt: 100 });
    store.add({ id: 'a2', hotkey: 'a', key, expiresAt: 100 });
    store.add({ id: 'b1', hotkey: 'b', key, expiresAt: 100 });
    // a third session of `a` pushes out a1, not b's
    store.add({ id: 'a3', hotkey: 'a', key, expiresAt: 100 });
    expect(['a1', 'a2', 'a3', 'b1'].map((id) => store.get(id, 0) !== undefined)).toEqual([false, true, true, true]);
    store.add({ id: 'c1', hotkey: 'c', key, expiresAt: 100 });
    expect(store.size).toBe(3);
    expect(store.get('a2', 0)).toBeUndefined();
    expect(store.get('b1', 100)).toBe('expired');
    expect(store.get('b1', 0)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../util/clock.js';
import { NonceGuard } from './nonce-guard.js';

const NOW_MS = 1_700_000_000_000;
const NOW = BigInt(NOW_MS) * 1_000_000n;
const S = 1_000_000_000n;
const REPLAY = 'Nonce is too old, a newer one was last processed';

describe('NonceGuard', () => {
  it('reports a replay before the window, in the SDK order', () => {
    const g = new NonceGuard(new ManualClock(NOW_MS));
    g.commit('hk:u', NOW - 30n * S);
    // older than the stored nonce *and* outside the window: the SDK names the replay
    expect(g.check('hk:u', NOW - 40n * S, 12_000)).toEqual({ ok: false, message: REPLAY });
    // newer than the stored one but outside the window: the window message
    expect(g.check('hk:u', NOW - 20n * S, 12_000)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Nonce is too old: acceptable delta is 16.00 seconds/),
    });
    expect(g.check('hk:u', NOW - S, 12_000)).toEqual({ ok: true });
  });

  it('never widens the window past maxTimeoutMs, whatever timeout is passed', () => {
    const g = new NonceGuard(new ManualClock(NOW_MS), { maxTimeoutMs: 12_000 });
    expect(g.check('hk:u', NOW - 20n * S, 100_000)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/acceptable delta is 16.00 seconds/),
    });
    expect(g.check('hk:u', NOW - 15n * S, 100_000)).toEqual({ ok: true });
  });

  it('one hotkey filling a small table with future nonces cannot evict or block another', () => {
    const clock = new ManualClock(NOW_MS);
    const g = new NonceGuard(clock, { maxEntries: 8, maxEntriesPerHotkey: 2 });
    g.commit('honest:a', NOW);
    // the attacker: many uuids, each with a nonce at the edge of the allowed future skew
    for (let i = 0; i < 50; i++) {
      const ep = `attacker:${i}`;
      const n = NOW + 3n * S + BigInt(i);
      expect(g.check(ep, n, 12_000).ok).toBe(true);
      g.commit(ep, n);
    }
    expect(g.size).toBe(3);
    // the honest dendrite's known endpoint is still remembered (its replay is refused) ...
    expect(g.check('honest:a', NOW, 12_000)).toEqual({ ok: false, message: REPLAY });
    // ... and its next nonce, on the same or a new uuid, is accepted
    expect(g.check('honest:a', NOW + 1n, 12_000)).toEqual({ ok: true });
    expect(g.check('honest:b', NOW + 1n, 12_000)).toEqual({ ok: true });
    expect(g.check('newcomer:x', NOW + 1n, 12_000)).toEqual({ ok: true });
    // the attacker's evicted endpoints stay closed: its own floor went up
    expect(g.check('attacker:0', NOW + 3n * S, 12_000)).toEqual({ ok: false, message: REPLAY });
    expect(g.check('attacker:new', NOW + 2n * S, 12_000)).toEqual({ ok: false, message: REPLAY });
  });

  it('keeps memory bounded and never re-opens a replay after eviction', () => {
    const g = new NonceGuard(new ManualClock(NOW_MS), { maxEntries: 3, maxEntriesPerHotkey: 3 });
    for (let i = 0; i < 10; i++) g.commit(`hk${i}:u`, NOW - 1000n + BigInt(i));
    for (let i = 0; i < 10; i++) g.commit(`many:${i}`, NOW - 500n + BigInt(i));
    expect(g.size).toBe(3);
    for (let i = 0; i < 10; i++) expect(g.check(`hk${i}:u`, NOW - 1000n + BigInt(i), 12_000).ok, `hk${i}`).toBe(false);
    for (let i = 0; i < 10; i++) expect(g.check(`many:${i}`, NOW - 500n + BigInt(i), 12_000).ok).toBe(false);
    expect(g.check('fresh:u', NOW + 1n, 12_000).ok).toBe(true);
  });
});

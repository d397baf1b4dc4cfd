import { describe, expect, it } from 'vitest';
import { ManualClock } from '../util/clock.js';
import { AdmissionError, PriorityGate, RateLimiter } from './admission.js';

describe('PriorityGate', () => {
  it('runs up to maxConcurrent, then serves the queue highest priority first, FIFO within a priority', async () => {
    const gate = new PriorityGate(1, 10);
    const release = await gate.acquire(0);
    const order: string[] = [];
    const wait = (name: string, p: number) =>
      gate.acquire(p).then((r) => {
        order.push(name);
        return r;
      });
    const a = wait('a', 1);
    const b = wait('b', 5);
    const c = wait('c', 5);
    expect(gate.queued).toBe(3);
    release();
    (await b)();
    (await c)();
    (await a)();
    expect(order).toEqual(['b', 'c', 'a']);
    expect(gate.running).toBe(0);
  });

  it('refuses a newcomer when the queue is full of equal or better callers, else evicts the worst', async () => {
    const gate = new PriorityGate(1, 1);
    const release = await gate.acquire(0);
    const low = gate.acquire(1);
    await expect(gate.acquire(1)).rejects.toEqual(new AdmissionError('queue-full'));
    const high = gate.acquire(9);
    await expect(low).rejects.toMatchObject({ reason: 'evicted' });
    release();
    (await high)();
    expect(gate.queued).toBe(0);
  });

  it('drops an aborted waiter from the queue', async () => {
    const gate = new PriorityGate(1, 4);
    const release = await gate.acquire(0);
    const ac = new AbortController();
    const w = gate.acquire(1, ac.signal);
    ac.abort();
    await expect(w).rejects.toMatchObject({ reason: 'aborted' });
    expect(gate.queued).toBe(0);
    release();
    expect(gate.running).toBe(0);
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then refills at the configured rate, per hotkey, with bounded keys', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, { perSecond: 2, burst: 3, maxKeys: 2 });
    expect([rl.take('a'), rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([true, true, true, false]);
    expect(rl.take('b')).toBe(true);
    clock.advance(500);
    expect([rl.take('a'), rl.take('a')]).toEqual([true, false]);
    rl.take('c');
    expect(rl.size).toBe(2);
  });
});

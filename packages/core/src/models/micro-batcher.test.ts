import { describe, expect, it } from 'vitest';
import { isSubnetkitError } from '../errors/subnetkit-error.js';
import { ManualClock } from '../util/clock.js';
import { MicroBatcher, type MicroBatcherOptions } from './micro-batcher.js';

interface Call {
  items: number[];
  signal: AbortSignal;
  finish: (out?: number[]) => void;
  fail: (err: unknown) => void;
}

/** A batcher whose runner records each batch and lets the test finish it. */
function setup(opts: Partial<MicroBatcherOptions> = {}, key: (n: number) => string = () => '') {
  const clock = new ManualClock();
  const calls: Call[] = [];
  const batcher = new MicroBatcher<number, number>(
    (items, signal) =>
      new Promise<number[]>((resolve, reject) => {
        calls.push({
          items,
          signal,
          finish: (out) => resolve(out ?? items.map((x) => x * 10)),
          fail: reject,
        });
      }),
    key,
    { maxBatchSize: 4, maxWaitMs: 10, maxConcurrency: 1, maxQueue: 100, ...opts },
    clock,
  );
  return { clock, calls, batcher };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('MicroBatcher', () => {
  it('runs a full batch at once without waiting', async () => {
    const { calls, batcher } = setup();
    const ps = [1, 2, 3, 4].map((n) => batcher.submit(n));
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3, 4]]);
    calls[0]?.finish();
    const out = await Promise.all(ps);
    expect(out.map((o) => o.value)).toEqual([10, 20, 30, 40]);
    expect(out.every((o) => o.timing.batchSize === 4)).toBe(true);
  });

  it('waits maxWaitMs for company, then runs what it has', async () => {
    const { clock, calls, batcher } = setup();
    const a = batcher.submit(1);
    clock.advance(5);
    const b = batcher.submit(2);
    await tick();
    expect(calls).toHaveLength(0);
    clock.advance(5);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2]]);
    calls[0]?.finish();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.timing.queuedMs).toBe(10);
    expect(rb.timing.queuedMs).toBe(5);
  });

  it('lets callers that arrive in the same tick join a batch whose wait just ran out', async () => {
    const { clock, calls, batcher } = setup();
    const a = batcher.submit(1);
    clock.advance(10); // the wait is over, but the timer has not had its turn yet
    const b = batcher.submit(2);
    const c = batcher.submit(3);
    expect(calls).toHaveLength(0);
    await tick();
    expect(calls.map((x) => x.items)).toEqual([[1, 2, 3]]);
    calls[0]?.finish();
    await Promise.all([a, b, c]);
  });

  it('keeps different batch keys apart', async () => {
    const { calls, batcher } = setup({ maxWaitMs: 0, maxConcurrency: 4 }, (n) => (n % 2 ? 'odd' : 'even'));
    const ps = [1, 2, 3].map((n) => batcher.submit(n));
    expect(calls.map((c) => c.items)).toEqual([[1], [2], [3]]);
    for (const c of calls) c.finish();
    await Promise.all(ps);
  });

  it('batches the requests that pile up while every slot is busy', async () => {
    const { calls, batcher } = setup({ maxWaitMs: 0, maxBatchSize: 8 });
    const first = batcher.submit(1);
    const rest = [2, 3, 4].map((n) => batcher.submit(n));
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    expect(batcher.queued).toBe(3);
    calls[0]?.finish();
    await first;
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    calls[1]?.finish();
    expect((await Promise.all(rest)).map((r) => r.value)).toEqual([20, 30, 40]);
  });

  it('never runs more than maxConcurrency batches at once', async () => {
    const { calls, batcher } = setup({ maxWaitMs: 0, maxBatchSize: 1, maxConcurrency: 2 });
    const ps = [1, 2, 3, 4].map((n) => batcher.submit(n));
    expect(calls).toHaveLength(2);
    expect(batcher.running).toBe(2);
    calls[0]?.finish();
    await ps[0];
    await tick();
    expect(calls).toHaveLength(3);
    for (const c of calls.slice(1)) c.finish();
    await ps[1];
    await ps[2];
    await tick();
    calls[3]?.finish();
    await Promise.all(ps);
  });

  it('drops a cancelled request from the queue and rejects it with SK_MODEL_CANCELLED', async () => {
    const { clock, calls, batcher } = setup();
    const ctrl = new AbortController();
    const a = batcher.submit(1, ctrl.signal);
    const b = batcher.submit(2);
    ctrl.abort();
    await expect(a).rejects.toSatisfy((e) => isSubnetkitError(e, 'SK_MODEL_CANCELLED'));
    clock.advance(10);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[2]]);
    calls[0]?.finish();
    expect((await b).value).toBe(20);
  });

  it('rejects an already-aborted signal without queueing', async () => {
    const { batcher } = setup();
    await expect(batcher.submit(1, AbortSignal.abort())).rejects.toSatisfy((e) =>
      isSubnetkitError(e, 'SK_MODEL_CANCELLED'),
    );
    expect(batcher.queued).toBe(0);
  });

  it('aborts a running batch only once every caller in it has cancelled', async () => {
    const { calls, batcher } = setup({ maxBatchSize: 2 });
    const c1 = new AbortController();
    const c2 = new AbortController();
    const p1 = batcher.submit(1, c1.signal);
    const p2 = batcher.submit(2, c2.signal);
    expect(calls.map((c) => c.items)).toEqual([[1, 2]]);
    c1.abort();
    await expect(p1).rejects.toSatisfy((e) => isSubnetkitError(e, 'SK_MODEL_CANCELLED'));
    expect(calls[0]?.signal.aborted).toBe(false);
    c2.abort();
    expect(calls[0]?.signal.aborted).toBe(true);
    await expect(p2).rejects.toSatisfy((e) => isSubnetkitError(e, 'SK_MODEL_CANCELLED'));
    calls[0]?.finish();
  });

  it('refuses work beyond maxQueue with SK_MODEL_OVERLOADED', async () => {
    const { batcher } = setup({ maxQueue: 2 });
    const held = [batcher.submit(1), batcher.submit(2)];
    await expect(batcher.submit(3)).rejects.toSatisfy((e) => isSubnetkitError(e, 'SK_MODEL_OVERLOADED'));
    expect(batcher.queued).toBe(2);
    void Promise.allSettled(held);
  });

  it('isolates a failing batch: each item reruns alone and only the bad one fails', async () => {
    const clock = new ManualClock();
    const runs: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        runs.push(items);
        if (items.includes(13)) throw new Error('unlucky');
        return items.map((x) => x + 1);
      },
      () => '',
      { maxBatchSize: 3, maxWaitMs: 0, maxConcurrency: 1, maxQueue: 10 },
      clock,
    );
    // The first item runs alone; the other three pile up and run as one batch that fails.
    const results = await Promise.allSettled([0, 1, 13, 3].map((n) => batcher.submit(n)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.value : 'failed'))).toEqual([1, 2, 'failed', 4]);
    expect(runs).toEqual([[0], [1, 13, 3], [1], [13], [3]]);
  });

  it('close rejects queued items, refuses new ones and waits for the running batch', async () => {
    const { calls, batcher } = setup({ maxWaitMs: 0, maxBatchSize: 1 });
    const running = batcher.submit(1);
    const queued = batcher.submit(2);
    const err = new (await import('../errors/subnetkit-error.js')).SubnetkitError('SK_MODEL_DISPOSED', 'gone');
    let closed = false;
    const closing = batcher.close(err).then(() => {
      closed = true;
    });
    await expect(queued).rejects.toBe(err);
    await expect(batcher.submit(3)).rejects.toBe(err);
    await tick();
    expect(closed).toBe(false);
    calls[0]?.finish();
    await closing;
    expect((await running).value).toBe(10);
    expect(calls).toHaveLength(1);
  });
});

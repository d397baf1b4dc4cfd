/**
 * Priority middleware: arms the server-side deadline (408, connection closed) and the
 * client-gone abort (499), then waits for a slot of the bounded priority queue (503 when full or
 * when a higher-priority caller evicts this one). The slot is held until the reply is done.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../util/clock.js';
import { AdmissionError, type PriorityGate } from '../admission.js';
import { AxonReject, abortReason } from './reject.js';
import { type AxonStage, stageMiddleware } from './stage.js';
import type { AxonEnv, AxonState, PriorityFn } from './types.js';

export interface AxonPriorityOptions {
  readonly gate: PriorityGate;
  /** Default: every caller 0. A throw or a non-finite answer counts as 0. */
  readonly priority?: PriorityFn;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** Queues the verified caller (needs {@link axonVerify} before it). */
export function axonPriority(o: AxonPriorityOptions): MiddlewareHandler<AxonEnv> {
  return stageMiddleware(priorityStage(o));
}

/** The deadline passed: a body still arriving cannot be resumed, so the connection closes. */
function expire(s: AxonState): void {
  if (!s.aborted) s.abort.abort(new AxonReject(408, `Response timeout after: ${s.timeoutS}s`, {}, true, 'priority'));
}

/** The stage of {@link axonPriority}: waits only for a priority hook's promise or a queued slot. */
export function priorityStage(o: AxonPriorityOptions): AxonStage {
  const { gate, logger: log } = o;
  const clock = o.clock ?? systemClock;
  const priorityFn = o.priority;
  const queue = async (s: AxonState, p: number): Promise<void> => {
    try {
      s.cleanups.push(await gate.acquire(p, s.abort.signal));
    } catch (err) {
      if (err instanceof AdmissionError && err.reason === 'aborted') throw abortReason(s.abort.signal);
      throw new AxonReject(
        503,
        err instanceof AdmissionError && err.reason === 'evicted'
          ? 'Service busy: request dropped for a higher-priority caller'
          : 'Service busy: request queue is full',
        {},
        false,
        'priority',
      );
    }
  };
  const admit = (s: AxonState, p: number): undefined | Promise<void> => {
    // no promise when a slot is free (what acquire() would resolve to at once)
    const release = s.aborted ? undefined : gate.tryAcquire();
    if (!release) return queue(s, p);
    s.cleanups.push(release);
    return undefined;
  };
  const valid = (got: number): number => (Number.isFinite(got) ? got : 0);
  return (s) => {
    const caller = s.caller;
    if (!caller) throw new Error('axonPriority needs axonVerify before it');
    const waitMs = Math.max(0, s.deadline - clock.now());
    s.cleanups.push(
      s.req.onClientGone(() => {
        if (!s.aborted) s.abort.abort(new AxonReject(499, 'Client closed the connection', {}, true, 'priority'));
      }),
    );
    if (clock === systemClock) {
      // a plain timer: the generic clock.sleep costs a promise and an abort listener per request
      const timer = setTimeout(expire, waitMs, s);
      s.cleanups.push(() => clearTimeout(timer));
    } else {
      let done = false;
      s.cleanups.push(() => {
        done = true;
      });
      void clock.sleep(waitMs).then(() => {
        if (!done) expire(s);
      });
    }
    if (!priorityFn) return admit(s, 0);
    const failed = (err: unknown): number => {
      log?.warn({ event: 'axon.priority_failed', err, hotkey: caller.hotkey }, 'priority hook threw');
      return 0;
    };
    let got: number | Promise<number>;
    try {
      got = priorityFn(caller);
    } catch (err) {
      return admit(s, failed(err));
    }
    if (typeof got === 'number') return admit(s, valid(got));
    return Promise.resolve(got)
      .then(valid, failed)
      .then((p) => admit(s, p));
  };
}

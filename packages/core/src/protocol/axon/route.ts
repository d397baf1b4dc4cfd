/**
 * First middleware: opens the request state (`c.var.axon`), refuses while draining (503), wrong
 * methods (405) and unknown synapses (404), and ends the request (cleanups, observer) once the
 * reply is done.
 */
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../util/clock.js';
import { AxonReject } from './reject.js';
import { axonRequestOf } from './request.js';
import type { AxonEnv, AxonObserver, AxonRoute, AxonState } from './types.js';

/** In-flight bookkeeping of the axon that owns the chain (stats, draining on stop). */
export interface AxonTracker {
  begin(s: AxonState): void;
  end(s: AxonState): void;
}

export interface AxonRouteOptions {
  readonly routes: ReadonlyMap<string, AxonRoute>;
  readonly clock: Clock;
  readonly draining?: () => boolean;
  readonly observer?: AxonObserver;
  readonly tracker?: AxonTracker;
}

/** Route lookup and the request's lifetime. */
export function axonRoute(o: AxonRouteOptions): MiddlewareHandler<AxonEnv> {
  const { routes, clock, observer, tracker } = o;
  return async (c, next) => {
    const req = axonRequestOf(c);
    const name = decodeURIComponentSafe(req.path.split('/')[1] ?? '');
    let begun = false;
    let finished = false;
    const s: AxonState = {
      req,
      startMs: clock.now(),
      name,
      abort: new AbortController(),
      dendrite: {},
      axonInfo: {},
      timeoutS: null,
      timeoutMs: 0,
      deadline: 0,
      bodyHash: '',
      streaming: false,
      cleanups: [],
      finish() {
        if (finished) return;
        finished = true;
        for (const fn of s.cleanups) fn();
        if (begun) tracker?.end(s);
        observer?.onResponse?.({
          synapse: s.route?.synapse.name ?? name,
          status: s.status ?? 500,
          durationMs: clock.now() - s.startMs,
          hotkey: s.hotkey,
          stage: s.stage,
        });
      },
    };
    c.set('axon', s);
    observer?.onRequest?.({ synapse: name, peerIp: req.peerIp });
    try {
      if (o.draining?.()) throw new AxonReject(503, 'Service unavailable: axon is shutting down', {}, true, 'route');
      if (req.method !== 'POST' && req.method !== 'GET') {
        throw new AxonReject(405, 'Method Not Allowed', {}, false, 'route');
      }
      const route = routes.get(name);
      if (!route) {
        const list = [...routes.keys()].map((k) => `'${k}'`).join(', ');
        throw new AxonReject(
          404,
          `Synapse name '${name.slice(0, 64)}' not found. Available synapses [${list}]`,
          {},
          false,
          'route',
        );
      }
      s.route = route;
      begun = true;
      tracker?.begin(s);
      await next();
    } finally {
      // hono's compose hands a downstream throw to onError before `next()` returns, so the reply
      // is written here; a rejection of this middleware itself is answered after this runs
      if (!s.streaming && s.status !== undefined) s.finish();
    }
  };
}

function decodeURIComponentSafe(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

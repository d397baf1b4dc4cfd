/**
 * First middleware: opens the request state (`c.var.axon`), refuses while draining (503), wrong
 * methods (405) and unknown synapses (404), and ends the request (cleanups, observer) once the
 * reply is done.
 */
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../util/clock.js';
import { AxonReject, abortReason, raceAbort } from './reject.js';
import { axonRequestOf } from './request.js';
import type { AxonStage } from './stage.js';
import type { AxonEnv, AxonObserver, AxonRequest, AxonRoute, AxonState } from './types.js';

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
  /** A request carrying this header is a lean session-mode request (`AxonState.lean`). */
  readonly leanHeader?: string;
}

/** Route lookup and the request's lifetime. */
export function axonRoute(o: AxonRouteOptions): MiddlewareHandler<AxonEnv> {
  const check = routeStage(o);
  return async (c, next) => {
    const s = openRequest(o, axonRequestOf(c));
    c.set('axon', s);
    try {
      check(s);
      await next();
    } finally {
      // hono's compose hands a downstream throw to onError before `next()` returns, so the reply
      // is written here; a rejection of this middleware itself is answered after this runs
      if (!s.streaming && s.status !== undefined) s.finish();
    }
  };
}

/** Opens the state of an arriving request and tells the observer; `finish()` ends it once. */
export function openRequest(o: AxonRouteOptions, req: AxonRequest): AxonState {
  const { clock, observer, tracker } = o;
  const name = nameOf(req.path);
  let finished = false;
  let ac: AbortController | undefined;
  // races waiting for the controller: whoever aborts the request makes it first
  let onMade: ((signal: AbortSignal) => void)[] | undefined;
  const s: AxonState = {
    req,
    startMs: clock.now(),
    name,
    get abort() {
      if (!ac) {
        ac = new AbortController();
        const waiting = onMade;
        onMade = undefined;
        if (waiting) for (const fn of waiting) fn(ac.signal);
      }
      return ac;
    },
    get aborted() {
      return ac?.signal.aborted ?? false;
    },
    race<T>(p: Promise<T>): Promise<T> {
      if (ac) return raceAbort(p, ac.signal);
      return new Promise<T>((resolve, reject) => {
        let settled = false;
        onMade ??= [];
        onMade.push((signal) => {
          if (settled) return;
          const fail = (): void => reject(abortReason(signal));
          if (signal.aborted) fail();
          else signal.addEventListener('abort', fail, { once: true });
        });
        p.then(
          (v) => {
            settled = true;
            resolve(v);
          },
          (e: unknown) => {
            settled = true;
            reject(e);
          },
        );
      });
    },
    dendrite: {},
    axonInfo: {},
    timeoutS: null,
    timeoutMs: 0,
    deadline: 0,
    bodyHash: '',
    lean: o.leanHeader !== undefined && req.headers[o.leanHeader] !== undefined,
    streaming: false,
    cleanups: [],
    finish() {
      if (finished) return;
      finished = true;
      for (const fn of s.cleanups) fn();
      // the tracker counts requests that reached a route (the route stage began them)
      if (s.route) tracker?.end(s);
      observer?.onResponse?.({
        synapse: s.route?.synapse.name ?? name,
        status: s.status ?? 500,
        durationMs: clock.now() - s.startMs,
        hotkey: s.hotkey,
        stage: s.stage,
      });
    },
  };
  observer?.onRequest?.({ synapse: name, peerIp: req.peerIp });
  return s;
}

/** Draining (503), method (405) and synapse name (404); sets `route` and begins tracking. */
export function routeStage(o: AxonRouteOptions): AxonStage {
  const { routes, tracker } = o;
  return (s) => {
    if (o.draining?.()) throw new AxonReject(503, 'Service unavailable: axon is shutting down', {}, true, 'route');
    const method = s.req.method;
    if (method !== 'POST' && method !== 'GET') {
      throw new AxonReject(405, 'Method Not Allowed', {}, false, 'route');
    }
    const route = routes.get(s.name);
    if (!route) {
      const list = [...routes.keys()].map((k) => `'${k}'`).join(', ');
      throw new AxonReject(
        404,
        `Synapse name '${s.name.slice(0, 64)}' not found. Available synapses [${list}]`,
        {},
        false,
        'route',
      );
    }
    s.route = route;
    tracker?.begin(s);
    return undefined;
  };
}

/** The synapse name of a request path (its first segment, percent-decoded when it can be). */
export function nameOf(path: string): string {
  return decodeURIComponentSafe(path.split('/')[1] ?? '');
}

function decodeURIComponentSafe(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

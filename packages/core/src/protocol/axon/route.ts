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
  /** What it returns (e.g. a slot) is handed back to `end` for the same request. */
  begin(s: AxonState): unknown;
  end(s: AxonState, token: unknown): void;
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
  const s = new RequestState(o, req);
  o.observer?.onRequest?.({ synapse: s.name, peerIp: req.peerIp });
  return s;
}

/** The request state as a class: its methods and getters are shared, not made per request. */
class RequestState implements AxonState {
  readonly req: AxonRequest;
  readonly startMs: number;
  readonly name: string;
  route?: AxonRoute;
  parsed?: AxonState['parsed'];
  dendrite: AxonState['dendrite'] = {};
  axonInfo: AxonState['axonInfo'] = {};
  timeoutS: number | null = null;
  timeoutMs = 0;
  deadline = 0;
  hotkey?: string;
  caller?: AxonState['caller'];
  bodyHash = '';
  lean: boolean;
  raw?: Buffer;
  body?: Record<string, unknown>;
  request?: Record<string, unknown>;
  streaming = false;
  tracked: unknown = undefined;
  readonly cleanups: (() => void)[] = [];
  status?: number;
  stage?: string;
  readonly #o: AxonRouteOptions;
  #finished = false;
  #ac: AbortController | undefined;
  /**
   * The reject functions of races started before the controller existed: whoever aborts the
   * request makes it, and they are rejected with its reason then (a settled one ignores it).
   */
  #racing: ((reason: unknown) => void)[] | undefined;

  constructor(o: AxonRouteOptions, req: AxonRequest) {
    this.#o = o;
    this.req = req;
    this.startMs = o.clock.now();
    this.name = nameOf(req.path);
    this.lean = o.leanHeader !== undefined && req.headers[o.leanHeader] !== undefined;
  }

  get abort(): AbortController {
    if (!this.#ac) {
      const ac = new AbortController();
      this.#ac = ac;
      const waiting = this.#racing;
      this.#racing = undefined;
      if (waiting) {
        const signal = ac.signal;
        signal.addEventListener('abort', () => {
          for (const reject of waiting) reject(abortReason(signal));
        });
      }
    }
    return this.#ac;
  }

  get aborted(): boolean {
    return this.#ac?.signal.aborted ?? false;
  }

  race<T>(p: Promise<T>): Promise<T> {
    if (this.#ac) return raceAbort(p, this.#ac.signal);
    // no controller yet (most requests never make one): the race is this promise alone
    return new Promise<T>((resolve, reject) => {
      if (this.#racing) this.#racing.push(reject);
      else this.#racing = [reject];
      p.then(resolve, reject);
    });
  }

  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const fn of this.cleanups) fn();
    const o = this.#o;
    // the tracker counts requests that reached a route (the route stage began them)
    if (this.route) o.tracker?.end(this, this.tracked);
    o.observer?.onResponse?.({
      synapse: this.route?.synapse.name ?? this.name,
      status: this.status ?? 500,
      durationMs: o.clock.now() - this.startMs,
      hotkey: this.hotkey,
      stage: this.stage,
    });
  }
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
    if (tracker) s.tracked = tracker.begin(s);
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

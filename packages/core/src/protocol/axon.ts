/**
 * The axon: a miner's signed-HTTP server, wire-compatible with the bittensor SDK. A chain of small
 * hono middleware (`./axon/*`), composed here into the default stack:
 *
 *   route (404/405/503) → headers (400/413) → verify: signature and nonce (401; metagraph screen 403)
 *   → blacklist hook (403) → rate limit (429) → priority queue + deadline (503/408/499)
 *   → body: size, JSON, schema, hash (413/422/400) → forward (200, 500)
 *
 * Each middleware is exported (`axonRoute`, `axonHeaders`, `axonVerify`, `axonBlacklist`,
 * `axonRateLimit`, `axonPriority`, `axonBody`, `axonForward`, `axonErrorHandler`) so a subnet can
 * assemble its own stack on a `Hono<AxonEnv>`; they share the request state in `c.var.axon`.
 *
 * Observing requests (metrics): pass `observer: { onRequest, onResponse }`. `onRequest` gets the
 * synapse name and peer IP as a request arrives; `onResponse` gets `{ synapse, status, durationMs,
 * hotkey?, stage? }` once the reply is done (a stream: when it ends), `stage` naming the
 * middleware that rejected. Both run synchronously on the request path: keep them cheap, and a
 * throwing observer is the caller's bug (it is not caught).
 *
 * Each middleware wraps a stage (`./axon/stage.ts`) that works on the request state alone. Sockets
 * are served by the native node:http path (`./axon/native.ts`), which runs those same stages in
 * the same order without fetch-API objects or a hono context; targets that are not a plain
 * synapse path (the session handshake, queries) and `nativePath: false` go through
 * @hono/node-server's listener. Replies are written to the node response directly (one write per
 * reply), and `axon.app.request()` works in memory.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { z as zod } from 'zod';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { Signer } from '../util/signer.js';
import { Slots } from '../util/slots.js';
import { PriorityGate, RateLimiter, type RateLimitOptions } from './admission.js';
import { blacklistStage, metagraphScreen } from './axon/blacklist.js';
import { bodyStage } from './axon/body.js';
import { forwardStage } from './axon/forward.js';
import { nativeListener } from './axon/native.js';
import { axonErrorHandler } from './axon/on-error.js';
import { headersStage } from './axon/parse-headers.js';
import { priorityStage } from './axon/priority.js';
import { rateLimitStage } from './axon/rate-limit.js';
import { AxonReject } from './axon/reject.js';
import { type AxonIdentity, respond } from './axon/reply.js';
import { type AxonRouteOptions, axonRoute } from './axon/route.js';
import { axonSessionHandshake, sessionAuthStage } from './axon/session.js';
import { leanAuthStage, leanBodyStage } from './axon/session-lean.js';
import { type AxonStage, runStages, stageMiddleware } from './axon/stage.js';
import type {
  AxonEnv,
  AxonHandler,
  AxonObserver,
  AxonRoute,
  AxonState,
  BlacklistFn,
  NeuronLookup,
  PriorityFn,
} from './axon/types.js';
import { verifyStage } from './axon/verify.js';
import { NonceGuard, type NonceGuardOptions } from './nonce-guard.js';
import { LEAN_MAC_HEADER, SESSION_ADVERTISE_HEADER, SESSION_PATH } from './session/session-crypto.js';
import { SessionStore } from './session/session-store.js';
import { protocolCryptoReady, SDK_VERSION_INT } from './signing.js';
import { defineSynapse, PING_SYNAPSE_NAME, type Synapse } from './synapse.js';

export type {
  AxonEnv,
  AxonHandler,
  AxonObserver,
  AxonState,
  BlacklistDecision,
  BlacklistFn,
  CallerInfo,
  HandlerContext,
  NeuronInfo,
  NeuronLookup,
  PriorityFn,
} from './axon/types.js';

/**
 * Who may call: a metagraph lookup (unregistered or below `minStake` is blocked; callers are
 * prioritised by stake), a custom function, or `'allow-all'` (tests, private networks).
 */
export type BlacklistOption =
  | 'allow-all'
  | BlacklistFn
  | { readonly neurons: NeuronLookup; readonly minStake?: bigint; readonly allowUnregistered?: boolean };

/** Axon settings; only `signer` and `blacklist` are required. */
export interface AxonOptions {
  /** The miner's hotkey: requests must be signed for this address. */
  readonly signer: Signer;
  readonly blacklist: BlacklistOption;
  /** Overrides the default priority (stake from `blacklist.neurons`, else 0). */
  readonly priority?: PriorityFn;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Largest request body, bytes (checked on Content-Length and while reading). Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * Cap on the caller's `timeout` header (server-side deadline). The nonce window is 4 s plus the
   * smaller of that header and the synapse's own timeout: the header is unsigned. Default 60 s.
   */
  readonly maxTimeoutMs?: number;
  readonly nonce?: NonceGuardOptions;
  /** Concurrent forwards and queue length. Default 32 / 256. */
  readonly concurrency?: { readonly maxConcurrent?: number; readonly maxQueue?: number };
  /** Per-hotkey rate limit, or false. Default 50/s, burst 100. */
  readonly rateLimit?: RateLimitOptions | false;
  /** Accept `<Bytes>`-wrapped signatures (polkadot-js extensions; the SDK does). Default true. */
  readonly acceptWrappedSignatures?: boolean;
  /** Version int sent in error headers. Default the SDK version int. */
  readonly version?: number;
  /** Node server: time to receive all headers (slow-loris guard). Default 10 s. */
  readonly headersTimeoutMs?: number;
  /** Open connections accepted at once. Default 4096. */
  readonly maxConnections?: number;
  /** How long `stop()` waits for in-flight requests before aborting them. Default 10 s. */
  readonly drainTimeoutMs?: number;
  /**
   * Verify the signatures of requests that arrive in one event-loop turn back to back (about a
   * third less CPU per signed request on the bench; at most one loop turn of latency). Default true.
   */
  readonly verifyBatch?: boolean;
  /**
   * Serve sockets through the native node:http path (the default stack's stages run straight on
   * node's request, same answers as the hono chain); false serves every request through hono's
   * node listener. Default true.
   */
  readonly nativePath?: boolean;
  /** Request timing and outcome hooks (metrics); see the module comment. */
  readonly observer?: AxonObserver;
  /**
   * Session mode for Subnetkit dendrites (advertised on 200 replies; SDK peers keep the signed
   * mode), or false. Default on: sessions live 10 min, at most 4,096 at once and 8 per hotkey.
   */
  readonly session?: false | { readonly ttlMs?: number; readonly maxSessions?: number; readonly maxPerHotkey?: number };
}

/** Counters for monitoring and tests. */
export interface AxonStats {
  /** Open TCP connections (idle keep-alive ones included). */
  readonly connections: number;
  readonly inFlight: number;
  readonly running: number;
  readonly queued: number;
  readonly nonceEntries: number;
  /** Live session-mode sessions. */
  readonly sessions: number;
  readonly rateLimitEntries: number;
  readonly served: number;
  readonly rejected: Readonly<Record<number, number>>;
}

/** A miner's server: attach synapse handlers, listen, stop (draining in-flight requests). */
export interface Axon {
  /** The hono app (for `app.request()` in tests). */
  readonly app: Hono<{ Bindings: HttpBindings }>;
  readonly hotkey: string;
  attach<S extends Synapse>(synapse: S, handler: AxonHandler<S>): Axon;
  /** Binds `host:port` (port 0 = any free port); resolves to the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /** Stops accepting, lets in-flight requests finish (up to the drain timeout), then closes. */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
  stats(): AxonStats;
}

const PING = defineSynapse({ name: PING_SYNAPSE_NAME, request: zod.object({}), response: zod.object({}) });

/**
 * Creates an axon with the default middleware stack (see the module comment).
 *
 * @example
 * const axon = createAxon({ signer, blacklist: { neurons: (hk) => metagraph.lookup(hk), minStake: 1000n } })
 *   .attach(TextSynapse, async (req, { signal }) => ({ completion: await generate(req.prompt, signal) }));
 * const port = await axon.listen(8091, '0.0.0.0');
 */
export function createAxon(options: AxonOptions): Axon {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: 'silent' });
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const maxTimeoutMs = options.maxTimeoutMs ?? 60_000;
  const nonces = new NonceGuard(clock, { maxTimeoutMs, ...options.nonce });
  const gate = new PriorityGate(options.concurrency?.maxConcurrent ?? 32, options.concurrency?.maxQueue ?? 256);
  const limiter =
    options.rateLimit === false
      ? undefined
      : new RateLimiter(clock, options.rateLimit ?? { perSecond: 50, burst: 100 });
  const axonHotkey = options.signer.address;
  const routes = new Map<string, AxonRoute>();
  routes.set(PING_SYNAPSE_NAME, { synapse: PING, handler: () => ({}) });

  const bl = options.blacklist;
  const lookup = typeof bl === 'object' ? bl : undefined;
  const priority: PriorityFn | undefined =
    options.priority ?? (lookup ? (c) => Number(lookup.neurons(c.hotkey)?.stake ?? 0n) : undefined);

  let server: Server | undefined;
  let draining = false;
  let inFlight = 0;
  let connections = 0;
  let served = 0;
  const rejected: Record<number, number> = {};
  // requests past the route: the ones a forced shutdown aborts (slots, not a Set: util/slots.ts)
  const active = new Slots<AxonState>();
  let onIdle: (() => void) | undefined;

  const me: AxonIdentity = {
    hotkey: axonHotkey,
    uuid: randomUUID(),
    version: options.version ?? SDK_VERSION_INT,
    now: () => clock.now(),
    draining: () => draining,
  };
  const user = options.observer;
  const observer: AxonObserver = {
    onRequest: user?.onRequest?.bind(user),
    onResponse(info) {
      if (info.status === 200) served++;
      else rejected[info.status] = (rejected[info.status] ?? 0) + 1;
      user?.onResponse?.(info);
    },
  };

  const screen = lookup ? metagraphScreen(lookup) : undefined;
  const sessions =
    options.session === false
      ? undefined
      : new SessionStore(options.session?.maxSessions, options.session?.maxPerHotkey);

  const app = new Hono<AxonEnv>();
  app.onError(axonErrorHandler(me, log));
  if (sessions) {
    app.use(
      axonSessionHandshake({
        signer: options.signer,
        store: sessions,
        nonces,
        ttlMs: options.session ? options.session.ttlMs : undefined,
        clock,
        screen,
      }),
    );
  }
  const routeOptions: AxonRouteOptions = {
    routes,
    leanHeader: sessions ? LEAN_MAC_HEADER : undefined,
    clock,
    draining: () => draining,
    observer,
    tracker: {
      begin(st) {
        inFlight++;
        return active.add(st);
      },
      end(_st, slot) {
        active.remove(slot as number);
        inFlight--;
        if (inFlight === 0) onIdle?.();
      },
    },
  };
  // the stages after the route, in chain order; the hono chain and the native path share them
  // (and so their nonce guard, verify batcher and rate limiter)
  const stages: AxonStage[] = [headersStage({ maxTimeoutMs, maxBodyBytes })];
  if (sessions) stages.push(sessionAuthStage({ axonHotkey, store: sessions, clock, screen }));
  stages.push(
    verifyStage({
      axonHotkey,
      nonces,
      acceptWrappedSignatures: options.acceptWrappedSignatures,
      screen,
      batch: options.verifyBatch ?? true,
    }),
  );
  if (typeof bl === 'function') stages.push(blacklistStage(bl, log));
  if (limiter) stages.push(rateLimitStage(limiter));
  stages.push(priorityStage({ gate, priority, clock, logger: log }), bodyStage({ maxBodyBytes }));
  // lean session requests: the MAC over the raw body authenticates, so the body is read first
  const leanStages: AxonStage[] | undefined = sessions
    ? [leanAuthStage({ axonHotkey, store: sessions, clock, screen, maxBodyBytes, maxTimeoutMs })]
    : undefined;
  if (leanStages) {
    if (typeof bl === 'function') leanStages.push(blacklistStage(bl, log));
    if (limiter) leanStages.push(rateLimitStage(limiter));
    leanStages.push(priorityStage({ gate, priority, clock, logger: log }), leanBodyStage());
  }
  const forward = forwardStage({
    clock,
    logger: log,
    closing: () => draining,
    headers: sessions ? { [SESSION_ADVERTISE_HEADER]: 'v1' } : undefined,
  });

  app.use(axonRoute(routeOptions));
  if (leanStages) {
    app.use(async (c, next) => {
      const s = c.var.axon;
      if (!s.lean) return next();
      const pending = runStages(leanStages, s);
      if (pending) await pending;
      return respond(c, await forward(s));
    });
  }
  for (const stage of stages) app.use(stageMiddleware(stage));
  app.all('*', async (c) => respond(c, await forward(c.var.axon)));

  // sockets: hono's node listener without replacing the global Request/Response, and without its
  // body wrapper (the body middleware reads the node stream itself, under its byte limit)
  const honoListener = getRequestListener(app.fetch, { overrideGlobalObjects: false, autoCleanupIncoming: false });
  const listener =
    options.nativePath === false
      ? honoListener
      : nativeListener({
          route: routeOptions,
          stages,
          leanStages,
          forward,
          me,
          logger: log,
          fallbackPath: sessions ? SESSION_PATH : undefined,
          fallback: honoListener,
        });

  const axon: Axon = {
    app: app as unknown as Hono<{ Bindings: HttpBindings }>,
    hotkey: axonHotkey,
    attach(synapse, handler) {
      if (server) throw new SubnetkitError('SK_PROTOCOL_AXON_STATE', 'attach() must be called before listen()');
      if (routes.has(synapse.name)) {
        throw new SubnetkitError('SK_PROTOCOL_AXON_STATE', `synapse ${synapse.name} is already attached`, {
          synapse: synapse.name,
        });
      }
      routes.set(synapse.name, { synapse, handler: handler as AxonRoute['handler'] });
      return axon;
    },
    async listen(port = 8091, host = '0.0.0.0') {
      if (server) throw new SubnetkitError('SK_PROTOCOL_AXON_STATE', 'axon is already listening');
      await protocolCryptoReady();
      const headersTimeout = options.headersTimeoutMs ?? 10_000;
      const s = createServer(
        {
          headersTimeout,
          requestTimeout: maxTimeoutMs + headersTimeout,
          connectionsCheckingInterval: Math.min(1_000, headersTimeout),
        },
        listener,
      );
      s.keepAliveTimeout = 30_000;
      s.maxConnections = options.maxConnections ?? 4096;
      s.on('connection', (sock) => {
        connections++;
        sock.once('close', () => connections--);
      });
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      const bound = (s.address() as AddressInfo).port;
      log.info(
        { event: 'axon.listening', host, port: bound, hotkey: axonHotkey, synapses: [...routes.keys()] },
        'axon listening',
      );
      return bound;
    },
    async stop(opts = {}) {
      const s = server;
      if (!s || draining) return;
      draining = true;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      s.closeIdleConnections();
      if (inFlight > 0) {
        const idle = new Promise<void>((resolve) => {
          onIdle = resolve;
        });
        const limit = new AbortController();
        await Promise.race([
          idle,
          clock.sleep(opts.drainTimeoutMs ?? options.drainTimeoutMs ?? 10_000, limit.signal).catch(() => undefined),
        ]);
        limit.abort();
        if (inFlight > 0) {
          log.warn({ event: 'axon.drain_timeout', inFlight }, 'aborting requests still running at shutdown');
          for (const st of active.values())
            st.abort.abort(new AxonReject(503, 'Service unavailable: axon is shutting down', {}, true));
        }
      }
      s.closeIdleConnections();
      // connections still open now belong to aborted requests or idle clients
      setImmediate(() => s.closeAllConnections());
      await closed;
      log.info({ event: 'axon.stopped', served }, 'axon stopped');
    },
    stats() {
      return {
        connections,
        inFlight,
        running: gate.running,
        queued: gate.queued,
        nonceEntries: nonces.size,
        sessions: sessions?.size ?? 0,
        rateLimitEntries: limiter?.size ?? 0,
        served,
        rejected: { ...rejected },
      };
    },
  };
  return axon;
}

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { type z, z as zod } from 'zod';
import { isSubnetkitError, SubnetkitError } from '../errors/subnetkit-error.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { Signer } from '../util/signer.js';
import { AdmissionError, PriorityGate, RateLimiter, type RateLimitOptions } from './admission.js';
import {
  buildSynapseHeaders,
  HeaderParseError,
  type ParsedHeaders,
  parseFloatHeader,
  parseHeadersToInputs,
  parseIntHeader,
  safeHeaderText,
  synapseBodyJson,
  type TerminalInfo,
  toTerminalInfo,
} from './headers.js';
import { parseJsonBig, stringifyJsonBig } from './json-bigint.js';
import { NonceGuard, type NonceGuardOptions } from './nonce-guard.js';
import { protocolCryptoReady, publicKeyOf, SDK_VERSION_INT, signatureMessage, verifyText } from './signing.js';
import { defineSynapse, PING_SYNAPSE_NAME, type Synapse, type SynapseRequest, synapseBodyHash } from './synapse.js';

/** What the metagraph knows about a hotkey. */
export interface NeuronInfo {
  readonly registered: boolean;
  readonly stake: bigint;
}
/** Metagraph lookup by hotkey; `undefined` when unknown. */
export type NeuronLookup = (hotkey: string) => NeuronInfo | undefined;

/** The verified caller of a request. */
export interface CallerInfo {
  readonly hotkey: string;
  readonly synapse: string;
  readonly ip: string;
}
/** A blacklist hook's typed answer. */
export interface BlacklistDecision {
  readonly blocked: boolean;
  readonly reason?: string;
}
/** Custom blacklist: runs after signature verification. A throw counts as blocked. */
export type BlacklistFn = (caller: CallerInfo) => BlacklistDecision | Promise<BlacklistDecision>;
/** Priority of a verified caller: higher runs first when the axon is busy. A throw counts as 0. */
export type PriorityFn = (caller: CallerInfo) => number | Promise<number>;

/**
 * Who may call: a metagraph lookup (unregistered or below `minStake` is blocked; callers are
 * prioritised by stake), a custom function, or `'allow-all'` (tests, private networks).
 */
export type BlacklistOption =
  | 'allow-all'
  | BlacklistFn
  | { readonly neurons: NeuronLookup; readonly minStake?: bigint; readonly allowUnregistered?: boolean };

/** What a forward handler gets besides the request. */
export interface HandlerContext {
  readonly callerHotkey: string;
  /** Aborts on the server-side deadline, when the client goes away, or on forced shutdown. */
  readonly signal: AbortSignal;
  readonly synapse: string;
  /** Deadline, in the axon clock's milliseconds. */
  readonly deadline: number;
}

/** Forward handler: a response object, or (streaming synapses) an async iterable of chunks. */
export type AxonHandler<S extends Synapse> = (
  request: SynapseRequest<S>,
  ctx: HandlerContext,
) => S extends Synapse<z.ZodObject, infer Res>
  ? Promise<z.input<Res>> | z.input<Res> | AsyncIterable<string | Uint8Array | object>
  : never;

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
  /** Told of every answered request when its reply is ready (metrics); `synapse` is null for unknown routes. */
  readonly onResponse?: (event: AxonResponseEvent) => void;
}

/** One answered request, as `onResponse` sees it. */
export interface AxonResponseEvent {
  readonly synapse: string | null;
  readonly status: number;
  readonly durationMs: number;
}

/** Counters for monitoring and tests. */
export interface AxonStats {
  /** Open TCP connections (idle keep-alive ones included). */
  readonly connections: number;
  readonly inFlight: number;
  readonly running: number;
  readonly queued: number;
  readonly nonceEntries: number;
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

/** One request as the pipeline sees it: from a node socket, or from `app.request()`. */
interface AxonRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly peerIp: string;
  readonly peerPort: number | null;
  readBody(limit: number): Promise<Buffer>;
  /** Calls `fn` when the client goes away before the response is done; returns the unsubscribe. */
  onClientGone(fn: () => void): () => void;
}

/** What the pipeline answers; the transport writes it (one write for a string body). */
interface AxonReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | ReadableStream<Uint8Array>;
}

interface Route {
  readonly synapse: Synapse;
  readonly handler: (request: unknown, ctx: HandlerContext) => unknown;
}

/** Status of a request failure inside the pipeline. */
class Reject extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly close = false,
  ) {
    super(message);
  }
}

const PING = defineSynapse({ name: PING_SYNAPSE_NAME, request: zod.object({}), response: zod.object({}) });

/**
 * Creates an axon: the miner's signed-HTTP server, wire-compatible with the bittensor SDK.
 * Checks run route → headers → size → signature + nonce → blacklist → rate limit → priority
 * queue → body (size, JSON, schema, hash) → forward, each failure with the SDK's status.
 *
 * @example
 * const axon = createAxon({ signer, blacklist: { neurons: (hk) => metagraph.lookup(hk), minStake: 1000n } })
 *   .attach(TextSynapse, async (req, { signal }) => ({ completion: await generate(req.prompt, signal) }));
 * const port = await axon.listen(8091, '0.0.0.0');
 */
export function createAxon(options: AxonOptions): Axon {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: 'silent' });
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const maxTimeoutMs = options.maxTimeoutMs ?? 60_000;
  const version = options.version ?? SDK_VERSION_INT;
  const allowWrapped = options.acceptWrappedSignatures ?? true;
  const nonces = new NonceGuard(clock, { maxTimeoutMs, ...options.nonce });
  const gate = new PriorityGate(options.concurrency?.maxConcurrent ?? 32, options.concurrency?.maxQueue ?? 256);
  const limiter =
    options.rateLimit === false
      ? undefined
      : new RateLimiter(clock, options.rateLimit ?? { perSecond: 50, burst: 100 });
  const axonHotkey = options.signer.address;
  const axonUuid = randomUUID();
  const routes = new Map<string, Route>();
  routes.set(PING_SYNAPSE_NAME, { synapse: PING, handler: () => ({}) });

  const bl = options.blacklist;
  const lookup = typeof bl === 'object' ? bl : undefined;
  const priorityFn: PriorityFn =
    options.priority ?? (lookup ? (c) => Number(lookup.neurons(c.hotkey)?.stake ?? 0n) : () => 0);

  let server: Server | undefined;
  let draining = false;
  let inFlight = 0;
  let connections = 0;
  let served = 0;
  const rejected: Record<number, number> = {};
  const controllers = new Set<AbortController>();
  let onIdle: (() => void) | undefined;

  const finishOne = (): void => {
    inFlight--;
    if (inFlight === 0) onIdle?.();
  };

  /** Pre-verification filter: a pure metagraph check rejects without spending a verification. */
  function lookupDecision(hotkey: string): BlacklistDecision {
    if (!lookup) return { blocked: false };
    const n = lookup.neurons(hotkey);
    if (!n?.registered && !lookup.allowUnregistered) return { blocked: true, reason: 'Unrecognized hotkey' };
    if (lookup.minStake !== undefined && (n?.stake ?? 0n) < lookup.minStake) {
      return { blocked: true, reason: `Stake below ${lookup.minStake}` };
    }
    return { blocked: false };
  }

  async function blacklistDecision(caller: CallerInfo): Promise<BlacklistDecision> {
    if (typeof bl !== 'function') return { blocked: false };
    try {
      const d = await bl(caller);
      return d && typeof d.blocked === 'boolean' ? d : { blocked: true, reason: 'blacklist returned no decision' };
    } catch (err) {
      log.error({ event: 'axon.blacklist_failed', err, hotkey: caller.hotkey }, 'blacklist hook threw');
      return { blocked: true, reason: 'blacklist check failed' };
    }
  }

  async function priorityOf(caller: CallerInfo): Promise<number> {
    try {
      const p = await priorityFn(caller);
      return Number.isFinite(p) ? p : 0;
    } catch (err) {
      log.warn({ event: 'axon.priority_failed', err, hotkey: caller.hotkey }, 'priority hook threw');
      return 0;
    }
  }

  const internalError = (err: unknown): AxonReply => {
    const id = randomUUID();
    log.error({ event: 'axon.internal_error', err, id }, 'unhandled axon error');
    return {
      status: 500,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: `Internal Server Error #${id}` }),
    };
  };

  // in-memory requests (`app.request()`, tests); sockets skip hono for a leaner per-request path
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.onError((err) => toResponse(internalError(err)));
  app.all('*', async (c) => toResponse(await observed(fromHono(c))));

  /** `handle`, reporting each reply to `onResponse` (a no-op wrapper when nobody listens). */
  const observed = (req: AxonRequest): Promise<AxonReply> => {
    const observer = options.onResponse;
    if (!observer) return handle(req);
    const startMs = clock.now();
    return handle(req).then((reply) => {
      const name = decodeURIComponentSafe(req.path.split('/')[1] ?? '');
      observer({ synapse: routes.has(name) ? name : null, status: reply.status, durationMs: clock.now() - startMs });
      return reply;
    });
  };

  /** The socket path: node's request and response, no fetch-API objects in between. */
  const listener = (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    observed(fromNode(incoming, outgoing)).then(
      (reply) => sendReply(outgoing, reply),
      (err) => sendReply(outgoing, internalError(err)),
    );
  };

  async function handle(req: AxonRequest): Promise<AxonReply> {
    const startMs = clock.now();
    const rawHeaders = req.headers;
    const peerIp = req.peerIp;
    const peerPort = req.peerPort;
    const name = decodeURIComponentSafe(req.path.split('/')[1] ?? '');
    let parsed: ParsedHeaders | undefined;
    let dendrite: TerminalInfo = {};
    let axonInfo: TerminalInfo = {};
    let timeoutS: number | null = null;

    const errorResponse = (r: Reject): AxonReply => {
      rejected[r.status] = (rejected[r.status] ?? 0) + 1;
      const message = r.message;
      const headers = buildSynapseHeaders({
        name: route?.synapse.name ?? safeHeaderText(name, 64),
        timeoutS,
        axon: {
          ...axonInfo,
          status_code: r.status,
          status_message: message,
          process_time: (clock.now() - startMs) / 1000,
          version,
          nonce: BigInt(Math.round(clock.now())) * 1_000_000n,
          uuid: axonUuid,
          hotkey: axonInfo.hotkey ?? axonHotkey,
        },
        dendrite: { ...dendrite, signature: undefined, ip: peerIp, port: peerPort },
        inputObjHeaders: {},
        bodyHash:
          parsed?.computed_body_hash && /^[0-9a-f]{0,128}$/i.test(parsed.computed_body_hash)
            ? parsed.computed_body_hash
            : '',
      });
      headers['content-type'] = 'application/json';
      if (r.close || draining) headers.connection = 'close';
      log.debug({ event: 'axon.reject', status: r.status, synapse: name, hotkey: dendrite.hotkey }, message);
      return { status: r.status, headers, body: stringifyJsonBig({ message, ...r.extra }) };
    };

    let route: Route | undefined;
    if (draining) return errorResponse(new Reject(503, 'Service unavailable: axon is shutting down', {}, true));
    const method = req.method;
    if (method !== 'POST' && method !== 'GET') return errorResponse(new Reject(405, 'Method Not Allowed'));
    route = routes.get(name);
    if (!route) {
      const list = [...routes.keys()].map((k) => `'${k}'`).join(', ');
      return errorResponse(
        new Reject(404, `Synapse name '${name.slice(0, 64)}' not found. Available synapses [${list}]`),
      );
    }
    const synapse = route.synapse;

    inFlight++;
    const ac = new AbortController();
    controllers.add(ac);
    const done = new AbortController();
    let release: (() => void) | undefined;
    let offClientGone: (() => void) | undefined;
    let streaming = false;
    const cleanup = (): void => {
      done.abort(FINISHED);
      offClientGone?.();
      release?.();
      controllers.delete(ac);
      finishOne();
    };
    try {
      // -- headers
      try {
        parsed = parseHeadersToInputs(rawHeaders);
        dendrite = toTerminalInfo(parsed.dendrite, 'dendrite');
        axonInfo = toTerminalInfo(parsed.axon, 'axon');
        const t = parseFloatHeader(parsed.timeout, 'timeout');
        if (t !== undefined && !(t > 0)) throw new HeaderParseError('timeout must be positive');
        timeoutS = t ?? synapse.timeoutMs / 1000;
        parseIntHeader(parsed.header_size, 'header_size');
        parseIntHeader(parsed.total_size, 'total_size');
      } catch (err) {
        if (!(err instanceof HeaderParseError)) throw err;
        throw new Reject(
          400,
          `Improperly formatted request. Could not parse headers (${err.message}) into synapse of type ${synapse.name}.`,
        );
      }
      const timeoutMs = Math.min(timeoutS * 1000, maxTimeoutMs);
      const deadline = startMs + timeoutMs;
      const contentLength = Number(rawHeaders['content-length'] ?? 0);
      if (contentLength > maxBody) {
        throw new Reject(
          413,
          `Request body too large: ${contentLength} bytes exceeds the limit of ${maxBody} bytes`,
          {},
          true,
        );
      }

      // -- authentication (stricter than the SDK: a signature is required, nonces are windowed)
      const hotkey = dendrite.hotkey;
      if (!hotkey) {
        const anyBt = Object.keys(rawHeaders).some((k) => k.startsWith('bt_header_'));
        throw new Reject(
          401,
          anyBt
            ? 'Not Verified with error: No SS58 formatted address or public key provided.'
            : 'Not Verified with error: No SS58 formatted address or public key provided. (no bt_header_* headers arrived: a reverse proxy may drop underscore headers, e.g. nginx needs `underscores_in_headers on;`)',
        );
      }
      const pk = publicKeyOf(hotkey);
      if (!pk) throw new Reject(401, `Not Verified with error: Invalid SS58 address: ${hotkey.slice(0, 64)}`);
      const nonce = dendrite.nonce;
      if (nonce === undefined || nonce === null) throw new Reject(401, 'Not Verified with error: Missing Nonce');
      if (!dendrite.uuid) throw new Reject(401, 'Not Verified with error: Missing uuid');
      if (!dendrite.signature) throw new Reject(401, 'Not Verified with error: Missing signature');
      const pre = lookupDecision(hotkey);
      if (pre.blocked) throw new Reject(403, `Forbidden. Key is blacklisted: ${pre.reason}.`);
      const endpoint = `${hotkey}:${dendrite.uuid}`;
      // the `timeout` header is not signed: it may narrow the nonce window, never widen it past
      // the synapse's own timeout
      const windowMs = Math.min(timeoutMs, synapse.timeoutMs);
      const nc = nonces.check(endpoint, nonce, windowMs);
      if (!nc.ok) throw new Reject(401, `Not Verified with error: ${nc.message}`);
      const bodyHash = parsed.computed_body_hash ?? '';
      const message = signatureMessage({
        nonce,
        dendriteHotkey: hotkey,
        axonHotkey,
        uuid: dendrite.uuid,
        bodyHash,
      });
      if (!verifyText(message, dendrite.signature, pk, allowWrapped)) {
        throw new Reject(
          401,
          `Not Verified with error: Signature mismatch with ${message} and ${dendrite.signature.slice(0, 140)}`,
        );
      }
      // re-check: another request of this endpoint may have committed while we verified
      const again = nonces.check(endpoint, nonce, windowMs);
      if (!again.ok) throw new Reject(401, `Not Verified with error: ${again.message}`);
      nonces.commit(endpoint, nonce);

      // -- authorisation and scheduling
      const caller: CallerInfo = { hotkey, synapse: synapse.name, ip: peerIp };
      const decision = await blacklistDecision(caller);
      if (decision.blocked) throw new Reject(403, `Forbidden. Key is blacklisted: ${decision.reason ?? 'blocked'}.`);
      if (limiter && !limiter.take(hotkey)) throw new Reject(429, `Rate limit exceeded for ${hotkey}`);

      // server-side deadline; a body still arriving then cannot be resumed, so close the connection
      void clock.sleep(Math.max(0, deadline - clock.now()), done.signal).then(
        () => ac.abort(new Reject(408, `Response timeout after: ${timeoutS}s`, {}, true)),
        () => undefined,
      );
      const onClientGone = (): void => {
        if (!ac.signal.aborted) ac.abort(new Reject(499, 'Client closed the connection', {}, true));
      };
      offClientGone = req.onClientGone(onClientGone);

      try {
        release = await gate.acquire(await priorityOf(caller), ac.signal);
      } catch (err) {
        if (err instanceof AdmissionError && err.reason === 'aborted') throw abortReason(ac.signal);
        throw new Reject(
          503,
          err instanceof AdmissionError && err.reason === 'evicted'
            ? 'Service busy: request dropped for a higher-priority caller'
            : 'Service busy: request queue is full',
        );
      }

      // -- body
      const raw = await raceAbort(req.readBody(maxBody), ac.signal);
      let body: unknown;
      try {
        body = parseJsonBig(raw.toString('utf8'));
      } catch (err) {
        throw new Reject(422, 'Invalid JSON body', {
          detail: [{ type: 'json_invalid', loc: ['body'], msg: (err as Error).message.slice(0, 200) }],
        });
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new Reject(422, 'Invalid body: expected a JSON object', {
          detail: [{ type: 'model_type', loc: ['body'], msg: 'Input should be an object' }],
        });
      }
      const bodyObj = body as Record<string, unknown>;
      const reqIn: Record<string, unknown> = {};
      // Python sends None (null) for unset Optional fields: read it as absent
      for (const f of synapse.requestFields)
        if (Object.hasOwn(bodyObj, f) && bodyObj[f] !== null) reqIn[f] = bodyObj[f];
      const valid = synapse.request.safeParse(reqIn);
      if (!valid.success) {
        const issues = valid.error.issues.slice(0, 20);
        const first = issues[0];
        const where = first ? first.path.map(String).join('.') || '(root)' : '(root)';
        throw new Reject(422, `Invalid request body: ${where}: ${first?.message ?? 'invalid'}`, {
          detail: issues.map((i) => ({ type: i.code, loc: ['body', ...i.path.map(String)], msg: i.message })),
        });
      }
      const request = valid.data as Record<string, unknown>;
      const hashValues: Record<string, unknown> = { ...bodyObj, ...request };
      if (synapseBodyHash(synapse, hashValues) !== bodyHash) {
        throw new Reject(400, 'Body hash mismatch: the body does not match the signed computed_body_hash');
      }

      // -- forward
      const ctx: HandlerContext = { callerHotkey: hotkey, signal: ac.signal, synapse: synapse.name, deadline };
      const result = await raceAbort(Promise.resolve(route.handler(request, ctx)), ac.signal);
      const respAxon: TerminalInfo = {
        ...axonInfo,
        status_code: 200,
        status_message: 'Success',
        process_time: (clock.now() - startMs) / 1000,
      };
      const headers = buildSynapseHeaders({
        name: synapse.name,
        timeoutS,
        axon: respAxon,
        dendrite,
        inputObjHeaders: synapse.inputObjHeaders,
        bodyHash,
      });
      if (synapse.streaming) {
        if (!isAsyncIterable(result))
          throw new Error(`handler of streaming synapse ${synapse.name} returned no AsyncIterable`);
        headers['content-type'] = 'text/event-stream';
        streaming = true;
        served++;
        return {
          status: 200,
          headers,
          body: streamBody(result, ac, () => cleanup(), log, synapse.name, synapse.streaming === 'ndjson'),
        };
      }
      const out = synapse.response.safeParse(result);
      if (!out.success) {
        throw new SubnetkitError(
          'SK_PROTOCOL_BAD_RESPONSE',
          `handler of ${synapse.name} returned an invalid response`,
          {
            issues: out.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
          },
        );
      }
      const response = out.data as Record<string, unknown>;
      const fields: Record<string, unknown> = {};
      for (const f of synapse.requestFields) fields[f] = bodyObj[f] ?? null;
      for (const f of synapse.responseFields) fields[f] = response[f] ?? null;
      headers['content-type'] = 'application/json';
      if (draining) headers.connection = 'close';
      served++;
      return { status: 200, headers, body: synapseBodyJson(synapse.name, timeoutS, dendrite, respAxon, fields) };
    } catch (err) {
      if (err instanceof Reject) return errorResponse(err);
      if (isSubnetkitError(err) && typeof err.details.httpStatus === 'number') {
        const s = err.details.httpStatus;
        if (s >= 400 && s <= 599) return errorResponse(new Reject(s, err.message));
      }
      const id = randomUUID();
      log.error({ event: 'axon.forward_failed', err, id, synapse: synapse.name }, 'forward failed');
      return errorResponse(new Reject(500, `Internal Server Error #${id}`));
    } finally {
      if (!streaming) cleanup();
    }
  }

  const axon: Axon = {
    app,
    hotkey: axonHotkey,
    attach(synapse, handler) {
      if (server) throw new SubnetkitError('SK_PROTOCOL_AXON_STATE', 'attach() must be called before listen()');
      if (routes.has(synapse.name)) {
        throw new SubnetkitError('SK_PROTOCOL_AXON_STATE', `synapse ${synapse.name} is already attached`, {
          synapse: synapse.name,
        });
      }
      routes.set(synapse.name, { synapse, handler: handler as Route['handler'] });
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
          for (const ac of controllers)
            ac.abort(new Reject(503, 'Service unavailable: axon is shutting down', {}, true));
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
        rateLimitEntries: limiter?.size ?? 0,
        served,
        rejected: { ...rejected },
      };
    },
  };
  return axon;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function abortReason(signal: AbortSignal): Reject {
  const r: unknown = signal.reason;
  return r instanceof Reject ? r : new Reject(503, 'Service unavailable: request aborted', {}, true);
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

const PLAIN_PATH = /^\/[A-Za-z0-9_]*$/;

/** Path of a request target; only unusual targets (query, escapes, dot segments) pay for a URL parse. */
function pathOf(target: string): string {
  if (PLAIN_PATH.test(target)) return target;
  try {
    return new URL(target, 'http://axon').pathname;
  } catch {
    return '/';
  }
}

function fromNode(incoming: IncomingMessage, outgoing: ServerResponse): AxonRequest {
  return {
    method: incoming.method ?? 'GET',
    path: pathOf(incoming.url ?? '/'),
    headers: incoming.headers,
    peerIp: incoming.socket.remoteAddress ?? '127.0.0.1',
    peerPort: incoming.socket.remotePort ?? null,
    readBody: (limit) => readNodeBody(incoming, limit),
    onClientGone(fn) {
      outgoing.once('close', fn);
      return () => outgoing.off('close', fn);
    },
  };
}

function fromHono(c: Context<{ Bindings: HttpBindings }>): AxonRequest {
  const incoming = c.env?.incoming as IncomingMessage | undefined;
  const outgoing = c.env?.outgoing as ServerResponse | undefined;
  return {
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    headers: incoming ? incoming.headers : Object.fromEntries(c.req.raw.headers.entries()),
    peerIp: incoming?.socket?.remoteAddress ?? '127.0.0.1',
    peerPort: incoming?.socket?.remotePort ?? null,
    readBody: (limit) =>
      incoming
        ? readNodeBody(incoming, limit)
        : c.req.raw.arrayBuffer().then((ab) => {
            if (ab.byteLength > limit)
              throw new Reject(413, `Request body too large: exceeds the limit of ${limit} bytes`, {}, true);
            return Buffer.from(ab);
          }),
    onClientGone(fn) {
      outgoing?.once('close', fn);
      return () => outgoing?.off('close', fn);
    },
  };
}

function toResponse(reply: AxonReply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

/** Writes a reply: status, headers and a string body in one write; streams with backpressure. */
function sendReply(res: ServerResponse, reply: AxonReply): void {
  if (res.headersSent || res.destroyed) return;
  if (typeof reply.body === 'string') {
    reply.headers['content-length'] = String(Buffer.byteLength(reply.body));
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
    return;
  }
  res.writeHead(reply.status, reply.headers);
  // headers go out now: a streaming client sees the status before the first chunk
  res.flushHeaders();
  pipeToResponse(reply.body, res);
}

/** Pull-based copy of a web stream to a node response; a client that leaves cancels the stream. */
function pipeToResponse(stream: ReadableStream<Uint8Array>, res: ServerResponse): void {
  const reader = stream.getReader();
  let gone = false;
  const onClose = (): void => {
    gone = true;
    void reader.cancel().catch(() => undefined);
  };
  res.once('close', onClose);
  const drained = (): Promise<void> =>
    new Promise((resolve) => {
      const go = (): void => {
        res.off('drain', go);
        res.off('close', go);
        resolve();
      };
      res.on('drain', go);
      res.on('close', go);
    });
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || gone) break;
        if (!res.write(value)) await drained();
      }
      res.off('close', onClose);
      if (!gone) res.end();
    } catch {
      // the handler failed mid-stream: the status is already sent, so cut the response short
      res.off('close', onClose);
      res.destroy();
    }
  })();
}

/** Reads a node request body with a byte limit. */
function readNodeBody(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (): void => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        finish();
        incoming.pause();
        reject(new Reject(413, `Request body too large: exceeds the limit of ${limit} bytes`, {}, true));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      finish();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (): void => {
      finish();
      reject(new Reject(400, 'Request body could not be read', {}, true));
    };
    const onClose = (): void => {
      if (incoming.complete) return;
      finish();
      reject(new Reject(400, 'Client closed the connection before the body was complete', {}, true));
    };
    if (incoming.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return (
    v !== null && typeof v === 'object' && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

const encoder = new TextEncoder();
/** Abort reason when a request ends normally: a constant, since a default DOMException per request costs a stack capture. */
const FINISHED = Symbol('request finished');

/** Pull-based body: the handler's iterator advances only as fast as the socket drains. */
function streamBody(
  source: AsyncIterable<unknown>,
  ac: AbortController,
  onDone: () => void,
  log: Logger,
  name: string,
  /** ndjson frames every chunk, strings included, as one JSON value per line. */
  ndjson: boolean,
): ReadableStream<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  let finished = false;
  const end = (): void => {
    if (finished) return;
    finished = true;
    onDone();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await raceAbort(it.next(), ac.signal);
          if (next.done) {
            controller.close();
            end();
            return;
          }
          const v = next.value;
          if (v instanceof Uint8Array) controller.enqueue(v);
          else if (typeof v === 'string' && !ndjson) controller.enqueue(encoder.encode(v));
          else controller.enqueue(encoder.encode(`${stringifyJsonBig(v)}\n`));
        } catch (err) {
          const reason = err instanceof Reject ? err.message : 'stream failed';
          if (!(err instanceof Reject))
            log.error({ event: 'axon.stream_failed', err, synapse: name }, 'stream handler threw');
          else log.debug({ event: 'axon.stream_aborted', synapse: name }, reason);
          void it.return?.()?.catch?.(() => undefined);
          controller.error(new Error(reason));
          end();
        }
      },
      cancel() {
        // the client went away: stop the generator and tell the handler
        if (!ac.signal.aborted) ac.abort(new Reject(499, 'Client closed the connection', {}, true));
        void Promise.resolve(it.return?.()).catch(() => undefined);
        end();
      },
    },
    { highWaterMark: 1 },
  );
}

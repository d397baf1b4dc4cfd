import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { Dispatcher } from 'undici';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { Signer } from '../util/signer.js';
import { undici } from '../util/undici.js';
import { RequestTemplate } from './dendrite/request-template.js';
import { CallAbort, type Exchange, exchange, Origins } from './dendrite/transport.js';
import { buildSynapseHeaders, synapseBodyJson, type TerminalInfo } from './headers.js';
import { dendriteUrl } from './ip.js';
import { parseJsonBig, stringifyJsonBig } from './json-bigint.js';
import { SessionClient } from './session/session-client.js';
import { SESSION_ADVERTISE_HEADER } from './session/session-crypto.js';
import { SDK_VERSION_INT, signatureMessage } from './signing.js';
import { type Synapse, type SynapseRequest, type SynapseResponse, synapseBodyHash } from './synapse.js';

/** Where an axon is served, as the metagraph lists it. */
export interface AxonTarget {
  readonly ip: string;
  readonly port: number;
  readonly hotkey: string;
}

/** Dendrite settings; only `signer` is required. */
export interface DendriteOptions {
  /** The validator's hotkey. */
  readonly signer: Signer;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Version int sent as `bt_header_dendrite_version` (some subnets blacklist on it). */
  readonly version?: number;
  /** Sent as `bt_header_dendrite_ip` (the axon overwrites it with the TCP peer). */
  readonly externalIp?: string;
  /** This dendrite's uuid; default a random one. */
  readonly uuid?: string;
  /** Default fan-out concurrency. Default 64. */
  readonly maxConcurrency?: number;
  /** Keep-alive connections per axon. Default 4. */
  readonly connectionsPerAxon?: number;
  readonly keepAliveTimeoutMs?: number;
  /** Largest response body read, bytes. Default 8 MiB. */
  readonly maxResponseBytes?: number;
  /**
   * Custom undici dispatcher for every axon (the dendrite then does not own or close it). By
   * default the dendrite keeps one undici Client (Pool when `connectionsPerAxon` > 1) per axon.
   */
  readonly dispatcher?: Dispatcher;
  /**
   * Prepare signature nonces ahead of time when the signer supports it (a wallet `Keypair`):
   * a fan-out then signs each target with a hash instead of a curve multiplication. Default true.
   */
  readonly presign?: boolean;
  /**
   * Session mode with axons that advertise it (Subnetkit axons): after a first signed call, one
   * handshake per axon, then an HMAC per request instead of an sr25519 signature. A refused
   * session falls back to a signed resend. Default false.
   */
  readonly session?: boolean;
}

/** A signer that can hand out a nonce-prepared signer for itself (`Keypair.presignedSigner`). */
interface PresignCapable {
  presignedSigner(options: { poolSize: number }): Signer & {
    refill(): void;
    whenFull(): Promise<void>;
    close(): Promise<void>;
  };
}

/** Per-call options. */
export interface QueryOptions {
  /** Total time (connect, send, wait, read). Default the synapse's timeout. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Outcome of one axon call; failures carry the SDK's status codes and never throw. */
export interface QueryResult<R> {
  readonly axon: AxonTarget;
  readonly ok: boolean;
  /** 200 on success; 408 timeout, 503 unreachable, 422 unparsable, 499 cancelled, or the axon's code. */
  readonly status: number;
  readonly message: string;
  /** Wall time of the call. */
  readonly latencyMs: number;
  /** The axon's own `process_time`, seconds, when it sent one. */
  readonly processTimeS?: number;
  /** The validated response (only when `ok`). */
  readonly response?: R;
}

/** A streaming call: chunks when the axon accepted it, else the failure. */
export type StreamResult<C> =
  | (Omit<QueryResult<never>, 'response' | 'ok'> & { readonly ok: true; readonly chunks: AsyncIterable<C> })
  | (Omit<QueryResult<never>, 'response' | 'ok'> & { readonly ok: false });

const TIMEOUT = Symbol('timeout');
/** How an axon's 401 for a session starts (`axonSessionAuth`). */
const SESSION_REFUSED = 'Not Verified with error: Session ';
const CANCELLED = Symbol('cancelled');

interface Prepared {
  readonly started: number;
  /** `http://host:port` of the axon. */
  readonly origin: string;
  /** `/SynapseName`. */
  readonly path: string;
  /** Authenticated by a session MAC (else signed). */
  readonly session: boolean;
  /** The validated request and its body hash when known: a refused session's resend is prepared again from them. */
  readonly values: Record<string, unknown>;
  readonly bodyHash: string | undefined;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly timeoutS: number;
  /** The axon's entry whose uuid slot this call holds (`#releaseUuid`), none for a lean call. */
  readonly at: OriginEntry | undefined;
  /** That uuid slot (fields, not a release closure per call). */
  readonly uuidSlot: number;
}

/**
 * The validator's client: signs SDK-format requests, queries one axon or fans out to many over a
 * keep-alive pool, and maps every failure to a status instead of throwing.
 *
 * @example
 * const dendrite = new Dendrite({ signer });
 * const results = await dendrite.fanOut(axons, TextSynapse, { prompt: 'hi' }, { timeoutMs: 5_000 });
 */
export class Dendrite {
  readonly #signer: Signer;
  /** Signs requests: the nonce-prepared signer when the key offers one, else `#signer`. */
  readonly #requestSigner: Signer;
  readonly #refill: () => void;
  /**
   * The signature message's bytes, encoded in place for the nonce-prepared signer (this module's
   * own, which keeps nothing of its input): a plain Uint8Array keeps the transcript's byte loop
   * monomorphic, where a Buffer per target costs it ~2 us a signature. Undefined for other signers.
   */
  readonly #messageBytes: Uint8Array | undefined;
  readonly #closeSigner: () => Promise<void>;
  readonly #whenPrepared: () => Promise<void>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #version: number;
  readonly #ip: string;
  readonly #uuids: string[];
  readonly #concurrency: number;
  readonly #maxResponse: number;
  /** Keep-alive clients per axon origin (or the caller's dispatcher). */
  readonly #origins: Origins;
  #lastNonce = 0n;
  #refillQueued = false;
  #closed = false;
  /**
   * `http://host:port` and the uuid slots in flight per axon `ip|port` (parsing the address is a
   * visible part of a fan-out; the slots live here so a call costs no map update of its own).
   */
  readonly #originOf = new Map<string, OriginEntry>();
  /** One timer for every call in flight (a fan-out's calls would otherwise arm and abort 256). */
  readonly #deadlines: Deadlines;
  readonly #session: SessionClient | undefined;

  constructor(options: DendriteOptions) {
    this.#signer = options.signer;
    this.#clock = options.clock ?? systemClock;
    this.#deadlines = new Deadlines(this.#clock);
    this.#log = options.logger ?? pino({ level: 'silent' });
    this.#version = options.version ?? SDK_VERSION_INT;
    this.#ip = options.externalIp ?? '0.0.0.0';
    this.#uuids = [options.uuid ?? randomUUID()];
    this.#concurrency = Math.max(1, options.maxConcurrency ?? 64);
    const capable = options.signer as Partial<PresignCapable>;
    if (options.presign !== false && typeof capable.presignedSigner === 'function') {
      const fast = capable.presignedSigner.call(options.signer, { poolSize: this.#concurrency });
      this.#requestSigner = fast;
      this.#messageBytes = new Uint8Array(1024);
      this.#refill = () => fast.refill();
      this.#closeSigner = () => fast.close();
      this.#whenPrepared = () => fast.whenFull();
      // no worker until the first query: a dendrite that never sends costs nothing
    } else {
      this.#requestSigner = options.signer;
      this.#messageBytes = undefined;
      this.#refill = () => undefined;
      this.#closeSigner = async () => undefined;
      this.#whenPrepared = async () => undefined;
    }
    this.#maxResponse = options.maxResponseBytes ?? 8 * 1024 * 1024;
    this.#origins = new Origins({
      connections: Math.max(1, options.connectionsPerAxon ?? 4),
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 30_000,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    this.#session = options.session
      ? new SessionClient(
          options.signer,
          this.#clock,
          (origin) => this.#origins.for(origin),
          () => this.#nextNonce(),
        )
      : undefined;
  }

  /**
   * Opens a session with `axon` now (session mode only); false when it is off or the axon
   * refuses. Calls otherwise open sessions on their own once an axon advertises the mode.
   */
  openSession(axon: AxonTarget): Promise<boolean> {
    if (!this.#session) return Promise.resolve(false);
    return this.#session.open(this.#originEntry(axon).origin, axon.hotkey);
  }

  /**
   * Opens a keep-alive connection to each axon that has none, so the next fan-out to them skips
   * the TCP handshakes (an honest head start: a validator's next round goes to the same axons).
   * Resolves with the number of connections opened; unreachable axons are left for the calls to
   * report. A connection not used within `keepAliveTimeoutMs` is closed. No-op with a custom
   * `dispatcher`.
   */
  warm(axons: readonly AxonTarget[]): Promise<number> {
    return this.#origins.warm(axons.map((a) => this.#originEntry(a).origin));
  }

  /** The signing hotkey. */
  get hotkey(): string {
    return this.#signer.address;
  }

  /** This dendrite's primary uuid (extra uuids are used only for concurrent calls to one axon). */
  get uuid(): string {
    return this.#uuids[0] as string;
  }

  /** Queries one axon. */
  async query<S extends Synapse>(
    axon: AxonTarget,
    synapse: S,
    request: SynapseRequest<S>,
    options: QueryOptions = {},
  ): Promise<QueryResult<SynapseResponse<S>>> {
    const values = this.#validateRequest(synapse, request);
    try {
      return await this.#call(axon, synapse, this.#prepare(axon, synapse, values, options), options);
    } finally {
      this.#refillLater();
    }
  }

  /** Refills the prepared nonces after the caller has its results (asking the worker costs ms). */
  #refillLater(): void {
    if (this.#refillQueued) return;
    this.#refillQueued = true;
    setImmediate(() => {
      this.#refillQueued = false;
      // a closed dendrite's signer must not start a new nonce worker
      if (!this.#closed) this.#refill();
    });
  }

  /**
   * Queries many axons with bounded concurrency; results come back in `axons` order.
   * `request` may be one value for all or a function of the axon.
   */
  async fanOut<S extends Synapse>(
    axons: readonly AxonTarget[],
    synapse: S,
    request: SynapseRequest<S> | ((axon: AxonTarget, index: number) => SynapseRequest<S>),
    options: QueryOptions & { readonly concurrency?: number } = {},
  ): Promise<QueryResult<SynapseResponse<S>>[]> {
    const pick =
      typeof request === 'function'
        ? (request as (a: AxonTarget, i: number) => SynapseRequest<S>)
        : () => request as SynapseRequest<S>;
    const shared = typeof request === 'function' ? undefined : this.#validateRequest(synapse, request);
    const valuesFor = axons.map((a, i) => shared ?? this.#validateRequest(synapse, pick(a, i)));
    // one body hash, and one rendering of the shared headers and body, when every target gets the
    // same request: each target then only fills in its axon, nonce, uuid and signature
    const sharedHash = shared ? synapseBodyHash(synapse, shared) : undefined;
    const templates = shared && sharedHash ? this.#templates(synapse, shared, options, sharedHash) : undefined;
    // lean session requests to many axons carry the same body: rendered once, on first use
    let leanText: string | undefined;
    const leanBody = shared ? () => (leanText ??= leanBodyJson(synapse, shared)) : undefined;
    const prepare = (i: number): Prepared =>
      this.#prepare(
        axons[i] as AxonTarget,
        synapse,
        valuesFor[i] as Record<string, unknown>,
        options,
        sharedHash,
        templates,
        leanBody,
      );
    const results = new Array<QueryResult<SynapseResponse<S>>>(axons.length);
    const n = Math.min(axons.length, options.concurrency ?? this.#concurrency);
    let next = n;
    const worker = async (i0: number): Promise<void> => {
      results[i0] = await this.#call(axons[i0] as AxonTarget, synapse, prepare(i0), options);
      for (;;) {
        const i = next++;
        if (i >= axons.length) return;
        results[i] = await this.#call(axons[i] as AxonTarget, synapse, prepare(i), options);
      }
    };
    // each call of the first wave is written to its socket as soon as it is signed (a call runs
    // synchronously up to the write): the axons start on the first requests while this thread
    // signs the rest, which on two cores beats building all of them before sending any
    const wave: Promise<void>[] = [];
    try {
      for (let i = 0; i < n; i++) wave.push(worker(i));
      await Promise.all(wave);
    } finally {
      this.#refillLater();
    }
    return results;
  }

  /**
   * Queries a streaming synapse. On success `chunks` yields text pieces (format `text`) or parsed
   * values (format `ndjson`) as they arrive; breaking out of the loop cancels the call.
   */
  async stream<S extends Synapse>(
    axon: AxonTarget,
    synapse: S,
    request: SynapseRequest<S>,
    options: QueryOptions = {},
  ): Promise<StreamResult<unknown>> {
    const values = this.#validateRequest(synapse, request);
    const prep = this.#prepare(axon, synapse, values, options);
    const started = prep.started;
    const abort = new CallAbort();
    const onUser = this.#armDeadline(abort, prep.timeoutS, options.signal);
    // undici's request() (a body stream to hand out) takes a signal
    const ac = new AbortController();
    abort.onAbort((reason) => ac.abort(reason));
    const finish = (): void => {
      this.#disarmDeadline(abort, options.signal, onUser);
      releaseUuid(prep.at, prep.uuidSlot);
    };
    let res: Dispatcher.ResponseData;
    try {
      res = await this.#postStreaming(prep, ac.signal);
    } catch (err) {
      finish();
      return {
        axon,
        ok: false,
        ...this.#mapError(err, ac.signal, axon, synapse, prep.timeoutS),
        latencyMs: this.#clock.now() - started,
      };
    }
    const latencyMs = this.#clock.now() - started;
    const headerStatus = axonStatus(res.headers);
    if (res.statusCode !== 200 || (headerStatus !== undefined && headerStatus.code !== 200)) {
      let r: { status: number; message: string; processTimeS?: number };
      try {
        const text = await readLimited(res.body, FAILURE_BODY_LIMIT);
        r = readFailure({ statusCode: res.statusCode, headers: res.headers, body: Buffer.from(text) });
      } catch (err) {
        r = this.#mapError(err, ac.signal, axon, synapse, prep.timeoutS);
      }
      finish();
      // a refused session is forgotten: the next call goes out signed
      if (prep.session && r.status === 401 && r.message.startsWith(SESSION_REFUSED)) {
        this.#session?.drop(prep.origin, axon.hotkey);
      }
      return { axon, ok: false, ...r, latencyMs };
    }
    const format = synapse.streaming ?? 'text';
    const body = res.body;
    const signal = ac.signal;
    async function* chunks(): AsyncGenerator<unknown> {
      const decoder = new TextDecoder();
      let pending = '';
      try {
        for await (const buf of body) {
          const text = decoder.decode(buf as Uint8Array, { stream: true });
          if (format === 'text') {
            if (text.length > 0) yield text;
            continue;
          }
          pending += text;
          let nl = pending.indexOf('\n');
          while (nl >= 0) {
            const line = pending.slice(0, nl);
            pending = pending.slice(nl + 1);
            if (line.trim().length > 0) yield parseChunk(line);
            nl = pending.indexOf('\n');
          }
        }
        const rest = decoder.decode() + pending;
        if (format === 'text' && rest.length > 0) yield rest;
        if (format === 'ndjson' && rest.trim().length > 0) yield parseChunk(rest);
      } catch (err) {
        if (signal.aborted && signal.reason === TIMEOUT) {
          throw new SubnetkitError(
            'SK_PROTOCOL_TIMEOUT',
            `stream from ${axon.ip}:${axon.port} timed out after ${prep.timeoutS} s`,
            {
              axon: axon.hotkey,
            },
          );
        }
        if (err instanceof SubnetkitError) throw err;
        throw new SubnetkitError(
          'SK_PROTOCOL_UNREACHABLE',
          `stream from ${axon.ip}:${axon.port} broke off`,
          { axon: axon.hotkey },
          { cause: err },
        );
      } finally {
        body.destroy();
        finish();
      }
    }
    return {
      axon,
      ok: true,
      status: 200,
      message: 'Success',
      latencyMs,
      ...(headerStatus?.processTime !== undefined ? { processTimeS: headerStatus.processTime } : {}),
      chunks: chunks(),
    };
  }

  /**
   * Resolves once a full fan-out's signature nonces are prepared (at once when the signer has no
   * prepared-nonce mode). A validator may await it at start-up; later fan-outs refill on their own.
   */
  prepared(): Promise<void> {
    return this.#whenPrepared();
  }

  /** Closes the keep-alive clients and stops the nonce worker. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#closeSigner();
    await this.#origins.close();
  }

  /** Sends a prepared synapse and hands out its answer as a stream. */
  #postStreaming(prep: Prepared, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    return undici().request(prep.origin + prep.path, {
      dispatcher: this.#origins.for(prep.origin),
      method: 'POST',
      headers: prep.headers,
      body: prep.body,
      signal,
    });
  }

  /** Sends a prepared synapse and reads its answer whole (a failure's body to 64 KiB). */
  #post(prep: Prepared, abort: CallAbort): Promise<Exchange> {
    return exchange(
      this.#origins.for(prep.origin),
      { origin: prep.origin, path: prep.path, headers: prep.headers, body: prep.body },
      (code, headers) => (code === 200 && isAxonOk(headers) ? this.#maxResponse : FAILURE_BODY_LIMIT),
      abort,
    );
  }

  #validateRequest(synapse: Synapse, request: unknown): Record<string, unknown> {
    const r = synapse.request.safeParse(request);
    if (!r.success) {
      const i = r.error.issues[0];
      throw new SubnetkitError(
        'SK_PROTOCOL_BAD_REQUEST',
        `request for ${synapse.name} does not match its schema: ${i ? `${i.path.join('.') || '(root)'}: ${i.message}` : ''}`,
        { synapse: synapse.name },
      );
    }
    return r.data as Record<string, unknown>;
  }

  #nextNonce(): bigint {
    const now = BigInt(Math.round(this.#clock.now())) * 1_000_000n;
    this.#lastNonce = now > this.#lastNonce ? now : this.#lastNonce + 1n;
    return this.#lastNonce;
  }

  /** A uuid slot not in flight to this axon, so per-(hotkey, uuid) nonces arrive in order (`#uuids[slot]`). */
  #acquireUuid(at: OriginEntry): number {
    const low = at.busy;
    let i: number;
    if (low !== LOW_SLOTS_FULL) {
      // the lowest clear bit
      i = 31 - Math.clz32(~low & (low + 1));
      at.busy = low | (1 << i);
    } else {
      at.busyHigh ??= new Set();
      i = LOW_SLOTS;
      while (at.busyHigh.has(i)) i++;
      at.busyHigh.add(i);
    }
    while (this.#uuids.length <= i) this.#uuids.push(randomUUID());
    return i;
  }

  /** Request templates of one fan-out's shared request, signed and session, each built on first use. */
  #templates(
    synapse: Synapse,
    values: Record<string, unknown>,
    options: QueryOptions,
    bodyHash: string,
  ): (signed: boolean) => RequestTemplate | undefined {
    const built = new Map<boolean, RequestTemplate | undefined>();
    return (signed) => {
      if (built.has(signed)) return built.get(signed);
      const t = RequestTemplate.of({
        name: synapse.name,
        timeoutS: (options.timeoutMs ?? synapse.timeoutMs) / 1000,
        dendriteIp: this.#ip,
        version: this.#version,
        dendriteHotkey: this.#signer.address,
        inputObjHeaders: synapse.inputObjHeaders,
        bodyHash,
        fields: requestBodyFields(synapse, values),
        signed,
        extraHeaders: CONTENT_TYPE_JSON,
      });
      built.set(signed, t);
      return t;
    };
  }

  #prepare(
    axon: AxonTarget,
    synapse: Synapse,
    values: Record<string, unknown>,
    options: QueryOptions,
    bodyHashOfValues?: string,
    templates?: (signed: boolean) => RequestTemplate | undefined,
    leanBodyOfValues?: () => string,
  ): Prepared {
    const started = this.#clock.now();
    const timeoutS = (options.timeoutMs ?? synapse.timeoutMs) / 1000;
    const at = this.#originEntry(axon);
    const origin = at.origin;
    const path = `/${synapse.name}`;
    if (this.#session?.takesLean(origin, axon.hotkey)) {
      // no nonce, uuid, body hash or SDK headers: the MAC covers the counter, both hotkeys, the
      // synapse, the timeout and the raw body (docs/protocol-session.md)
      const lean = this.#session.leanRequest(origin, {
        axonHotkey: axon.hotkey,
        synapse: synapse.name,
        body: leanBodyOfValues?.() ?? leanBodyJson(synapse, values),
        ...(options.timeoutMs !== undefined ? { timeoutS } : {}),
      });
      if (lean) {
        return {
          started,
          origin,
          path,
          session: true,
          values,
          bodyHash: bodyHashOfValues,
          headers: lean.headers,
          body: lean.body,
          timeoutS,
          at: undefined,
          uuidSlot: -1,
        };
      }
    }
    const uuidSlot = this.#acquireUuid(at);
    const uuid = this.#uuids[uuidSlot] as string;
    const nonce = this.#nextNonce();
    const bodyHash = bodyHashOfValues ?? synapseBodyHash(synapse, values);
    const sessionHeaders = this.#session?.headersFor(origin, { nonce, axonHotkey: axon.hotkey, uuid, bodyHash });
    // a session's MAC replaces the signature (the costly part of a request)
    const signature = sessionHeaders
      ? undefined
      : signHex(
          this.#requestSigner,
          signatureMessage({ nonce, dendriteHotkey: this.#signer.address, axonHotkey: axon.hotkey, uuid, bodyHash }),
          this.#messageBytes,
        );
    const template = templates?.(signature !== undefined);
    let headers: Record<string, string>;
    let body: string;
    if (template) {
      const target = { ip: axon.ip, port: axon.port, hotkey: axon.hotkey, nonce, uuid, signature };
      headers = template.headers(target);
      body = template.body(target);
    } else {
      const dendrite: TerminalInfo = {
        ip: this.#ip,
        version: this.#version,
        nonce,
        uuid,
        hotkey: this.#signer.address,
        signature,
      };
      const axonInfo: TerminalInfo = { ip: axon.ip, port: axon.port, hotkey: axon.hotkey };
      headers = buildSynapseHeaders({
        name: synapse.name,
        timeoutS,
        axon: axonInfo,
        dendrite,
        inputObjHeaders: synapse.inputObjHeaders,
        bodyHash,
      });
      body = synapseBodyJson(synapse.name, timeoutS, dendrite, axonInfo, requestBodyFields(synapse, values));
    }
    // a template's headers carry it already
    if (!template) headers['content-type'] = 'application/json';
    if (sessionHeaders) Object.assign(headers, sessionHeaders);
    return {
      started,
      origin,
      path,
      session: sessionHeaders !== undefined,
      values,
      bodyHash,
      headers,
      body,
      timeoutS,
      at,
      uuidSlot,
    };
  }

  /** The axon's `http://host:port` and uuid slots; the nonce order and the keep-alive clients are per origin. */
  #originEntry(axon: AxonTarget): OriginEntry {
    const key = `${axon.ip}|${axon.port}`;
    let entry = this.#originOf.get(key);
    if (entry === undefined) {
      // bracketed IPv6, unlike the SDK (its URL for an IPv6 axon is invalid, protocol.md §16.10)
      const url = dendriteUrl(axon, 'x', { bracketIpv6: true });
      entry = { origin: url.slice(0, -2), busy: 0, busyHigh: undefined };
      // a metagraph's worth; a churning one starts over rather than growing without bound, but
      // keeps the entries with calls in flight (their uuids must not be handed out again)
      if (this.#originOf.size >= 65_536) {
        for (const [k, e] of this.#originOf) if (e.busy === 0 && !e.busyHigh) this.#originOf.delete(k);
      }
      this.#originOf.set(key, entry);
    }
    return entry;
  }

  /**
   * Aborts `abort` at the call's deadline (TIMEOUT) or on the caller's signal (CANCELLED); returns
   * the signal's listener for `#disarmDeadline`. The shared timer holds the CallAbort itself: no
   * AbortController, timer or closure per call when there is no caller's signal.
   */
  #armDeadline(abort: CallAbort, timeoutS: number, user: AbortSignal | undefined): (() => void) | undefined {
    this.#deadlines.add(this.#clock.now() + timeoutS * 1000, abort);
    if (!user) return undefined;
    if (user.aborted) {
      abort.abort(CANCELLED);
      return undefined;
    }
    const onUser = (): void => abort.abort(CANCELLED);
    user.addEventListener('abort', onUser, { once: true });
    return onUser;
  }

  #disarmDeadline(abort: CallAbort, user: AbortSignal | undefined, onUser: (() => void) | undefined): void {
    this.#deadlines.cancel(abort);
    if (user && onUser) user.removeEventListener('abort', onUser);
  }

  /** A call's result, logged at debug level. */
  #result<R>(
    axon: AxonTarget,
    synapse: Synapse,
    started: number,
    ok: boolean,
    status: number,
    message: string,
    processTimeS?: number,
    response?: R,
  ): QueryResult<R> {
    // one object of one shape per answer, without spreads of temporary ones
    const result: { -readonly [K in keyof QueryResult<R>]: QueryResult<R>[K] } = {
      axon,
      ok,
      status,
      message,
      latencyMs: this.#clock.now() - started,
    };
    if (processTimeS !== undefined) result.processTimeS = processTimeS;
    if (response !== undefined) result.response = response;
    // a silent logger still costs the record's object per target otherwise
    if (this.#log.isLevelEnabled('debug')) {
      this.#log.debug(
        { event: 'dendrite.result', synapse: synapse.name, axon: axon.hotkey, status, latencyMs: result.latencyMs },
        message,
      );
    }
    return result;
  }

  async #call<S extends Synapse>(
    axon: AxonTarget,
    synapse: S,
    prep: Prepared,
    options: QueryOptions,
  ): Promise<QueryResult<SynapseResponse<S>>> {
    type R = SynapseResponse<S>;
    const started = prep.started;
    const abort = new CallAbort();
    const onUser = this.#armDeadline(abort, prep.timeoutS, options.signal);
    try {
      let res: Exchange;
      try {
        res = await this.#post(prep, abort);
      } catch (err) {
        const e = this.#mapError(err, abort, axon, synapse, prep.timeoutS);
        return this.#result<R>(axon, synapse, started, false, e.status, e.message);
      }
      const headerStatus = axonStatus(res.headers);
      if (res.statusCode !== 200 || (headerStatus !== undefined && headerStatus.code !== 200)) {
        const failure = readFailure(res);
        if (prep.session && failure.status === 401 && failure.message.startsWith(SESSION_REFUSED)) {
          // expired, evicted or unknown after an axon restart: forget it and resend signed
          this.#session?.drop(prep.origin, axon.hotkey);
          // this call's timer and uuid are released by the `finally` below
          return this.#call(axon, synapse, this.#prepare(axon, synapse, prep.values, options, prep.bodyHash), options);
        }
        return this.#result<R>(axon, synapse, started, false, failure.status, failure.message, failure.processTimeS);
      }
      if (this.#session && !prep.session && res.headers[SESSION_ADVERTISE_HEADER] === 'v1') {
        void this.#session.open(prep.origin, axon.hotkey);
      }
      let body: unknown;
      try {
        body = parseJsonBig(res.body.toString('utf8'));
      } catch (err) {
        const message = `Failed to parse response: ${(err as Error).message}`;
        return this.#result<R>(axon, synapse, started, false, 422, message);
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        const message = 'Failed to parse response: body is not a JSON object';
        return this.#result<R>(axon, synapse, started, false, 422, message);
      }
      const obj = body as Record<string, unknown>;
      const bodyAxon = obj.axon as Record<string, unknown> | null | undefined;
      const bodyStatus = bodyAxon && typeof bodyAxon.status_code === 'number' ? bodyAxon.status_code : undefined;
      if (headerStatus === undefined && bodyStatus !== undefined && bodyStatus !== 200) {
        const m = typeof bodyAxon?.status_message === 'string' ? bodyAxon.status_message : `status ${bodyStatus}`;
        return this.#result<R>(axon, synapse, started, false, bodyStatus, m);
      }
      const picked: Record<string, unknown> = {};
      // Python sends None (null) for unset Optional fields: read it as absent
      for (const f of synapse.responseFields) if (Object.hasOwn(obj, f) && obj[f] !== null) picked[f] = obj[f];
      const parsed = synapse.response.safeParse(picked);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        const message = `Failed to parse response: ${i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid'}`;
        return this.#result<R>(axon, synapse, started, false, 422, message);
      }
      const pt =
        headerStatus?.processTime ?? (typeof bodyAxon?.process_time === 'number' ? bodyAxon.process_time : undefined);
      return this.#result(axon, synapse, started, true, 200, 'Success', pt, parsed.data as R);
    } finally {
      this.#disarmDeadline(abort, options.signal, onUser);
      releaseUuid(prep.at, prep.uuidSlot);
    }
  }

  #mapError(
    err: unknown,
    signal: { readonly aborted: boolean; readonly reason: unknown },
    axon: AxonTarget,
    synapse: Synapse,
    timeoutS: number,
  ): { status: number; message: string } {
    if (signal.aborted) {
      if (signal.reason === CANCELLED) return { status: 499, message: 'Request cancelled' };
      return { status: 408, message: `Request timeout after ${timeoutS} seconds` };
    }
    const e = err as { code?: string; message?: string; cause?: { code?: string } };
    const code = e?.code ?? e?.cause?.code;
    const text = e?.message ?? String(err);
    switch (code) {
      case 'ECONNREFUSED':
      case 'ENOTFOUND':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
      case 'EADDRNOTAVAIL':
      case 'UND_ERR_CONNECT_TIMEOUT':
        return { status: 503, message: `Service unavailable at ${axon.ip}:${axon.port}/${synapse.name}` };
      case 'UND_ERR_SOCKET':
      case 'ECONNRESET':
      case 'EPIPE':
      case 'UND_ERR_CLOSED':
        return { status: 503, message: `Service disconnected: ${text}` };
      case 'UND_ERR_HEADERS_TIMEOUT':
      case 'UND_ERR_BODY_TIMEOUT':
        return { status: 408, message: `Request timeout after ${timeoutS} seconds` };
      case 'SK_TOO_LARGE':
        return { status: 422, message: `Failed to parse response: ${text}` };
      default:
        return { status: 500, message: `Client error: ${text}` };
    }
  }
}

const DISARMED = Symbol('disarmed');

/**
 * Deadlines of the calls in flight on one clock sleep, armed for the earliest. Adding a later
 * deadline or cancelling one costs no timer; the sleep is aborted only when the earliest moves
 * earlier or nothing is left to wait for. A call's CallAbort is its own key (no id or closure).
 */
class Deadlines {
  readonly #clock: Clock;
  /** Each pending call's abort and its deadline (clock ms). */
  readonly #pending = new Map<CallAbort, number>();
  #armedAt = Number.POSITIVE_INFINITY;
  #stop: AbortController | undefined;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Aborts `abort` with TIMEOUT at `at` (clock ms) unless cancelled first. */
  add(at: number, abort: CallAbort): void {
    this.#pending.set(abort, at);
    if (at < this.#armedAt) this.#arm(at);
  }

  cancel(abort: CallAbort): void {
    if (this.#pending.delete(abort) && this.#pending.size === 0) this.#disarm();
  }

  #disarm(): void {
    // a given reason: abort() without one builds a DOMException (with its stack) after a fan-out's last answer
    this.#stop?.abort(DISARMED);
    this.#stop = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
  }

  #arm(at: number): void {
    this.#disarm();
    const stop = new AbortController();
    this.#stop = stop;
    this.#armedAt = at;
    this.#clock.sleep(Math.max(0, at - this.#clock.now()), stop.signal).then(
      () => {
        if (this.#stop !== stop) return;
        this.#stop = undefined;
        this.#armedAt = Number.POSITIVE_INFINITY;
        const now = this.#clock.now();
        let next = Number.POSITIVE_INFINITY;
        for (const [abort, dueAt] of this.#pending) {
          if (dueAt <= now) {
            this.#pending.delete(abort);
            abort.abort(TIMEOUT);
          } else if (dueAt < next) next = dueAt;
        }
        if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
      },
      () => undefined,
    );
  }
}

const CONTENT_TYPE_JSON: Readonly<Record<string, string>> = { 'content-type': 'application/json' };

/** An axon origin and the uuid slots of its calls in flight. */
interface OriginEntry {
  readonly origin: string;
  /** Slots 0-30 as bits (a fan-out touches each origin once). */
  busy: number;
  /** Slots 31 and up: only for more than 31 concurrent calls to one axon. */
  busyHigh: Set<number> | undefined;
}

/** uuid slots tracked as bits of `OriginEntry.busy` (`Dendrite.#acquireUuid`). */
const LOW_SLOTS = 31;
const LOW_SLOTS_FULL = 0x7fffffff;

function releaseUuid(at: OriginEntry | undefined, slot: number): void {
  if (!at) return;
  if (slot < LOW_SLOTS) at.busy &= ~(1 << slot);
  else if (at.busyHigh) {
    at.busyHigh.delete(slot);
    if (at.busyHigh.size === 0) at.busyHigh = undefined;
  }
}

/** A lean request's body: the request fields that are set, as JSON (integers beyond 2^53 exact). */
function leanBodyJson(synapse: Synapse, values: Record<string, unknown>): string {
  const fields: Record<string, unknown> = {};
  for (const f of synapse.requestFields) if (values[f] !== undefined) fields[f] = values[f];
  return stringifyJsonBig(fields);
}

/** The request's fields as the body carries them: request values (null when unset), response fields null. */
function requestBodyFields(synapse: Synapse, values: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const f of synapse.requestFields) fields[f] = values[f] ?? null;
  for (const f of synapse.responseFields) fields[f] = null;
  return fields;
}

const utf8 = new TextEncoder();

/**
 * `signText`: `0x` + hex of the signature over the message's UTF-8 bytes, encoded into `scratch`
 * when given and large enough (3 bytes per UTF-16 unit at most), else into a Buffer from Node's
 * pooled slab; hex comes from Buffer. Both on every target's path before its first byte goes out.
 */
function signHex(signer: Signer, message: string, scratch: Uint8Array | undefined): string {
  const bytes =
    scratch && message.length * 3 <= scratch.length
      ? scratch.subarray(0, utf8.encodeInto(message, scratch).written)
      : Buffer.from(message, 'utf8');
  const sig = signer.sign(bytes);
  return `0x${Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength).toString('hex')}`;
}

function axonStatus(
  headers: Record<string, string | string[] | undefined>,
): { code: number; message?: string; processTime?: number } | undefined {
  const raw = headers.bt_header_axon_status_code;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) return undefined;
  const msg = headers.bt_header_axon_status_message;
  const pt = Number(headers.bt_header_axon_process_time);
  // one object per answer, without spreads of temporary ones
  const out: { code: number; message?: string; processTime?: number } = { code: Number(raw) };
  if (typeof msg === 'string') out.message = msg;
  if (Number.isFinite(pt)) out.processTime = pt;
  return out;
}

/** Largest failure body read (its message is all the dendrite keeps of it). */
const FAILURE_BODY_LIMIT = 64 * 1024;

/** True unless the axon's status header names a failure. */
function isAxonOk(headers: Record<string, string | string[] | undefined>): boolean {
  const code = headers.bt_header_axon_status_code;
  return typeof code !== 'string' || !/^\d+$/.test(code) || code === '200';
}

/** The status and message of a failed call, from the answer's status, headers and JSON body. */
function readFailure(res: Exchange): { status: number; message: string; processTimeS?: number } {
  const hs = axonStatus(res.headers);
  const status = res.statusCode !== 200 ? res.statusCode : (hs?.code ?? 500);
  let message: string | undefined;
  try {
    const j = JSON.parse(res.body.toString('utf8')) as { message?: unknown; detail?: unknown };
    if (typeof j?.message === 'string') message = j.message;
    else if (j?.detail !== undefined) message = JSON.stringify(j.detail).slice(0, 500);
  } catch {
    // the SDK cannot parse a non-JSON error either: it reports 422
    return { status: 422, message: `Failed to parse response: HTTP ${res.statusCode} with a non-JSON body` };
  }
  return {
    status,
    message: message ?? hs?.message ?? `HTTP ${res.statusCode}`,
    ...(hs?.processTime !== undefined ? { processTimeS: hs.processTime } : {}),
  };
}

async function readLimited(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw Object.assign(new Error(`response body exceeds ${limit} bytes`), { code: 'SK_TOO_LARGE' });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function parseChunk(line: string): unknown {
  try {
    return parseJsonBig(line);
  } catch (err) {
    throw new SubnetkitError('SK_PROTOCOL_BAD_RESPONSE', 'a streamed chunk is not valid JSON', {}, { cause: err });
  }
}

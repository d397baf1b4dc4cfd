/**
 * The dendrite's HTTP transport: one undici Client (or Pool) per axon origin, and a request that
 * reads its whole answer through undici's dispatch handler. Going straight to the origin's client
 * skips the Agent's URL parsing and routing, and the handler skips the body stream that
 * `request()` builds per call: together about a third of the client's CPU in a 256-axon fan-out.
 */
import type { Socket } from 'node:net';
import type { buildConnector, Dispatcher } from 'undici';
import { undici } from '../../util/undici.js';

/** Why a call was cancelled: the dendrite's own deadline or the caller's signal. */
export class CallAbort {
  #reason: unknown;
  #aborted = false;
  #onAbort: ((reason: unknown) => void) | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const f = this.#onAbort;
    this.#onAbort = undefined;
    f?.(reason);
  }

  /** Runs `f` once on abort (at once when already aborted); only the latest listener is kept. */
  onAbort(f: ((reason: unknown) => void) | undefined): void {
    if (this.#aborted && f) f(this.#reason);
    else this.#onAbort = f;
  }
}

/** An answer read whole. */
export interface Exchange {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export interface ExchangeRequest {
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Thrown when an answer's body is larger than its limit (`SK_TOO_LARGE`). */
function tooLarge(limit: number): Error {
  return Object.assign(new Error(`response body exceeds ${limit} bytes`), { code: 'SK_TOO_LARGE' });
}

/**
 * POSTs `req` and reads the answer whole, at most `limitFor(status, headers)` bytes of body.
 * Rejects with the transport's error, the size error, or an error once `abort` fires (the
 * caller reads `abort.reason` to tell a timeout from a cancel).
 */
export function exchange(
  dispatcher: Dispatcher,
  req: ExchangeRequest,
  limitFor: (statusCode: number, headers: Record<string, string | string[] | undefined>) => number,
  abort: CallAbort,
): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    let statusCode = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    let limit = 0;
    let size = 0;
    const chunks: Buffer[] = [];
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      abort.onAbort(undefined);
      reject(err);
    };
    abort.onAbort((reason) => {
      const err = Object.assign(new Error('request aborted'), { name: 'AbortError', reason });
      // a queued request is dropped when it reaches the socket (onRequestStart)
      controller?.abort(err);
      fail(err);
    });
    if (settled) return;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (settled) c.abort(new Error('request aborted'));
      },
      onResponseStart(_c, code, h) {
        statusCode = code;
        headers = h as Record<string, string | string[] | undefined>;
        limit = limitFor(code, headers);
      },
      onResponseData(c, chunk) {
        size += chunk.length;
        if (size > limit) {
          const err = tooLarge(limit);
          c.abort(err);
          fail(err);
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        if (settled) return;
        settled = true;
        abort.onAbort(undefined);
        resolve({
          statusCode,
          headers,
          body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size),
        });
      },
      onResponseError(_c, err) {
        fail(err);
      },
    };
    try {
      dispatcher.dispatch(
        { origin: req.origin, path: req.path, method: 'POST', headers: req.headers, body: req.body },
        handler,
      );
    } catch (err) {
      fail(err);
    }
  });
}

export interface OriginsOptions {
  /** Keep-alive connections per origin. */
  readonly connections: number;
  readonly keepAliveTimeoutMs: number;
  /** A caller's dispatcher (an Agent): used for every origin and never closed here. */
  readonly dispatcher?: Dispatcher;
}

/** A connection opened ahead of a call, waiting for its origin's client to take it. */
interface Parked {
  readonly socket: Socket;
  readonly timer: NodeJS.Timeout;
  readonly onGone: () => void;
}

/**
 * The keep-alive clients, one per axon origin (`http://host:port`), and connections opened ahead
 * (`warm`): each client dials through a connector that first hands out a parked connection.
 */
export class Origins {
  readonly #options: OriginsOptions;
  readonly #clients = new Map<string, Dispatcher>();
  readonly #parked = new Map<string, Parked>();
  #dial: buildConnector.connector | undefined;
  #closed = false;

  constructor(options: OriginsOptions) {
    this.#options = options;
  }

  /**
   * Opens one connection to each origin that has none, so the next call skips the TCP handshake
   * (a validator's next round goes to the same axons). Resolves with the number opened; an axon
   * that cannot be reached is left for the call to report. Nothing is done with a caller's
   * dispatcher (its connections are its own).
   */
  async warm(origins: Iterable<string>): Promise<number> {
    if (this.#options.dispatcher || this.#closed) return 0;
    const opened = await Promise.all([...new Set(origins)].map((o) => this.#warmOne(o)));
    return opened.filter(Boolean).length;
  }

  #warmOne(origin: string): Promise<boolean> {
    if (this.#parked.has(origin)) return Promise.resolve(false);
    const c = this.#clients.get(origin);
    if (c && Number((c as unknown as { stats: { connected: number | boolean } }).stats.connected) > 0) {
      return Promise.resolve(false);
    }
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      this.#connector()(connectOptions(url), (err, socket) => {
        if (err || !socket) {
          resolve(false);
          return;
        }
        if (this.#closed || this.#parked.has(origin)) {
          socket.destroy();
          resolve(false);
          return;
        }
        this.#park(origin, socket as Socket);
        resolve(true);
      });
    });
  }

  #park(origin: string, socket: Socket): void {
    const onGone = (): void => {
      const p = this.#parked.get(origin);
      if (p?.socket !== socket) return;
      this.#parked.delete(origin);
      clearTimeout(p.timer);
    };
    socket.on('error', onGone);
    socket.on('close', onGone);
    // unused for as long as a kept-alive one would be: closed, not kept forever
    const timer = setTimeout(() => socket.destroy(), this.#options.keepAliveTimeoutMs);
    timer.unref();
    this.#parked.set(origin, { socket, timer, onGone });
  }

  /** The parked connection to `origin` when it is still open (taken out of the park). */
  #takeParked(origin: string): Socket | undefined {
    const p = this.#parked.get(origin);
    if (!p) return undefined;
    this.#parked.delete(origin);
    clearTimeout(p.timer);
    p.socket.off('error', p.onGone);
    p.socket.off('close', p.onGone);
    if (p.socket.destroyed || p.socket.readyState !== 'open') {
      p.socket.destroy();
      return undefined;
    }
    return p.socket;
  }

  #connector(): buildConnector.connector {
    this.#dial ??= undici().buildConnector({});
    return this.#dial;
  }

  /** The dispatcher for `origin`, created on first use. */
  for(origin: string): Dispatcher {
    const shared = this.#options.dispatcher;
    if (shared) return shared;
    let c = this.#clients.get(origin);
    if (!c) {
      const { connections, keepAliveTimeoutMs } = this.#options;
      const at = origin;
      const common = {
        keepAliveTimeout: keepAliveTimeoutMs,
        keepAliveMaxTimeout: keepAliveTimeoutMs,
        pipelining: 1,
        // a connection opened by warm() first, else a new one
        connect: (opts: buildConnector.Options, cb: buildConnector.Callback): void => {
          const parked = this.#takeParked(at);
          // undici expects the callback after the connector returns, as a dial's would be
          if (parked) process.nextTick(cb, null, parked);
          else this.#connector()(opts, cb);
        },
      };
      const u = undici();
      // a Pool of one is a Client behind one more queue: take the Client itself
      c = connections <= 1 ? new u.Client(origin, common) : new u.Pool(origin, { ...common, connections });
      // after close() a late call still gets a client, and closes it on its own
      if (this.#closed) void c.close();
      else this.#clients.set(origin, c);
    }
    return c;
  }

  /** Closes every client (in-flight requests finish first). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const origin of [...this.#parked.keys()]) this.#takeParked(origin)?.destroy();
    const all = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}

/** undici's connect options for an origin URL (an IPv6 host without its brackets, as undici does). */
function connectOptions(url: URL): buildConnector.Options {
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    hostname,
    host: url.host,
    protocol: url.protocol,
    port: url.port || (url.protocol === 'https:' ? '443' : '80'),
  };
}

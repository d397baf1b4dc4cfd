/** The axon's view of one request, from a node socket (hono's node bindings) or an in-memory `Request`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { AxonReject } from './reject.js';
import type { AxonEnv, AxonRequest } from './types.js';

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

/** Wraps the hono context's request: node's parsed headers and socket when there is one. */
export function axonRequestOf(c: Context<AxonEnv>): AxonRequest {
  const incoming = c.env?.incoming as IncomingMessage | undefined;
  const outgoing = c.env?.outgoing as ServerResponse | undefined;
  if (incoming) return nodeAxonRequest(incoming, outgoing);
  return {
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    headers: Object.fromEntries(c.req.raw.headers.entries()),
    peerIp: '127.0.0.1',
    peerPort: null,
    readBody: (limit) =>
      c.req.raw.arrayBuffer().then((ab) => {
        if (ab.byteLength > limit) throw tooLarge(limit);
        return Buffer.from(ab);
      }),
    onClientGone: () => () => undefined,
  };
}

/** The axon's view of a node request (the native path and hono's node bindings alike). */
export function nodeAxonRequest(incoming: IncomingMessage, outgoing: ServerResponse | undefined): AxonRequest {
  return new NodeAxonRequest(incoming, outgoing);
}

/** A class rather than an object literal: no closures made per request. */
class NodeAxonRequest implements AxonRequest {
  readonly method: string;
  readonly path: string;
  /**
   * node's own headers object: its server has already built it for every HTTP/1.1 request (the
   * Host check reads it), so a second object from `rawHeaders` would only add work.
   */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly peerIp: string;
  readonly peerPort: number | null;
  readonly #in: IncomingMessage;
  readonly #out: ServerResponse | undefined;

  constructor(incoming: IncomingMessage, outgoing: ServerResponse | undefined) {
    this.#in = incoming;
    this.#out = outgoing;
    this.method = incoming.method ?? 'GET';
    this.path = pathOf(incoming.url ?? '/');
    this.headers = incoming.headers;
    const sock = incoming.socket;
    this.peerIp = sock?.remoteAddress ?? '127.0.0.1';
    this.peerPort = sock?.remotePort ?? null;
  }

  readBody(limit: number): Promise<Buffer> {
    return readNodeBody(this.#in, limit);
  }

  bodyIfComplete(limit: number): Buffer | undefined {
    const inc = this.#in;
    // node's parser sets `complete` (and ends the stream) once the whole message is in: a signed
    // request's body is by the time its signature is verified, so it is taken at once, without the
    // listeners, promise and flowing-mode turns of a read
    if (!inc.complete || inc.readableFlowing || inc.readableEnded || inc.readableLength > limit) return undefined;
    return (inc.read() as Buffer | null) ?? Buffer.alloc(0);
  }

  onClientGone(fn: () => void): () => void {
    const out = this.#out;
    if (!out) return noop;
    // `on`, not `once`: no wrapper; the unsubscribe runs when the reply is done, before node's own 'close'
    out.on('close', fn);
    return () => out.off('close', fn);
  }
}

const noop = (): void => undefined;

/** A target the native path serves itself: a plain synapse path (anything else goes through hono). */
export function isPlainPath(target: string | undefined): boolean {
  return target !== undefined && PLAIN_PATH.test(target);
}

const tooLarge = (limit: number): AxonReject =>
  new AxonReject(413, `Request body too large: exceeds the limit of ${limit} bytes`, {}, true, 'body');

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
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      // the listeners stay on the spent stream: none can fire in a way that matters after 'end'
      // ('close' sees `complete`, a late 'error' meets a settled promise) and removing four costs
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (): void => {
      finish();
      reject(new AxonReject(400, 'Request body could not be read', {}, true, 'body'));
    };
    const onClose = (): void => {
      if (incoming.complete) return;
      finish();
      reject(new AxonReject(400, 'Client closed the connection before the body was complete', {}, true, 'body'));
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

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
  return {
    method: incoming.method ?? 'GET',
    path: pathOf(incoming.url ?? '/'),
    headers: headersOf(incoming),
    peerIp: incoming.socket?.remoteAddress ?? '127.0.0.1',
    peerPort: incoming.socket?.remotePort ?? null,
    readBody: (limit) => readNodeBody(incoming, limit),
    onClientGone(fn) {
      outgoing?.once('close', fn);
      return () => outgoing?.off('close', fn);
    },
  };
}

/**
 * `incoming.headers` built straight from `rawHeaders`: node's getter runs its known-field matcher
 * on every line, a measurable share of a request's CPU with the SDK's ~20 headers. A repeated
 * header (node joins or drops repeats by field) or a `__proto__` line defers to node's own object.
 */
export function headersOf(incoming: IncomingMessage): Readonly<Record<string, string | string[] | undefined>> {
  const raw = incoming.rawHeaders;
  const out: Record<string, string> = Object.create(null);
  for (let i = 0; i < raw.length; i += 2) {
    const key = (raw[i] as string).toLowerCase();
    if (key in out || key === '__proto__') return incoming.headers;
    out[key] = raw[i + 1] as string;
  }
  return out;
}

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
      finish();
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

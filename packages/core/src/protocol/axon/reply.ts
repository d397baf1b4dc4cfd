/**
 * Writing the axon's answers: the SDK's error reply (bt headers that echo the request), one write
 * per reply on a node socket, pull-based streams with backpressure, or a fetch `Response` for
 * in-memory `app.request()`.
 */
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { buildSynapseHeaders, safeHeaderText } from '../headers.js';
import { stringifyJsonBig } from '../json-bigint.js';
import type { AxonReject } from './reject.js';
import type { AxonEnv, AxonState } from './types.js';

/** What the pipeline answers; the transport writes it (one write for a string body). */
export interface AxonReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | ReadableStream<Uint8Array>;
}

/** Who the axon is, for the headers of its error replies. */
export interface AxonIdentity {
  readonly hotkey: string;
  readonly uuid: string;
  readonly version: number;
  readonly now: () => number;
  readonly draining: () => boolean;
}

const HEX_HASH = /^[0-9a-f]{0,128}$/i;

/** The SDK's error reply: status, `{ message, ... }` body, and bt headers echoing what was parsed. */
export function errorReply(s: AxonState | undefined, r: AxonReject, me: AxonIdentity): AxonReply {
  if (s?.lean) return leanErrorReply(r, me);
  const now = me.now();
  const headers = buildSynapseHeaders({
    name: s?.route?.synapse.name ?? safeHeaderText(s?.name ?? '', 64),
    timeoutS: s?.timeoutS ?? null,
    axon: {
      ...s?.axonInfo,
      status_code: r.status,
      status_message: r.message,
      process_time: s ? (now - s.startMs) / 1000 : 0,
      version: me.version,
      nonce: BigInt(Math.round(now)) * 1_000_000n,
      uuid: me.uuid,
      hotkey: s?.axonInfo.hotkey ?? me.hotkey,
    },
    dendrite: { ...s?.dendrite, signature: undefined, ip: s?.req.peerIp, port: s?.req.peerPort },
    inputObjHeaders: {},
    bodyHash:
      s?.parsed?.computed_body_hash && HEX_HASH.test(s.parsed.computed_body_hash) ? s.parsed.computed_body_hash : '',
  });
  headers['content-type'] = 'application/json';
  if (r.close || me.draining()) headers.connection = 'close';
  return { status: r.status, headers, body: stringifyJsonBig({ message: r.message, ...r.extra }) };
}

/** A lean session request's error reply: the status and `{ message, ... }`, no bt headers. */
function leanErrorReply(r: AxonReject, me: AxonIdentity): AxonReply {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (r.close || me.draining()) headers.connection = 'close';
  return { status: r.status, headers, body: stringifyJsonBig({ message: r.message, ...r.extra }) };
}

/**
 * Sends a reply from inside the hono chain: straight to the node socket when there is one (one
 * write, no fetch-API objects), else as a `Response`.
 */
export function respond(c: Context<AxonEnv>, reply: AxonReply): Response {
  const out = c.env?.outgoing as ServerResponse | undefined;
  if (!out) return new Response(reply.body, { status: reply.status, headers: reply.headers });
  sendReply(out, reply);
  return RESPONSE_ALREADY_SENT;
}

/** Writes a reply: status, headers and a string body in one write; streams with backpressure. */
export function sendReply(res: ServerResponse, reply: AxonReply): void {
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

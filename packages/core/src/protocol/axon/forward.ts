/**
 * Forward middleware, the end of the chain: runs the synapse's handler under the request's abort
 * signal, validates its answer and writes the 200 reply (a streaming synapse's chunks are pulled
 * as fast as the socket drains). A handler's `SubnetkitError` with `details.httpStatus` passes
 * that status through; anything else is a 500 that names only an id.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { SubnetkitError } from '../../errors/subnetkit-error.js';
import { type Clock, systemClock } from '../../util/clock.js';
import { buildSynapseHeaders, synapseBodyJson, type TerminalInfo } from '../headers.js';
import { stringifyJsonBig } from '../json-bigint.js';
import type { Synapse } from '../synapse.js';
import { AxonReject, abortReason, raceAbort } from './reject.js';
import { type AxonReply, respond } from './reply.js';
import type { AxonEnv, AxonState, HandlerContext } from './types.js';

export interface AxonForwardOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Adds `connection: close` to the reply (e.g. while the axon drains). */
  readonly closing?: () => boolean;
  /** Extra headers on every 200 reply (e.g. the session-mode advertisement). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Calls the route's handler (needs the whole chain before it). */
export function axonForward(o: AxonForwardOptions = {}): MiddlewareHandler<AxonEnv> {
  const forward = forwardStage(o);
  return async (c) => {
    const reply = forward(c.var.axon);
    return respond(c, await reply);
  };
}

/**
 * The end of the pipeline without a transport: runs the handler and builds the 200 reply. A
 * handler that answers synchronously gets its reply without a promise.
 */
export function forwardStage(o: AxonForwardOptions = {}): (s: AxonState) => AxonReply | Promise<AxonReply> {
  const clock = o.clock ?? systemClock;
  const extra = o.headers;
  return (s) => {
    const route = s.route;
    const hotkey = s.hotkey;
    const request = s.request;
    if (!route || hotkey === undefined || !request || !s.body) throw new Error('axonForward needs the whole chain');
    const result = route.handler(request, new Context(s, hotkey, route.synapse.name));
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      return s.race(Promise.resolve(result)).then((r) => replyOf(s, r, clock, extra, o));
    }
    if (s.aborted) throw abortReason(s.abort.signal);
    return replyOf(s, result, clock, extra, o);
  };
}

/** A handler's context; a class, so its `signal` getter is not a new closure per request. */
class Context implements HandlerContext {
  readonly deadline: number;
  readonly #s: AxonState;
  constructor(
    s: AxonState,
    readonly callerHotkey: string,
    readonly synapse: string,
  ) {
    this.#s = s;
    this.deadline = s.deadline;
  }
  /** Made when the handler reads it. */
  get signal(): AbortSignal {
    return this.#s.abort.signal;
  }
}

/** The 200 reply of a handler's answer (a stream for streaming synapses). */
function replyOf(
  s: AxonState,
  result: unknown,
  clock: Clock,
  extra: Readonly<Record<string, string>> | undefined,
  o: AxonForwardOptions,
): AxonReply {
  const synapse = (s.route as NonNullable<AxonState['route']>).synapse;
  if (s.lean) return leanReplyOf(s, synapse, result, o);
  const respAxon: TerminalInfo = {
    ...s.axonInfo,
    status_code: 200,
    status_message: 'Success',
    process_time: (clock.now() - s.startMs) / 1000,
  };
  const headers = buildSynapseHeaders({
    name: synapse.name,
    timeoutS: s.timeoutS,
    axon: respAxon,
    dendrite: s.dendrite,
    inputObjHeaders: synapse.inputObjHeaders,
    bodyHash: s.bodyHash,
  });
  if (extra) Object.assign(headers, extra);
  if (synapse.streaming) {
    if (!isAsyncIterable(result))
      throw new Error(`handler of streaming synapse ${synapse.name} returned no AsyncIterable`);
    headers['content-type'] = 'text/event-stream';
    s.streaming = true;
    s.status = 200;
    return {
      status: 200,
      headers,
      body: streamBody(result, s.abort, () => s.finish(), o.logger, synapse.name, synapse.streaming === 'ndjson'),
    };
  }
  const response = validResponse(synapse, result);
  const body = s.body as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const f of synapse.requestFields) fields[f] = body[f] ?? null;
  for (const f of synapse.responseFields) fields[f] = response[f] ?? null;
  headers['content-type'] = 'application/json';
  if (o.closing?.()) headers.connection = 'close';
  s.status = 200;
  return {
    status: 200,
    headers,
    body: synapseBodyJson(synapse.name, s.timeoutS ?? synapse.timeoutMs / 1000, s.dendrite, respAxon, fields),
  };
}

/** A lean session request's 200 reply: the answer's JSON (response fields only), no bt headers. */
function leanReplyOf(s: AxonState, synapse: Synapse, result: unknown, o: AxonForwardOptions): AxonReply {
  if (synapse.streaming) {
    if (!isAsyncIterable(result))
      throw new Error(`handler of streaming synapse ${synapse.name} returned no AsyncIterable`);
    s.streaming = true;
    s.status = 200;
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: streamBody(result, s.abort, () => s.finish(), o.logger, synapse.name, synapse.streaming === 'ndjson'),
    };
  }
  const response = validResponse(synapse, result);
  const fields: Record<string, unknown> = {};
  for (const f of synapse.responseFields) fields[f] = response[f] ?? null;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.closing?.()) headers.connection = 'close';
  s.status = 200;
  return { status: 200, headers, body: stringifyJsonBig(fields) };
}

/** The handler's answer checked against the synapse's response schema (500 when it does not fit). */
function validResponse(synapse: Synapse, result: unknown): Record<string, unknown> {
  const out = synapse.response.safeParse(result);
  if (!out.success) {
    throw new SubnetkitError('SK_PROTOCOL_BAD_RESPONSE', `handler of ${synapse.name} returned an invalid response`, {
      issues: out.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  return out.data as Record<string, unknown>;
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return (
    v !== null && typeof v === 'object' && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

const encoder = new TextEncoder();

/** Pull-based body: the handler's iterator advances only as fast as the socket drains. */
function streamBody(
  source: AsyncIterable<unknown>,
  ac: AbortController,
  onDone: () => void,
  log: Logger | undefined,
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
          const reason = err instanceof AxonReject ? err.message : 'stream failed';
          if (!(err instanceof AxonReject))
            log?.error({ event: 'axon.stream_failed', err, synapse: name }, 'stream handler threw');
          else log?.debug({ event: 'axon.stream_aborted', synapse: name }, reason);
          void it.return?.()?.catch?.(() => undefined);
          controller.error(new Error(reason));
          end();
        }
      },
      cancel() {
        // the client went away: stop the generator and tell the handler
        if (!ac.signal.aborted) ac.abort(new AxonReject(499, 'Client closed the connection', {}, true, 'forward'));
        void Promise.resolve(it.return?.()).catch(() => undefined);
        end();
      },
    },
    { highWaterMark: 1 },
  );
}

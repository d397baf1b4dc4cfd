/**
 * The chain's error handler: a middleware's {@link AxonReject} becomes the SDK's error reply; a
 * `SubnetkitError` with `details.httpStatus` (4xx/5xx) keeps its status and message; anything else
 * is logged with an id and answered 500 naming only that id (no internals reach the caller).
 */
import { randomUUID } from 'node:crypto';
import type { ErrorHandler } from 'hono';
import type { Logger } from 'pino';
import { isSubnetkitError } from '../../errors/subnetkit-error.js';
import { AxonReject } from './reject.js';
import { type AxonIdentity, errorReply, respond } from './reply.js';
import type { AxonEnv, AxonState } from './types.js';

export function axonErrorHandler(me: AxonIdentity, log?: Logger): ErrorHandler<AxonEnv> {
  return (err, c) => {
    // undefined when the chain failed before the route middleware ran
    const s = c.var.axon as AxonState | undefined;
    const r = rejectOf(err, s, log);
    const res = respond(c, errorReply(s, r, me));
    endRejected(s, r);
    return res;
  };
}

/** The reject a pipeline failure is answered with (logging the unexpected ones under an id). */
export function rejectOf(err: unknown, s: AxonState | undefined, log?: Logger): AxonReject {
  let r: AxonReject;
  if (err instanceof AxonReject) r = err;
  else if (
    isSubnetkitError(err) &&
    typeof err.details.httpStatus === 'number' &&
    err.details.httpStatus >= 400 &&
    err.details.httpStatus <= 599
  ) {
    r = new AxonReject(err.details.httpStatus, err.message, {}, false, 'forward');
  } else {
    const id = randomUUID();
    log?.error({ event: 'axon.forward_failed', err, id, synapse: s?.route?.synapse.name }, 'forward failed');
    r = new AxonReject(500, `Internal Server Error #${id}`, {}, false, 'forward');
  }
  log?.debug({ event: 'axon.reject', status: r.status, synapse: s?.name, hotkey: s?.dendrite.hotkey }, r.message);
  return r;
}

/** Records the rejection on the request and ends it (a stream ends when it closes). */
export function endRejected(s: AxonState | undefined, r: AxonReject): void {
  if (!s) return;
  s.status = r.status;
  s.stage = r.stage;
  if (!s.streaming) s.finish();
}

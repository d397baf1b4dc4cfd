/**
 * Lean session-mode requests (Subnetkit dendrites after a handshake; docs/protocol-session.md):
 * the only protocol headers are the session id, the counter, the MAC and an optional timeout; the
 * body is the request's JSON. The MAC covers the raw body, so the body is read before the caller
 * counts as authenticated: {@link leanAuthStage} takes the place of the header, session and
 * signature stages, and {@link leanBodyStage} that of the body stage (JSON and schema, no body
 * hash). Blacklist, rate limit and priority run between them as for every request.
 */
import { type Clock, systemClock } from '../../util/clock.js';
import { LEAN_MAC_HEADER, LEAN_TIMEOUT_HEADER, leanMacMatches, SESSION_ID_HEADER } from '../session/session-crypto.js';
import type { SessionStore } from '../session/session-store.js';
import { parseRequestBody } from './body.js';
import { rejectDeclaredOversize } from './parse-headers.js';
import { AxonReject } from './reject.js';
import { admitSession, checkCounter, namedSession, sessionCounter, sessionReject } from './session.js';
import type { AxonStage } from './stage.js';
import type { AxonState, BlacklistDecision } from './types.js';

export interface LeanSessionOptions {
  readonly axonHotkey: string;
  readonly store: SessionStore;
  readonly clock?: Clock;
  readonly screen?: (hotkey: string) => BlacklistDecision;
  /** Largest body, bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Cap on the `sk_timeout` header. Default 60 s. */
  readonly maxTimeoutMs?: number;
}

// decimal seconds, as the SDK's timeout header (no exponents, no signs)
const TIMEOUT = /^\d{1,9}(\.\d{1,9})?$/;

/**
 * Session, counter, deadline and declared size from the headers (nothing waits), then the body
 * under the byte limit and the MAC over it; sets the caller. The counter is recorded only once
 * the MAC matched, so a forged request cannot burn an honest one's counter.
 */
export function leanAuthStage(o: LeanSessionOptions): AxonStage {
  const clock = o.clock ?? systemClock;
  const maxBody = o.maxBodyBytes ?? 1024 * 1024;
  const maxTimeoutMs = o.maxTimeoutMs ?? 60_000;
  return (s) => {
    const synapse = s.route?.synapse;
    if (!synapse) throw new Error('leanAuthStage needs the route before it');
    const h = s.req.headers;
    const session = namedSession(o.store, h[SESSION_ID_HEADER], clock.now());
    const { seq, mac } = sessionCounter(s, session, LEAN_MAC_HEADER);
    const timeoutText = h[LEAN_TIMEOUT_HEADER];
    let timeoutS = synapse.timeoutMs / 1000;
    if (timeoutText !== undefined) {
      const t = typeof timeoutText === 'string' && TIMEOUT.test(timeoutText) ? Number(timeoutText) : 0;
      if (!(t > 0)) throw new AxonReject(400, 'Session timeout header must be positive seconds', {}, false, 'headers');
      timeoutS = t;
    }
    s.timeoutS = timeoutS;
    s.timeoutMs = Math.min(timeoutS * 1000, maxTimeoutMs);
    s.deadline = s.startMs + s.timeoutMs;
    rejectDeclaredOversize(h['content-length'], maxBody);
    const fields = {
      seq,
      dendriteHotkey: session.hotkey,
      axonHotkey: o.axonHotkey,
      synapse: synapse.name,
      timeout: typeof timeoutText === 'string' ? timeoutText : '',
    };
    return s.race(s.req.readBody(maxBody)).then((raw) => {
      if (!leanMacMatches(session.key, fields, raw, mac)) throw sessionReject('MAC mismatch');
      // re-check: a request with the same counter may have passed while this body arrived
      checkCounter(session, seq);
      admitSession(s, session, seq, synapse.name, o.screen);
      s.raw = raw;
    });
  };
}

/** JSON and schema of the body {@link leanAuthStage} read (422 as the body stage). */
export function leanBodyStage(): AxonStage {
  return (s) => {
    const route = s.route;
    const raw = s.raw;
    if (!route || !raw) throw new Error('leanBodyStage needs leanAuthStage before it');
    const { body, request } = parseRequestBody(route.synapse, raw);
    s.body = body;
    s.request = request;
    s.raw = undefined;
    return undefined;
  };
}

/** Whether a request is in the lean format (it carries the lean MAC header). */
export function isLeanRequest(s: AxonState): boolean {
  return s.req.headers[LEAN_MAC_HEADER] !== undefined;
}

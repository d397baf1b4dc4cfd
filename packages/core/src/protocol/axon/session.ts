/**
 * Session mode on the axon (Subnetkit-native; SDK dendrites never send it and keep the signed
 * mode). Two middleware:
 * - {@link axonSessionHandshake} answers `POST /__subnetkit_session`: verifies the dendrite's
 *   signed hello (its hotkey, this axon's hotkey, a fresh nonce), runs the metagraph screen, and
 *   answers with a signed welcome carrying the session id and the axon's ephemeral key;
 * - {@link axonSessionAuth} authenticates a request that names a session: known and unexpired,
 *   same dendrite hotkey, counter not replayed, HMAC over the SDK-signed fields. It sets the
 *   caller, so `axonVerify` after it skips the sr25519 verification. Failures are 401 with a
 *   message starting `Not Verified with error: Session` (the dendrite then handshakes again and
 *   resends signed).
 */

import type { IncomingMessage } from 'node:http';
import { bytesToHex } from '@noble/hashes/utils';
import type { MiddlewareHandler } from 'hono';
import { type Clock, systemClock } from '../../util/clock.js';
import type { Signer } from '../../util/signer.js';
import { parseJsonBig } from '../json-bigint.js';
import type { NonceGuard } from '../nonce-guard.js';
import {
  ephemeralKey,
  helloHash,
  helloMessage,
  macMatches,
  macMessage,
  newSessionId,
  SESSION_FORMATS,
  SESSION_ID_HEADER,
  SESSION_MAC_HEADER,
  SESSION_PATH,
  SESSION_SEQ_HEADER,
  type SessionWelcome,
  sessionKey,
  welcomeMessage,
} from '../session/session-crypto.js';
import { SessionStore } from '../session/session-store.js';
import { publicKeyOf, verifyText } from '../signing.js';
import { AxonReject } from './reject.js';
import { respond } from './reply.js';
import { axonRequestOf } from './request.js';
import { type AxonStage, stageMiddleware } from './stage.js';
import type { AxonEnv, AxonState, BlacklistDecision } from './types.js';

export interface AxonSessionOptions {
  readonly signer: Signer;
  readonly store: SessionStore;
  /** Replay guard for hellos (endpoint `<hotkey>:session`). */
  readonly nonces: NonceGuard;
  /** Session lifetime. Default 10 min. */
  readonly ttlMs?: number;
  readonly clock?: Clock;
  readonly screen?: (hotkey: string) => BlacklistDecision;
}

const HELLO_WINDOW_MS = 12_000;
const DIGITS = /^\d{1,20}$/;

const json = (status: number, body: Record<string, unknown>) => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Answers the handshake route; every other request passes on. */
export function axonSessionHandshake(o: AxonSessionOptions): MiddlewareHandler<AxonEnv> {
  const clock = o.clock ?? systemClock;
  const ttlMs = o.ttlMs ?? 600_000;
  const axonHotkey = o.signer.address;
  return async (c, next) => {
    const target = (c.env?.incoming as IncomingMessage | undefined)?.url ?? new URL(c.req.url).pathname;
    if (target !== SESSION_PATH) return next();
    const req = axonRequestOf(c);
    if (req.method !== 'POST') return respond(c, json(405, { message: 'Method Not Allowed' }));
    let hello: Record<string, unknown>;
    try {
      const v = parseJsonBig((await req.readBody(4096)).toString('utf8'));
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      hello = v as Record<string, unknown>;
    } catch {
      return respond(c, json(400, { message: 'Session hello: invalid JSON' }));
    }
    const { dendrite_hotkey: hk, axon_hotkey: ahk, nonce, client_pub: pub, signature: sig } = hello;
    if (
      typeof hk !== 'string' ||
      typeof ahk !== 'string' ||
      typeof nonce !== 'string' ||
      !DIGITS.test(nonce) ||
      typeof pub !== 'string' ||
      typeof sig !== 'string'
    ) {
      return respond(c, json(400, { message: 'Session hello: missing or malformed fields' }));
    }
    if (ahk !== axonHotkey) return respond(c, json(401, { message: 'Session hello: addressed to another hotkey' }));
    const pk = publicKeyOf(hk);
    if (!pk) return respond(c, json(401, { message: 'Session hello: invalid SS58 address' }));
    const pre = o.screen?.(hk);
    if (pre?.blocked) return respond(c, json(403, { message: `Forbidden. Key is blacklisted: ${pre.reason}.` }));
    const h = { dendriteHotkey: hk, axonHotkey, nonce: BigInt(nonce), clientPub: pub };
    const endpoint = `${hk}:session`;
    const nc = o.nonces.check(endpoint, h.nonce, HELLO_WINDOW_MS);
    if (!nc.ok) return respond(c, json(401, { message: `Session hello: ${nc.message}` }));
    if (!verifyText(new TextDecoder().decode(helloMessage(h)), sig, pk, false)) {
      return respond(c, json(401, { message: 'Session hello: signature mismatch' }));
    }
    o.nonces.commit(endpoint, h.nonce);
    const digest = helloHash(h);
    const eph = ephemeralKey();
    const key = sessionKey(eph.secret, pub, digest);
    if (!key) return respond(c, json(400, { message: 'Session hello: bad client key' }));
    const welcome: SessionWelcome = { session: newSessionId(), serverPub: eph.pub, expiresInMs: ttlMs };
    o.store.add({ id: welcome.session, hotkey: hk, key, expiresAt: clock.now() + ttlMs });
    const signature = `0x${bytesToHex(o.signer.sign(welcomeMessage(digest, welcome)))}`;
    return respond(
      c,
      json(200, {
        session: welcome.session,
        server_pub: welcome.serverPub,
        expires_in_ms: welcome.expiresInMs,
        signature,
        // request formats this axon takes (a client that strips it gets v1: still authenticated)
        formats: SESSION_FORMATS,
      }),
    );
  };
}

/** 401 for a session fault; dendrites drop their session on this message prefix. */
export const sessionReject = (message: string): AxonReject =>
  new AxonReject(401, `Not Verified with error: Session ${message}`, {}, false, 'verify');
const reject = sessionReject;
const SEQ = /^[1-9]\d{0,14}$/;

type OpenSession = NonNullable<Exclude<ReturnType<SessionStore['get']>, 'expired'>>;

/** The live session a request names (v1 and lean): 401 when unknown or expired. */
export function namedSession(store: SessionStore, id: string | string[] | undefined, now: number): OpenSession {
  if (typeof id !== 'string') throw reject('unknown');
  const session = store.get(id, now);
  if (session === undefined) throw reject('unknown');
  if (session === 'expired') throw reject('expired');
  return session;
}

/** The request's counter and MAC headers, the counter inside the session's window (not yet recorded). */
export function sessionCounter(s: AxonState, session: OpenSession, macHeader: string): { seq: number; mac: string } {
  const seqText = s.req.headers[SESSION_SEQ_HEADER];
  const mac = s.req.headers[macHeader];
  if (typeof seqText !== 'string' || !SEQ.test(seqText) || typeof mac !== 'string')
    throw reject('counter or MAC missing');
  const seq = Number(seqText);
  checkCounter(session, seq);
  return { seq, mac };
}

/** 401 when `seq` was seen or fell behind the window. */
export function checkCounter(session: OpenSession, seq: number): void {
  const state = SessionStore.check(session, seq);
  if (state !== 'ok') throw reject(state === 'replay' ? 'counter replayed' : 'counter too old');
}

/** After the MAC matched: records the counter, screens the hotkey (403) and sets the caller. */
export function admitSession(
  s: AxonState,
  session: OpenSession,
  seq: number,
  synapse: string,
  screen: ((hotkey: string) => BlacklistDecision) | undefined,
): void {
  SessionStore.record(session, seq);
  const pre = screen?.(session.hotkey);
  if (pre?.blocked) throw new AxonReject(403, `Forbidden. Key is blacklisted: ${pre.reason}.`, {}, false, 'verify');
  s.hotkey = session.hotkey;
  s.caller = { hotkey: session.hotkey, synapse, ip: s.req.peerIp };
}

export interface AxonSessionAuthOptions {
  readonly axonHotkey: string;
  readonly store: SessionStore;
  readonly clock?: Clock;
  readonly screen?: (hotkey: string) => BlacklistDecision;
}

/** Authenticates a request naming a session (needs {@link axonHeaders} before it; `axonVerify` after it). */
export function axonSessionAuth(o: AxonSessionAuthOptions): MiddlewareHandler<AxonEnv> {
  return stageMiddleware(sessionAuthStage(o));
}

/** The stage of {@link axonSessionAuth} (never waits). */
export function sessionAuthStage(o: AxonSessionAuthOptions): AxonStage {
  const clock = o.clock ?? systemClock;
  return (s) => {
    const id = s.req.headers[SESSION_ID_HEADER];
    if (id === undefined) return undefined;
    const synapse = s.route?.synapse;
    if (!synapse) throw new Error('axonSessionAuth needs axonRoute before it');
    const session = namedSession(o.store, id, clock.now());
    const d = s.dendrite;
    if (d.hotkey !== session.hotkey) throw reject('belongs to another hotkey');
    if (d.nonce === undefined || d.nonce === null || !d.uuid) throw reject('request lacks nonce or uuid');
    const { seq, mac } = sessionCounter(s, session, SESSION_MAC_HEADER);
    const message = macMessage({
      seq,
      nonce: d.nonce,
      dendriteHotkey: session.hotkey,
      axonHotkey: o.axonHotkey,
      uuid: d.uuid,
      bodyHash: s.bodyHash,
    });
    if (!macMatches(session.key, message, mac)) throw reject('MAC mismatch');
    admitSession(s, session, seq, synapse.name, o.screen);
    return undefined;
  };
}

/**
 * The dendrite's side of session mode: one handshake per axon origin (deduplicated while in
 * flight), then a counter and an HMAC per request instead of an sr25519 signature. The axon's
 * welcome is checked against the axon hotkey the metagraph lists, so a session is only ever
 * opened with the key's owner.
 */
import { bytesToHex } from '@noble/hashes/utils';
import type { Dispatcher } from 'undici';
import type { Clock } from '../../util/clock.js';
import type { Signer } from '../../util/signer.js';
import { undici } from '../../util/undici.js';
import { publicKeyOf, verifyText } from '../signing.js';
import {
  ephemeralKey,
  helloHash,
  helloMessage,
  LEAN_MAC_HEADER,
  LEAN_TIMEOUT_HEADER,
  leanMacOf,
  macMessage,
  macOf,
  SESSION_ID_HEADER,
  SESSION_MAC_HEADER,
  SESSION_PATH,
  SESSION_SEQ_HEADER,
  sessionKey,
  welcomeMessage,
} from './session-crypto.js';

interface ClientSession {
  readonly id: string;
  readonly key: Buffer;
  readonly expiresAt: number;
  /** The axon takes lean requests (its welcome says so). */
  readonly lean: boolean;
  seq: number;
}

/** A lean request's headers and body, ready to send to `/<synapse>`. */
export interface LeanRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Sessions refresh this long before the axon would expire them (clock skew, requests in flight). */
const EXPIRY_MARGIN_MS = 30_000;
const dec = new TextDecoder();

export class SessionClient {
  readonly #sessions = new Map<string, ClientSession>();
  readonly #opening = new Map<string, Promise<boolean>>();
  /** Origins whose last handshake failed: not retried for a while (avoid a handshake per call). */
  readonly #failedUntil = new Map<string, number>();

  constructor(
    private readonly signer: Signer,
    private readonly clock: Clock,
    /** The keep-alive client for an origin (the dendrite's, so the handshake warms its connection). */
    private readonly dispatcherFor: (origin: string) => Dispatcher,
    private readonly nextNonce: () => bigint,
  ) {}

  /** Session headers for a request to `origin`, or undefined when none is open. */
  headersFor(
    origin: string,
    p: { nonce: bigint; axonHotkey: string; uuid: string; bodyHash: string },
  ): Record<string, string> | undefined {
    const s = this.#advance(origin, p.axonHotkey);
    if (!s) return undefined;
    const mac = macOf(
      s.key,
      macMessage({
        seq: s.seq,
        nonce: p.nonce,
        dendriteHotkey: this.signer.address,
        axonHotkey: p.axonHotkey,
        uuid: p.uuid,
        bodyHash: p.bodyHash,
      }),
    );
    return { [SESSION_ID_HEADER]: s.id, [SESSION_SEQ_HEADER]: String(s.seq), [SESSION_MAC_HEADER]: mac };
  }

  /**
   * A lean request to `origin` (docs/protocol-session.md): the session headers and `body` (the
   * request fields' JSON as it will be sent), or undefined when no session is open or the axon
   * takes only v1. The answer is the response fields' JSON; errors are `{ message }`.
   */
  leanRequest(
    origin: string,
    p: { axonHotkey: string; synapse: string; body: string; timeoutS?: number },
  ): LeanRequest | undefined {
    if (!this.takesLean(origin, p.axonHotkey)) return undefined;
    const s = this.#advance(origin, p.axonHotkey);
    if (!s) return undefined;
    const timeout = p.timeoutS === undefined ? '' : timeoutText(p.timeoutS);
    const mac = leanMacOf(
      s.key,
      { seq: s.seq, dendriteHotkey: this.signer.address, axonHotkey: p.axonHotkey, synapse: p.synapse, timeout },
      p.body,
    );
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [SESSION_ID_HEADER]: s.id,
      [SESSION_SEQ_HEADER]: String(s.seq),
      [LEAN_MAC_HEADER]: mac,
    };
    if (timeout !== '') headers[LEAN_TIMEOUT_HEADER] = timeout;
    return { headers, body: p.body };
  }

  /** Whether a session with `axonHotkey` at `origin` is open and its axon takes lean requests (no counter used). */
  takesLean(origin: string, axonHotkey: string): boolean {
    return this.#sessions.get(`${origin}|${axonHotkey}`)?.lean === true;
  }

  /** The open session with `axonHotkey` at `origin` with its counter moved on, or undefined (an expired one is dropped). */
  #advance(origin: string, axonHotkey: string): ClientSession | undefined {
    const id = `${origin}|${axonHotkey}`;
    const s = this.#sessions.get(id);
    if (!s) return undefined;
    if (this.clock.now() >= s.expiresAt) {
      this.#sessions.delete(id);
      return undefined;
    }
    s.seq += 1;
    return s;
  }

  /** Forgets the session with `axonHotkey` at `origin` (the axon refused it). */
  drop(origin: string, axonHotkey: string): void {
    this.#sessions.delete(`${origin}|${axonHotkey}`);
  }

  /** Opens a session with the axon at `origin` (`http://host:port`); false when it refuses. */
  open(origin: string, axonHotkey: string, timeoutMs = 5_000): Promise<boolean> {
    // keyed by address and hotkey: a new owner of the address gets its own session
    const id = `${origin}|${axonHotkey}`;
    if (this.#sessions.has(id)) return Promise.resolve(true);
    const inFlight = this.#opening.get(id);
    if (inFlight) return inFlight;
    if ((this.#failedUntil.get(id) ?? 0) > this.clock.now()) return Promise.resolve(false);
    const p = this.#handshake(origin, axonHotkey, timeoutMs)
      .catch(() => false)
      .then((ok) => {
        this.#opening.delete(id);
        if (!ok) this.#failedUntil.set(id, this.clock.now() + 60_000);
        return ok;
      });
    this.#opening.set(id, p);
    return p;
  }

  async #handshake(origin: string, axonHotkey: string, timeoutMs: number): Promise<boolean> {
    const axonKey = publicKeyOf(axonHotkey);
    if (!axonKey) return false;
    const eph = ephemeralKey();
    const hello = { dendriteHotkey: this.signer.address, axonHotkey, nonce: this.nextNonce(), clientPub: eph.pub };
    const signature = `0x${bytesToHex(this.signer.sign(helloMessage(hello)))}`;
    const res = await undici().request(`${origin}${SESSION_PATH}`, {
      dispatcher: this.dispatcherFor(origin),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        dendrite_hotkey: hello.dendriteHotkey,
        axon_hotkey: axonHotkey,
        nonce: String(hello.nonce),
        client_pub: eph.pub,
        signature,
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) return false;
    const w = JSON.parse(text) as Record<string, unknown>;
    const { session, server_pub: serverPub, expires_in_ms: ttl, signature: sig, formats } = w;
    if (
      typeof session !== 'string' ||
      !/^[0-9a-f]{32}$/.test(session) ||
      typeof serverPub !== 'string' ||
      typeof ttl !== 'number' ||
      !(ttl > 0) ||
      typeof sig !== 'string'
    ) {
      return false;
    }
    const digest = helloHash(hello);
    // the welcome must be signed by the hotkey the metagraph lists for this axon
    const welcome = dec.decode(welcomeMessage(digest, { session, serverPub, expiresInMs: ttl }));
    if (!verifyText(welcome, sig, axonKey, false)) return false;
    const key = sessionKey(eph.secret, serverPub, digest);
    if (!key) return false;
    this.#sessions.set(`${origin}|${axonHotkey}`, {
      id: session,
      key,
      expiresAt: this.clock.now() + ttl - Math.min(EXPIRY_MARGIN_MS, ttl / 2),
      lean: Array.isArray(formats) && formats.includes('lean'),
      seq: 0,
    });
    return true;
  }
}

/**
 * `sk_timeout` text the axon accepts (digits, at most 9 decimals, no exponent): `String` alone
 * writes `1e-7` or 16 decimals for some values, which the axon would refuse with 400.
 */
function timeoutText(seconds: number): string {
  const t = Math.min(Math.max(seconds, 1e-9), 999_999_999);
  const plain = String(t);
  if (/^\d{1,9}(\.\d{1,9})?$/.test(plain)) return plain;
  return t.toFixed(9).replace(/\.?0+$/, '');
}

/**
 * Signature-and-nonce middleware (stricter than the SDK: a signature is required and nonces are
 * windowed): hotkey, nonce, uuid and signature present, an optional cheap screen (a metagraph
 * lookup, so unknown keys cost no verification), nonce window and replay, then one sr25519
 * verification of `<nonce>.<dendrite hotkey>.<axon hotkey>.<uuid>.<body hash>`. Any failure is
 * the SDK's 401 `Not Verified with error: …`; a screened-out key is 403.
 */
import type { MiddlewareHandler } from 'hono';
import type { NonceGuard } from '../nonce-guard.js';
import { publicKeyOf, signatureMessage, verifyText } from '../signing.js';
import { AxonReject } from './reject.js';
import { type AxonStage, stageMiddleware } from './stage.js';
import type { AxonEnv, BlacklistDecision } from './types.js';
import { VerifyBatcher } from './verify-batch.js';

export interface AxonVerifyOptions {
  /** The axon's own hotkey: requests must be signed for it. */
  readonly axonHotkey: string;
  readonly nonces: NonceGuard;
  /** Accept `<Bytes>`-wrapped signatures (the SDK does). Default true. */
  readonly acceptWrappedSignatures?: boolean;
  /** A pure, cheap pre-filter run before the nonce check and the verification. */
  readonly screen?: (hotkey: string) => BlacklistDecision;
  /** Verify requests of one event-loop turn back to back ({@link VerifyBatcher}). Default false. */
  readonly batch?: boolean;
}

const reject401 = (message: string): AxonReject =>
  new AxonReject(401, `Not Verified with error: ${message}`, {}, false, 'verify');

/** Authenticates the caller; sets `hotkey` and `caller` on `c.var.axon` (needs {@link axonHeaders}). */
export function axonVerify(o: AxonVerifyOptions): MiddlewareHandler<AxonEnv> {
  return stageMiddleware(verifyStage(o));
}

/** The stage of {@link axonVerify}: waits only for a batched verification. */
export function verifyStage(o: AxonVerifyOptions): AxonStage {
  const { axonHotkey, nonces, screen } = o;
  const allowWrapped = o.acceptWrappedSignatures ?? true;
  const batcher = o.batch ? new VerifyBatcher() : undefined;
  return (s) => {
    // an earlier stage (session mode) already authenticated the caller
    if (s.hotkey !== undefined) return undefined;
    const synapse = s.route?.synapse;
    if (!synapse) throw new Error('axonVerify needs axonRoute before it');
    const d = s.dendrite;
    const hotkey = d.hotkey;
    if (!hotkey) {
      const anyBt = Object.keys(s.req.headers).some((k) => k.startsWith('bt_header_'));
      throw reject401(
        anyBt
          ? 'No SS58 formatted address or public key provided.'
          : 'No SS58 formatted address or public key provided. (no bt_header_* headers arrived: a reverse proxy may drop underscore headers, e.g. nginx needs `underscores_in_headers on;`)',
      );
    }
    const pk = publicKeyOf(hotkey);
    if (!pk) throw reject401(`Invalid SS58 address: ${hotkey.slice(0, 64)}`);
    const nonce = d.nonce;
    if (nonce === undefined || nonce === null) throw reject401('Missing Nonce');
    const uuid = d.uuid;
    if (!uuid) throw reject401('Missing uuid');
    const signature = d.signature;
    if (!signature) throw reject401('Missing signature');
    const pre = screen?.(hotkey);
    if (pre?.blocked) throw new AxonReject(403, `Forbidden. Key is blacklisted: ${pre.reason}.`, {}, false, 'verify');
    const endpoint = `${hotkey}:${uuid}`;
    // the `timeout` header is not signed: it may narrow the nonce window, never widen it past the
    // synapse's own timeout
    const windowMs = Math.min(s.timeoutMs, synapse.timeoutMs);
    const nc = nonces.check(endpoint, nonce, windowMs);
    if (!nc.ok) throw reject401(nc.message);
    const message = signatureMessage({ nonce, dendriteHotkey: hotkey, axonHotkey, uuid, bodyHash: s.bodyHash });
    const verified = (ok: boolean): undefined => {
      if (!ok) throw reject401(`Signature mismatch with ${message} and ${signature.slice(0, 140)}`);
      // re-check: another request of this endpoint may have committed while we verified
      const again = nonces.check(endpoint, nonce, windowMs);
      if (!again.ok) throw reject401(again.message);
      nonces.commit(endpoint, nonce);
      s.hotkey = hotkey;
      s.caller = { hotkey, synapse: synapse.name, ip: s.req.peerIp };
      return undefined;
    };
    return batcher
      ? batcher.verify(message, signature, pk, allowWrapped).then(verified)
      : verified(verifyText(message, signature, pk, allowWrapped));
  };
}

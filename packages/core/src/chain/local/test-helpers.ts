import { sr25519KeypairFromSeed, sr25519Sign } from '@polkadot/wasm-crypto';
import type { Signer } from '../../util/signer.js';
import type { ChainCall } from '../types.js';
import { addressOf, createDevSigner } from './crypto.js';
import type { LocalChain } from './local-chain.js';

/** Dev signers used across the local chain's tests. */
export const dev = {
  alice: createDevSigner('//Alice'),
  bob: createDevSigner('//Bob'),
  charlie: createDevSigner('//Charlie'),
  dave: createDevSigner('//Dave'),
  ownerHot: createDevSigner('//Alice//hotkey/1'),
  minerHot: createDevSigner('//Bob//miner'),
  validatorHot: createDevSigner('//Charlie//validator'),
};

/** Submits and produces one block (manual mode), returning the extrinsic's outcome. */
export async function include(chain: LocalChain, signer: Signer, call: ChainCall) {
  const done = chain.submit(signer, call);
  done.catch(() => undefined);
  await chain.advance(1);
  return done;
}

/** The TAO accounting and alpha accounting invariants; returns a list of violations. */
export function invariantViolations(chain: LocalChain): string[] {
  const bad: string[] = [];
  const b = chain.issuanceBreakdown();
  if (b.accounted !== b.totalIssuance) bad.push(`issuance ${b.totalIssuance} != accounted ${b.accounted}`);
  const store = chain.state.store;
  for (const key of store.keysWithPrefix('a:')) {
    const a = store.get<{ free: bigint }>(key);
    if (!a || a.free < 0n) bad.push(`negative balance at ${key}`);
  }
  const g = chain.state.globals();
  for (const n of g.netuids) {
    const s = chain.state.subnet(n);
    if (!s) continue;
    const nv = chain.state.neurons(n);
    if (nv.hotkeys.length > s.hyper.maxAllowedUids && n !== 0) bad.push(`subnet ${n} has too many uids`);
    let pools = 0n;
    for (const key of store.keysWithPrefix(`p:${n}:`)) pools += store.get<{ alpha: bigint }>(key)?.alpha ?? 0n;
    const out = pools + s.pendingServer + s.pendingValidator + s.pendingOwnerCut + (n === 0 ? 0n : s.protocolAlpha);
    if (out !== s.alphaOut) bad.push(`subnet ${n} alphaOut ${s.alphaOut} != accounted ${out}`);
    if (s.taoIn < 0n || s.alphaIn < 0n) bad.push(`subnet ${n} negative reserve`);
  }
  return bad;
}

/**
 * A Signer on the wasm sr25519 backend from a 32-byte seed (fast: for fuzzing and benchmarks).
 * `initCrypto()` must have resolved.
 */
export function wasmSigner(seed: number | string): Signer {
  const bytes = new Uint8Array(32);
  const text = new TextEncoder().encode(String(seed));
  bytes.set(text.slice(0, 32));
  const kp = sr25519KeypairFromSeed(bytes);
  const secret = kp.slice(0, 64);
  const publicKey = kp.slice(64);
  return { address: addressOf(publicKey), publicKey, sign: (m) => sr25519Sign(publicKey, secret, m) };
}

/** The chain error name a submission fails with ('none' when it succeeds). */
export async function chainError(p: Promise<unknown>): Promise<string> {
  const e = (await p.then(
    () => ({ details: { chainError: 'none' } }),
    (err) => err,
  )) as { details: { chainError: string } };
  return e.details.chainError;
}

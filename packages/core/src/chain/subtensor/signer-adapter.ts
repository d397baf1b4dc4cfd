import type { Signer as PolkadotSigner, Registry, SignerPayloadJSON, SignerResult } from '@polkadot/types/types';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { SubnetkitError } from '../../errors/subnetkit-error.js';
import type { Signer } from '../../util/signer.js';

/** MultiSignature variant index for sr25519. */
const SR25519 = 1;

/**
 * The bytes an sr25519 key signs for an extrinsic payload: the SCALE payload, or its blake2-256
 * hash when it is longer than 256 bytes (Substrate's rule).
 */
export function signingBytes(encodedPayload: Uint8Array): Uint8Array {
  return encodedPayload.length > 256 ? blake2AsU8a(encodedPayload, 256) : encodedPayload;
}

/**
 * Wraps a Subnetkit `Signer` as a polkadot-js signer, so `@polkadot/api` builds the payload and
 * our key (which never leaves the wallet) signs it.
 */
export function toPolkadotSigner(signer: Signer, registry: Registry): PolkadotSigner {
  let nextId = 0;
  return {
    signPayload: async (payload: SignerPayloadJSON): Promise<SignerResult> => {
      if (payload.address !== signer.address) {
        // polkadot-js re-encodes addresses with the chain's ss58 prefix; compare keys, not text.
        const want = u8aToHex(signer.publicKey);
        const got = u8aToHex(registry.createType('AccountId', payload.address).toU8a());
        if (want !== got) {
          throw new SubnetkitError('SK_CHAIN_BAD_INPUT', 'The signer was asked to sign for another account.', {
            signer: signer.address,
          });
        }
      }
      const encoded = registry
        .createType('ExtrinsicPayload', payload, { version: payload.version })
        .toU8a({ method: true });
      const signature = signer.sign(signingBytes(encoded));
      nextId += 1;
      return { id: nextId, signature: u8aToHex(u8aConcat(new Uint8Array([SR25519]), signature)) };
    },
  };
}

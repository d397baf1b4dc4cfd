export { LocalBeacon, latestRound, type Pulse, verifyBeaconSignature } from './beacon.js';
export { AES_GCM_SUITE, parseCiphertext, serializeCiphertext, type TleCiphertext } from './ciphertext.js';
export { identityPoint, roundMessage } from './identity.js';
export { decodeWeightsPayload, encodeWeightsPayload, type WeightsTlockPayload } from './payload.js';
export { COMMIT_REVEAL_VERSION, MAX_COMMIT_BYTES, QUICKNET, QUICKNET_DST } from './quicknet.js';
export {
  roundForBlock,
  type SdkRoundInput,
  SECURITY_BLOCK_OFFSET,
  sdkFirstRevealBlock,
  sdkRevealRound,
} from './reveal-round.js';
export { type TleRandomness, timelockDecrypt, timelockEncrypt } from './tle.js';

// one max-upscale (subtensor's I32F32 rule); the old name stays exported
export { maxUpscaleU16 as maxUpscale } from '../../consensus/weights.js';
export { weightCommitHash } from '../codec/commit-hash.js';
export { HYPERPARAMETER_NAMES } from './admin.js';
export { canonicalDecode, canonicalEncode } from './codec.js';
export { createDevSigner, initCrypto, verifySr25519 } from './crypto.js';
export { type DevGenesisOptions, devGenesis } from './dev-genesis.js';
export {
  decodeAndVerify,
  encodeExtrinsic,
  type SignedExtrinsic,
  signExtrinsic,
  signingPayload,
} from './extrinsic.js';
export { type GenesisConfig, type GenesisSubnet, genesisHashOf } from './genesis.js';
export {
  type BlockTime,
  createLocalChain,
  type IssuanceBreakdown,
  LocalChain,
  type LocalChainOptions,
} from './local-chain.js';
export { blockEmissionFor } from './math.js';
export { openLocalChainReadOnly } from './open-read-only.js';
export {
  type ChainParams,
  DEFAULT_CHAIN_PARAMS,
  DEFAULT_HYPERPARAMETERS,
  FAST_HYPERPARAMETERS,
  type Hyper,
} from './params.js';
export { assertStoreIntact, inspectStoreFile, type StoreDamage } from './store-check.js';

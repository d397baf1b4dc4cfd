/**
 * drand quicknet, the beacon subtensor's `pallet_drand` follows and the SDK encrypts weight
 * commits to (values from opentensor/bittensor-drand src/drand.rs and subtensor
 * pallets/drand/src/lib.rs; see docs/timelock.md).
 */
export const QUICKNET = {
  /** G2 public key, 96 bytes compressed (ZCash encoding). */
  publicKey:
    '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  /** Unix seconds of round 1. */
  genesisTime: 1692803367,
  /** Seconds between rounds. */
  period: 3,
  chainHash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
  scheme: 'bls-unchained-g1-rfc9380',
} as const;

/** Hash-to-G1 domain tag of quicknet signatures and tle identities (RFC 9380 suite, NUL scheme). */
export const QUICKNET_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';

/** The commit-reveal version the chain expects with timelocked commits (CommitRevealWeightsVersion). */
export const COMMIT_REVEAL_VERSION = 4;

/** BoundedVec<u8, 5000>: the chain's cap on one timelocked commit. */
export const MAX_COMMIT_BYTES = 5000;

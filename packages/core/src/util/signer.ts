/**
 * What signs for an account: a wallet key (sr25519) behind a narrow interface, so chain and
 * protocol code never hold raw secret bytes.
 */
export interface Signer {
  /** SS58 address (format 42). */
  readonly address: string;
  /** 32-byte sr25519 public key. */
  readonly publicKey: Uint8Array;
  /** sr25519 signature (64 bytes) over `message`. */
  sign(message: Uint8Array): Uint8Array;
}

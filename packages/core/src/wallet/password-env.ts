import { sep } from 'node:path';
import { Secret } from '../util/secret.js';

/** Plain-text password variable for scripts (Subnetkit's own, checked after the SDK's per-file one). */
export const PASSWORD_ENV = 'SUBNETKIT_WALLET_PASSWORD';

/**
 * The SDK's per-keyfile variable: `BT_PW_` + upper(path with the path separator and `.` → `_`).
 * Wallet keyfiles use their absolute, tilde-expanded path (protocol.md §13.3).
 */
export function sdkPasswordEnvName(keyfilePath: string): string {
  return `BT_PW_${keyfilePath.split(sep).join('_').replaceAll('.', '_').toUpperCase()}`;
}

function xorWithName(bytes: Uint8Array, name: string): Uint8Array {
  const key = Buffer.from(name, 'utf8');
  return bytes.map((b, i) => b ^ (key[i % key.length] as number));
}

/** The SDK's value for that variable: base64(password XOR name bytes). Obfuscation, not encryption. */
export function encodeSdkPassword(name: string, password: Secret): string {
  return Buffer.from(xorWithName(Buffer.from(password.reveal(), 'utf8'), name)).toString('base64');
}

/** Reverses {@link encodeSdkPassword}. */
export function decodeSdkPassword(name: string, value: string): Secret {
  return new Secret(Buffer.from(xorWithName(Buffer.from(value, 'base64'), name)).toString('utf8'));
}

/** A keyfile's password from the environment: the SDK's per-file variable, then SUBNETKIT_WALLET_PASSWORD. */
export function passwordFromEnv(keyfilePath: string, env: NodeJS.ProcessEnv = process.env): Secret | undefined {
  const name = sdkPasswordEnvName(keyfilePath);
  const sdk = env[name];
  if (sdk) return decodeSdkPassword(name, sdk);
  const plain = env[PASSWORD_ENV];
  return plain ? new Secret(plain) : undefined;
}

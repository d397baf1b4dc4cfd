import { u8aToHex } from '@polkadot/util';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSubnetkitError } from '../errors/subnetkit-error.js';
import { Secret } from '../util/secret.js';
import { initCrypto } from './crypto-ready.js';
import keyfile from './fixtures/keyfile.json' with { type: 'json' };
import {
  argon2iKdf,
  decryptKeyfile,
  encryptKeyfile,
  keyfileFormat,
  keypairToKeyfileJson,
  NACL_MEMLIMIT,
  NACL_OPSLIMIT,
  NACL_SALT,
  parseKeyfileJson,
  publicKeyfileJson,
  sdkKdf,
} from './keyfile.js';
import { Keypair } from './keypair.js';
import { decodeSdkPassword, encodeSdkPassword, passwordFromEnv, sdkPasswordEnvName } from './password-env.js';
import { byId, fullExampleMnemonic, mnemonicByPublicKey, naclFull, otherMnemonic } from './vectors.test.helper.js';

beforeAll(() => initCrypto());

const hex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/^0x/, ''), 'hex'));
const cheapKdf = (p: Secret) => argon2iKdf(p, 3, 64 * 1024);
const nacl = naclFull;

function errorOf(fn: () => unknown): { code?: string; message: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    if (isSubnetkitError(err)) return { code: err.code, message: err.message, details: err.details };
    return { message: String(err) };
  }
  return { message: 'did not throw' };
}

describe('$NACL keyfiles (keyfile.json → nacl)', () => {
  it('uses the SDK parameters', () => {
    expect(u8aToHex(NACL_SALT, -1, false)).toBe(keyfile.nacl.salt_hex);
    expect(NACL_OPSLIMIT).toBe(keyfile.nacl.opslimit);
    expect(NACL_MEMLIMIT).toBe(keyfile.nacl.memlimit_bytes);
  });

  it('re-encrypts the plaintext with the fixed nonce byte for byte', () => {
    const out = encryptKeyfile(new Secret(nacl.plaintext), null, {
      key: new Secret(hex(nacl.derived_key_hex)),
      nonce: hex(nacl.nonce_hex),
    });
    expect(Buffer.from(out).toString('hex')).toBe(nacl.encrypted_hex);
    expect(Buffer.from(out).toString('base64')).toBe(nacl.encrypted_base64);
  });

  it('decrypts the SDK blob', () => {
    const data = hex(nacl.encrypted_hex);
    expect(keyfileFormat(data)).toBe('nacl');
    const plain = decryptKeyfile(data, new Secret('unused'), { key: new Secret(hex(nacl.derived_key_hex)) });
    expect(plain.reveal()).toBe(nacl.plaintext);
  });

  it('derives the key from the password with Argon2i (512 MiB)', { tags: ['slow'] }, () => {
    expect(u8aToHex(sdkKdf(new Secret(nacl.password)), -1, false)).toBe(nacl.derived_key_hex);
  });

  it('a wrong password or a flipped byte gives SK_WALLET_BAD_PASSWORD naming the file', () => {
    const blob = encryptKeyfile(new Secret('{"a":1}'), new Secret('right-password'), { kdf: cheapKdf });
    expect(decryptKeyfile(blob, new Secret('right-password'), { kdf: cheapKdf }).reveal()).toBe('{"a":1}');
    const wrong = errorOf(() =>
      decryptKeyfile(blob, new Secret('wrong-password'), { kdf: cheapKdf, file: '/w/coldkey' }),
    );
    expect(wrong.code).toBe('SK_WALLET_BAD_PASSWORD');
    expect(wrong.message).toContain('/w/coldkey');
    expect(wrong.message).not.toContain('wrong-password');
    const flipped = Uint8Array.from(blob);
    flipped[flipped.length - 1]! ^= 1;
    expect(errorOf(() => decryptKeyfile(flipped, new Secret('right-password'), { kdf: cheapKdf })).code).toBe(
      'SK_WALLET_BAD_PASSWORD',
    );
  });

  it('a random nonce makes every encryption different', () => {
    const a = encryptKeyfile(new Secret('x'), new Secret('pw-123456'), { kdf: cheapKdf });
    const b = encryptKeyfile(new Secret('x'), new Secret('pw-123456'), { kdf: cheapKdf });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('a truncated $NACL file is corrupt and named', () => {
    const short = hex(nacl.encrypted_hex).subarray(0, 30);
    const e = errorOf(() => decryptKeyfile(short, new Secret('x'), { file: '/w/hotkeys/h1' }));
    expect(e.code).toBe('SK_WALLET_KEYFILE_CORRUPT');
    expect(e.message).toContain('/w/hotkeys/h1');
  });
});

describe('legacy formats', () => {
  const vault = byId(keyfile.ansible_vault_legacy.vectors, 'vault-pub-only');

  it('decrypts Ansible Vault 1.1 (keyfile.json → ansible_vault_legacy)', () => {
    const data = new TextEncoder().encode(vault.vault_text);
    expect(keyfileFormat(data)).toBe('ansible-vault');
    expect(decryptKeyfile(data, new Secret(vault.password)).reveal()).toBe(vault.plaintext);
    expect(parseKeyfileJson(vault.plaintext).account.address).toBe(
      mnemonicByPublicKey((JSON.parse(vault.plaintext) as { accountId: string }).accountId).ss58_42,
    );
  });

  it('a wrong Ansible Vault password is SK_WALLET_BAD_PASSWORD', () => {
    const data = new TextEncoder().encode(vault.vault_text);
    expect(errorOf(() => decryptKeyfile(data, new Secret('nope'))).code).toBe('SK_WALLET_BAD_PASSWORD');
  });

  it('refuses Fernet with a clear message', () => {
    const e = errorOf(() => decryptKeyfile(new TextEncoder().encode('gAAAAABfake'), new Secret('x'), { file: 'f' }));
    expect(e.code).toBe('SK_WALLET_UNSUPPORTED_FORMAT');
    expect(e.message).toMatch(/Fernet/);
  });
});

describe('keyfile JSON (keyfile.json → keyfile_json)', () => {
  const full = keyfile.keyfile_json.full_example;
  const v = fullExampleMnemonic;

  it('writes exactly the fields btwallet writes', () => {
    const json = JSON.parse(keypairToKeyfileJson(Keypair.fromMnemonic(v.mnemonic)).reveal());
    expect(json).toEqual(full);
    expect(JSON.parse(publicKeyfileJson(Keypair.fromMnemonic(v.mnemonic)))).toEqual(
      keyfile.keyfile_json.coldkeypub_txt_example,
    );
  });

  it('reads the full example, the pub-only example and the nacl plaintext', () => {
    const parsed = parseKeyfileJson(JSON.stringify(full));
    expect(parsed.keypair?.address).toBe(full.ss58Address);
    const pub = parseKeyfileJson(JSON.stringify(keyfile.keyfile_json.coldkeypub_txt_example));
    expect(pub.keypair).toBeUndefined();
    expect(pub.account.address).toBe(full.ss58Address);
    expect(parseKeyfileJson(nacl.plaintext).keypair?.address).toBe(full.ss58Address);
  });

  it("reads the old SDK's layout with ', ' separators and nulls", () => {
    const old = `{"accountId": "${full.accountId}", "publicKey": "${full.publicKey}", "privateKey": "${full.privateKey}", "secretPhrase": null, "secretSeed": null, "ss58Address": "${full.ss58Address}"}`;
    const parsed = parseKeyfileJson(old);
    expect(parsed.keypair?.address).toBe(full.ss58Address);
    expect(parsed.keypair?.exportSecrets().reveal().mnemonic).toBeUndefined();
  });

  it('follows the load priority: secretPhrase, secretSeed, privateKey, ss58Address', () => {
    const other = otherMnemonic(v);
    // a phrase wins over a seed and the stored public key must then match the phrase
    const e = errorOf(() =>
      parseKeyfileJson(JSON.stringify({ ...full, secretPhrase: other.mnemonic }), '/w/hotkeys/x'),
    );
    expect(e.code).toBe('SK_WALLET_KEYFILE_CORRUPT');
    expect(e.message).toContain('/w/hotkeys/x');
    const bySeed = parseKeyfileJson(JSON.stringify({ secretSeed: full.secretSeed, privateKey: '0x00' }));
    expect(bySeed.keypair?.address).toBe(full.ss58Address);
    const byPriv = parseKeyfileJson(JSON.stringify({ privateKey: full.privateKey }));
    expect(byPriv.keypair?.address).toBe(full.ss58Address);
    const byAddress = parseKeyfileJson(JSON.stringify({ ss58Address: full.ss58Address }));
    expect(byAddress.keypair).toBeUndefined();
    expect(u8aToHex(byAddress.account.publicKey)).toBe(full.publicKey);
  });

  it('a private key that does not match its public key is corrupt', () => {
    const other = otherMnemonic(v);
    const bad = { privateKey: other.bittensor_privateKey_hex, publicKey: full.publicKey };
    expect(errorOf(() => parseKeyfileJson(JSON.stringify(bad))).code).toBe('SK_WALLET_KEYFILE_CORRUPT');
  });

  it('truncated JSON is corrupt, names the file and does not echo the content', () => {
    const text = JSON.stringify(full).slice(0, 120);
    const e = errorOf(() => parseKeyfileJson(text, '/w/coldkey'));
    expect(e.code).toBe('SK_WALLET_KEYFILE_CORRUPT');
    expect(e.message).toContain('/w/coldkey');
    expect(`${e.message}${JSON.stringify(e.details)}`).not.toContain(full.privateKey.slice(2, 30));
  });

  it('an invalid phrase in a keyfile is corrupt', () => {
    const e = errorOf(() => parseKeyfileJson(JSON.stringify({ secretPhrase: 'leopard old transfer' }), 'k'));
    expect(e.code).toBe('SK_WALLET_KEYFILE_CORRUPT');
    expect(e.message).not.toContain('leopard');
  });
});

describe('SDK password variable (keyfile.json → password_env_var)', () => {
  for (const c of keyfile.password_env_var.cases) {
    it(c.keyfile_path_as_given, () => {
      const name = sdkPasswordEnvName(c.keyfile_path_as_given);
      expect(name).toBe(c.env_var_name);
      expect(encodeSdkPassword(name, new Secret(c.password))).toBe(c.env_var_value);
      expect(decodeSdkPassword(name, c.env_var_value).reveal()).toBe(c.password);
      expect(passwordFromEnv(c.keyfile_path_as_given, { [name]: c.env_var_value })?.reveal()).toBe(c.password);
    });
  }

  it('the per-file variable wins over SUBNETKIT_WALLET_PASSWORD', () => {
    const file = '/tmp/w/default/coldkey';
    const name = sdkPasswordEnvName(file);
    const env = { SUBNETKIT_WALLET_PASSWORD: 'plain-one', [name]: encodeSdkPassword(name, new Secret('per-file')) };
    expect(passwordFromEnv(file, env)?.reveal()).toBe('per-file');
    expect(passwordFromEnv(file, { SUBNETKIT_WALLET_PASSWORD: 'plain-one' })?.reveal()).toBe('plain-one');
    expect(passwordFromEnv(file, {})).toBeUndefined();
  });
});

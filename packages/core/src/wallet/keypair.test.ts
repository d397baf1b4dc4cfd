import { u8aToHex } from '@polkadot/util';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../errors/code-of.test-helper.js';
import { isSubnetkitError } from '../errors/subnetkit-error.js';
import { Secret } from '../util/secret.js';
import { initCrypto } from './crypto-ready.js';
import keys from './fixtures/keys.json' with { type: 'json' };
import {
  addressFromPublicKey,
  DEV_PHRASE,
  Keypair,
  privateKeyFromPolkadot,
  privateKeyToPolkadot,
  publicKeyFromAddress,
  verify,
} from './keypair.js';
import { generateMnemonic, MNEMONIC_WORD_COUNTS, mnemonicToSeed, validateMnemonic } from './mnemonic.js';
import { mnemonicStartingWith, otherMnemonic } from './vectors.test.helper.js';

// vectors looked up by content, so the tests run on any superset of them
const LEOPARD = mnemonicStartingWith('old leopard');
const OTHER = otherMnemonic(LEOPARD);

beforeAll(() => initCrypto());

describe('mnemonic → keypair (keys.json → mnemonics)', () => {
  for (const v of keys.mnemonics) {
    it(`derives ${v.ss58_42}`, () => {
      expect(u8aToHex(mnemonicToSeed(v.mnemonic).reveal())).toBe(v.mini_secret_hex);
      const kp = Keypair.fromMnemonic(new Secret(v.mnemonic));
      expect(u8aToHex(kp.publicKey)).toBe(v.public_key_hex);
      expect(kp.address).toBe(v.ss58_42);
      expect(kp.ss58(0)).toBe(v.ss58_0_polkadot);
      const secrets = kp.exportSecrets().reveal();
      expect(u8aToHex(secrets.privateKey)).toBe(v.bittensor_privateKey_hex);
      expect(u8aToHex(secrets.seed)).toBe(v.mini_secret_hex);
      expect(secrets.mnemonic).toBe(v.mnemonic);
    });

    it(`converts both private-key forms for ${v.ss58_42}`, () => {
      const bt = Uint8Array.from(Buffer.from(v.bittensor_privateKey_hex.slice(2), 'hex'));
      expect(u8aToHex(privateKeyToPolkadot(bt))).toBe(v.polkadot_js_secretKey_hex);
      expect(u8aToHex(privateKeyFromPolkadot(privateKeyToPolkadot(bt)))).toBe(v.bittensor_privateKey_hex);
      // a key loaded from the private key alone recomputes the same public key and signs for it
      const kp = Keypair.fromPrivateKey(new Secret(bt));
      expect(kp.address).toBe(v.ss58_42);
      expect(verify('hello', kp.sign('hello'), v.ss58_42)).toBe(true);
    });

    it(`loads ${v.ss58_42} from its seed`, () => {
      expect(Keypair.fromSeed(new Secret(v.mini_secret_hex)).address).toBe(v.ss58_42);
    });
  }

  it('accepts pasted whitespace and capitals', () => {
    const v = LEOPARD;
    const messy = `  ${v.mnemonic.toUpperCase().replaceAll(' ', ' \n ')}  `;
    expect(Keypair.fromMnemonic(messy).address).toBe(v.ss58_42);
  });
});

describe('secret URIs (keys.json → uris)', () => {
  for (const v of keys.uris) {
    it(v.uri, () => {
      const uri = v.uri
        .replace(/<(.+?) mnemonic>/, (_, words: string) => mnemonicStartingWith(words).mnemonic)
        .replace('<DEV_PHRASE>', DEV_PHRASE);
      expect(Keypair.fromUri(uri).address).toBe(v.ss58_42);
    });
  }

  it('a plain mnemonic URI is the mnemonic key', () => {
    const v = OTHER;
    expect(Keypair.fromUri(v.mnemonic).address).toBe(v.ss58_42);
  });

  it('///password changes the key, as a BIP39 passphrase', () => {
    expect(Keypair.fromUri('//Alice///pw').address).not.toBe(Keypair.fromUri('//Alice').address);
  });

  it('rejects a URI with a bad phrase', () => {
    expect(codeOf(() => Keypair.fromUri('not a mnemonic at all//Alice'))).toBe('SK_WALLET_BAD_MNEMONIC');
  });
});

describe('signatures (keys.json → signatures)', () => {
  for (const v of keys.signatures) {
    it(`${v.id} verifies: ${v.verifies}`, () => {
      expect(verify(v.message, v.signature, v.signer_ss58)).toBe(v.verifies);
    });
  }

  it('sign → verify round trip, and a changed message or key fails', () => {
    const alice = Keypair.fromUri('//Alice');
    const bob = Keypair.fromUri('//Bob');
    const msg = new TextEncoder().encode('subnetkit');
    const sig = alice.sign(msg);
    expect(sig).toHaveLength(64);
    expect(alice.verify(msg, sig)).toBe(true);
    expect(verify(msg, u8aToHex(sig), alice.address)).toBe(true);
    expect(verify(msg, sig, alice.publicKey)).toBe(true);
    expect(verify('subnetkiT', sig, alice.address)).toBe(false);
    expect(verify(msg, sig, bob.address)).toBe(false);
    expect(verify(msg, sig.slice(0, 63), alice.address)).toBe(false);
    expect(verify(msg, sig, 'not-an-address')).toBe(false);
  });

  it('accepts a signature over the <Bytes>-wrapped message, as btwallet does, unless told not to', () => {
    const alice = Keypair.fromUri('//Alice');
    const msg = 'a message signed by a polkadot-js extension';
    const wrappedSig = alice.sign(`<Bytes>${msg}</Bytes>`);
    expect(verify(msg, wrappedSig, alice.address)).toBe(true);
    expect(alice.verify(msg, u8aToHex(wrappedSig))).toBe(true);
    expect(verify(new TextEncoder().encode(msg), wrappedSig, alice.publicKey)).toBe(true);
    expect(verify(msg, wrappedSig, alice.address, { allowWrapped: false })).toBe(false);
    // the wrapping is of these exact bytes: another message, key or framing still fails
    expect(verify(`${msg}.`, wrappedSig, alice.address)).toBe(false);
    expect(verify(msg, wrappedSig, Keypair.fromUri('//Bob').address)).toBe(false);
    expect(verify(msg, alice.sign(`<bytes>${msg}</bytes>`), alice.address)).toBe(false);
  });
});

describe('addresses', () => {
  it('decodes a prefix-0 address (keys.json → ss58_decode)', () => {
    for (const v of keys.ss58_decode) expect(u8aToHex(publicKeyFromAddress(v.ss58))).toBe(v.public_key_hex);
  });

  it('rejects a bad checksum', () => {
    const good = LEOPARD.ss58_42;
    const bad = `${good.slice(0, -1)}${good.endsWith('X') ? 'Y' : 'X'}`;
    expect(codeOf(() => publicKeyFromAddress(bad))).toBe('SK_WALLET_BAD_ADDRESS');
    expect(addressFromPublicKey(LEOPARD.public_key_hex)).toBe(good);
  });
});

describe('mnemonics', () => {
  for (const words of MNEMONIC_WORD_COUNTS) {
    it(`generates a valid ${words}-word mnemonic`, () => {
      const m = generateMnemonic(words);
      expect(m.reveal().split(' ')).toHaveLength(words);
      expect(validateMnemonic(m).reveal()).toBe(m.reveal());
      expect(String(m)).toBe('[redacted]');
    });
  }

  it('refuses other word counts', () => {
    expect(codeOf(() => generateMnemonic(13 as 12))).toBe('SK_WALLET_BAD_MNEMONIC');
  });

  const valid = LEOPARD.mnemonic;
  const cases: [string, string, string][] = [
    ['word count', valid.split(' ').slice(0, 11).join(' '), 'word-count'],
    ['unknown word', valid.replace('leopard', 'leopardx'), 'unknown-word'],
    ['checksum', valid.replace('review', 'abandon'), 'checksum'],
    ['swapped words', valid.replace('old leopard', 'leopard old'), 'checksum'],
  ];
  for (const [name, phrase, reason] of cases) {
    it(`names the problem without echoing words: ${name}`, () => {
      let caught: unknown;
      try {
        Keypair.fromMnemonic(phrase);
      } catch (err) {
        caught = err;
      }
      expect(isSubnetkitError(caught, 'SK_WALLET_BAD_MNEMONIC')).toBe(true);
      const err = caught as Error & { details: Record<string, unknown> };
      expect(err.details.reason).toBe(reason);
      const text = `${err.message} ${JSON.stringify(err)} ${String(err.cause ?? '')}`;
      for (const word of phrase.split(' ')) expect(text).not.toMatch(new RegExp(`\\b${word}\\b`));
    });
  }

  it('reports the position of an unknown word', () => {
    expect(() => validateMnemonic(valid.replace('transfer', 'transfxr'))).toThrow(/position 3\b/);
  });
});

describe('printing a keypair', () => {
  it('shows the address only', () => {
    const kp = Keypair.fromMnemonic(LEOPARD.mnemonic);
    const shown = `${JSON.stringify(kp)} ${String(kp.exportSecrets())} ${JSON.stringify({ s: kp.exportSecrets() })}`;
    expect(shown).toContain(kp.address);
    expect(shown).not.toContain('leopard');
    expect(shown).not.toContain(LEOPARD.bittensor_privateKey_hex.slice(2, 20));
  });
});

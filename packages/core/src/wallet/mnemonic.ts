import { mnemonicGenerate, mnemonicToEntropy, mnemonicToMiniSecret } from '@polkadot/util-crypto';
import englishWords from '@polkadot/util-crypto/mnemonic/wordlists/en';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { Secret, toSecret } from '../util/secret.js';
import { assertCryptoReady } from './crypto-ready.js';

import { MNEMONIC_WORD_COUNTS, type MnemonicWordCount } from './mnemonic-lengths.js';

export { MNEMONIC_WORD_COUNTS, type MnemonicWordCount };

const WORDS = new Set(englishWords);

/** Generates a fresh English BIP39 mnemonic (12 words by default, like btcli). */
export function generateMnemonic(words: MnemonicWordCount = 12): Secret {
  if (!MNEMONIC_WORD_COUNTS.includes(words)) {
    throw new SubnetkitError('SK_WALLET_BAD_MNEMONIC', `A mnemonic has 12, 15, 18, 21 or 24 words, not ${words}.`, {
      words,
    });
  }
  assertCryptoReady();
  return new Secret(mnemonicGenerate(words));
}

/** Collapses whitespace so pasted phrases (newlines, double spaces) validate. */
export function normalizeMnemonic(mnemonic: Secret | string): Secret {
  return new Secret(toSecret(mnemonic).reveal().trim().toLowerCase().split(/\s+/).join(' '));
}

/**
 * Checks a mnemonic and says precisely what is wrong (word count, the position of an unknown word,
 * or the checksum) without ever repeating the words themselves.
 */
export function validateMnemonic(mnemonic: Secret | string): Secret {
  const normal = normalizeMnemonic(mnemonic);
  const words = normal.reveal().split(' ');
  if (!(MNEMONIC_WORD_COUNTS as readonly number[]).includes(words.length)) {
    throw new SubnetkitError(
      'SK_WALLET_BAD_MNEMONIC',
      `A mnemonic has 12, 15, 18, 21 or 24 words; this one has ${words.length}.`,
      { reason: 'word-count', words: words.length },
    );
  }
  const unknown = words.flatMap((w, i) => (WORDS.has(w) ? [] : [i + 1]));
  if (unknown.length > 0) {
    throw new SubnetkitError(
      'SK_WALLET_BAD_MNEMONIC',
      `Mnemonic word${unknown.length > 1 ? 's' : ''} at position ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not in the BIP39 English word list.`,
      { reason: 'unknown-word', positions: unknown },
    );
  }
  try {
    mnemonicToEntropy(normal.reveal());
  } catch {
    // no cause attached: the library error could echo the phrase
    throw new SubnetkitError(
      'SK_WALLET_BAD_MNEMONIC',
      'The mnemonic checksum does not match: a word is wrong or the words are out of order.',
      { reason: 'checksum' },
    );
  }
  return normal;
}

/** mnemonic → BIP39 entropy → PBKDF2-SHA512 (2048 rounds, salt "mnemonic") → first 32 bytes (protocol.md §13.4). */
export function mnemonicToSeed(mnemonic: Secret | string, passphrase = ''): Secret<Uint8Array> {
  const normal = validateMnemonic(mnemonic);
  assertCryptoReady();
  return new Secret(mnemonicToMiniSecret(normal.reveal(), passphrase));
}

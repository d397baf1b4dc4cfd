/**
 * Test helper: finds wallet vectors by their content or id, never by position, so the tests run
 * on any superset of the shared vectors (fixtures/README.md).
 */
import keyfile from './fixtures/keyfile.json' with { type: 'json' };
import keys from './fixtures/keys.json' with { type: 'json' };

export type MnemonicVector = (typeof keys.mnemonics)[number];

function found<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`no vector ${what} in the fixtures`);
  return v;
}

/** The mnemonic vector of a public key (`0x` hex, any case). */
export function mnemonicByPublicKey(publicKeyHex: string): MnemonicVector {
  const want = publicKeyHex.toLowerCase();
  return found(
    keys.mnemonics.find((m) => m.public_key_hex.toLowerCase() === want),
    `with public key ${publicKeyHex}`,
  );
}

/** The mnemonic vector whose phrase starts with `words` (e.g. the `<old leopard mnemonic>` placeholder). */
export function mnemonicStartingWith(words: string): MnemonicVector {
  return found(
    keys.mnemonics.find((m) => m.mnemonic.startsWith(`${words} `)),
    `starting with '${words}'`,
  );
}

/** A mnemonic vector other than `than`. */
export function otherMnemonic(than: MnemonicVector): MnemonicVector {
  return found(
    keys.mnemonics.find((m) => m.ss58_42 !== than.ss58_42),
    `other than ${than.ss58_42}`,
  );
}

/** The element of a vector list with this `id`. */
export function byId<T extends { readonly id: string }>(list: readonly T[], id: string): T {
  return found(
    list.find((v) => v.id === id),
    `'${id}'`,
  );
}

/** The `$NACL` vector holding a full keyfile, and the mnemonic vector of its account. */
export const naclFull = byId(keyfile.nacl.vectors, 'nacl-full-keyfile');
export const naclFullMnemonic = mnemonicByPublicKey(
  (JSON.parse(naclFull.plaintext) as { accountId: string }).accountId,
);
/** The mnemonic vector of the full keyfile JSON example. */
export const fullExampleMnemonic = mnemonicByPublicKey(keyfile.keyfile_json.full_example.publicKey);

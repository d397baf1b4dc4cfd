/** BIP39 mnemonic lengths the SDK accepts (a module of its own: the CLI's help shows it without loading crypto). */
export const MNEMONIC_WORD_COUNTS = [12, 15, 18, 21, 24] as const;
export type MnemonicWordCount = (typeof MNEMONIC_WORD_COUNTS)[number];

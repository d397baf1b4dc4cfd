export { initCrypto } from './crypto-ready.js';
export {
  argon2iKdf,
  decryptKeyfile,
  type EncryptOptions,
  encryptKeyfile,
  isEncryptedKeyfile,
  type Kdf,
  type KeyfileFormat,
  type KeyfileJson,
  keyfileFormat,
  keypairToKeyfileJson,
  NACL_MEMLIMIT,
  NACL_OPSLIMIT,
  NACL_SALT,
  type ParsedKeyfile,
  parseKeyfileJson,
  publicKeyfileJson,
  sdkKdf,
} from './keyfile.js';
export {
  addressFromPublicKey,
  DEV_PHRASE,
  Keypair,
  type KeypairSecrets,
  type PublicAccount,
  publicKeyFromAddress,
  SS58_FORMAT,
  type VerifyOptions,
  verify,
  wrapBytes,
} from './keypair.js';
export { generateMnemonic, MNEMONIC_WORD_COUNTS, type MnemonicWordCount, validateMnemonic } from './mnemonic.js';
export {
  decodeSdkPassword,
  encodeSdkPassword,
  PASSWORD_ENV,
  passwordFromEnv,
  sdkPasswordEnvName,
} from './password-env.js';
export { PresignedSigner, type PresignOptions } from './presigned.js';
export {
  type CreatedKey,
  type CreateWalletOptions,
  checkNewPassword,
  createWallet,
  defaultWalletPath,
  type KeySource,
  type LoadedWallet,
  listWallets,
  loadWallet,
  WALLET_PATH_ENV,
  Wallet,
  type WalletOptions,
  type WalletSummary,
  type WriteKeyOptions,
} from './wallet.js';

export { publicKeyOf } from './address.js';
export { cryptoReady, initCrypto } from './init.js';

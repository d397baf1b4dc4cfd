// `@subnetkit/core/light`: the few names a command-line front end needs before it knows which
// command runs (error codes and classes, the forced-shutdown error, this core's version, the
// defaults its help texts show). Each module here imports nothing heavy, so `--help`, `--version` and usage errors start in a tenth of
// the time the full entry takes (that one loads ~900 modules: chain, crypto, models, servers).
// They are the same module instances as the full entry's, so `instanceof` works across both.
export * from './errors/index.js';
export { DEFAULT_REQUESTS_PER_MINUTE } from './gateway/rate-defaults.js';
export { forcedShutdownError } from './ops/shutdown.js';
export { CORE_VERSION } from './plugin/core-identity.js';
export { MNEMONIC_WORD_COUNTS } from './wallet/mnemonic-lengths.js';

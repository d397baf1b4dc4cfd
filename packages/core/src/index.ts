// tsyringe needs the Reflect metadata polyfill before any decorated class loads
import 'reflect-metadata';

export {
  HYPERPARAMETERS,
  type HyperparameterKind,
  type HyperparameterSpec,
  hyperparameterSpec,
} from './chain/codec/hyperparameters.js';
export * from './chain/devnet/index.js';
export * from './chain/local/index.js';
export * from './chain/subtensor/index.js';
export type * from './chain/types.js';
export * from './config/index.js';
export * from './consensus/index.js';
export * from './dashboard/index.js';
export {
  type CreateRuntimeOptions,
  createRuntime,
  type Override,
  Runtime,
  type ScopeValues,
} from './di/create-runtime.js';
export { type ChainFromConfigOptions, chainFromConfig, modelsFromConfig } from './di/from-config.js';
export { CHAIN, CLOCK, LOGGER, MODELS, NEURON, type NeuronIdentity, RANDOM } from './di/tokens.js';
export * from './errors/index.js';
export * from './gateway/index.js';
export * from './localnet/index.js';
export { createLogger, type Logger, type LoggerConfig, REDACT_PATHS } from './log/logger.js';
export * from './models/index.js';
export * from './neuron/index.js';
export * from './ops/index.js';
export * from './plugin/index.js';
export * from './protocol/index.js';
export * from './timelock/index.js';
export { type Clock, ManualClock, systemClock } from './util/clock.js';
export { createRandom, type Random } from './util/random.js';
export { Secret, toSecret } from './util/secret.js';
export type { Signer } from './util/signer.js';
// wallet's initCrypto readies sr25519 wasm and libsodium, a superset of chain/local's: it wins the name
export * from './wallet/index.js';
export { initCrypto } from './wallet/index.js';

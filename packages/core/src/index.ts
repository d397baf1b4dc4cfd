export type * from './chain/types.js';
export * from './di/tokens.js';
export * from './errors/index.js';
export { createLogger, type Logger, type LoggerConfig, REDACT_PATHS } from './log/logger.js';
export { type Clock, ManualClock, systemClock } from './util/clock.js';
export { createRandom, type Random } from './util/random.js';
export { Secret, toSecret } from './util/secret.js';
export type { Signer } from './util/signer.js';

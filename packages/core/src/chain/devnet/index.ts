export type { Devnet, DevnetOptions } from './devnet-server.js';
export { type AppliedOutcome, type DevnetEngine, localChainEngine } from './local-engine.js';
export { DEVNET_SPEC } from './spec.js';
export { startDevnet } from './start.js';

export { type Devnet, type DevnetOptions, startDevnet } from './devnet-server.js';
export { type AppliedOutcome, type DevnetEngine, localChainEngine } from './local-engine.js';
export { DEVNET_SPEC } from './runtime.js';

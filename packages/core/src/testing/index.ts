import 'reflect-metadata';

export type { EpochSnapshot, NetworkSummary, NeuronSummary, SubnetSummary } from '../localnet/summary.js';
export { incentiveByProfile } from '../localnet/summary.js';
export { ManualClock } from '../util/clock.js';
export { type CapturedLogs, captureLogs } from './capture-logs.js';
export { createTestNetwork, type TestNetwork, type TestNetworkOptions } from './create-test-network.js';
export { freePort } from './free-port.js';

export { appendHistory, loadHistory } from './history.js';
export { renderHtmlReport } from './html-report.js';
export { type JoinOptions, type JoinResult, type JoinSubnetPlan, joinChain } from './join.js';
export { localnetKeys, type NeuronKeys } from './keys.js';
export { DEFAULT_MINER_PROFILES, LocalNetwork, type LocalNetworkOptions } from './network.js';
export {
  type EpochSnapshot,
  incentiveByProfile,
  type NetworkSummary,
  type NeuronSummary,
  type SubnetSummary,
} from './summary.js';

export { AdmissionError, PriorityGate, RateLimiter, type RateLimitOptions } from './admission.js';
export { axonBlacklist, metagraphScreen } from './axon/blacklist.js';
export { type AxonBodyOptions, axonBody } from './axon/body.js';
export { type AxonForwardOptions, axonForward } from './axon/forward.js';
export { axonErrorHandler } from './axon/on-error.js';
export { type AxonHeaderOptions, axonHeaders } from './axon/parse-headers.js';
export { type AxonPriorityOptions, axonPriority } from './axon/priority.js';
export { axonRateLimit } from './axon/rate-limit.js';
export { AxonReject } from './axon/reject.js';
export type { AxonIdentity, AxonReply } from './axon/reply.js';
export { type AxonRouteOptions, type AxonTracker, axonRoute } from './axon/route.js';
export { type AxonSessionOptions, axonSessionAuth, axonSessionHandshake } from './axon/session.js';
export type { AxonRequest, AxonRoute } from './axon/types.js';
export { type AxonVerifyOptions, axonVerify } from './axon/verify.js';
export {
  type Axon,
  type AxonEnv,
  type AxonHandler,
  type AxonObserver,
  type AxonOptions,
  type AxonState,
  type AxonStats,
  type BlacklistDecision,
  type BlacklistFn,
  type BlacklistOption,
  type CallerInfo,
  createAxon,
  type HandlerContext,
  type NeuronInfo,
  type NeuronLookup,
  type PriorityFn,
} from './axon.js';
export {
  type AxonTarget,
  Dendrite,
  type DendriteOptions,
  type QueryOptions,
  type QueryResult,
  type StreamResult,
} from './dendrite.js';
export { buildSynapseHeaders, parseHeadersToInputs, type TerminalInfo } from './headers.js';
export {
  axonIpStr,
  canonicalIp,
  type DendriteUrlOptions,
  dendriteUrl,
  displayIp,
  ipFromInt,
  ipToInt,
  ipVersion,
  isIpAddress,
  isServing,
} from './ip.js';
export { parseJsonBig, stringifyJsonBig } from './json-bigint.js';
export { bondRowToDense, emissionToTao, rootWeightRowToDense, weightRowToDense } from './metagraph-utils.js';
export { NonceGuard, type NonceGuardOptions } from './nonce-guard.js';
export { type PyType, pyFloatRepr, pyRepr, pyStr, pyStrRepr } from './python-repr.js';
export { SessionStore } from './session/session-store.js';
export {
  SDK_VERSION,
  SDK_VERSION_INT,
  signatureMessage,
  signText,
  templateSpecVersion,
  verifyText,
  versionAsInt,
} from './signing.js';
export {
  computeBodyHash,
  defineSynapse,
  type StreamFormat,
  type Synapse,
  type SynapseDefinition,
  type SynapseRequest,
  type SynapseResponse,
  type SynapseTask,
  synapseBodyHash,
  synapseFromTask,
  synapseNameFor,
} from './synapse.js';
export {
  convertAndNormalizeWeightsAndUids,
  convertMaybeSplitToU16,
  convertWeightsAndUidsForEmit,
  normalizeMaxWeight,
  type ProcessWeightsInput,
  processWeights,
  quantile,
  roundHalfEven,
  U16_MAX,
  type U16Weights,
  u16NormalizedFloat,
  type WeightDtype,
} from './weights.js';

export { TUPLE_EVENT_FIELDS } from '../codec/event-fields.js';
export {
  bigIntToIp,
  buildCall,
  type CallFunctionLike,
  type DecoratedCalls,
  hyperparameterSetters,
  ipToBigInt,
  type ResolvedCall,
  resolveCall,
} from './call-builder.js';
export { type ProviderInterface, resolveEndpoint, SUBTENSOR_ENDPOINTS } from './connection.js';
export {
  type ChainErrorName,
  CUSTOM_VALIDITY_ERRORS,
  chainErrorToSubnetkit,
  errorCodeFor,
  nameDispatchError,
  namePoolRejection,
} from './dispatch-error.js';
export { signingBytes, toPolkadotSigner } from './signer-adapter.js';
export { createSubtensorChain, type SubtensorChainOptions } from './subtensor-chain.js';

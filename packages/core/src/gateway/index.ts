/**
 * The gateway: applications reach a subnet's miners through the validator (OpenAI-compatible for
 * text subnets, JSON endpoints for the others).
 *
 * @example
 * const gateway = await Gateway.create({ subnet, netuid, chain, signer: hotkey, log, scorer: validator, keys: ApiKeyStore.open(file) });
 * const { url } = await gateway.listen({ port: 8080 });
 */
export { type ErrorReply, errorReply, noAnswerError } from './errors.js';
export { Gateway, type GatewayOptions, JSON_ENDPOINTS, type OrganicScorer, type SpotCheck } from './gateway.js';
export { type ApiKeyRecord, ApiKeyStore, DEFAULT_REQUESTS_PER_MINUTE } from './keys.js';
export { DEFAULT_MAX_TOKENS, isTextSubnet } from './openai.js';
export { type OpenApiInput, openApiDocument } from './openapi.js';
export { bestMiners, type HedgedResult, hedgedQuery, type MinerAnswer, type MinerTarget } from './router.js';

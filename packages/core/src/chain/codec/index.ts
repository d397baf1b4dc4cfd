/**
 * The chain codec: encodings both backends (local engine, subtensor) and the neurons share, so
 * that neither backend imports the other and the neurons import neither.
 */
export { axonIpFromU128, axonIpToU128 } from './axon-ip.js';
export { weightCommitHash } from './commit-hash.js';
export { eventFieldNames, TUPLE_EVENT_FIELDS } from './event-fields.js';

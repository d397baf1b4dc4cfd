// Moved to the chain codec (shared by both backends); kept for the devnet bridge's import.
export { eventFieldNames, TUPLE_EVENT_FIELDS } from '../codec/event-fields.js';

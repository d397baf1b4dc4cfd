/** Requests per minute a gateway key gets unless told otherwise (a module of its own: the CLI's help shows it). */
export const DEFAULT_REQUESTS_PER_MINUTE = 60;

import { isSubnetkitError, SubnetkitError } from '../errors/subnetkit-error.js';

/** HTTP status and OpenAI error `type` of each code the gateway answers with. */
const HTTP: Readonly<Record<string, { status: number; type: string } | undefined>> = {
  SK_GATEWAY_BAD_REQUEST: { status: 400, type: 'invalid_request_error' },
  SK_GATEWAY_UNAUTHORIZED: { status: 401, type: 'authentication_error' },
  SK_GATEWAY_RATE_LIMITED: { status: 429, type: 'rate_limit_error' },
  SK_GATEWAY_NO_MINER: { status: 503, type: 'service_unavailable_error' },
  SK_GATEWAY_OVERLOADED: { status: 503, type: 'service_unavailable_error' },
  SK_GATEWAY_TIMEOUT: { status: 504, type: 'timeout_error' },
};

export interface ErrorReply {
  status: number;
  body: { error: { message: string; type: string; param: string | null; code: string } };
}

/**
 * An error as OpenAI sends one: `{ error: { message, type, param, code } }`, the code being the
 * SK_* code. Anything that is not a gateway error is a 500 whose message says nothing internal.
 */
export function errorReply(err: unknown): ErrorReply {
  const known = isSubnetkitError(err) ? HTTP[err.code] : undefined;
  if (isSubnetkitError(err) && known) {
    const param = typeof err.details.param === 'string' ? err.details.param : null;
    return { status: known.status, body: { error: { message: err.message, type: known.type, param, code: err.code } } };
  }
  return {
    status: 500,
    body: {
      error: {
        message: 'The gateway failed to handle the request.',
        type: 'server_error',
        param: null,
        code: isSubnetkitError(err) ? err.code : 'SK_INTERNAL',
      },
    },
  };
}

/**
 * Why no miner's answer came back: every asked miner timed out (504), or none gave a valid answer
 * (503, try again after `retryAfterS`).
 */
export function noAnswerError(statuses: readonly number[], timeoutMs: number, retryAfterS: number): SubnetkitError {
  if (statuses.length > 0 && statuses.every((s) => s === 408))
    return new SubnetkitError('SK_GATEWAY_TIMEOUT', `No miner answered within ${timeoutMs} ms.`, {});
  return new SubnetkitError(
    'SK_GATEWAY_NO_MINER',
    `None of the ${statuses.length} miners asked gave a valid answer (statuses ${statuses.join(', ')}); retry later.`,
    { retryAfterS },
  );
}

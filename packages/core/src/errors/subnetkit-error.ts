import type { ErrorCode } from './codes.js';
import type { PluginErrorCode } from './plugin-codes.js';

/** Safe, serialisable context: ids and numbers, never secret values. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The single error type of Subnetkit. `code` is stable; `message` tells the user what to do.
 *
 * @example
 * throw new SubnetkitError('SK_CONFIG_INVALID', 'subnetkit.config.json: "chain.blockTime" must be a duration', { file, key });
 */
export class SubnetkitError extends Error {
  override readonly name = 'SubnetkitError';
  /** Core's catalog, or a code a plugin declared with `defineErrorCodes`. */
  readonly code: ErrorCode | PluginErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details;
  }

  /** JSON form for `--json` output and logs: no stack, no cause chain (causes may hold secrets). */
  toJSON(): { name: string; code: ErrorCode | PluginErrorCode; message: string; details: ErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** True when `err` is a SubnetkitError, optionally with the given code. */
export function isSubnetkitError(err: unknown, code?: ErrorCode | PluginErrorCode): err is SubnetkitError {
  return err instanceof SubnetkitError && (code === undefined || err.code === code);
}

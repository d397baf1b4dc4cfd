import { ERROR_CODES } from './codes.js';
import { type ErrorDetails, SubnetkitError } from './subnetkit-error.js';

/** A code a plugin declares: `SK_` then upper-case words, e.g. `SK_TEXT_BAD_INPUT`. */
export type PluginErrorCode = `SK_${string}`;

const CODE = /^SK_[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;
const CATALOG = Symbol.for('subnetkit.error-catalog');

/**
 * A plugin's own error codes, each with what it means in general. Errors it makes are ordinary
 * `SubnetkitError`s, so hosts, `--json` output and `isSubnetkitError` treat them like core's.
 */
export interface ErrorCatalog<C extends PluginErrorCode = PluginErrorCode> {
  readonly codes: Readonly<Record<C, string>>;
  /** A coded error; the message says what to do about this case, `details` holds no secrets. */
  error(code: C, message: string, details?: ErrorDetails, options?: { cause?: unknown }): SubnetkitError;
  /** True when `err` is a SubnetkitError with one of this catalog's codes (or with `code`). */
  is(err: unknown, code?: C): err is SubnetkitError;
}

/**
 * Declares a plugin's error codes without touching core's catalog. Codes must look like
 * `SK_NAME_WHAT` and may not reuse a core code (callers branch on `code`, so one code must mean
 * one thing); a bad catalog is SK_PLUGIN_INVALID at module load.
 *
 * @example
 * export const errors = defineErrorCodes({ SK_ECHO_EMPTY: 'An echo request had no text.' });
 * throw errors.error('SK_ECHO_EMPTY', 'Send some text to echo.', { field: 'text' });
 */
export function defineErrorCodes<const T extends Record<PluginErrorCode, string>>(
  codes: T,
): ErrorCatalog<keyof T & PluginErrorCode> {
  for (const [code, meaning] of Object.entries(codes)) {
    const why = !CODE.test(code)
      ? 'is not of the form SK_NAME_WHAT (upper case, digits, underscores)'
      : code in ERROR_CODES
        ? "is one of core's codes"
        : typeof meaning !== 'string' || meaning.trim() === ''
          ? 'has no description'
          : undefined;
    if (why) throw new SubnetkitError('SK_PLUGIN_INVALID', `Error code ${code} ${why}.`, { code });
  }
  const own = Object.freeze({ ...codes });
  type C = keyof T & PluginErrorCode;
  const catalog: ErrorCatalog<C> = {
    codes: own,
    // plugin codes are checked above; the constructor's type guards core's own catalog
    error: (code, message, details = {}, options) => new SubnetkitError(code as never, message, details, options),
    is: (err, code): err is SubnetkitError =>
      err instanceof SubnetkitError && (code === undefined ? Object.hasOwn(own, err.code) : err.code === code),
  };
  Object.defineProperty(catalog, CATALOG, { value: true });
  return Object.freeze(catalog);
}

/** True for a catalog made by `defineErrorCodes` (the plugin validator checks `errors` with it). */
export function isErrorCatalog(value: unknown): value is ErrorCatalog {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CATALOG] === true;
}

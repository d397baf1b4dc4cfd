import { isSubnetkitError } from './subnetkit-error.js';

/** The SK_* code `fn` throws, undefined when it returns, or a line naming a foreign error (for tests). */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isSubnetkitError(err) ? err.code : `not a SubnetkitError: ${String(err)}`;
  }
  return undefined;
}

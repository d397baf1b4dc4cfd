import { createRequire } from 'node:module';
import type * as Undici from 'undici';

let undiciModule: typeof Undici | undefined;

/**
 * undici, required on first use: it is ~110 CommonJS modules that only a dendrite needs, and
 * loading them with core cost every process (each CLI command, --help included). require, not
 * import(), keeps the callers (a constructor among them) synchronous.
 */
export function undici(): typeof Undici {
  undiciModule ??= createRequire(import.meta.url)('undici') as typeof Undici;
  return undiciModule;
}

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Identifies this copy of @subnetkit/core: the package folder it was loaded from. Two copies in
 * one process mean DI tokens and error classes that never match, so the host refuses plugins
 * defined with another copy.
 */
export const CORE_IDENTITY = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Key under which `defineSubnet` records the core copy that defined a subnet. */
export const DEFINED_BY = Symbol.for('subnetkit.core.definedBy');

/** This core's version, from its own package.json (src/ and dist/ sit at the same depth). */
export const CORE_VERSION: string = (
  JSON.parse(readFileSync(join(CORE_IDENTITY, 'package.json'), 'utf8')) as { version: string }
).version;

/** The plugin API versions this core can host. */
export const SUPPORTED_API_VERSIONS: readonly number[] = [1];

import { createSubnetkitMain, type main } from 'subnetkit';

/** Where to print and which folder to work in (as for the `subnetkit` CLI). */
export type CreateOptions = NonNullable<Parameters<typeof main>[1]>;

/**
 * `npm init subnetkit <name> [-- --kind image …]`: the same generator as `subnetkit new`, with
 * the same flags, exit codes and errors, and help of its own. Returns the exit code.
 */
export function createSubnetkit(argv: string[], options: CreateOptions = {}): Promise<number> {
  return createSubnetkitMain(argv, options);
}

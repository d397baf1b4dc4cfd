import { main } from 'subnetkit';

/** Where to print and which folder to work in (as for the `subnetkit` CLI). */
export type CreateOptions = NonNullable<Parameters<typeof main>[1]>;

/**
 * `npm create subnetkit <name> [-- --kind image …]`: the same generator as `subnetkit new`, with
 * the same flags, exit codes and errors. Returns the exit code.
 */
export function createSubnetkit(argv: string[], options: CreateOptions = {}): Promise<number> {
  return main(['new', ...argv], options);
}

import { SubnetkitError } from '@subnetkit/core/light';

/** A command whose feature has not landed yet: says so plainly instead of pretending. */
export function notAvailable(command: string, issue: string): never {
  throw new SubnetkitError('SK_CLI_NOT_AVAILABLE', `'subnetkit ${command}' is not available yet (${issue}).`, {
    command,
  });
}

import { createServer } from 'node:net';
import { SubnetkitError } from '@subnetkit/core/light';

/**
 * Fails early when a port is taken, before anything costly or irreversible happens (model loads,
 * paying a registration burn). A race with another process remains possible; this catches the
 * common case of a second copy still running.
 */
export async function ensurePortFree(port: number, host: string, what: string, option: string): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SubnetkitError('SK_CLI_USAGE', `--${option} must be a port number from 1 to 65535, got '${port}'.`, {
      option,
    });
  }
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      const taken = err.code === 'EADDRINUSE' || err.code === 'EACCES';
      reject(
        new SubnetkitError(
          'SK_CLI_PORT_IN_USE',
          taken
            ? `Port ${port} for ${what} is ${err.code === 'EACCES' ? 'not allowed' : 'already in use'} on ${host}: stop what holds it or pass another --${option}.`
            : `Cannot listen on ${host}:${port} for ${what}: ${err.message}.`,
          { port, host, option },
        ),
      );
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

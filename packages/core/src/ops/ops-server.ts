import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { OpsMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export interface OpsServerOptions {
  metrics: OpsMetrics;
  readiness: Readiness;
  /** Default 127.0.0.1: metrics describe the operator's node and are not for the public. */
  host?: string;
  /** 0 = any free port. */
  port?: number;
}

export interface OpsServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  close(): Promise<void>;
}

/** The ops routes: `/metrics` (Prometheus text), `/healthz` (alive), `/readyz` (ready for work). */
export function opsApp(metrics: OpsMetrics, readiness: Readiness): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => c.body(await metrics.render(), 200, { 'content-type': metrics.contentType }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => c.json(readiness.status(), readiness.ready ? 200 : 503));
  return app;
}

/** Starts the ops server; a taken port is SK_CLI_PORT_IN_USE. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const host = options.host ?? '127.0.0.1';
  const app = opsApp(options.metrics, options.readiness);
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new SubnetkitError(
              'SK_CLI_PORT_IN_USE',
              `Ops port ${host}:${options.port} is taken; pass another --ops-port (0 = any free port).`,
              { host, port: options.port },
            )
          : err,
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // scrapers keep connections alive; nothing they wait for outlives the process
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

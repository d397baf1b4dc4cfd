import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Logger } from '../log/logger.js';
import { createDashboardApp } from './app.js';
import type { DashboardSource } from './source.js';

export interface RunningDashboard {
  url: string;
  port: number;
  /** Ends the live streams, stops listening and unsubscribes from the chain (the chain stays open). */
  close(): Promise<void>;
}

/**
 * Serves the dashboard on host:port (default 127.0.0.1; port 0 picks a free one). A taken port
 * rejects with the listen error, so the caller can report it before anything else starts.
 */
export function startDashboard(
  source: DashboardSource,
  options: { port?: number; host?: string; log: Logger },
): Promise<RunningDashboard> {
  const host = options.host ?? '127.0.0.1';
  const { app, hub } = createDashboardApp(source, options.log);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, (info) => {
      const port = (info as AddressInfo).port;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
        port,
        close: () => {
          closing ??= new Promise<void>((done) => {
            hub.close();
            source.close();
            server.close(() => done());
            // open event streams end with the hub; idle keep-alive sockets go now
            if ('closeAllConnections' in server) server.closeAllConnections();
          });
          return closing;
        },
      });
    });
    server.once('error', (err) => {
      hub.close();
      source.close();
      reject(err);
    });
  });
}

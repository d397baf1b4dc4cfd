import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { recordRequest } from './instrument-requests.js';
import type { OpsMetrics } from './metrics.js';

/**
 * A hono middleware that counts and times every request of a service (e.g. the gateway), labelled
 * by the matched route pattern (`/v1/chat/completions`), not the raw path.
 */
export function requestMetrics(metrics: OpsMetrics, service: string): MiddlewareHandler {
  return async (c, next) => {
    const startMs = performance.now();
    metrics.inFlight.inc({ service });
    try {
      await next();
    } finally {
      metrics.inFlight.dec({ service });
      const route = c.res.status === 404 ? 'unknown' : routePath(c, -1);
      recordRequest(metrics, service, { route, status: c.res.status, durationMs: performance.now() - startMs });
    }
  };
}

import type { AxonObserver } from '../protocol/axon.js';
import type { OpsMetrics } from './metrics.js';

/** One answered HTTP request of any service (axon, gateway). */
export interface RequestEvent {
  /** A bounded name: the synapse or the route pattern, never the raw path (label cardinality). */
  route: string;
  status: number;
  durationMs: number;
}

/** Counts and times one answered request. */
export function recordRequest(metrics: OpsMetrics, service: string, event: RequestEvent): void {
  metrics.requests.inc({ service, route: event.route, status: String(event.status) });
  metrics.requestSeconds.observe({ service, route: event.route }, event.durationMs / 1000);
}

/**
 * An axon observer (`createAxon({ observer })`) feeding the request metrics. A request the route
 * stage refused (unknown synapse, bad method, shutting down) is labelled `unknown`: its name is
 * whatever the caller typed, and labels must stay a bounded set.
 */
export function axonObserver(metrics: OpsMetrics): AxonObserver {
  return {
    onRequest: () => metrics.inFlight.inc({ service: 'axon' }),
    onResponse: (info) => {
      metrics.inFlight.dec({ service: 'axon' });
      recordRequest(metrics, 'axon', {
        route: info.stage === 'route' ? 'unknown' : info.synapse,
        status: info.status,
        durationMs: info.durationMs,
      });
    },
  };
}

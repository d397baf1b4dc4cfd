import type { AxonResponseEvent } from '../protocol/axon.js';
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

/** An axon `onResponse` observer that feeds the request metrics (unknown synapses as `unknown`). */
export function axonObserver(metrics: OpsMetrics): (event: AxonResponseEvent) => void {
  return (event) =>
    recordRequest(metrics, 'axon', {
      route: event.synapse ?? 'unknown',
      status: event.status,
      durationMs: event.durationMs,
    });
}

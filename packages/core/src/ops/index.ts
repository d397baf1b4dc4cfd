/**
 * Operations: Prometheus metrics, health/readiness endpoints and graceful shutdown for long-running
 * processes (`subnetkit run`, the gateway).
 *
 * @example
 * const metrics = new OpsMetrics();                      // or scope.resolve(METRICS)
 * const readiness = new Readiness().require('models');
 * const chain = instrumentChain(rawChain, metrics);      // chain calls + weights set
 * const models = instrumentModelRuntime(runtime, metrics); // model batch sizes + outcomes
 * createAxon({ ..., observer: axonObserver(metrics) });   // axon requests + latency
 * // a hono service (gateway): app.use(requestMetrics(metrics, 'gateway'))
 * const ops = await startOpsServer({ metrics, readiness, port: 0 }); // GET /metrics /healthz /readyz
 * readiness.done('models');
 * // on SIGTERM: readiness goes 503 at once, then stop() must finish within the deadline
 * await gracefulShutdown({ timeoutMs: 30_000, readiness }, async () => { await stopEverything(); await ops.close(); });
 */
export { instrumentChain } from './instrument-chain.js';
export { instrumentModelRuntime } from './instrument-models.js';
export { axonObserver, type RequestEvent, recordRequest } from './instrument-requests.js';
export { errorCode, METRICS, OpsMetrics, type ScoreSource } from './metrics.js';
export { type OpsServer, type OpsServerOptions, opsApp, startOpsServer } from './ops-server.js';
export { Readiness } from './readiness.js';
export { requestMetrics } from './request-metrics.js';
export { forcedShutdownError, type GracefulShutdownOptions, gracefulShutdown } from './shutdown.js';

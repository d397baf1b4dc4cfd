import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { InjectionToken } from 'tsyringe';

// prom-client (with @opentelemetry/api) is ~80 CommonJS modules; it is required when the first
// OpsMetrics is made, not with core, so processes without metrics (each CLI command) skip it
let promClientModule: typeof PromClient | undefined;
function promClient(): typeof PromClient {
  promClientModule ??= createRequire(import.meta.url)('prom-client') as typeof PromClient;
  return promClientModule;
}

/** Latency buckets (seconds): loopback synapse calls sit at a few ms, model-backed ones reach seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64];

/** One validator's moving-average scores, read at scrape time (never copied on every change). */
export type ScoreSource = () => readonly { uid: number; score: number }[];

/**
 * The process's Prometheus metrics: one registry per process (not prom-client's global one, so two
 * runtimes in one test process never share counters). Every service that reports takes it from
 * the container under METRICS; `/metrics` renders it.
 */
export class OpsMetrics {
  readonly registry: Registry = new (promClient().Registry)();
  readonly requests: Counter<'service' | 'route' | 'status'>;
  readonly requestSeconds: Histogram<'service' | 'route'>;
  readonly inFlight: Gauge<'service'>;
  readonly weightsSet: Counter<'kind'>;
  readonly chainCalls: Counter<'call' | 'outcome'>;
  readonly chainSeconds: Histogram<'call'>;
  readonly modelBatchSize: Histogram<'model'>;
  readonly modelCalls: Counter<'model' | 'outcome'>;
  readonly errors: Counter<'code'>;
  readonly #scoreSources = new Map<string, ScoreSource>();

  constructor(options: { defaultLabels?: Record<string, string>; processMetrics?: boolean } = {}) {
    const { Counter, Gauge, Histogram, collectDefaultMetrics } = promClient();
    if (options.defaultLabels) this.registry.setDefaultLabels(options.defaultLabels);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'subnetkit_' });
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'subnetkit_requests_total',
      help: 'Requests answered, by service (axon, gateway), route (synapse or path) and HTTP status.',
      labelNames: ['service', 'route', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'subnetkit_request_duration_seconds',
      help: 'Time from a request arriving to its response headers.',
      labelNames: ['service', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.inFlight = new Gauge({
      name: 'subnetkit_requests_in_flight',
      help: 'Requests being served right now.',
      labelNames: ['service'],
      registers,
    });
    this.weightsSet = new Counter({
      name: 'subnetkit_weights_set_total',
      help: 'Weight extrinsics included on chain, by kind (set_weights, commit_weights, commit_timelocked_weights, reveal_weights).',
      labelNames: ['kind'],
      registers,
    });
    this.chainCalls = new Counter({
      name: 'subnetkit_chain_calls_total',
      help: 'Chain queries and extrinsics (submit:<method>), by outcome (ok or an SK_* code).',
      labelNames: ['call', 'outcome'],
      registers,
    });
    this.chainSeconds = new Histogram({
      name: 'subnetkit_chain_call_duration_seconds',
      help: 'Chain call latency (extrinsics until inclusion).',
      labelNames: ['call'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.modelBatchSize = new Histogram({
      name: 'subnetkit_model_batch_size',
      help: 'Requests sharing the forward pass (or server call) of each model call.',
      labelNames: ['model'],
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.modelCalls = new Counter({
      name: 'subnetkit_model_calls_total',
      help: 'Model handle calls, by model and outcome (ok or an SK_* code).',
      labelNames: ['model', 'outcome'],
      registers,
    });
    this.errors = new Counter({
      name: 'subnetkit_errors_total',
      help: 'Errors by SK_* code (chain, model, request failures).',
      labelNames: ['code'],
      registers,
    });
    const sources = this.#scoreSources;
    new Gauge({
      name: 'subnetkit_validator_score',
      help: "A validator's moving-average score of each uid (0..1).",
      labelNames: ['neuron', 'uid'],
      registers,
      collect() {
        this.reset();
        for (const [neuron, read] of sources) {
          for (const { uid, score } of read()) this.set({ neuron, uid: String(uid) }, score);
        }
      },
    });
  }

  /** Reports a validator's scores at each scrape; returns the unsubscribe. */
  addScoreSource(neuron: string, read: ScoreSource): () => void {
    this.#scoreSources.set(neuron, read);
    return () => this.#scoreSources.delete(neuron);
  }

  /** Counts an error under its SK_* code (anything else as SK_INTERNAL). */
  countError(err: unknown): string {
    const code = errorCode(err);
    this.errors.inc({ code });
    return code;
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** The SK_* code of an error, SK_INTERNAL for anything else. */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SK_') ? code : 'SK_INTERNAL';
}

/** DI token of the process's metrics. */
export const METRICS: InjectionToken<OpsMetrics> = Symbol('OpsMetrics');

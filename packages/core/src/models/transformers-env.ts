import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { Clock } from '../util/clock.js';

/** The transformers.js module, loaded on first use so importing core stays cheap (~0.4 s, 80 MB saved). */
export type Transformers = typeof import('@huggingface/transformers');

let loading: Promise<Transformers> | null = null;

/** Imports transformers.js once per process. */
export function loadTransformers(): Promise<Transformers> {
  loading ??= import('@huggingface/transformers');
  return loading;
}

/** Process-wide transformers.js settings the runtime owns. */
export interface TransformersEnvOptions {
  modelsDir: string;
  allowRemote: boolean;
  remoteHost?: string;
  /** Time allowed until response headers arrive, and between two body chunks. */
  fetchTimeoutMs: number;
  clock: Clock;
}

type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * Wraps fetch so neither a silent server nor a stalled body can hang a model load: the response
 * must start within `timeoutMs`, and each body chunk must follow the previous one within `timeoutMs`
 * (a whole-download deadline would kill large models on slow links).
 */
export function createTimedFetch(base: FetchLike, timeoutMs: number, clock: Clock): FetchLike {
  return async (input, init = {}) => {
    const controller = new AbortController();
    const outer = init.signal;
    const onOuterAbort = (): void => controller.abort(outer?.reason);
    if (outer?.aborted) onOuterAbort();
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    let timer: AbortController | null = null;
    const arm = (what: string): void => {
      timer?.abort();
      const t = new AbortController();
      timer = t;
      clock.sleep(timeoutMs, t.signal).then(
        () => {
          if (timer === t) {
            controller.abort(
              new SubnetkitError('SK_MODEL_NOT_FOUND', `No ${what} from ${String(input)} within ${timeoutMs} ms.`, {
                url: String(input),
                timeoutMs,
              }),
            );
          }
        },
        () => {},
      );
    };
    const disarm = (): void => {
      timer?.abort();
      timer = null;
    };
    arm('response');
    let res: Response;
    try {
      res = await base(input, { ...init, signal: controller.signal });
    } catch (err) {
      disarm();
      outer?.removeEventListener('abort', onOuterAbort);
      throw controller.signal.aborted ? controller.signal.reason : err;
    }
    disarm();
    if (!res.body) {
      outer?.removeEventListener('abort', onOuterAbort);
      return res;
    }
    const reader = res.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(sink) {
        arm('data');
        try {
          const next = await Promise.race([
            reader.read(),
            new Promise<never>((_, reject) => {
              if (controller.signal.aborted) reject(controller.signal.reason);
              controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
            }),
          ]);
          if (next.done) {
            outer?.removeEventListener('abort', onOuterAbort);
            sink.close();
          } else sink.enqueue(next.value);
        } catch (err) {
          void reader.cancel(err).catch(() => {});
          sink.error(err);
        } finally {
          disarm();
        }
      },
      cancel(reason) {
        disarm();
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

let baseFetch: FetchLike | null = null;

/**
 * Applies the runtime's settings to transformers.js' global `env`: offline unless remote loading is
 * allowed, no file cache in front of local models (a stale copy would shadow them), downloads into
 * `modelsDir` (same `<id>/<file>` layout, so they resolve locally next time), and a timed fetch.
 * `env` is per process: the last runtime created wins.
 */
export async function configureTransformers(opts: TransformersEnvOptions): Promise<Transformers> {
  const t = await loadTransformers();
  const { env } = t;
  baseFetch ??= env.fetch as FetchLike;
  env.allowLocalModels = true;
  env.localModelPath = opts.modelsDir;
  env.allowRemoteModels = opts.allowRemote;
  env.useFSCache = opts.allowRemote;
  env.cacheDir = opts.modelsDir;
  if (opts.remoteHost) env.remoteHost = opts.remoteHost.endsWith('/') ? opts.remoteHost : `${opts.remoteHost}/`;
  env.fetch = opts.allowRemote ? createTimedFetch(baseFetch, opts.fetchTimeoutMs, opts.clock) : refuseFetch;
  return t;
}

/** Offline mode: a fetch that never touches the network (a second guard behind allowRemoteModels). */
const refuseFetch: FetchLike = (input) =>
  Promise.reject(
    new SubnetkitError('SK_MODEL_NOT_FOUND', `Remote model loading is off; refused to fetch ${String(input)}.`, {
      url: String(input),
    }),
  );

import type { Chain, ChainCall } from '../chain/types.js';
import type { Signer } from '../util/signer.js';
import type { OpsMetrics } from './metrics.js';

/** Extrinsics that put a validator's weights on chain: each inclusion counts as weights set. */
const WEIGHT_CALLS = new Set(['set_weights', 'commit_weights', 'commit_timelocked_weights', 'reveal_weights']);

/** Calls that are not chain round trips (subscriptions, teardown, sync getters). */
const NOT_COUNTED = new Set(['onBlock', 'onEvents', 'close', 'constructor', 'then']);

/**
 * Wraps a chain so every async call is counted and timed (chain calls, by outcome) and every
 * included weight extrinsic counts as weights set. A proxy, like localnet's TrackedChain: the
 * neurons keep calling the Chain interface and never know they are measured.
 */
export function instrumentChain(inner: Chain, metrics: OpsMetrics): Chain {
  const wrapped = new Map<PropertyKey, unknown>();
  const measure = <T>(call: string, run: () => Promise<T>): Promise<T> => {
    const end = metrics.chainSeconds.startTimer({ call });
    return run().then(
      (value) => {
        end();
        metrics.chainCalls.inc({ call, outcome: 'ok' });
        return value;
      },
      (err: unknown) => {
        end();
        metrics.chainCalls.inc({ call, outcome: metrics.countError(err) });
        throw err;
      },
    );
  };
  return new Proxy(inner, {
    get: (target, prop) => {
      // bound to the real chain: its private fields are invisible through a proxy receiver
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (typeof prop !== 'string' || NOT_COUNTED.has(prop)) return value.bind(target);
      let fn = wrapped.get(prop);
      if (!fn) {
        fn =
          prop === 'submit'
            ? (signer: Signer, call: ChainCall) =>
                measure(`submit:${call.method}`, () => target.submit(signer, call)).then((result) => {
                  if (WEIGHT_CALLS.has(call.method)) metrics.weightsSet.inc({ kind: call.method });
                  return result;
                })
            : (...args: unknown[]) => {
                const out: unknown = value.apply(target, args);
                return out instanceof Promise ? measure(prop, () => out) : out;
              };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}

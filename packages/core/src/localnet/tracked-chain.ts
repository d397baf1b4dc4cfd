import type { Chain, ChainCall, ExtrinsicResult } from '../chain/types.js';
import type { Signer } from '../util/signer.js';

/**
 * Wraps a chain to count extrinsics waiting for inclusion, so a manual-block network produces a
 * block exactly when something waits for one (deterministic start-up without timers).
 */
export class TrackedChain {
  #inFlight = 0;
  #waiters: (() => void)[] = [];
  readonly chain: Chain;

  constructor(inner: Chain) {
    const submit = (signer: Signer, call: ChainCall): Promise<ExtrinsicResult> => {
      this.#inFlight++;
      for (const w of this.#waiters.splice(0)) w();
      return inner.submit(signer, call).finally(() => {
        this.#inFlight--;
      });
    };
    this.chain = new Proxy(inner, {
      get: (target, prop) => {
        if (prop === 'submit') return submit;
        // bound to the real chain: its private fields are invisible through a proxy receiver
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves at the next submit. */
  nextSubmit(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/**
 * Runs `work` to completion on a manual-block chain: whenever an extrinsic waits for inclusion,
 * produce a block; otherwise wait for the work to submit something or to finish.
 */
export async function pumpUntil<T>(
  tracked: TrackedChain,
  advance: () => Promise<unknown>,
  work: Promise<T>,
): Promise<T> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  // a rejection is observed through `settled` below
  settled.catch(() => undefined);
  while (!done) {
    if (tracked.inFlight > 0) {
      await advance();
      continue;
    }
    await Promise.race([
      settled.then(
        () => undefined,
        () => undefined,
      ),
      tracked.nextSubmit(),
    ]);
  }
  return settled;
}

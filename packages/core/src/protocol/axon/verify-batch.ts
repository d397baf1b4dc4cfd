/**
 * Verifies signatures in batches: requests parsed in the same event-loop turn are verified back
 * to back in the next check phase. The wasm verifier then runs with warm caches (interleaved with
 * the rest of a request's work, one verification cost the axon about 1.5× a verification in a
 * tight loop on the bench machine). Adds at most one loop turn of latency.
 */
import { verifyText } from '../signing.js';

interface Pending {
  readonly message: string;
  readonly signature: string;
  readonly publicKey: Uint8Array;
  readonly allowWrapped: boolean;
  readonly resolve: (ok: boolean) => void;
}

export class VerifyBatcher {
  #queue: Pending[] = [];
  #scheduled = false;

  verify(message: string, signature: string, publicKey: Uint8Array, allowWrapped: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      this.#queue.push({ message, signature, publicKey, allowWrapped, resolve });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    const batch = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    const results = batch.map((p) => verifyText(p.message, p.signature, p.publicKey, p.allowWrapped));
    for (let i = 0; i < batch.length; i++) (batch[i] as Pending).resolve(results[i] as boolean);
  }
}

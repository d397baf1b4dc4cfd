import { join } from 'node:path';
import type { Clock } from '../util/clock.js';
import { FIXTURE_MODELS_DIR } from './fixtures.js';
import type { Transformers } from './transformers-env.js';

/**
 * Checks that WebGPU really runs a model here: loads the tiny PatchTST fixture on `webgpu` and runs
 * it once. Resolves with null when it works, or with the reason it does not (no adapter, no Vulkan,
 * timeout). transformers.js' own `auto` tries CUDA first and fails without falling back, so the
 * runtime never hands it `auto`.
 */
export async function probeWebGpu(t: Transformers, clock: Clock, timeoutMs: number): Promise<string | null> {
  const stop = new AbortController();
  const attempt = (async (): Promise<string | null> => {
    const model = await t.PatchTSTForPrediction.from_pretrained(join(FIXTURE_MODELS_DIR, 'tiny-patchtst'), {
      device: 'webgpu',
      local_files_only: true,
    });
    try {
      const input = new t.Tensor('float32', new Float32Array(64 * 3), [1, 64, 3]);
      await (model as unknown as (x: { past_values: unknown }) => Promise<unknown>)({ past_values: input });
      return null;
    } finally {
      await model.dispose();
    }
  })();
  const timeout = clock.sleep(timeoutMs, stop.signal).then(
    () => `the WebGPU probe did not finish within ${timeoutMs} ms`,
    () => null,
  );
  try {
    const result = await Promise.race([attempt, timeout]);
    return result;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // ORT's message is long; its first line names the cause (e.g. "No supported adapters").
    return msg.split('\n')[0] ?? msg;
  } finally {
    stop.abort();
    attempt.catch(() => {});
  }
}

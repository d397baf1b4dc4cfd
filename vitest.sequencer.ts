import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Stand-in for a file never timed here (a fresh clone, as in CI): whole-suite tests are the long ones. */
const UNTIMED_E2E_MS = 60_000;
const UNTIMED_MS_PER_BYTE = 0.1;

/**
 * Longest files first, across all projects, so the workers end together instead of one long
 * end-to-end file starting last. Vitest's own order runs project after project (e2e late) and
 * only knows durations from an earlier run on this machine.
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const estimate = (f: TestSpecification): number => {
      const key = `${f.project.name}:${relative(config.root, f.moduleId)}`;
      const timed = cache.getFileTestResults(key)?.duration;
      if (timed !== undefined) return timed;
      const bySize = (cache.getFileStats(key)?.size ?? 0) * UNTIMED_MS_PER_BYTE;
      return f.project.name === 'e2e' ? UNTIMED_E2E_MS + bySize : bySize;
    };
    const ms = new Map(files.map((f) => [f, estimate(f)]));
    return [...files].sort((a, b) => (ms.get(b) ?? 0) - (ms.get(a) ?? 0));
  }
}

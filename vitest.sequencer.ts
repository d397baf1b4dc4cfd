import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Stand-in for a file never timed here (a fresh clone, as in CI): whole-suite tests are the long ones. */
const UNTIMED_E2E_MS = 60_000;
const UNTIMED_MS_PER_BYTE = 0.1;

/**
 * Isolated files (each in a fresh process: the end-to-end project) longest first, then the other
 * projects one after another, each project's files longest first, the project with the most work
 * first. Two goals:
 * - the long end-to-end files start at once, so the workers end together instead of one of them
 *   starting last;
 * - a project's files stay next to each other in the queue: vitest keeps a non-isolated worker
 *   (core, its dependencies and the model runtime loaded) only when the next queued file belongs
 *   to the same project, and starts a new process otherwise. Sorted by duration across projects,
 *   the suite started 75 worker processes for 141 files (core's ~80 files alone took 33), each
 *   loading everything again.
 */
export class ProjectGroupedSequencer extends BaseSequencer {
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
    const longestFirst = (a: TestSpecification, b: TestSpecification) => (ms.get(b) ?? 0) - (ms.get(a) ?? 0);
    const isolated = files.filter((f) => f.project.config.isolate !== false).sort(longestFirst);
    const byProject = new Map<string, TestSpecification[]>();
    for (const f of files) {
      if (f.project.config.isolate !== false) continue;
      const list = byProject.get(f.project.name) ?? [];
      list.push(f);
      byProject.set(f.project.name, list);
    }
    const work = (list: TestSpecification[]) => list.reduce((sum, f) => sum + (ms.get(f) ?? 0), 0);
    const shared = [...byProject.values()].sort((a, b) => work(b) - work(a)).flatMap((list) => list.sort(longestFirst));
    return [...isolated, ...shared];
  }
}

// The subnets' documented scripts run with tsx straight from TypeScript source: their tsconfig maps
// @subnetkit/core to core's src, so every core module goes through esbuild with whatever settings
// tsx picks for it. A core class that needs a compiler flag to load (parameter decorators needed
// experimentalDecorators, which tsx only applies to files its tsconfig includes) breaks every
// script at load time, while the built dist keeps working and the unit tests stay green.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const tsx = join(root, 'node_modules/.bin/tsx');

// a whole in-process network: slow, with the e2e project's time limit
test('subnet-text score-table runs from source with tsx and prints its table', { tags: ['slow'] }, async () => {
  const dir = join(root, 'packages/subnet-text');
  // the package.json script ("score-table"), with a short run: seed 1, one epoch
  const { stdout } = await promisify(execFile)(
    tsx,
    ['--tsconfig', 'scripts/tsconfig.json', 'scripts/score-table.ts', '1', '1'],
    { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 },
  );
  const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
    epochs: number;
    steps: number;
    profiles: Record<string, { meanReward: number; incentive: number }>;
  };
  expect(out.epochs).toBe(1);
  expect(out.steps).toBeGreaterThan(0);
  expect(Object.keys(out.profiles).sort()).toEqual(['copycat', 'honest', 'lazy', 'random', 'slow']);
});

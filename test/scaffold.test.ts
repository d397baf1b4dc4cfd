import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, generateAll, KINDS, type Kind, pool, ROOT, tsc, vitest } from './scaffold-helpers.js';

// Generated inside the repo (.tmp/ is git-ignored) so @subnetkit/core, zod, vitest and typescript
// resolve through the workspace, the way `npm install` would provide them to an author.
const base = join(ROOT, '.tmp', `scaffold-${process.pid}-${Date.now().toString(36)}`);
let dirs: Record<Kind, string>;

beforeAll(async () => {
  dirs = await generateAll(base);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('generated subnet packages', { tags: ['slow'] }, () => {
  test('type-check (sources and tests) for every kind', async () => {
    const results = await pool(KINDS, 2, (kind) => tsc(['-p', join(dirs[kind], 'tsconfig.json'), '--noEmit'], ROOT));
    for (const [i, r] of results.entries()) expect(r.code, `${KINDS[i]}: ${r.stdout}${r.stderr}`).toBe(0);
  });

  // Their own `npm test` (the gauntlet included) and `doctor` run for every kind in
  // outside-repo.test.ts, on a real `npm install` as a user would: not repeated here.
  test('build to dist with types, without tests', async () => {
    const builds = await pool(KINDS, 2, (kind) => tsc(['-p', join(dirs[kind], 'tsconfig.build.json')], ROOT));
    for (const [i, r] of builds.entries()) expect(r.code, `${KINDS[i]}: ${r.stdout}`).toBe(0);
    for (const kind of KINDS) {
      const dist = readdirSync(join(dirs[kind], 'dist'));
      expect(dist).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'reward.js', 'reward.d.ts']));
      expect(dist.filter((f) => f.includes('.test.'))).toEqual([]);
    }
  });

  test('fail their own tests when the reward is broken', async () => {
    // a reward that pays everyone the same cannot tell honest miners from cheaters
    const reward = join(dirs.blank, 'src', 'reward.ts');
    const source = readFileSync(reward, 'utf8');
    writeFileSync(reward, source.replace('return right / truth.length;', 'return 1;'));
    try {
      const r = await vitest(['run'], dirs.blank);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toMatch(/reward\.test\.ts/);
      expect(r.stdout).toMatch(/network\.test\.ts/);
      expect(r.stdout).toMatch(/\d+ failed/);
    } finally {
      writeFileSync(reward, source);
    }
  });
});

describe('generator input errors', () => {
  test('leave nothing behind', async () => {
    const target = join(base, 'never');
    // bad names and kinds are usage errors (exit 2); an occupied folder is a failure (exit 1)
    expect((await cli(['new', 'Bad Name', '--dir', target, '--yes'])).code).toBe(2);
    expect((await cli(['new', 'ok-name', '--kind', 'audio', '--dir', target, '--yes'])).code).toBe(2);
    expect((await cli(['new', 'ok-name', '--dir', dirs.text, '--yes'])).code).toBe(1);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(base).sort()).toEqual([...KINDS].sort());
  });
});

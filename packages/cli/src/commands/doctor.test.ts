import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sink } from '../capture.test-helper.js';
import { main } from '../main.js';

// Fixture packages live under the repo's .tmp/ so their `import 'zod'` resolves through the workspace.
const repo = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
let dir: string;
beforeEach(() => {
  dir = join(repo, '.tmp', `doctor-${process.pid}-${Math.random().toString(36).slice(2)}`);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const PLUGIN = `import { z } from 'zod';
export default {
  apiVersion: 1,
  name: 'fixture',
  task: { request: z.object({ a: z.number() }), response: z.object({ b: z.number() }) },
  miner: { handle: (req) => ({ b: req.a }) },
  validator: { challenge: () => ({ request: { a: 1 }, truth: 1 }), reward: (rs, t) => rs.map((r) => (r.b === t ? 1 : 0)) },
};
`;

const MANIFEST = {
  name: '@acme/subnet-fixture',
  version: '1.0.0',
  type: 'module',
  keywords: ['subnetkit-subnet'],
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  files: ['dist', '!dist/**/*.test.*'],
  peerDependencies: { '@subnetkit/core': '>=0.1.0' },
};

function writePackage(manifest: object = MANIFEST, files: Record<string, string> = {}): void {
  const all = { 'dist/index.js': PLUGIN, 'dist/index.d.ts': 'export {};\n', ...files };
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

interface Check {
  id: string;
  ok: boolean;
  severity: string;
  message: string;
}

async function doctor(...flags: string[]): Promise<{
  code: number;
  report: { ok: boolean; subnet?: string; checks: Check[] };
  stderr: string;
}> {
  const out = sink();
  const err = sink();
  const code = await main(['doctor', dir, '--json', ...flags], {
    stdout: out.stream,
    stderr: err.stream,
    cwd: repo,
    env: {},
  });
  return { code, report: JSON.parse(out.text()), stderr: err.text() };
}

const failed = (checks: Check[]) => checks.filter((c) => !c.ok && c.severity === 'error').map((c) => c.id);

describe('subnetkit doctor', () => {
  it('passes a built package with the keyword, a matching core peer range and sane files', async () => {
    writePackage();
    const r = await doctor();
    expect(r.code, JSON.stringify(r.report)).toBe(0);
    expect(r.report.ok).toBe(true);
    expect(r.report.subnet).toBe('fixture');
    expect(new Set(r.report.checks.map((c) => c.id))).toEqual(
      new Set(['package', 'keyword', 'peer', 'entry', 'files', 'plugin']),
    );
  });

  it('prints a readable report and exits 0 without --json', async () => {
    writePackage();
    const out = sink();
    const code = await main(['doctor', dir], { stdout: out.stream, stderr: sink().stream, cwd: repo, env: {} });
    expect(code).toBe(0);
    expect(out.text()).toMatch(/ok {3}keyword: keywords include subnetkit-subnet/);
    expect(out.text()).toMatch(/ready to publish/);
  });

  it('fails without the subnetkit-subnet keyword', async () => {
    writePackage({ ...MANIFEST, keywords: ['subnet'] });
    const r = await doctor();
    expect(r.code).toBe(1);
    expect(failed(r.report.checks)).toEqual(['keyword']);
    expect(r.stderr).toMatch(/SK_SCAFFOLD_DOCTOR_FAILED/);
  });

  it('fails a peer range that excludes this core, a missing one, and core as a dependency', async () => {
    writePackage({ ...MANIFEST, peerDependencies: { '@subnetkit/core': '^99.0.0' } });
    expect(failed((await doctor()).report.checks)).toContain('peer');
    writePackage({ ...MANIFEST, peerDependencies: {} });
    expect(failed((await doctor()).report.checks)).toEqual(['peer']);
    writePackage({ ...MANIFEST, dependencies: { '@subnetkit/core': '0.1.0' } });
    expect(failed((await doctor()).report.checks)).toEqual(['peer']);
  });

  it('fails once when the build output is missing, and does not try to load or pack-check it', async () => {
    writePackage();
    rmSync(join(dir, 'dist'), { recursive: true });
    const r = await doctor();
    expect(r.code).toBe(1);
    expect(failed(r.report.checks)).toEqual(['entry']);
    const entry = r.report.checks.find((c) => !c.ok);
    expect(entry?.message).toBe('./dist/index.js and ./dist/index.d.ts are missing: build the package (npm run build)');
    expect(r.report.checks.some((c) => c.id === 'plugin')).toBe(false);
  });

  it("runs the package's build script first, so an unbuilt package passes", async () => {
    // the build writes dist/ from src/: doctor must run it before checking
    writePackage(
      { ...MANIFEST, scripts: { build: 'node build.mjs' } },
      {
        'src/index.js': PLUGIN,
        'build.mjs': `import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
mkdirSync('dist', { recursive: true });
cpSync('src/index.js', 'dist/index.js');
writeFileSync('dist/index.d.ts', 'export {};\\n');
`,
      },
    );
    rmSync(join(dir, 'dist'), { recursive: true });
    const r = await doctor();
    expect(r.code, JSON.stringify(r.report)).toBe(0);
    expect(r.report.checks.find((c) => c.id === 'build')).toMatchObject({ ok: true });
    expect(r.report.subnet).toBe('fixture');
    // --no-build checks what is there: nothing, after removing it again
    rmSync(join(dir, 'dist'), { recursive: true });
    const unbuilt = await doctor('--no-build');
    expect(failed(unbuilt.report.checks)).toEqual(['entry']);
  });

  it('reports a failing build as the one failure, with its first line', async () => {
    writePackage({
      ...MANIFEST,
      scripts: { build: 'node -e "console.error(\'src/index.ts(3,1): error TS1005\'); process.exit(2)"' },
    });
    rmSync(join(dir, 'dist'), { recursive: true });
    const r = await doctor();
    expect(r.code).toBe(1);
    expect(failed(r.report.checks)).toEqual(['build']);
    expect(r.report.checks.find((c) => c.id === 'build')?.message).toMatch(
      /^npm run build failed: src\/index\.ts\(3,1\): error TS1005/,
    );
  });

  it('fails when "files" leaves the entry out or ships tests', async () => {
    writePackage({ ...MANIFEST, files: ['README.md'] }, { 'README.md': '# x\n' });
    expect(failed((await doctor()).report.checks)).toEqual(['files']);
    writePackage({ ...MANIFEST, files: ['dist'] }, { 'dist/index.test.js': 'export {};\n' });
    const r = await doctor();
    expect(failed(r.report.checks)).toEqual(['files']);
    expect(r.report.checks.some((c) => /dist\/index\.test\.js/.test(c.message))).toBe(true);
  });

  it('fails a package whose default export breaks the plugin contract', async () => {
    writePackage(MANIFEST, { 'dist/index.js': PLUGIN.replace(/, reward: .*\) \}/, ' }') });
    const r = await doctor();
    expect(failed(r.report.checks)).toEqual(['plugin']);
    expect(r.report.checks.find((c) => c.id === 'plugin')?.message).toMatch(/SK_PLUGIN_MISSING_HANDLER/);
  });

  it('fails a folder without package.json', async () => {
    mkdirSync(dir, { recursive: true });
    const r = await doctor();
    expect(r.code).toBe(1);
    expect(failed(r.report.checks)).toEqual(['package']);
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sink } from '../capture.test-helper.js';
import { main } from '../main.js';
import { addWorkspace } from './new.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const manifest = (path: string) => JSON.parse(readFileSync(join(repo, path), 'utf8'));

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-cli-new-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** `subnetkit …` in `root`; `new` writes registry ranges unless the test picks --deps (no packing, no lookup). */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const argv = args[0] === 'new' && !args.includes('--deps') ? [...args, '--deps', 'registry'] : args;
  const code = await main(argv, { stdout: out.stream, stderr: err.stream, cwd: root, env: {} });
  return { code, stdout: out.text(), stderr: err.text() };
}

const EXPECTED_FILES = [
  '.changeset/README.md',
  '.changeset/config.json',
  '.gitignore',
  'README.md',
  'package.json',
  'src/index.ts',
  'src/network.test.ts',
  'src/reward.test.ts',
  'src/reward.ts',
  'tsconfig.build.json',
  'tsconfig.json',
  'vitest.config.ts',
];

describe('subnetkit new', () => {
  it.each(['text', 'image', 'predict', 'blank'])('generates a complete %s package', async (kind) => {
    const r = await run(['new', `@acme/subnet-${kind}-x`, '--kind', kind, '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    const dir = join(root, `subnet-${kind}-x`);
    expect(result).toEqual({
      name: `@acme/subnet-${kind}-x`,
      kind,
      dir,
      files: EXPECTED_FILES,
      dependencies: { source: 'registry' },
    });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.keywords).toContain('subnetkit-subnet');
    expect(pkg.peerDependencies).toEqual({ '@subnetkit/core': `^${manifest('packages/core/package.json').version}` });
    expect(pkg.dependencies['@subnetkit/core']).toBeUndefined();
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(pkg.files).toContain('dist');
    // versions come offline from the workspace manifests, never "latest"
    expect(pkg.devDependencies.vitest).toBe(manifest('package.json').devDependencies.vitest);
    expect(pkg.dependencies.zod).toBe(manifest('packages/core/package.json').dependencies.zod);
    const ranges = [pkg.dependencies, pkg.devDependencies, pkg.peerDependencies].flatMap((d) => Object.values(d));
    for (const range of ranges) expect(range).toMatch(/^[~^]?\d+\.\d+\.\d+$/);
    expect(pkg.overrides).toBeUndefined();
    // onnxruntime-node's CUDA download is denied where npm 11 looks for it, as in the repo root
    expect(pkg.allowScripts).toEqual(manifest('package.json').allowScripts);
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
    const index = readFileSync(join(dir, 'src/index.ts'), 'utf8');
    expect(index).toContain(`name: '${kind}-x'`);
    expect(index).toContain('export default subnet;');
    expect(existsSync(join(dir, '_gitignore'))).toBe(false);
    expect(readdirSync(root)).toEqual([`subnet-${kind}-x`]); // no staging folder left behind
  });

  it('writes the model id into the kinds that declare a model, and escapes the description', async () => {
    const description = `It's "quoted" */ & <b>`;
    const r = await run(['new', 'emb', '--kind', 'text', '--model', 'acme/embedder-v2', '--description', description]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/created emb \(text\) in emb: 12 files/);
    const index = readFileSync(join(root, 'emb/src/index.ts'), 'utf8');
    expect(index).toContain("model: 'acme/embedder-v2', fixture: 'tiny-bert'");
    expect(index).toContain(`description: 'It\\'s "quoted" */ & <b>'`);
    expect(index).not.toMatch(/^ \* .*\*\//m); // the header comment is not closed early
    expect(JSON.parse(readFileSync(join(root, 'emb/package.json'), 'utf8')).description).toBe(description);
  });

  it('notes that --model is ignored for kinds without a model', async () => {
    const r = await run(['new', 'sorter', '--kind', 'blank', '--model', 'x/y', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/declares no model/);
    expect(readFileSync(join(root, 'sorter/src/index.ts'), 'utf8')).not.toContain('x/y');
  });

  it('rejects invalid npm names with SK_SCAFFOLD_BAD_NAME and writes nothing', async () => {
    for (const name of ['Upper', 'has space', '.dot', 'node_modules', `${'a'.repeat(215)}`]) {
      const r = await run(['new', name, '--yes', '--json']);
      expect(r.code, name).toBe(2); // a usage error
      expect(JSON.parse(r.stderr).error.code).toBe('SK_SCAFFOLD_BAD_NAME');
    }
    expect(readdirSync(root)).toEqual([]);
  });

  it('rejects an unknown kind with SK_SCAFFOLD_BAD_KIND naming the valid ones', async () => {
    const r = await run(['new', 'vid', '--kind', 'video', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SK_SCAFFOLD_BAD_KIND: Unknown kind 'video'. Choose one of: text, image, predict, blank/);
    expect(readdirSync(root)).toEqual([]);
  });

  it('refuses a non-empty folder without --force and leaves it untouched', async () => {
    await mkdir(join(root, 'taken'));
    await writeFile(join(root, 'taken', 'package.json'), '{"name":"mine"}');
    const r = await run(['new', 'taken', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SK_SCAFFOLD_EXISTS/);
    expect(readdirSync(join(root, 'taken'))).toEqual(['package.json']);
    expect(readFileSync(join(root, 'taken', 'package.json'), 'utf8')).toBe('{"name":"mine"}');
    expect(readdirSync(root)).toEqual(['taken']);
  });

  it('writes into a non-empty folder with --force, keeping unrelated files', async () => {
    await mkdir(join(root, 'taken'));
    await writeFile(join(root, 'taken', 'notes.txt'), 'keep me');
    await writeFile(join(root, 'taken', 'package.json'), '{"name":"old"}');
    const r = await run(['new', 'taken', '--kind', 'blank', '--force', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(root, 'taken', 'notes.txt'), 'utf8')).toBe('keep me');
    expect(JSON.parse(readFileSync(join(root, 'taken', 'package.json'), 'utf8')).name).toBe('taken');
    expect(readdirSync(root)).toEqual(['taken']);
  });

  it('uses an existing empty folder and --dir relative to the working directory', async () => {
    await mkdir(join(root, 'a', 'empty'), { recursive: true });
    const r = await run(['new', 'thing', '--kind', 'predict', '--dir', 'a/empty', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).dir).toBe(join(root, 'a', 'empty'));
    expect(existsSync(join(root, 'a', 'empty', 'src', 'index.ts'))).toBe(true);
  });

  it('--deps local packs this installation into vendor/ and names it with file: specs, in one note', async () => {
    const r = await run(['new', 'vendored', '--kind', 'blank', '--deps', 'local', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.dependencies.source).toBe('local');
    const notes = r.stderr.trim().split('\n');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^note: --deps local: .*vendor\/.*\^0\.1\.0/);
    const dir = join(root, 'vendored');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const cli = manifest('packages/cli/package.json');
    const subnetkitDeps = Object.keys(cli.dependencies).filter((d) => d.startsWith('@subnetkit/'));
    const vendored = readdirSync(join(dir, 'vendor')).sort();
    // the CLI and everything of ours it depends on, each once
    expect(vendored).toEqual(
      ['subnetkit', ...subnetkitDeps].map((n) => `${n.replace('@', '').replace('/', '-')}-0.1.0.tgz`).sort(),
    );
    expect(result.files).toEqual(expect.arrayContaining(vendored.map((f) => `vendor/${f}`)));
    expect(pkg.devDependencies['@subnetkit/core']).toBe('file:vendor/subnetkit-core-0.1.0.tgz');
    expect(pkg.devDependencies.subnetkit).toBe('file:vendor/subnetkit-0.1.0.tgz');
    expect(pkg.overrides['@subnetkit/subnet-text']).toBe('file:vendor/subnetkit-subnet-text-0.1.0.tgz');
    // the peer range stays a range: consumers of the published package get the registry's core
    expect(pkg.peerDependencies['@subnetkit/core']).toBe('^0.1.0');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^!vendor\/\*\.tgz$/m);
  });

  it('--deps auto falls back to local tarballs when the registry cannot be asked', async () => {
    const saved = process.env.npm_config_registry;
    process.env.npm_config_registry = 'http://127.0.0.1:9/'; // nothing listens on the discard port
    try {
      const r = await run(['new', 'offline', '--kind', 'blank', '--deps', 'auto', '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).dependencies.source).toBe('local');
      expect(r.stderr).toMatch(/@subnetkit\/core@0\.1\.0 could not be looked up on the npm registry/);
      expect(existsSync(join(root, 'offline', 'vendor', 'subnetkit-core-0.1.0.tgz'))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.npm_config_registry;
      else process.env.npm_config_registry = saved;
    }
  });

  it('rejects an unknown --deps with a usage error and writes nothing', async () => {
    const r = await run(['new', 'x', '--deps', 'git', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SK_CLI_USAGE: Unknown --deps 'git'/);
    expect(readdirSync(root)).toEqual([]);
  });

  it('adds a package made in packages/ of a workspace to its workspaces, once', async () => {
    const pkg = { name: 'mono', private: true, workspaces: ['packages/core'] };
    await writeFile(join(root, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    expect(addWorkspace(root, join(root, 'packages', 'subnet-x'))).toBe('packages/subnet-x');
    expect(addWorkspace(root, join(root, 'packages', 'subnet-x'))).toBeUndefined();
    expect(addWorkspace(root, join(root, '.tmp', 'elsewhere'))).toBeUndefined(); // only packages/<name>
    const after = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(after.workspaces).toEqual(['packages/core', 'packages/subnet-x']);
  });

  it('refuses a --dir that is a file', async () => {
    await writeFile(join(root, 'file'), 'x');
    const r = await run(['new', 'thing', '--dir', 'file', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SK_SCAFFOLD_EXISTS: .*is a file/);
  });
});

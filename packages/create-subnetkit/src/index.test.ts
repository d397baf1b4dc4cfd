import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSubnetkit } from './index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-create-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

async function run(argv: string[]) {
  const out = sink();
  const err = sink();
  const code = await createSubnetkit(argv, { stdout: out.stream, stderr: err.stream, cwd: root, env: {} });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('create-subnetkit', () => {
  it('generates a package like `subnetkit new`, into ./<name without scope>', async () => {
    const r = await run(['@acme/subnet-weather', '--kind', 'predict', '--deps', 'registry', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.dir).toBe(join(root, 'subnet-weather'));
    const pkg = JSON.parse(readFileSync(join(root, 'subnet-weather', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@acme/subnet-weather');
    expect(pkg.keywords).toContain('subnetkit-subnet');
    expect(readFileSync(join(root, 'subnet-weather', 'src', 'index.ts'), 'utf8')).toContain("name: 'weather'");
  });

  it('has help of its own, naming create-subnetkit and every flag of subnetkit new', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: create-subnetkit \[options\] <name>/);
    expect(r.stdout).not.toMatch(/Usage: subnetkit/);
    for (const flag of ['--kind', '--dir', '--description', '--model', '--deps', '--force', '--yes', '--json']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('rejects an invalid name as a usage error and writes nothing', async () => {
    const r = await run(['Not Valid', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SK_SCAFFOLD_BAD_NAME/);
    expect(existsSync(join(root, 'Not Valid'))).toBe(false);
  });

  it('exits 2 when the name is missing', async () => {
    const r = await run(['--yes']);
    expect(r.code).toBe(2);
  });
});

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sink } from '../capture.test-helper.js';
import { main } from '../main.js';

// A project under the repo's .tmp/ (so `zod` resolves through the workspace) with three installed
// packages: a subnet, a package that says it is one but breaks the contract, and a plain library.
const repo = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const project = join(repo, '.tmp', `available-${process.pid}-${Math.random().toString(36).slice(2)}`);
afterAll(() => rmSync(project, { recursive: true, force: true }));

const PLUGIN = `import { z } from 'zod';
export default {
  apiVersion: 1,
  name: 'weather',
  task: { request: z.object({ a: z.number() }), response: z.object({ b: z.number() }) },
  miner: { handle: (req) => ({ b: req.a }) },
  validator: { challenge: () => ({ request: { a: 1 }, truth: 1 }), reward: (rs, t) => rs.map((r) => (r.b === t ? 1 : 0)) },
};
`;

function install(name: string, keywords: string[], source: string): void {
  const dir = join(project, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.2.3', type: 'module', keywords, exports: './index.js' }),
  );
  writeFileSync(join(dir, 'index.js'), source);
}

async function run(args: string[]) {
  const out = sink();
  const err = sink();
  const code = await main(args, { stdout: out.stream, stderr: err.stream, cwd: project, env: {} });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('subnetkit subnets available', () => {
  it('lists installed packages with the subnetkit-subnet keyword, each checked as a plugin', async () => {
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    install('@acme/subnet-weather', ['subnetkit-subnet'], PLUGIN);
    install('subnet-broken', ['subnetkit-subnet'], 'export default { apiVersion: 1, name: "broken" };');
    install('left-pad-ish', ['string'], PLUGIN);

    const r = await run(['subnets', 'available', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const all = JSON.parse(r.stdout) as { package: string; path: string }[];
    // node_modules further up count too, as Node resolves names: here the workspace's reference subnets
    expect(all.map((s) => s.package)).toEqual(expect.arrayContaining(['@subnetkit/subnet-text']));
    const list = all.filter((s) => s.path.startsWith(project));
    expect(list.map((s) => s.package)).toEqual(['@acme/subnet-weather', 'subnet-broken']);
    expect(list[0]).toMatchObject({ version: '1.2.3', subnet: 'weather', ok: true });
    expect(list[1]).toMatchObject({ ok: false, error: { code: 'SK_PLUGIN_MISSING_HANDLER' } });

    const text = await run(['subnets', 'available']);
    expect(text.stdout).toMatch(/^@acme\/subnet-weather@1\.2\.3 +weather$/m);
    expect(text.stdout).toMatch(/^subnet-broken@1\.2\.3 +not loadable: SK_PLUGIN_MISSING_HANDLER: /m);
  });
});

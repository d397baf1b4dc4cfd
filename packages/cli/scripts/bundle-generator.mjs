// Bundles the subnet generator (the repo's plopfile.js and templates/subnet) into generator/ so
// that the published CLI can run `subnetkit new` outside the workspace. npm runs this before
// packing (prepack) and with --clean after it (postpack); generator/ is never committed.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = join(pkgDir, '..', '..');
const out = join(pkgDir, 'generator');

rmSync(out, { recursive: true, force: true });
if (!process.argv.includes('--clean')) {
  cpSync(join(repoDir, 'plopfile.js'), join(out, 'plopfile.js'));
  cpSync(join(repoDir, 'templates', 'subnet'), join(out, 'templates', 'subnet'), { recursive: true });
  // versions are frozen from the workspace manifests now, so generating stays offline later
  const { readTemplateVersions } = await import(pathToFileURL(join(repoDir, 'plopfile.js')).href);
  writeFileSync(join(out, 'versions.json'), `${JSON.stringify(readTemplateVersions(repoDir), null, 2)}\n`);
}

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SubnetkitError } from '@subnetkit/core';
import type { Command } from 'commander';
import validatePackageName from 'validate-npm-package-name';
import type { CliContext } from '../context.js';

/** The template kinds `subnetkit new --kind` accepts (each has a working example task). */
export const SUBNET_KINDS = ['text', 'image', 'predict', 'blank'] as const;
export type SubnetKind = (typeof SUBNET_KINDS)[number];

/** Kinds whose example declares a model (the others ignore `--model`). */
const MODEL_KINDS: readonly SubnetKind[] = ['text', 'image'];

export interface NewSubnetOptions {
  /** npm package name, e.g. `@acme/subnet-weather`. */
  name: string;
  kind: SubnetKind;
  /** Absolute target folder. */
  dir: string;
  description?: string;
  /** Hugging Face hub id for kinds with a model. */
  model?: string;
  /** Write into an existing non-empty folder (generated files replace same-named ones). */
  force?: boolean;
}

export interface NewSubnetResult {
  name: string;
  kind: SubnetKind;
  dir: string;
  /** Generated files, relative to `dir`, sorted. */
  files: string[];
}

/** `subnetkit new <name>`: a publishable subnet package from the plop templates. */
export function registerNewCommand(program: Command, ctx: CliContext): void {
  program
    .command('new')
    .description('create a subnet package (defineSubnet, reward, tests, README, changesets) from a template')
    .argument('<name>', 'npm package name, e.g. @acme/subnet-weather')
    .option('--kind <kind>', `example task: ${SUBNET_KINDS.join(' | ')}`)
    .option('--dir <dir>', 'target folder (default: ./<name without scope>)')
    .option('--description <text>', 'one-line package description')
    .option('--model <id>', 'Hugging Face model id for the text and image kinds')
    .option('--force', 'write into an existing non-empty folder')
    .option('-y, --yes', 'never prompt; use defaults for whatever is not given')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, opts: NewCommandOptions) => {
      const answers = await completeAnswers(name, opts, ctx);
      const dir = resolve(ctx.cwd, opts.dir ?? defaultDirName(answers.name));
      const result = await createSubnetPackage({ ...answers, dir, ...(opts.force ? { force: true } : {}) });
      if (opts.json) {
        ctx.out.json(result);
        return;
      }
      const rel = relative(ctx.cwd, result.dir) || '.';
      ctx.out.line(`created ${result.name} (${result.kind}) in ${rel}: ${result.files.length} files`);
      ctx.out.line('');
      ctx.out.line('next:');
      ctx.out.line(`  cd ${rel}`);
      ctx.out.line('  npm install');
      ctx.out.line('  npm test');
      ctx.out.line('  npm run build && npx subnetkit doctor');
    });
}

interface NewCommandOptions {
  kind?: string;
  dir?: string;
  description?: string;
  model?: string;
  force?: boolean;
  yes?: boolean;
  json?: boolean;
}

type Answers = Pick<NewSubnetOptions, 'name' | 'kind' | 'description' | 'model'>;

/** Validates what was given and, on a terminal without --yes, asks for the rest through plop's prompts. */
async function completeAnswers(name: string, opts: NewCommandOptions, ctx: CliContext): Promise<Answers> {
  checkName(name);
  if (opts.kind !== undefined) checkKind(opts.kind);
  const interactive = !opts.yes && !opts.json && ctx.out.isTTY && Boolean(process.stdin.isTTY);
  let answers: Record<string, unknown> = { name, kind: opts.kind, description: opts.description, model: opts.model };
  if (interactive && (opts.kind === undefined || opts.description === undefined)) {
    const { default: nodePlop } = await import('node-plop');
    const plop = await nodePlop(findPlopfile());
    // positional bypass, in prompt order: '_' asks, anything else answers
    const bypass = [name, opts.description ?? '_', opts.kind ?? '_', opts.model ?? '_'];
    answers = { ...answers, ...((await plop.getGenerator('subnet').runPrompts(bypass)) as Record<string, unknown>) };
  }
  const kind = (answers.kind as string | undefined) ?? 'text';
  checkKind(kind);
  const model = typeof answers.model === 'string' && answers.model.trim() !== '' ? answers.model.trim() : undefined;
  if (model && !MODEL_KINDS.includes(kind)) {
    ctx.out.info(`note: the ${kind} template declares no model; --model ${model} is ignored`);
  }
  const description = typeof answers.description === 'string' ? answers.description.trim() : '';
  return {
    name,
    kind,
    ...(description ? { description } : {}),
    ...(model && MODEL_KINDS.includes(kind) ? { model } : {}),
  };
}

/** Throws SK_SCAFFOLD_BAD_NAME unless `name` may be published as a new npm package. */
export function checkName(name: string): void {
  const result = validatePackageName(name);
  if (!result.validForNewPackages) {
    const reasons = [...(result.errors ?? []), ...(result.warnings ?? [])];
    throw new SubnetkitError(
      'SK_SCAFFOLD_BAD_NAME',
      `'${name}' is not a valid npm package name: ${reasons.join('; ')}.`,
      { name, reasons },
    );
  }
}

function checkKind(kind: string): asserts kind is SubnetKind {
  if (!(SUBNET_KINDS as readonly string[]).includes(kind)) {
    throw new SubnetkitError(
      'SK_SCAFFOLD_BAD_KIND',
      `Unknown kind '${kind}'. Choose one of: ${SUBNET_KINDS.join(', ')}.`,
      { kind, kinds: [...SUBNET_KINDS] },
    );
  }
}

/** The folder a package gets by default: its name without the scope. */
export function defaultDirName(name: string): string {
  return name.replace(/^@[^/]+\//, '');
}

/**
 * Generates a subnet package with the plop generator: into a temporary sibling of `dir` first,
 * moved into place only once every file was written, so a failure leaves nothing behind.
 */
export async function createSubnetPackage(options: NewSubnetOptions): Promise<NewSubnetResult> {
  checkName(options.name);
  checkKind(options.kind);
  const dir = resolve(options.dir);
  const state = targetState(dir);
  if (state === 'file' || (state === 'non-empty' && !options.force)) {
    throw new SubnetkitError(
      'SK_SCAFFOLD_EXISTS',
      state === 'file'
        ? `${dir} exists and is a file.`
        : `${dir} exists and is not empty. Pick another --dir, or pass --force to write into it.`,
      { dir },
    );
  }
  const plopfile = findPlopfile();
  const parent = dirname(dir);
  const createdParent = mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(dir)}.subnetkit-new-${process.pid}-${Date.now().toString(36)}`);
  try {
    const { default: nodePlop } = await import('node-plop');
    const plop = await nodePlop(plopfile, { destBasePath: staging, force: false });
    const { failures } = await plop.getGenerator('subnet').runActions({
      name: options.name,
      kind: options.kind,
      description: options.description,
      model: options.model,
      destination: '.',
    });
    if (failures.length > 0) {
      throw new SubnetkitError(
        'SK_SCAFFOLD_FAILED',
        `Generating ${options.name} failed: ${failures.map((f) => `${f.type} ${f.path}: ${f.error}`).join('; ')}`,
        { name: options.name, failures: failures.map((f) => ({ type: f.type, path: f.path, error: f.error })) },
      );
    }
    const files = listFiles(staging);
    if (state === 'missing') {
      renameSync(staging, dir);
    } else if (state === 'empty') {
      rmSync(dir, { recursive: true });
      renameSync(staging, dir);
    } else {
      await cp(staging, dir, { recursive: true, force: true });
      rmSync(staging, { recursive: true, force: true });
    }
    return { name: options.name, kind: options.kind, dir, files };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (createdParent) rmSync(createdParent, { recursive: true, force: true });
    if (err instanceof SubnetkitError) throw err;
    throw new SubnetkitError(
      'SK_SCAFFOLD_FAILED',
      `Generating ${options.name} failed: ${err instanceof Error ? err.message : String(err)}`,
      { name: options.name },
      { cause: err },
    );
  }
}

function targetState(dir: string): 'missing' | 'empty' | 'non-empty' | 'file' {
  if (!existsSync(dir)) return 'missing';
  if (!statSync(dir).isDirectory()) return 'file';
  return readdirSync(dir).length === 0 ? 'empty' : 'non-empty';
}

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

/**
 * Where the generator lives: bundled into the published CLI (`generator/`, see
 * scripts/bundle-generator.mjs), or at the root of the source workspace.
 */
export function findPlopfile(): string {
  // src/commands and dist/commands both sit two levels below the package folder
  const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const candidates = [join(pkgDir, 'generator', 'plopfile.js'), resolve(pkgDir, '..', '..', 'plopfile.js')];
  for (const file of candidates) {
    if (existsSync(file) && existsSync(join(dirname(file), 'templates', 'subnet'))) return file;
  }
  throw new SubnetkitError(
    'SK_SCAFFOLD_FAILED',
    `The subnet templates are missing from this installation (looked for ${candidates.join(', ')}). Reinstall subnetkit.`,
    { candidates },
  );
}

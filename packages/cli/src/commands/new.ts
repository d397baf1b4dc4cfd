import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_VERSION, SubnetkitError } from '@subnetkit/core/light';
import type { Command } from 'commander';
import validatePackageName from 'validate-npm-package-name';
import type { CliContext } from '../context.js';
import {
  DEPS_CHOICES,
  type DependencyPlan,
  type DepsChoice,
  isInside,
  localPackages,
  packLocal,
  planDependencies,
  useLocalTarballs,
  writeJson,
} from './new-dependencies.js';

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
  /** Where @subnetkit/* come from (default `auto`: the registry when published there, else this installation). */
  deps?: DepsChoice;
}

export interface NewSubnetResult {
  name: string;
  kind: SubnetKind;
  dir: string;
  /** Generated files, relative to `dir`, sorted. */
  files: string[];
  /** Where the package gets @subnetkit/* from, and the note that says so when not from the registry. */
  dependencies: DependencyPlan;
  /** Set when the package was added to the `workspaces` of the source workspace it sits in. */
  workspace?: string;
}

/** `subnetkit new <name>`: a publishable subnet package from the plop templates. */
export function registerNewCommand(program: Command, ctx: CliContext): void {
  configureNewCommand(
    program
      .command('new')
      .description('create a subnet package (defineSubnet, reward, tests, README, changesets) from a template'),
    ctx,
  );
}

/** Arguments, options and action of `subnetkit new`, on any command (create-subnetkit reuses them). */
export function configureNewCommand(command: Command, ctx: CliContext): Command {
  return command
    .argument('<name>', 'npm package name, e.g. @acme/subnet-weather')
    .option('--kind <kind>', `example task: ${SUBNET_KINDS.join(' | ')}`)
    .option('--dir <dir>', 'target folder (default: ./<name without scope>; packages/<name> inside the subnetkit repo)')
    .option('--description <text>', 'one-line package description')
    .option('--model <id>', 'Hugging Face model id for the text and image kinds')
    .option(
      '--deps <source>',
      `where @subnetkit/* come from: ${DEPS_CHOICES.join(' | ')} (auto: the npm registry once published, else this installation packed into vendor/)`,
    )
    .option('--force', 'write into an existing non-empty folder')
    .option('-y, --yes', 'never prompt; use defaults for whatever is not given')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, opts: NewCommandOptions) => {
      if (opts.deps !== undefined) checkDeps(opts.deps);
      const answers = await completeAnswers(name, opts, ctx);
      const dir = resolve(ctx.cwd, opts.dir ?? defaultDir(answers.name, ctx.cwd));
      const result = await createSubnetPackage({
        ...answers,
        dir,
        ...(opts.force ? { force: true } : {}),
        ...(opts.deps ? { deps: opts.deps } : {}),
      });
      if (result.dependencies.note) ctx.out.info(result.dependencies.note);
      if (opts.json) {
        ctx.out.json(result);
        return;
      }
      const rel = relative(ctx.cwd, result.dir) || '.';
      ctx.out.line(`created ${result.name} (${result.kind}) in ${rel}: ${result.files.length} files`);
      if (result.workspace) ctx.out.line(`added ${result.workspace} to the workspaces of ${dirname(dirname(dir))}`);
      ctx.out.line('');
      ctx.out.line('next:');
      ctx.out.line(`  cd ${rel}`);
      ctx.out.line('  npm install');
      ctx.out.line('  npm test');
      ctx.out.line('  npx subnetkit doctor');
    });
}

interface NewCommandOptions {
  kind?: string;
  dir?: string;
  deps?: string;
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

/** Inside the subnetkit source workspace a new package goes to packages/, elsewhere to ./<name>. */
function defaultDir(name: string, cwd: string): string {
  const root = generatorHome().workspaceRoot;
  return root && isInside(resolve(cwd), root) ? join(root, 'packages', defaultDirName(name)) : defaultDirName(name);
}

function checkDeps(deps: string): asserts deps is DepsChoice {
  if (!(DEPS_CHOICES as readonly string[]).includes(deps)) {
    throw new SubnetkitError('SK_CLI_USAGE', `Unknown --deps '${deps}'. Choose one of: ${DEPS_CHOICES.join(', ')}.`, {
      deps,
    });
  }
}

/**
 * Generates a subnet package with the plop generator: into a temporary sibling of `dir` first,
 * moved into place only once every file was written, so a failure leaves nothing behind.
 */
export async function createSubnetPackage(options: NewSubnetOptions): Promise<NewSubnetResult> {
  checkName(options.name);
  checkKind(options.kind);
  const deps = options.deps ?? 'auto';
  checkDeps(deps);
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
  const home = generatorHome();
  const plan = await planDependencies({ dir, deps, workspaceRoot: home.workspaceRoot, coreVersion: CORE_VERSION });
  // pack before writing anything: a failure here leaves no folder behind
  const tarballs =
    plan.source === 'local'
      ? await packLocal(localPackages(home.cliDir), { workspaceRoot: home.workspaceRoot })
      : undefined;
  const parent = dirname(dir);
  const createdParent = mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(dir)}.subnetkit-new-${process.pid}-${Date.now().toString(36)}`);
  try {
    const { default: nodePlop } = await import('node-plop');
    const plop = await nodePlop(home.plopfile, { destBasePath: staging, force: false });
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
    if (tarballs) useLocalTarballs(staging, tarballs);
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
    const workspace =
      plan.source === 'workspace' && home.workspaceRoot ? addWorkspace(home.workspaceRoot, dir) : undefined;
    return {
      name: options.name,
      kind: options.kind,
      dir,
      files,
      dependencies: plan,
      ...(workspace ? { workspace } : {}),
    };
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
 * Adds `dir` to the workspaces of the source workspace when it sits right in its packages/
 * folder (so `npm install` there links it); returns the entry added, if any.
 */
export function addWorkspace(root: string, dir: string): string | undefined {
  const rel = relative(root, dir).split('\\').join('/');
  if (!/^packages\/[^/]+$/.test(rel)) return undefined;
  const file = join(root, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { workspaces?: unknown };
  if (!Array.isArray(pkg.workspaces)) return undefined;
  const globs = pkg.workspaces.filter((w): w is string => typeof w === 'string');
  if (globs.includes(rel) || globs.includes('packages/*')) return undefined;
  pkg.workspaces = [...pkg.workspaces, rel];
  writeJson(file, pkg);
  return rel;
}

interface GeneratorHome {
  plopfile: string;
  /** The CLI package folder (what `--deps local` packs, with the @subnetkit/* packages it depends on). */
  cliDir: string;
  /** The source workspace, when the CLI runs from one rather than from an installed package. */
  workspaceRoot?: string;
}

/** Throws SK_SCAFFOLD_FAILED when the templates cannot be found. */
export function findPlopfile(): string {
  return generatorHome().plopfile;
}

/**
 * Where the generator lives: bundled into the published CLI (`generator/`, see
 * scripts/bundle-generator.mjs), or at the root of the source workspace.
 */
function generatorHome(): GeneratorHome {
  // src/commands and dist/commands both sit two levels below the package folder
  const cliDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const bundled = join(cliDir, 'generator', 'plopfile.js');
  const root = resolve(cliDir, '..', '..');
  const source = join(root, 'plopfile.js');
  const hasTemplates = (file: string) => existsSync(file) && existsSync(join(dirname(file), 'templates', 'subnet'));
  // the source workspace wins over a generator/ that a concurrent npm pack left there for a moment
  if (hasTemplates(source) && existsSync(join(root, 'packages', 'core', 'package.json'))) {
    return { plopfile: source, cliDir, workspaceRoot: root };
  }
  if (hasTemplates(bundled)) return { plopfile: bundled, cliDir };
  const candidates = [bundled, source];
  throw new SubnetkitError(
    'SK_SCAFFOLD_FAILED',
    `The subnet templates are missing from this installation (looked for ${candidates.join(', ')}). Reinstall subnetkit.`,
    { candidates },
  );
}

// @ts-check
/**
 * The "subnet" generator: a complete, publishable subnet package from `templates/subnet/`.
 *
 * Interactive: `npx plop subnet --dest <folder>`. Headless: `subnetkit new <name>` and
 * `npm create subnetkit <name>` load this file with node-plop and pass every answer.
 *
 * Versions come from the workspace manifests (or from `versions.json`, written next to the
 * bundled copy of this file when the CLI is packed), never from the network, so generating
 * works offline and always matches the core it was shipped with.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {import('node-plop').NodePlopAPI} NodePlopAPI */
/** @typedef {import('node-plop').ActionType} ActionType */
/** @typedef {'text' | 'image' | 'predict' | 'blank'} SubnetKind */

/**
 * @typedef {object} SubnetAnswers
 * @property {string} name npm package name
 * @property {string} [description]
 * @property {SubnetKind} kind
 * @property {string} [model] hub id of the model, for kinds that declare one
 * @property {string} [destination] folder to write, relative to the destination base path
 */

/**
 * @typedef {object} TemplateVersions
 * @property {string} core
 * @property {string} cli
 * @property {string} zod
 * @property {string} typescript
 * @property {string} vitest
 * @property {string} typesNode
 * @property {string} changesets
 * @property {string} node
 * @property {Record<string, boolean>} allowScripts install scripts npm may run (none: see the template)
 */

const HERE = dirname(fileURLToPath(import.meta.url));

/** The template kinds, each with a working example task. */
export const KINDS = /** @type {const} */ (['text', 'image', 'predict', 'blank']);

/** @type {Record<SubnetKind, string>} */
const KIND_DESCRIPTIONS = {
  text: 'text embeddings checked against the validator’s own model',
  image: 'image super-resolution checked against the validator’s own model',
  predict: 'time-series forecasting scored against held-out values',
  blank: 'a minimal model-free task to replace with your own',
};

/** Default hub ids, and the tiny offline fixture (shipped with core) each kind tests with. */
/** @type {Partial<Record<SubnetKind, { model: string, fixture: string }>>} */
export const KIND_MODELS = {
  text: { model: 'Xenova/all-MiniLM-L6-v2', fixture: 'tiny-bert' },
  image: { model: 'Xenova/swin2SR-classical-sr-x2-64', fixture: 'tiny-swin2sr' },
};

/**
 * Versions for the generated package.json, read offline: `versions.json` beside a bundled copy
 * of this file, otherwise the workspace manifests this file sits next to.
 * @param {string} [dir]
 * @returns {TemplateVersions}
 */
export function readTemplateVersions(dir = HERE) {
  const bundled = join(dir, 'versions.json');
  if (existsSync(bundled)) return JSON.parse(readFileSync(bundled, 'utf8'));
  /** @param {string} path */
  const manifest = (path) => JSON.parse(readFileSync(join(dir, path), 'utf8'));
  const root = manifest('package.json');
  const core = manifest('packages/core/package.json');
  const cli = manifest('packages/cli/package.json');
  /** @param {Record<string, string> | undefined} deps @param {string} name */
  const need = (deps, name) => {
    const v = deps?.[name];
    if (!v) throw new Error(`plopfile: no version of ${name} in the workspace manifests`);
    return v;
  };
  return {
    core: core.version,
    cli: cli.version,
    zod: need(core.dependencies, 'zod'),
    typescript: need(root.devDependencies, 'typescript'),
    vitest: need(root.devDependencies, 'vitest'),
    typesNode: need(root.devDependencies, '@types/node'),
    changesets: need(root.devDependencies, '@changesets/cli'),
    node: core.engines?.node ?? '>=20.19',
    allowScripts: root.allowScripts ?? {},
  };
}

/**
 * The subnet's slug (`defineSubnet({ name })`: 2-32 of a-z, 0-9, '-', starting with a letter),
 * derived from the package name: `@acme/subnet-weather` → `weather`.
 * @param {string} packageName
 */
export function subnetSlug(packageName) {
  const base = packageName.replace(/^@[^/]+\//, '').replace(/^subnet-/, '');
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+/g, '-')
    .slice(0, 32)
    .replace(/-+$/, '');
  return slug.length >= 2 ? slug : `subnet-${slug || 'x'}`.slice(0, 32);
}

/** @param {string} packageName the folder name a package gets by default */
export function defaultDirName(packageName) {
  return packageName.replace(/^@[^/]+\//, '');
}

/**
 * Everything the templates render with: the answers plus derived names and versions.
 * @param {SubnetAnswers} answers
 * @param {TemplateVersions} versions
 */
export function templateData(answers, versions) {
  const kind = answers.kind;
  const models = KIND_MODELS[kind];
  const slug = subnetSlug(answers.name);
  const description =
    answers.description?.replace(/\s+/g, ' ').trim() || `A Subnetkit subnet: ${KIND_DESCRIPTIONS[kind]}.`;
  return {
    name: answers.name,
    slug,
    description,
    // the same, safe inside the generated block comment
    commentDescription: description.replaceAll('*/', '* /'),
    kind,
    kindDescription: KIND_DESCRIPTIONS[kind],
    model: models ? answers.model?.trim() || models.model : undefined,
    fixture: models?.fixture,
    versions,
    coreRange: `^${versions.core}`,
  };
}

/** @param {NodePlopAPI} plop */
export default function subnetGenerator(plop) {
  // Templates write JSON and TypeScript string literals: escape them as such, never as HTML.
  plop.setHelper('json', (/** @type {unknown} */ value) => JSON.stringify(value));
  plop.setHelper('tsString', (/** @type {unknown} */ value) => {
    const s = JSON.stringify(String(value)).slice(1, -1).replace(/'/g, "\\'");
    return `'${s.replace(/\\"/g, '"')}'`;
  });
  plop.setHelper('eq', (/** @type {unknown} */ a, /** @type {unknown} */ b) => a === b);
  // pretty JSON whose lines after the first are indented to sit inside the template's object
  plop.setHelper('jsonBlock', (/** @type {unknown} */ value, /** @type {number} */ indent) =>
    JSON.stringify(value, null, 2).replaceAll('\n', `\n${' '.repeat(indent)}`),
  );

  plop.setGenerator('subnet', {
    description: 'a publishable subnet package (defineSubnet, reward, tests, README, changesets)',
    prompts: [
      {
        type: 'input',
        name: 'name',
        message: 'npm package name',
        validate: (/** @type {string} */ v) =>
          /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(v) || 'not a valid npm package name',
      },
      { type: 'input', name: 'description', message: 'one-line description (optional)' },
      { type: 'list', name: 'kind', message: 'task kind', choices: [...KINDS], default: 'text' },
      {
        type: 'input',
        name: 'model',
        message: 'model id on the Hugging Face hub',
        when: (/** @type {Partial<SubnetAnswers>} */ a) => Boolean(a.kind && KIND_MODELS[a.kind]),
        default: (/** @type {Partial<SubnetAnswers>} */ a) => (a.kind ? KIND_MODELS[a.kind]?.model : undefined),
      },
    ],
    actions: (raw) => {
      const answers = /** @type {SubnetAnswers} */ (raw);
      if (!KINDS.includes(answers.kind)) throw new Error(`unknown kind ${String(answers.kind)}`);
      const destination = answers.destination ?? defaultDirName(answers.name);
      const data = templateData(answers, readTemplateVersions());
      /** @type {ActionType[]} */
      const actions = [
        {
          type: 'addMany',
          destination,
          base: 'templates/subnet/common',
          templateFiles: 'templates/subnet/common/**/*',
          globOptions: { dot: true },
          data,
          abortOnFail: true,
        },
        {
          type: 'addMany',
          destination,
          base: `templates/subnet/kinds/${answers.kind}`,
          templateFiles: `templates/subnet/kinds/${answers.kind}/**/*`,
          globOptions: { dot: true },
          data,
          abortOnFail: true,
        },
        // npm pack turns .gitignore into .npmignore, so the template ships it as _gitignore
        () => {
          const dir = resolve(plop.getDestBasePath(), destination);
          renameSync(join(dir, '_gitignore'), join(dir, '.gitignore'));
          return 'renamed _gitignore to .gitignore';
        },
      ];
      return actions;
    },
  });
}

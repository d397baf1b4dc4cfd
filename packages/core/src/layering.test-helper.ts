/**
 * The import graph of core's source and the layering rules of docs/architecture.md, checked by
 * layering.test.ts. Built with the TypeScript parser (no bundler, no new dependency): every
 * relative import, re-export and dynamic import(), marked type-only when the compiler erases it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface Edge {
  from: string;
  to: string;
  /** Erased by the compiler: no load-order effect, but still a dependency between layers. */
  typeOnly: boolean;
}

/** Test files, fixtures and test helpers may reach across layers; they are not part of the graph. */
const NOT_SOURCE = /\.(test|test-d)\.ts$|\.test-helper\.ts$|\.test\.util\.ts$|\.fixture\.ts$|\/test-helpers\.ts$/;

export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.d.ts') && !NOT_SOURCE.test(path)) out.push(path);
    }
  };
  walk(root);
  return out.sort();
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly);
}

/** Every module specifier `file` imports, re-exports or loads with import(). */
export function specifiers(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** Edges between files under `root` (paths relative to it, e.g. `neuron/miner.ts`). */
export function importGraph(root: string): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(root)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const add = (specifier: string, typeOnly: boolean): void => {
      if (!specifier.startsWith('.')) return; // packages are not layers
      const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
      if (!existsSync(target) || !target.endsWith('.ts')) return; // JSON data, not code
      edges.push({ from: relative(root, file), to: relative(root, target), typeOnly });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        add(node.moduleSpecifier.text, isTypeOnlyImport(node));
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        add(node.moduleSpecifier.text, isTypeOnlyExport(node));
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        add(node.arguments[0].text, false);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
        const lit = node.argument.literal;
        if (ts.isStringLiteral(lit)) add(lit.text, true);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return edges;
}

/** Import cycles among runtime edges (Tarjan's strongly connected components of size > 1). */
export function runtimeCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.typeOnly) continue;
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) connect(v);
  return cycles;
}

/**
 * Layers of core, lowest first (docs/architecture.md). A file may import only from its own area
 * or from an area of a strictly lower layer; areas on the same layer are independent of each
 * other. Files outside every area (the `index.ts` barrel) are the top.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['util', 'errors', 'log', 'crypto'],
  ['consensus', 'timelock', 'protocol', 'wallet', 'config', 'models'],
  ['chain/types.ts'],
  ['chain/codec'],
  ['chain/local', 'chain/subtensor'],
  ['chain/devnet'],
  ['plugin', 'ops'],
  ['di'],
  ['neuron'],
  // the cheating miner profiles: testing kit code, below the localnet whose demo runs them
  ['testing/profiles.ts'],
  ['localnet'],
  ['testing'],
];

/** Edges the layers would allow but that break a seam, each with its reason. */
export const FORBIDDEN: readonly { from: RegExp; to: RegExp; why: string }[] = [
  {
    from: /^(neuron|plugin)\//,
    to: /^chain\/(local|subtensor|devnet)\//,
    why: 'neurons and plugins see the Chain interface and the chain codec, never a backend; the composition root picks the backend',
  },
  {
    from: /^neuron\/validator/,
    to: /^neuron\/miner/,
    why: 'the roles are independent; share through a role-neutral module (e.g. neuron/axon-address.ts)',
  },
  { from: /^neuron\/miner/, to: /^neuron\/validator/, why: 'the roles are independent' },
  {
    from: /^di\/(?!from-config\.ts$)/,
    to: /^chain\/(local|subtensor|devnet)\//,
    why: 'only di/from-config.ts picks a backend; the container holds whatever Chain it is given',
  },
  {
    from: /^chain\//,
    to: /^protocol\/(?!ip\.ts$)/,
    why: "the chain may use the protocol's pure IP text rules (protocol/ip.ts), never the axon or dendrite",
  },
];

/**
 * Existing breaks of the rules above, allowed explicitly so the test still catches new ones.
 * Each entry: the exact edge and why it is not fixed yet. Empty is the goal.
 */
export const ALLOWANCES: readonly { from: string; to: string; why: string }[] = [];

export function areaOf(file: string): string | undefined {
  for (const layer of LAYERS) {
    for (const area of layer) if (file === area || file.startsWith(`${area}/`)) return area;
  }
  // chain/ files beside the interface (none yet) would be the interface layer too
  return file.startsWith('chain/') && !file.slice('chain/'.length).includes('/') ? 'chain/types.ts' : undefined;
}

function layerOf(area: string | undefined): number {
  return area === undefined ? LAYERS.length : LAYERS.findIndex((l) => l.includes(area));
}

/** Every edge that breaks a layer rule or a forbidden seam, minus the allowances. */
export function layerViolations(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    if (ALLOWANCES.some((a) => a.from === e.from && a.to === e.to)) continue;
    const fromArea = areaOf(e.from);
    const toArea = areaOf(e.to);
    if (fromArea !== toArea && layerOf(toArea) >= layerOf(fromArea)) {
      out.push(`${e.from} -> ${e.to}: ${fromArea ?? 'top'} may not import ${toArea ?? 'top'}`);
    }
    for (const rule of FORBIDDEN) {
      if (rule.from.test(e.from) && rule.to.test(e.to)) out.push(`${e.from} -> ${e.to}: ${rule.why}`);
    }
  }
  return out;
}

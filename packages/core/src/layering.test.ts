// Guards the layering written in docs/architecture.md: no runtime import cycles in core, and
// every import points down the layers (or stays in its area), with the seams that matter named.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  type Edge,
  importGraph,
  layerViolations,
  runtimeCycles,
  sourceFiles,
  specifiers,
} from './layering.test-helper.js';

const root = import.meta.dirname;
const graph = importGraph(root);
const edge = (from: string, to: string, typeOnly = false): Edge => ({ from, to, typeOnly });

describe('core layering', () => {
  test('the graph covers core: every area has files and imports', () => {
    // a broken parser or path would make the checks below pass vacuously
    expect(graph.length).toBeGreaterThan(300);
    for (const file of ['neuron/validator.ts', 'chain/local/calls.ts', 'chain/subtensor/subtensor-chain.ts']) {
      expect(graph.some((e) => e.from === file)).toBe(true);
    }
    expect(graph).toContainEqual(edge('neuron/validator.ts', 'chain/codec/commit-hash.ts'));
    expect(graph).toContainEqual(edge('neuron/tokens.ts', 'neuron/miner.ts', true));
    expect(graph).toContainEqual(edge('localnet/network.ts', 'testing/profiles.ts'));
    expect(graph.some((e) => e.from.startsWith('neuron/') && e.to.startsWith('testing/'))).toBe(false);
  });

  test('no runtime import cycles', () => {
    expect(runtimeCycles(graph)).toEqual([]);
  });

  test('imports follow the layers (docs/architecture.md)', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  // light: the names a CLI needs before it knows which command runs (errors, version), without the rest
  const PUBLIC_ENTRIES = ['@subnetkit/core', '@subnetkit/core/testing', '@subnetkit/core/light'];
  test('the other packages use only the public entry points of core', () => {
    const packages = join(root, '../..');
    const dirs = ['cli', 'create-subnetkit', 'subnet-text', 'subnet-image', 'subnet-predict'];
    const deep: string[] = [];
    let checked = 0;
    for (const dir of dirs) {
      for (const file of sourceFiles(join(packages, dir, 'src'))) {
        for (const s of specifiers(file)) {
          checked++;
          const intoCore = s.startsWith('@subnetkit/core') || /(^|\/)core\/(src|dist)\//.test(s);
          if (intoCore && !PUBLIC_ENTRIES.includes(s)) deep.push(`${file}: ${s}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(deep).toEqual([]);
  });

  test('the checker reports the leaks it exists to stop', () => {
    // the three leaks issue 20 found, as they were
    expect(layerViolations([edge('neuron/validator.ts', 'chain/local/math.ts')])).toHaveLength(1);
    expect(layerViolations([edge('chain/local/admin.ts', 'chain/subtensor/event-fields.ts')])).toHaveLength(1);
    expect(layerViolations([edge('neuron/validator.ts', 'neuron/miner.ts')])).toHaveLength(1);
    // a lower layer reaching up, type-only included
    expect(layerViolations([edge('consensus/epoch.ts', 'neuron/scores.ts', true)])).toHaveLength(1);
    expect(layerViolations([edge('chain/local/calls.ts', 'protocol/axon.ts')])).toHaveLength(1);
    expect(layerViolations([edge('chain/codec/axon-ip.ts', 'protocol/ip.ts')])).toEqual([]);
    expect(runtimeCycles([edge('a.ts', 'b.ts'), edge('b.ts', 'c.ts'), edge('c.ts', 'a.ts')])).toEqual([
      ['a.ts', 'b.ts', 'c.ts'],
    ]);
    // the production miner ships no cheats: the profiles sit in the testing kit, above the neurons,
    // and only the localnet's demo (and the kit) may use them
    expect(layerViolations([edge('neuron/miner.ts', 'testing/profiles.ts')])).toHaveLength(1);
    expect(layerViolations([edge('localnet/network.ts', 'testing/profiles.ts')])).toEqual([]);
    expect(layerViolations([edge('localnet/network.ts', 'testing/create-test-network.ts')])).toHaveLength(1);
    // the composition root may pick a backend; a neuron may not
    expect(layerViolations([edge('di/from-config.ts', 'chain/subtensor/subtensor-chain.ts')])).toEqual([]);
    expect(layerViolations([edge('di/create-runtime.ts', 'chain/local/local-chain.ts')])).toHaveLength(1);
    expect(layerViolations([edge('neuron/compose.ts', 'chain/local/local-chain.ts')])).toHaveLength(1);
    // erased imports do not order module loading
    expect(runtimeCycles([edge('a.ts', 'b.ts'), edge('b.ts', 'a.ts', true)])).toEqual([]);
  });
});

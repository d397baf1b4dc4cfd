import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.js';

// The vectors were copied from shared/vectors/consensus (see test-fixtures/consensus/README.md);
// they live outside src/ so that neither the build nor the published package carries them.
const dir = join(dirname(fileURLToPath(import.meta.url)), '../../test-fixtures/consensus');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

interface Vector {
  expected: { epochs: Record<string, unknown>[]; final_state: Record<string, unknown> };
}

describe('consensus vectors (bit-exact)', () => {
  it('has all 35 vector files', () => {
    expect(files).toHaveLength(35);
  });

  for (const file of files) {
    const big = file.includes('512');
    it(`reproduces ${file} field by field`, { ...(big ? { tags: ['slow'] } : {}) }, () => {
      const vector = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Vector;
      const result = runScenario(vector);
      const expected = vector.expected;
      expect(result.epochs).toHaveLength(expected.epochs.length);
      expected.epochs.forEach((exp, e) => {
        const got = result.epochs[e] as unknown as Record<string, unknown>;
        for (const [field, value] of Object.entries(exp)) {
          expect(got[field], `${file} epoch ${e} field ${field}`).toEqual(value);
        }
      });
      for (const [field, value] of Object.entries(expected.final_state)) {
        expect((result.final_state as Record<string, unknown>)[field], `final_state.${field}`).toEqual(value);
      }
    });
  }
});

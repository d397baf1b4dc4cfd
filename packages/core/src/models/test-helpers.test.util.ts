import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { expect, onTestFinished } from 'vitest';
import { createLogger, type Logger } from '../log/logger.js';

/** A fresh folder under the repo's .tmp/, removed when the test finishes. */
export function tmpDir(name: string): string {
  const root = fileURLToPath(new URL('../../../../.tmp/', import.meta.url));
  const dir = join(root, `models-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { recursive: true });
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A logger whose JSON lines land in `lines`. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** Asserts two (nested) number arrays match element by element to `digits` decimals. */
export function expectClose(actual: unknown, expected: unknown, digits: number): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual) && actual.length === expected.length).toBe(true);
    for (let i = 0; i < expected.length; i++) expectClose((actual as unknown[])[i], expected[i], digits);
  } else {
    expect(actual).toBeCloseTo(expected as number, digits);
  }
}

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type EpochRecord, type JsonInt, runScenario, type ScenarioResult, SubnetkitError } from '@subnetkit/core';
import type { CliContext } from '../context.js';

/** `subnetkit consensus run <scenario.json> [--json]`. */
export async function runConsensus(ctx: CliContext, file: string, opts: { json?: boolean }): Promise<void> {
  const scenario = await loadScenarioFile(resolve(ctx.cwd, file));
  const result = runScenario(scenario);
  if (opts.json) ctx.out.json(result);
  else printTables(ctx, result);
}

async function loadScenarioFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SubnetkitError(
      'SK_CONSENSUS_BAD_SCENARIO',
      `cannot read scenario file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      { file: path },
      { cause: err },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SubnetkitError(
      'SK_CONSENSUS_BAD_SCENARIO',
      `scenario file ${path} is not valid JSON: ${(err as Error).message}`,
      { file: path },
      { cause: err },
    );
  }
}

/** A stored u16 proportion as a readable share (display only; the exact value is in --json). */
function share(u16: number): string {
  return (u16 / 65535).toFixed(4);
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padStart(widths[i] as number)).join('  ');
}

function sum(xs: JsonInt[]): bigint {
  return xs.reduce<bigint>((s, x) => s + BigInt(x), 0n);
}

function printTables(ctx: CliContext, result: ScenarioResult): void {
  const header = [
    'uid',
    'active',
    'permit',
    'stake',
    'consensus',
    'vtrust',
    'incentive',
    'dividends',
    'server',
    'validator',
    'emission',
  ];
  result.epochs.forEach((rec: EpochRecord, e) => {
    const label = rec.label !== undefined ? ` (${rec.label})` : '';
    ctx.out.line(`epoch ${e}${label}: block ${rec.block}, n ${rec.n}, activity cutoff ${rec.activity_cutoff}`);
    const rows = Array.from({ length: rec.n }, (_, i) => [
      String(i),
      rec.active[i] ? 'yes' : 'no',
      rec.validator_permit_new[i] ? 'yes' : 'no',
      share(rec.stake_weight_u16[i] as number),
      share(rec.consensus_u16[i] as number),
      share(rec.validator_trust_u16[i] as number),
      share(rec.incentive_u16[i] as number),
      share(rec.dividends_u16[i] as number),
      String(rec.server_emission[i]),
      String(rec.validator_emission[i]),
      String(rec.emission[i]),
    ]);
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
    ctx.out.line(pad(header, widths));
    for (const r of rows) ctx.out.line(pad(r, widths));
    ctx.out.line(
      `paid: server ${sum(rec.server_emission)} + validator ${sum(rec.validator_emission)} rao; bonds held by ${
        rec.bonds_u16.filter((r) => r.length > 0).length
      } uids`,
    );
    ctx.out.line();
  });
  ctx.out.line(`${result.epochs.length} epoch(s); final n ${result.final_state.n}`);
}

import type { NetworkSummary, SubnetSummary } from '@subnetkit/core';
import type { Output } from './output.js';

const TAO = 1e9;

/** A table of one subnet's neurons: uid, role, profile, incentive, dividends, emission, stake. */
export function subnetTable(subnet: SubnetSummary): string[] {
  const rows = [
    `  ${'uid'.padStart(3)}  ${'role'.padEnd(9)} ${'profile'.padEnd(8)} ${'incentive'.padStart(9)} ${'dividends'.padStart(9)} ${'emission α'.padStart(12)} ${'stake α'.padStart(12)}`,
  ];
  for (const n of subnet.neurons) {
    rows.push(
      `  ${String(n.uid).padStart(3)}  ${n.role.padEnd(9)} ${n.profile.padEnd(8)} ${n.incentive.toFixed(4).padStart(9)} ${n.dividends.toFixed(4).padStart(9)} ${(Number(n.emission) / TAO).toFixed(4).padStart(12)} ${(Number(n.stake) / TAO).toFixed(2).padStart(12)}`,
    );
  }
  return rows;
}

/** The whole network as text: header line, then one table per subnet. */
export function renderNetwork(summary: NetworkSummary, status: string): string {
  const lines = [
    `block ${summary.block}  ·  issuance ${(Number(summary.totalIssuance) / TAO).toFixed(2)} TAO  ·  ${status}`,
    '',
  ];
  for (const s of summary.subnets) {
    lines.push(`subnet ${s.netuid} · ${s.name} · epoch ${s.epochs}`, ...subnetTable(s), '');
  }
  return lines.join('\n');
}

/**
 * Redraws the network view in place on a terminal (at most a few times a second); elsewhere it
 * prints nothing per block and leaves epoch lines to the caller.
 */
export class LiveView {
  #last = 0;
  constructor(
    private readonly out: Output,
    private readonly stream: NodeJS.WritableStream,
    private readonly enabled: boolean,
  ) {}

  draw(summary: NetworkSummary, status: string, now: number, force = false): void {
    if (!this.enabled || (!force && now - this.#last < 250)) return;
    this.#last = now;
    // home + clear screen, then the frame
    this.stream.write(
      `\x1b[H\x1b[2J${renderNetwork(summary, status)}\n(Ctrl-C stops the network; rerun to continue it)\n`,
    );
  }

  note(text: string): void {
    this.out.info(text);
  }
}

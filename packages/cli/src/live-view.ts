import type { NetworkSummary, SubnetSummary } from '@subnetkit/core';
import { createLogUpdate } from 'log-update';
import type { Output } from './output.js';
import { renderTable } from './table.js';

const TAO = 1e9;

/** A table of one subnet's neurons: uid, role, miner profile, incentive, dividends, emission, stake. */
export function subnetTable(subnet: SubnetSummary): string[] {
  return renderTable(
    ['uid', 'role', 'profile', 'incentive', 'dividends', 'emission α', 'stake α'],
    subnet.neurons.map((n) => [
      n.uid,
      n.role,
      // only miners have a behaviour profile; for the others it would repeat the role
      n.role === 'miner' ? n.profile : '',
      n.incentive.toFixed(4),
      n.dividends.toFixed(4),
      (Number(n.emission) / TAO).toFixed(4),
      (Number(n.stake) / TAO).toFixed(2),
    ]),
    ['right', 'left', 'left', 'right', 'right', 'right', 'right'],
  ).map((l) => `  ${l}`);
}

/** The whole network as text: header line, then one table per subnet. */
export function renderNetwork(summary: NetworkSummary, status: string): string {
  const lines = [
    `block ${summary.block}  ·  issuance ${(Number(summary.totalIssuance) / TAO).toFixed(2)} TAO  ·  ${status}`,
    '',
  ];
  for (const s of summary.subnets) {
    lines.push(`subnet ${s.netuid} · ${s.name} · epoch ${s.epochs}`, ...subnetTable(s));
    // the chain adds the owner's cut straight to its stake: the emission column does not show it
    if (s.neurons.some((n) => n.role === 'owner'))
      lines.push("  (owner: its cut of each epoch goes to its stake, not to 'emission')");
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * Redraws the network view in place on a terminal (log-update rewrites only the frame's own
 * lines, so scrollback keeps what came before), at most a few times a second; elsewhere it
 * prints nothing per block and leaves epoch lines to the caller.
 */
export class LiveView {
  #last = 0;
  #closed = false;
  readonly #frame: ReturnType<typeof createLogUpdate> | undefined;

  constructor(
    private readonly out: Output,
    stream: NodeJS.WritableStream,
    enabled: boolean,
  ) {
    this.#frame = enabled ? createLogUpdate(stream as NodeJS.WriteStream, { showCursor: true }) : undefined;
  }

  draw(summary: NetworkSummary, status: string, now: number, force = false): void {
    if (!this.#frame || this.#closed || (!force && now - this.#last < 250)) return;
    this.#last = now;
    this.#frame(`${renderNetwork(summary, status)}\n(Ctrl-C stops the network; rerun to continue it)`);
  }

  /** Removes the frame (the final summary is printed after it). */
  close(): void {
    this.#closed = true;
    this.#frame?.clear();
    this.#frame?.done();
  }

  note(text: string): void {
    this.out.info(text);
  }
}

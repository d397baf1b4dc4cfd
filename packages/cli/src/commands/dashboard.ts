import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type Chain,
  chainSource,
  createLogger,
  createSubtensorChain,
  type EpochSnapshot,
  loadHistory,
  openLocalChainReadOnly,
  type RunningDashboard,
  SubnetkitError,
  startDashboard,
} from '@subnetkit/core';
import { findLocalChain } from '../chain-access.js';
import type { CliContext } from '../context.js';
import { cliConfig } from '../load.js';
import { Teardown } from '../teardown.js';
import { HISTORY_FILE } from './localnet.js';

export interface DashboardFlags {
  network?: string;
  history?: string;
  port: string;
  json?: boolean;
}

/** "--port 0" picks a free port; anything else must be a port number. */
export function dashboardPort(text: string, option: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(port) || port > 65535) {
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `--${option} must be a port from 0 to 65535 (0 picks a free one), got '${text}'.`,
      {
        option,
      },
    );
  }
  return port;
}

/**
 * Starts the dashboard on 127.0.0.1 and prints where. A taken port is SK_CLI_PORT_IN_USE with
 * the flag to change; nothing else is left running.
 */
export async function serveDashboard(
  start: () => Promise<RunningDashboard>,
  port: number,
  option: string,
): Promise<RunningDashboard> {
  try {
    return await start();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new SubnetkitError(
        'SK_CLI_PORT_IN_USE',
        `Port ${port} for the dashboard is ${code === 'EACCES' ? 'not allowed' : 'already in use'} on 127.0.0.1: stop what holds it or pass another --${option} (0 picks a free one).`,
        { port, host: '127.0.0.1', option },
      );
    }
    throw err;
  }
}

export async function runDashboard(ctx: CliContext, flags: DashboardFlags): Promise<void> {
  const port = dashboardPort(flags.port, 'port');
  const config = await cliConfig(ctx, {});
  const log = createLogger({ level: 'warn' });
  const remote = flags.network !== undefined && /^wss?:\/\//.test(flags.network);
  const teardown = new Teardown();
  try {
    let chain: Chain;
    let historyFile = flags.history ? resolve(ctx.cwd, flags.history) : undefined;
    if (remote) {
      chain = await createSubtensorChain({ endpoint: flags.network!, logger: log });
    } else {
      const chainDir = findLocalChain(ctx, config, flags.network ?? join('.subnetkit', 'localnet'));
      chain = await openLocalChainReadOnly(chainDir, { logger: log });
      // history.jsonl sits in the data dir, beside chain/
      const beside = join(chainDir, '..', HISTORY_FILE);
      historyFile ??= existsSync(beside) ? beside : undefined;
    }
    teardown.add(() => chain.close());
    if (historyFile && !(existsSync(historyFile) && statSync(historyFile).isFile())) {
      throw new SubnetkitError('SK_CLI_FILE_NOT_FOUND', `--history ${historyFile} does not exist or is not a file.`, {
        option: 'history',
      });
    }
    const history: EpochSnapshot[] = historyFile ? loadHistory(historyFile, { readOnly: true }).records : [];
    const where = remote ? flags.network! : (flags.network ?? '.subnetkit/localnet');
    const source = chainSource(chain, { title: `Subnetkit dashboard · ${where}`, history });
    const dashboard = await serveDashboard(() => startDashboard(source, { port, log }), port, 'port');
    teardown.add(() => dashboard.close());
    if (flags.json) ctx.out.json({ url: dashboard.url, network: where, readOnly: true, epochRecords: history.length });
    else {
      ctx.out.line(`dashboard on ${dashboard.url} (read-only: ${where})`);
      ctx.out.info('press Ctrl-C to stop');
    }
    await new Promise<void>((done) => {
      if (ctx.shutdown.aborted) done();
      else ctx.shutdown.addEventListener('abort', () => done(), { once: true });
    });
  } finally {
    await teardown.run();
  }
}

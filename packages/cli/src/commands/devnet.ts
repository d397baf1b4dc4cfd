import { resolve } from 'node:path';
import {
  type BlockTime,
  createLocalChain,
  createLogger,
  DEVNET_SPEC,
  devGenesis,
  localChainEngine,
  SubnetkitError,
  startDevnet,
} from '@subnetkit/core';
import type { CliContext } from '../context.js';

export interface DevnetFlags {
  port: string;
  host: string;
  blockTime: string;
  dataDir?: string;
  history: string;
  json?: boolean;
  logLevel: string;
}

/** "12s", "250ms", "250", "instant" or "manual" → the local chain's block time. */
export function parseBlockTime(text: string): BlockTime {
  if (text === 'instant' || text === 'manual') return text;
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 1 || ms > 3_600_000) {
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `--block-time "${text}" must be a duration like 12s or 250ms, "instant" or "manual".`,
      {
        blockTime: text,
      },
    );
  }
  return Math.round(ms);
}

function parseHistory(text: string): number {
  const blocks = Number(text);
  if (!Number.isInteger(blocks) || blocks < 0 || blocks > 100_000) {
    throw new SubnetkitError('SK_CLI_USAGE', `--history "${text}" must be an integer between 0 and 100000.`, {
      history: text,
    });
  }
  return blocks;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SubnetkitError('SK_CLI_USAGE', `--port "${text}" must be an integer between 0 and 65535.`, {
      port: text,
    });
  }
  return port;
}

/** `subnetkit devnet`: serves until Ctrl-C. */
export async function runDevnet(ctx: CliContext, flags: DevnetFlags): Promise<void> {
  const port = parsePort(flags.port);
  const blockTime = parseBlockTime(flags.blockTime);
  const historyBlocks = parseHistory(flags.history);
  const logger = createLogger({ level: flags.logLevel });
  const dataDir = flags.dataDir ? resolve(ctx.cwd, flags.dataDir) : undefined;
  const chain = await createLocalChain({
    genesis: devGenesis(),
    blockTime,
    logger,
    historyBlocks,
    ...(dataDir ? { dataDir } : {}),
  });
  let devnet: Awaited<ReturnType<typeof startDevnet>>;
  try {
    devnet = await startDevnet({
      engine: localChainEngine(chain),
      port,
      host: flags.host,
      logger,
    });
  } catch (err) {
    await chain.close();
    throw err;
  }
  const info = {
    url: devnet.url,
    genesisHash: devnet.genesisHash,
    specName: DEVNET_SPEC.specName,
    specVersion: DEVNET_SPEC.specVersion,
    blockTime,
    dataDir: dataDir ?? null,
  };
  if (flags.json) ctx.out.json(info);
  else {
    ctx.out.line(`devnet listening on ${devnet.url}`);
    ctx.out.info(
      `genesis ${devnet.genesisHash}, ${DEVNET_SPEC.specName} spec ${DEVNET_SPEC.specVersion}, block time ${blockTime}`,
    );
    ctx.out.info('press Ctrl-C to stop');
  }
  await new Promise<void>((done) => {
    if (ctx.shutdown.aborted) done();
    else ctx.shutdown.addEventListener('abort', () => done(), { once: true });
  });
  await devnet.close();
  await chain.close();
}

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type AxonTarget,
  createLogger,
  Dendrite,
  dialableIp,
  initCrypto,
  type LoadedSubnet,
  localnetKeys,
  type Signer,
  SubnetkitError,
  subnetSynapses,
} from '@subnetkit/core';
import { openChain, type WalletFlags, walletFrom } from '../chain-access.js';
import type { CliContext } from '../context.js';
import { cliConfig, loadSubnets } from '../load.js';
import { NETWORK_FILE } from './localnet.js';

export interface QueryFlags extends WalletFlags {
  stream?: boolean;
  topK: string;
  output?: string;
  dataDir: string;
  network?: string;
  netuid?: string;
  horizon: string;
  maxTokens?: string;
  json?: boolean;
  /** The working directory input files are relative to (set by the command, not a flag). */
  cwd?: string;
}

/** How the CLI turns its arguments into a subnet's request and the answer into output. */
interface QueryAdapter {
  request(input: string, flags: QueryFlags): Promise<Record<string, unknown>>;
  /** Text to print, or bytes for `-o`. */
  output(request: Record<string, unknown>, response: Record<string, unknown>): string | Uint8Array;
}

type SubnetModule = Record<string, (...args: never[]) => unknown>;

const ADAPTERS: Record<string, (mod: SubnetModule) => QueryAdapter> = {
  '@subnetkit/subnet-text': (mod) => ({
    request: async (prompt, flags) =>
      (mod.toRequest as (p: string, o: object) => Record<string, unknown>)(
        prompt,
        flags.maxTokens ? { maxTokens: Number(flags.maxTokens) } : {},
      ),
    output: (_req, res) => String(res.completion ?? ''),
  }),
  '@subnetkit/subnet-image': (mod) => ({
    request: async (file, flags) =>
      await (mod.toRequest as (b: Uint8Array) => Promise<Record<string, unknown>>)(readInput(file, flags)),
    output: (_req, res) => (mod.fromResponse as (r: unknown) => Uint8Array)(res),
  }),
  '@subnetkit/subnet-predict': (mod) => ({
    request: async (input, flags) =>
      (mod.parseQueryInput as (t: string, o: object) => Record<string, unknown>)(
        // numbers typed on the command line are the series itself; anything else names a file
        INLINE_SERIES.test(input) ? input : readInput(input, flags).toString('utf8'),
        {
          horizon: Number(flags.horizon),
        },
      ),
    output: (req, res) => (mod.formatForecast as (q: unknown, r: unknown) => string)(req, res),
  }),
};

/** A series given inline: numbers separated by commas, spaces or semicolons. */
const INLINE_SERIES = /^[\s\d.,;eE+-]+$/;

/** Reads an input file named on the command line; a missing one is a usage error naming it. */
function readInput(file: string, flags: { cwd?: string }): Buffer {
  const path = resolve(flags.cwd ?? process.cwd(), file);
  try {
    return readFileSync(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new SubnetkitError(
      'SK_CLI_FILE_NOT_FOUND',
      code === 'ENOENT' ? `Input file ${file} does not exist.` : `Cannot read input file ${file} (${code ?? 'error'}).`,
      { file },
      { cause },
    );
  }
}

export const ALIASES: Record<string, string> = {
  text: '@subnetkit/subnet-text',
  image: '@subnetkit/subnet-image',
  predict: '@subnetkit/subnet-predict',
};

export async function runQuery(ctx: CliContext, spec: string, input: string, flags: QueryFlags): Promise<void> {
  await initCrypto();
  const [loaded] = await loadSubnets(ctx, [spec]);
  const subnet = loaded!;
  const adapter = await adapterFor(spec, subnet);
  const request = await adapter.request(input, { ...flags, cwd: ctx.cwd });
  const topK = Math.max(1, Number(flags.topK) || 3);
  const { signer, axons } = flags.network ? await fromChain(ctx, flags) : fromLocalnet(ctx, subnet, flags);
  const best = axons.slice(0, topK);
  if (best.length === 0)
    throw new SubnetkitError('SK_PROTOCOL_UNREACHABLE', `No miner of '${subnet.definition.name}' serves an axon.`, {});
  const dendrite = new Dendrite({ signer, logger: createLogger({ level: 'silent' }) });
  try {
    const synapses = subnetSynapses(subnet.definition);
    if (flags.stream && synapses.streaming) {
      for (const axon of best) {
        const result = await dendrite.stream(axon, synapses.streaming, request as never);
        if (!result.ok) {
          ctx.out.info(`miner ${axon.hotkey} failed: ${result.status} ${result.message}`);
          continue;
        }
        for await (const chunk of result.chunks)
          ctx.out.write(typeof chunk === 'string' ? chunk : JSON.stringify(chunk));
        ctx.out.write('\n');
        return;
      }
      throw new SubnetkitError('SK_PROTOCOL_UNREACHABLE', `None of the ${best.length} best miners answered.`, {});
    }
    const results = await dendrite.fanOut(best, synapses.unary, request as never);
    const answer = results.find((r) => r.ok);
    if (!answer && !flags.network && results.every((r) => r.status === 503)) {
      // nobody listens on any of the localnet's ports: it stopped (network.json from an older run)
      throw new SubnetkitError(
        'SK_LOCALNET_NOT_RUNNING',
        `The localnet at ${flags.dataDir} is not running (none of its miners' ports answer): start it with 'npm start' or 'subnetkit localnet --data-dir ${flags.dataDir}'.`,
        { dataDir: flags.dataDir },
      );
    }
    for (const r of results.filter((x) => !x.ok))
      ctx.out.info(`miner ${r.axon.hotkey} failed: ${r.status} ${r.message}`);
    if (!answer?.response)
      throw new SubnetkitError('SK_PROTOCOL_UNREACHABLE', `None of the ${best.length} best miners answered.`, {});
    const response = answer.response as Record<string, unknown>;
    ctx.out.info(`answer from ${answer.axon.hotkey} in ${answer.latencyMs.toFixed(0)} ms`);
    if (flags.json) return ctx.out.json(response);
    const output = adapter.output(request, response);
    if (flags.output) {
      writeFileSync(resolve(ctx.cwd, flags.output), output);
      ctx.out.info(`wrote ${flags.output}`);
    } else if (typeof output === 'string') ctx.out.line(output);
    else throw new SubnetkitError('SK_CLI_USAGE', 'The answer is binary: pass -o <file>.', {});
  } finally {
    await dendrite.close();
  }
}

async function adapterFor(spec: string, subnet: LoadedSubnet): Promise<QueryAdapter> {
  const make = ADAPTERS[subnet.packageName ?? spec];
  if (make) return make((await import(subnet.packageName ?? spec)) as SubnetModule);
  // any other subnet: the input is the request as JSON, the output the response as JSON
  return {
    request: async (input) => {
      try {
        return JSON.parse(input) as Record<string, unknown>;
      } catch {
        throw new SubnetkitError(
          'SK_CLI_USAGE',
          `For subnet '${subnet.definition.name}' the input must be the request as JSON.`,
          {},
        );
      }
    },
    output: (_req, res) => JSON.stringify(res, null, 2),
  };
}

/** Whether a process with this id exists (signal 0 only checks; EPERM means it exists). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LocalnetFile {
  seed: string;
  block?: number;
  pid?: number;
  running?: boolean;
  subnets: {
    netuid: number;
    name: string;
    neurons: {
      uid: number;
      hotkey: string;
      role: string;
      incentive: number;
      axon: { ip: string; port: number } | null;
    }[];
  }[];
}

/** A running localnet: its network file lists the miners; its first validator's dev key signs. */
function fromLocalnet(
  ctx: CliContext,
  subnet: LoadedSubnet,
  flags: QueryFlags,
): { signer: Signer; axons: AxonTarget[] } {
  const file = join(resolve(ctx.cwd, flags.dataDir), NETWORK_FILE);
  if (!existsSync(file)) {
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `No running localnet at ${flags.dataDir} (${NETWORK_FILE} is missing): start one with 'npm start' or 'subnetkit localnet', or pass --network.`,
      { file },
    );
  }
  let doc: LocalnetFile;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as LocalnetFile;
    if (!Array.isArray(doc.subnets)) throw new Error('no subnets list');
  } catch (cause) {
    throw new SubnetkitError(
      'SK_LOCALNET_FILE_CORRUPT',
      `${file} is truncated or malformed (${(cause as Error).message}); restart the localnet to rewrite it.`,
      { file },
      { cause },
    );
  }
  if (doc.running === false || (doc.pid !== undefined && !processAlive(doc.pid))) {
    throw new SubnetkitError(
      'SK_LOCALNET_NOT_RUNNING',
      `The localnet at ${flags.dataDir} is not running (it stopped at block ${doc.block ?? '?'}): start it with 'npm start' or 'subnetkit localnet --data-dir ${flags.dataDir}'.`,
      { dataDir: flags.dataDir },
    );
  }
  const name = subnet.definition.name;
  const s = doc.subnets.find((x) => x.name === name);
  if (!s)
    throw new SubnetkitError('SK_CLI_USAGE', `The localnet at ${flags.dataDir} does not run subnet '${name}'.`, {
      subnet: name,
    });
  const miners = s.neurons
    .filter((n) => n.role === 'miner' && n.axon && n.axon.port > 0)
    .sort((a, b) => b.incentive - a.incentive)
    .map((n) => ({ ip: dialableIp(n.axon!.ip), port: n.axon!.port, hotkey: n.hotkey }));
  return { signer: localnetKeys(doc.seed, name, 'validator', 0).hotkey, axons: miners };
}

async function fromChain(ctx: CliContext, flags: QueryFlags): Promise<{ signer: Signer; axons: AxonTarget[] }> {
  const config = await cliConfig(ctx);
  const signer = await walletFrom(ctx, config, flags).hotkey();
  const chain = await openChain(ctx, config, { network: flags.network }, createLogger({ level: 'warn' }));
  try {
    const netuid = Number(flags.netuid ?? Number.NaN);
    if (!Number.isInteger(netuid)) throw new SubnetkitError('SK_CLI_USAGE', 'Pass --netuid with --network.', {});
    const m = await chain.metagraph(netuid);
    const axons = m.uids
      .filter((uid) => (m.axons[uid]?.port ?? 0) > 0)
      .sort((a, b) => (m.incentive[b] ?? 0) - (m.incentive[a] ?? 0))
      .map((uid) => ({
        ip: dialableIp(m.axons[uid]!.ip),
        port: m.axons[uid]!.port,
        hotkey: m.hotkeys[uid]!,
      }));
    return { signer, axons };
  } finally {
    await chain.close();
  }
}

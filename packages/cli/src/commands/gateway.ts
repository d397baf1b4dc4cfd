import { resolve } from 'node:path';
import { ApiKeyStore, DEFAULT_REQUESTS_PER_MINUTE, Gateway, SubnetkitError } from '@subnetkit/core';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { ensurePortFree } from '../ports.js';
import { type RunFlags, runNeuron, withNeuronOptions } from './run.js';

/** Where API key hashes live unless --keys says otherwise (relative to the working directory). */
export const DEFAULT_KEYS_FILE = '.subnetkit/gateway/keys.json';

const ALIASES: Record<string, string> = {
  text: '@subnetkit/subnet-text',
  image: '@subnetkit/subnet-image',
  predict: '@subnetkit/subnet-predict',
};

interface GatewayFlags extends Omit<RunFlags, 'role' | 'port'> {
  subnet?: string;
  port: string;
  host: string;
  keys: string;
  auth: boolean;
  topK: string;
  hedge: string;
  spotCheck: string;
  timeout?: string;
}

export function registerGatewayCommand(program: Command, ctx: CliContext): void {
  const gateway = program
    .command('gateway')
    .description(
      'serve a subnet to applications (OpenAI-compatible for text, JSON endpoints, /openapi.json) through a validator',
    )
    .option('--subnet <subnet>', 'text, image, predict, or a subnet package (npm name or path)')
    .option('--port <port>', 'HTTP port of the gateway (0 = any free port, printed)', '8080')
    .option('--host <host>', 'address the gateway listens on', '127.0.0.1')
    .option('--keys <file>', 'API key file (hashes only; add keys with `gateway keys add`)', DEFAULT_KEYS_FILE)
    .option('--no-auth', 'accept requests without an API key (development on loopback only)')
    .option('--top-k <n>', 'miners considered, best incentive first', '5')
    .option('--hedge <n>', 'miners asked at once per request; the first valid answer wins', '2')
    .option('--spot-check <share>', "share of requests scored with the validator's reward (0..1)", '0.1')
    .option('--timeout <ms>', "longest wait for a miner's answer (default the subnet's task timeout)");
  withNeuronOptions(gateway, 'wallet name (the validator hotkey signs the queries)').action((flags: GatewayFlags) =>
    runGateway(ctx, flags),
  );

  const keys = gateway.command('keys').description('manage the API keys the gateway accepts');
  // --keys and --json are the gateway command's own options: commander gives them to the parent
  keys
    .command('add')
    .description('make an API key: it is printed once, only its SHA-256 is stored (--keys FILE, --json)')
    .requiredOption('--name <name>', 'who the key is for (shown in request logs by key id, never the key)')
    .option('--rpm <n>', 'requests per minute allowed to this key', String(DEFAULT_REQUESTS_PER_MINUTE))
    .action((flags: { name: string; rpm: string }, cmd: Command) => {
      const { keys: file, json } = cmd.optsWithGlobals<{ keys: string; json?: boolean }>();
      const store = ApiKeyStore.open(resolve(ctx.cwd, file));
      const { key, record } = store.add({ name: flags.name, requestsPerMinute: Number(flags.rpm) });
      if (json)
        return ctx.out.json({ id: record.id, name: record.name, key, requestsPerMinute: record.requestsPerMinute });
      ctx.out.line(key);
      ctx.out.info(
        `key ${record.id} for '${record.name}' (${record.requestsPerMinute}/min): store it now, it is not shown again`,
      );
    });
  keys
    .command('list')
    .description('list the keys: ids, names and limits (the keys themselves are not stored) (--keys FILE, --json)')
    .action((_flags: object, cmd: Command) => {
      const { keys: file, json } = cmd.optsWithGlobals<{ keys: string; json?: boolean }>();
      const list = ApiKeyStore.open(resolve(ctx.cwd, file))
        .list()
        .map(({ id, name, requestsPerMinute, created }) => ({ id, name, requestsPerMinute, created }));
      if (json) return ctx.out.json(list);
      for (const k of list) ctx.out.line(`${k.id}  ${k.name}  ${k.requestsPerMinute}/min  ${k.created}`);
    });
}

/** A flag that must be a number in a range; anything else is a usage error naming it. */
function numberFlag(value: string | undefined, flag: string, min: number, max: number, integer = true): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
    throw new SubnetkitError('SK_CLI_USAGE', `${flag} must be a number from ${min} to ${max}, not '${value}'.`, {});
  return n;
}

async function runGateway(ctx: CliContext, flags: GatewayFlags): Promise<void> {
  if (!flags.subnet) throw new SubnetkitError('SK_CLI_USAGE', 'Pass --subnet text|image|predict|<package>.', {});
  // every flag and the key file are checked before the validator starts (models, registration)
  const port = numberFlag(flags.port, '--port', 0, 65535);
  const topK = numberFlag(flags.topK, '--top-k', 1, 256);
  const hedge = numberFlag(flags.hedge, '--hedge', 1, 16);
  const spotCheckRate = numberFlag(flags.spotCheck, '--spot-check', 0, 1, false);
  const timeoutMs = flags.timeout === undefined ? undefined : numberFlag(flags.timeout, '--timeout', 1, 600_000);
  // without keys anyone who reaches the port spends the validator's standing with its miners
  if (!flags.auth && !/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(flags.host))
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `--no-auth is for loopback only; with --host ${flags.host} add API keys.`,
      {},
    );
  const keys = flags.auth ? ApiKeyStore.open(resolve(ctx.cwd, flags.keys)) : undefined;
  if (keys && keys.size === 0)
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `No API keys in ${flags.keys}: add one with 'subnetkit gateway keys add --name <who>' (or pass --no-auth on loopback).`,
      { file: flags.keys },
    );
  await ensurePortFree(port, flags.host, 'the gateway', '--port');
  const { subnet: spec, host, ...rest } = flags;
  await runNeuron(ctx, ALIASES[spec] ?? spec, { ...rest, role: 'validator' }, async (v) => {
    const gateway = await Gateway.create({
      subnet: v.subnet,
      netuid: v.netuid,
      chain: v.chain,
      signer: v.hotkey,
      log: v.log.child({ service: 'gateway' }),
      scorer: v.validator,
      ...(keys ? { keys } : {}),
      topK,
      hedge,
      spotCheckRate,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      metrics: v.metrics,
    });
    v.teardown.add(() => gateway.close());
    const { url } = await gateway.listen({ port, host });
    ctx.out.info(
      `gateway for '${gateway.model}' on ${url} (${gateway.queryPath}, /openapi.json${keys ? `; ${keys.size} API key(s)` : '; no API keys'})`,
    );
  });
}

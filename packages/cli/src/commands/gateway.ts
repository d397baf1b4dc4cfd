import { resolve } from 'node:path';
import { ApiKeyStore, Gateway, SubnetkitError } from '@subnetkit/core';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { ensurePortFree } from '../ports.js';
import { type RunFlags, runNeuron } from './run.js';

const ALIASES: Record<string, string> = {
  text: '@subnetkit/subnet-text',
  image: '@subnetkit/subnet-image',
  predict: '@subnetkit/subnet-predict',
};

export interface GatewayFlags extends Omit<RunFlags, 'role' | 'port'> {
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

/** A flag that must be a number in a range; anything else is a usage error naming it. */
function numberFlag(value: string | undefined, flag: string, min: number, max: number, integer = true): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
    throw new SubnetkitError('SK_CLI_USAGE', `${flag} must be a number from ${min} to ${max}, not '${value}'.`, {});
  return n;
}

export async function runGateway(ctx: CliContext, flags: GatewayFlags): Promise<void> {
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

/** `gateway keys add`: --keys and --json are the gateway command's own options (commander gives them to the parent). */
export function runKeysAdd(ctx: CliContext, flags: { name: string; rpm: string }, cmd: Command): void {
  const { keys: file, json } = cmd.optsWithGlobals<{ keys: string; json?: boolean }>();
  const store = ApiKeyStore.open(resolve(ctx.cwd, file));
  const { key, record } = store.add({ name: flags.name, requestsPerMinute: Number(flags.rpm) });
  if (json) {
    ctx.out.json({ id: record.id, name: record.name, key, requestsPerMinute: record.requestsPerMinute });
    return;
  }
  ctx.out.line(key);
  ctx.out.info(
    `key ${record.id} for '${record.name}' (${record.requestsPerMinute}/min): store it now, it is not shown again`,
  );
}

/** `gateway keys list`. */
export function runKeysList(ctx: CliContext, cmd: Command): void {
  const { keys: file, json } = cmd.optsWithGlobals<{ keys: string; json?: boolean }>();
  const list = ApiKeyStore.open(resolve(ctx.cwd, file))
    .list()
    .map(({ id, name, requestsPerMinute, created }) => ({ id, name, requestsPerMinute, created }));
  if (json) {
    ctx.out.json(list);
    return;
  }
  for (const k of list) ctx.out.line(`${k.id}  ${k.name}  ${k.requestsPerMinute}/min  ${k.created}`);
}

import { DEFAULT_REQUESTS_PER_MINUTE } from '@subnetkit/core/light';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { GatewayFlags } from './gateway.js';
import { withNeuronOptions } from './options.js';

// Definition only: the implementation (and @subnetkit/core with it) loads when a gateway command runs.
const impl = () => import('./gateway.js');

/** Where API key hashes live unless --keys says otherwise (relative to the working directory). */
export const DEFAULT_KEYS_FILE = '.subnetkit/gateway/keys.json';

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
  withNeuronOptions(gateway, 'wallet name (the validator hotkey signs the queries)').action(
    async (flags: GatewayFlags) => (await impl()).runGateway(ctx, flags),
  );

  const keys = gateway.command('keys').description('manage the API keys the gateway accepts');
  // --keys and --json are the gateway command's own options: commander gives them to the parent
  keys
    .command('add')
    .description('make an API key: it is printed once, only its SHA-256 is stored (--keys FILE, --json)')
    .requiredOption('--name <name>', 'who the key is for (shown in request logs by key id, never the key)')
    .option('--rpm <n>', 'requests per minute allowed to this key', String(DEFAULT_REQUESTS_PER_MINUTE))
    .action(async (flags: { name: string; rpm: string }, cmd: Command) => (await impl()).runKeysAdd(ctx, flags, cmd));
  keys
    .command('list')
    .description('list the keys: ids, names and limits (the keys themselves are not stored) (--keys FILE, --json)')
    .action(async (_flags: object, cmd: Command) => (await impl()).runKeysList(ctx, cmd));
}

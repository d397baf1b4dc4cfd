import type { Command } from 'commander';

// Option groups that several command definitions share (no implementation here: definitions stay light).

export function withNetwork(cmd: Command): Command {
  return cmd
    .option('--network <network>', "'local' (embedded chain in --data-dir), finney, test, or a ws:// endpoint")
    .option('--data-dir <dir>', 'data dir of the local chain (network local)');
}

export function withWallet(cmd: Command): Command {
  return cmd
    .option('--wallet <name>', 'wallet name')
    .option('--hotkey <name>', 'hotkey name')
    .option('--wallet-path <dir>', 'wallets folder (default ~/.bittensor/wallets)');
}

/** The options of a neuron's identity, chain, state and operations, shared by `run` and `gateway`. */
export function withNeuronOptions(cmd: Command, walletHelp = 'wallet name'): Command {
  return cmd
    .option('--wallet <name>', walletHelp)
    .option('--hotkey <name>', 'hotkey name')
    .option('--wallet-path <dir>', 'wallets folder (default ~/.bittensor/wallets)')
    .option('--netuid <n>', 'subnet id (default: the subnet whose name matches the package)')
    .option('--network <network>', "'local', finney, test, or a ws:// endpoint (e.g. a subnetkit devnet)")
    .option('--data-dir <dir>', 'local chain data dir (network local)')
    .option('--state-dir <dir>', 'validator state folder', '.subnetkit/validator')
    .option('--yes', 'register with the burn without asking')
    .option('--json', 'log JSON lines (the default when stderr is not a terminal)')
    .option('--seed <seed>', 'seed challenges for a reproducible test run (default: fresh OS entropy)')
    .option('--ops-port <port>', 'port of GET /metrics, /healthz, /readyz (0 = any free port, printed)', '0')
    .option('--ops-host <host>', 'address the ops endpoints listen on', '127.0.0.1')
    .option('--shutdown-timeout <duration>', 'on SIGTERM/Ctrl-C: time to finish in-flight work and save state', '30s');
}

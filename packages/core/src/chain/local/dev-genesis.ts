import { createDevSigner } from './crypto.js';
import type { GenesisConfig, GenesisSubnet } from './genesis.js';
import { FAST_HYPERPARAMETERS, type Hyper } from './params.js';

/** Options of `devGenesis`. */
export interface DevGenesisOptions {
  /** Dev account names funded at genesis (default Alice…Ferdie). */
  accounts?: string[];
  /** TAO per dev account (default 1,000,000 TAO). */
  balance?: bigint;
  /** Subnets to create, owned by Alice with hotkey //Alice//hotkey/<i> (default 1). */
  subnets?: number;
  /** Hyperparameters of those subnets (default: fast-runtime-like, tempo 10). */
  hyperparameters?: Partial<Hyper>;
}

const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

// Every open of a local chain builds its genesis (~60 ms of key derivation for the six dev accounts);
// the URIs are public and fixed, so their addresses are derived once per process.
const devAddresses = new Map<string, string>();
function devAddress(uri: string): string {
  let address = devAddresses.get(uri);
  if (address === undefined) {
    address = createDevSigner(uri).address;
    devAddresses.set(uri, address);
  }
  return address;
}

/**
 * A development genesis: funded dev accounts (`//Alice`, …), Alice as sudo, and subnets owned by
 * Alice. Keys derive from public dev URIs: never use them for anything of value.
 */
export function devGenesis(options: DevGenesisOptions = {}): GenesisConfig {
  const names = options.accounts ?? DEV_NAMES;
  const balance = options.balance ?? 1_000_000n * 1_000_000_000n;
  const alice = devAddress('//Alice');
  const subnets: GenesisSubnet[] = [];
  for (let i = 1; i <= (options.subnets ?? 1); i++) {
    subnets.push({
      netuid: i,
      name: `dev-${i}`,
      owner: alice,
      ownerHotkey: devAddress(`//Alice//hotkey/${i}`),
      hyperparameters: { ...FAST_HYPERPARAMETERS, ...options.hyperparameters },
    });
  }
  return {
    accounts: names.map((n) => ({ address: devAddress(`//${n}`), balance })),
    subnets,
    params: { sudo: alice },
  };
}

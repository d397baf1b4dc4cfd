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

/**
 * A development genesis: funded dev accounts (`//Alice`, …), Alice as sudo, and subnets owned by
 * Alice. Keys derive from public dev URIs: never use them for anything of value.
 */
export function devGenesis(options: DevGenesisOptions = {}): GenesisConfig {
  const names = options.accounts ?? DEV_NAMES;
  const balance = options.balance ?? 1_000_000n * 1_000_000_000n;
  const alice = createDevSigner('//Alice').address;
  const subnets: GenesisSubnet[] = [];
  for (let i = 1; i <= (options.subnets ?? 1); i++) {
    subnets.push({
      netuid: i,
      name: `dev-${i}`,
      owner: alice,
      ownerHotkey: createDevSigner(`//Alice//hotkey/${i}`).address,
      hyperparameters: { ...FAST_HYPERPARAMETERS, ...options.hyperparameters },
    });
  }
  return {
    accounts: names.map((n) => ({ address: createDevSigner(`//${n}`).address, balance })),
    subnets,
    params: { sudo: alice },
  };
}

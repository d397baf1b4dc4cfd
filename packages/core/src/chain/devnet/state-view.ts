import type { Codec } from '@polkadot/types/types';
import { compactAddLength, hexToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, xxhashAsU8a } from '@polkadot/util-crypto';
import { isSubnetkitError } from '../../errors/subnetkit-error.js';
import { ipToBigInt } from '../subtensor/call-builder.js';
import type { Chain, Metagraph, SubnetHyperparameters, SubnetInfo, TimelockBeaconInfo } from '../types.js';
import type { FeeQuote } from './fees.js';
import type { ChildkeyItem, LedgerQueries } from './local-engine.js';
import { type DevnetRuntime, opaqueMetadata } from './runtime.js';

/** What the state view needs besides the `Chain`: nonces and per-block data of the block index. */
export interface StateContext {
  chain: Chain;
  nonce(address: string): Promise<number>;
  /** SCALE `Vec<EventRecord>` of the block, or null when the devnet has no record of it. */
  eventsAt(hash: string | null): Uint8Array | null;
  timestampAt(hash: string | null): number | null;
  /** Block number of a retained block (`System.Number`), or null when unknown. */
  numberAt(hash: string | null): number | null;
  /** Hash of block `n` if the devnet has it (`System.BlockHash`). */
  hashOf?(n: number): string | null;
  sudoKey(): string | null;
  /** The fee of a SCALE extrinsic of `length` bytes (`TransactionPaymentApi`), or null if it does not decode. */
  feeQuote?(extrinsicHex: string, length: number): FeeQuote | null;
  /** Enumerable ledger maps (accounts, stake shares); without it they read as empty. */
  ledger?: LedgerQueries;
}

/** Drand and timelocked-commit reads the local chain offers beyond `Chain`. */
interface TimelockQueries {
  drandPulse?(round: bigint): { round: bigint; randomness: string; signature: string } | null;
  timelockedWeightCommits?(
    netuid: number,
  ): Promise<{ epoch: number; commits: { hotkey: string; block: number; commit: string; revealRound: bigint }[] }[]>;
}

type KeyArgs = unknown[];
type Handler = (args: KeyArgs) => Promise<unknown | null>;

const u16 = (x: number): number => Math.max(0, Math.min(65535, Math.round(x * 65535)));

/**
 * Serves storage reads, key enumeration and runtime-API calls of the spec-343 metadata from a
 * `Chain`'s queries: the subset the subtensor backend (and SDK-style clients) read. Items outside
 * the subset read as absent (the metadata default). Query results are cached until `invalidate()`
 * (called on every new block and after every applied extrinsic).
 */
export class StateView {
  readonly #rt: DevnetRuntime;
  readonly #ctx: StateContext;
  #cache = new Map<string, Promise<unknown>>();
  readonly #items: Map<string, Handler>;
  readonly #byPrefix = new Map<string, string>();

  constructor(rt: DevnetRuntime, ctx: StateContext) {
    this.#rt = rt;
    this.#ctx = ctx;
    this.#items = this.#handlers();
    for (const name of this.#items.keys()) {
      const item = rt.storageItem(name);
      if (item) this.#byPrefix.set(item.prefix, name);
    }
  }

  invalidate(): void {
    this.#cache.clear();
  }

  #memo<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.#cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      this.#cache.set(key, p);
      // A failed query must not stay cached.
      p.catch(() => this.#cache.delete(key));
    }
    return p;
  }

  /** The engine's timelock queries (the local chain has them; other chains read as absent). */
  #timelock(): TimelockQueries {
    return this.#ctx.chain as Chain & TimelockQueries;
  }
  #beacon(): Promise<TimelockBeaconInfo | null> {
    return this.#memo('beacon', async () => (await this.#ctx.chain.timelockBeacon?.()) ?? null);
  }

  #subnet(netuid: number): Promise<SubnetInfo | null> {
    return this.#memo(`subnet:${netuid}`, () => this.#ctx.chain.subnet(netuid));
  }
  #subnets(): Promise<SubnetInfo[]> {
    return this.#memo('subnets', () => this.#ctx.chain.subnets());
  }
  #hyper(netuid: number): Promise<SubnetHyperparameters | null> {
    return this.#memo(`hyper:${netuid}`, async () => {
      if ((await this.#subnet(netuid)) === null) return null;
      return this.#ctx.chain.hyperparameters(netuid);
    });
  }
  #metagraph(netuid: number, full = false): Promise<Metagraph | null> {
    return this.#memo(`mg:${netuid}:${full}`, async () => {
      if ((await this.#subnet(netuid)) === null) return null;
      return this.#ctx.chain.metagraph(netuid, full ? { weights: true, bonds: true } : undefined);
    });
  }

  #handlers(): Map<string, Handler> {
    const sub =
      (f: (s: SubnetInfo) => unknown): Handler =>
      async ([netuid]) => {
        const s = await this.#subnet(Number(netuid));
        return s ? f(s) : null;
      };
    const hyper =
      (f: (h: SubnetHyperparameters) => unknown): Handler =>
      async ([netuid]) => {
        const h = await this.#hyper(Number(netuid));
        return h ? f(h) : null;
      };
    const vec =
      (f: (mg: Metagraph) => unknown[]): Handler =>
      async ([netuid]) => {
        const mg = await this.#metagraph(Number(netuid));
        return mg ? f(mg) : null;
      };
    const rows =
      (field: 'weights' | 'bonds'): Handler =>
      async ([netuid, uid]) => {
        const mg = await this.#metagraph(Number(netuid), true);
        const row = mg?.[field]?.[Number(uid)];
        return row && row.length > 0 ? row : null;
      };
    return new Map<string, Handler>([
      [
        'System.Account',
        async ([address]) => {
          const who = String(address);
          const [free, nonce] = await Promise.all([this.#ctx.chain.balance(who), this.#ctx.nonce(who)]);
          if (free === 0n && nonce === 0) return null;
          return {
            nonce,
            consumers: 0,
            providers: 1,
            sufficients: 0,
            data: { free, reserved: 0, frozen: 0, flags: '0x80000000000000000000000000000000' },
          };
        },
      ],
      ['Sudo.Key', async () => this.#ctx.sudoKey()],
      ['System.BlockHash', async ([n]) => this.#ctx.hashOf?.(Number(n)) ?? null],
      // pallet_balances issuance: TAO held in accounts (staked TAO left it, as on subtensor)
      [
        'Balances.TotalIssuance',
        async () => {
          const ledger = this.#ctx.ledger;
          return ledger ? ledger.accounts().reduce((sum, a) => sum + a.free, 0n) : null;
        },
      ],
      // counts root too, as subtensor's init_new_network does
      ['SubtensorModule.TotalNetworks', async () => (await this.#subnets()).length],
      [
        'SubtensorModule.Alpha',
        async ([hotkey, coldkey, netuid]) => {
          const shares = this.#ctx.ledger?.shares(String(hotkey), String(coldkey), Number(netuid)) ?? 0n;
          // U64F64 bits: the engine's shares are whole units
          return shares > 0n ? { bits: shares << 64n } : null;
        },
      ],
      [
        'SubtensorModule.StakingHotkeys',
        async ([coldkey]) => {
          const hotkeys = this.#stakingHotkeys(String(coldkey));
          return hotkeys.length > 0 ? hotkeys : null;
        },
      ],
      // childkeys (chain.md §9.4): ChildKeys / ParentKeys / ChildkeyTake keyed (hotkey, netuid),
      // PendingChildKeys keyed (netuid, hotkey); Vec<(u64, AccountId)> values read as empty lists
      ['SubtensorModule.ChildKeys', async ([hk, n]) => this.#childkeys('ChildKeys', hk, n) ?? []],
      ['SubtensorModule.ParentKeys', async ([hk, n]) => this.#childkeys('ParentKeys', hk, n) ?? []],
      ['SubtensorModule.ChildkeyTake', async ([hk, n]) => this.#childkeys('ChildkeyTake', hk, n)],
      ['SubtensorModule.PendingChildKeys', async ([n, hk]) => this.#childkeys('PendingChildKeys', hk, n)],
      [
        'SubtensorModule.PendingChildKeyCooldown',
        async () => this.#ctx.ledger?.childkeyParams?.().pendingChildkeyCooldown ?? null,
      ],
      ['SubtensorModule.MinChildkeyTake', async () => this.#ctx.ledger?.childkeyParams?.().minChildkeyTake ?? null],
      ['SubtensorModule.MaxChildkeyTake', async () => this.#ctx.ledger?.childkeyParams?.().maxChildkeyTake ?? null],
      ['SubtensorModule.TotalIssuance', async () => this.#memo('issuance', () => this.#ctx.chain.totalIssuance())],
      ['SubtensorModule.NetworksAdded', sub(() => true)],
      ['SubtensorModule.SubnetworkN', sub((s) => s.n)],
      ['SubtensorModule.MaxAllowedUids', sub((s) => s.maxN)],
      ['SubtensorModule.Tempo', sub((s) => s.tempo)],
      ['SubtensorModule.NetworkRegisteredAt', sub((s) => s.registeredAt)],
      ['SubtensorModule.BlocksSinceLastStep', sub((s) => s.blocksSinceLastStep)],
      ['SubtensorModule.Burn', sub((s) => s.burn)],
      ['SubtensorModule.SubnetTAO', sub((s) => s.taoIn)],
      ['SubtensorModule.SubnetAlphaIn', sub((s) => s.alphaIn)],
      ['SubtensorModule.SubnetAlphaOut', sub((s) => s.alphaOut)],
      ['SubtensorModule.SubnetOwner', sub((s) => s.owner || null)],
      ['SubtensorModule.SubnetOwnerHotkey', sub((s) => s.ownerHotkey || null)],
      ['SubtensorModule.SubnetTaoInEmission', sub((s) => s.emissionPerBlock)],
      ['SubtensorModule.SubtokenEnabled', sub((s) => (typeof s.started === 'boolean' ? s.started : null))],
      ['SubtensorModule.SubnetIdentitiesV3', sub(subnetIdentity)],
      ['SubtensorModule.BondsPenalty', hyper((h) => h.bondsPenalty)],
      ['SubtensorModule.Yuma3On', hyper((h) => h.yuma3Enabled)],
      [
        'SubtensorModule.StakeThreshold',
        async () => {
          const first = (await this.#subnets())[0];
          return first ? ((await this.#hyper(first.netuid))?.stakeThreshold ?? null) : null;
        },
      ],
      [
        'SubtensorModule.Uids',
        async ([netuid, hotkey]) =>
          this.#memo(`uid:${netuid}:${hotkey}`, () => this.#ctx.chain.uidOf(Number(netuid), String(hotkey))),
      ],
      [
        'SubtensorModule.Keys',
        async ([netuid, uid]) => (await this.#metagraph(Number(netuid)))?.hotkeys[Number(uid)] ?? null,
      ],
      ['SubtensorModule.Weights', rows('weights')],
      ['SubtensorModule.Bonds', rows('bonds')],
      // Per-uid vectors and per-neuron items: what a client without the runtime APIs reads.
      ['SubtensorModule.Rank', vec((mg) => mg.ranks.map(u16))],
      ['SubtensorModule.Trust', vec((mg) => mg.trust.map(u16))],
      ['SubtensorModule.Consensus', vec((mg) => mg.consensus.map(u16))],
      ['SubtensorModule.ValidatorTrust', vec((mg) => mg.validatorTrust.map(u16))],
      ['SubtensorModule.Incentive', vec((mg) => mg.incentive.map(u16))],
      ['SubtensorModule.Dividends', vec((mg) => mg.dividends.map(u16))],
      ['SubtensorModule.PruningScores', vec((mg) => mg.pruningScore.map(u16))],
      ['SubtensorModule.Emission', vec((mg) => mg.emission)],
      ['SubtensorModule.Active', vec((mg) => mg.active)],
      ['SubtensorModule.ValidatorPermit', vec((mg) => mg.validatorPermit)],
      ['SubtensorModule.LastUpdate', vec((mg) => mg.lastUpdate)],
      [
        'SubtensorModule.BlockAtRegistration',
        async ([netuid, uid]) => (await this.#metagraph(Number(netuid)))?.blockAtRegistration[Number(uid)] ?? null,
      ],
      [
        'SubtensorModule.Axons',
        async ([netuid, hotkey]) => {
          const mg = await this.#metagraph(Number(netuid));
          const i = mg ? mg.hotkeys.indexOf(String(hotkey)) : -1;
          return mg && i >= 0 && mg.axons[i] ? axonStruct(mg, i) : null;
        },
      ],
      [
        'SubtensorModule.TotalHotkeyAlpha',
        async ([hotkey, netuid]) => {
          const mg = await this.#metagraph(Number(netuid));
          const i = mg ? mg.hotkeys.indexOf(String(hotkey)) : -1;
          if (!mg || i < 0) return null;
          // the hotkey's own alpha; the metagraph's is after childkey inheritance
          return this.#ctx.ledger?.hotkeyAlpha?.(String(hotkey), Number(netuid)) ?? mg.alphaStake[i];
        },
      ],
      [
        'SubtensorModule.Owner',
        async ([hotkey]) => {
          for (const s of await this.#subnets()) {
            const mg = await this.#metagraph(s.netuid);
            const i = mg ? mg.hotkeys.indexOf(String(hotkey)) : -1;
            if (mg && i >= 0) return mg.coldkeys[i];
          }
          return null;
        },
      ],
      ['SubtensorModule.Rho', hyper((h) => h.rho)],
      ['SubtensorModule.Kappa', hyper((h) => h.kappa)],
      ['SubtensorModule.ImmunityPeriod', hyper((h) => h.immunityPeriod)],
      ['SubtensorModule.MinAllowedWeights', hyper((h) => h.minAllowedWeights)],
      ['SubtensorModule.MaxWeightsLimit', hyper((h) => h.maxWeightsLimit)],
      ['SubtensorModule.WeightsVersionKey', hyper((h) => h.weightsVersion)],
      ['SubtensorModule.WeightsSetRateLimit', hyper((h) => h.weightsRateLimit)],
      ['SubtensorModule.AdjustmentInterval', hyper((h) => h.adjustmentInterval)],
      ['SubtensorModule.ActivityCutoff', hyper((h) => h.activityCutoff)],
      ['SubtensorModule.NetworkRegistrationAllowed', hyper((h) => h.registrationAllowed)],
      ['SubtensorModule.TargetRegistrationsPerInterval', hyper((h) => h.targetRegistrationsPerInterval)],
      ['SubtensorModule.MinBurn', hyper((h) => h.minBurn)],
      ['SubtensorModule.MaxBurn', hyper((h) => h.maxBurn)],
      ['SubtensorModule.BondsMovingAverage', hyper((h) => h.bondsMovingAvg)],
      ['SubtensorModule.MaxRegistrationsPerBlock', hyper((h) => h.maxRegistrationsPerBlock)],
      ['SubtensorModule.ServingRateLimit', hyper((h) => h.servingRateLimit)],
      ['SubtensorModule.MaxAllowedValidators', hyper((h) => h.maxAllowedValidators)],
      ['SubtensorModule.AdjustmentAlpha', hyper((h) => h.adjustmentAlpha)],
      ['SubtensorModule.RevealPeriodEpochs', hyper((h) => h.commitRevealPeriod)],
      ['SubtensorModule.CommitRevealWeightsEnabled', hyper((h) => h.commitRevealWeightsEnabled)],
      ['SubtensorModule.LiquidAlphaOn', hyper((h) => h.liquidAlphaEnabled)],
      ['SubtensorModule.BondsResetOn', hyper((h) => h.bondsResetEnabled)],
      ['SubtensorModule.AlphaValues', hyper((h) => [h.alphaLow, h.alphaHigh])],
      // commit-reveal v4: chain-wide on subtensor, per subnet in the engine (the lowest netuid's here)
      [
        'SubtensorModule.CommitRevealWeightsVersion',
        async () => {
          const first = (await this.#subnets()).find((s) => s.netuid !== 0);
          return (first ? (await this.#hyper(first.netuid))?.commitRevealVersion : undefined) ?? 4;
        },
      ],
      [
        'SubtensorModule.TimelockedWeightCommits',
        async ([netuid, epoch]) => {
          const queues = (await this.#timelock().timelockedWeightCommits?.(Number(netuid))) ?? [];
          const q = queues.find((x) => x.epoch === Number(epoch));
          return q ? q.commits.map((c) => [c.hotkey, c.block, c.commit, c.revealRound]) : null;
        },
      ],
      [
        'Drand.BeaconConfig',
        async () => {
          const b = await this.#beacon();
          return b
            ? {
                publicKey: b.publicKey,
                period: b.period,
                genesisTime: b.genesisTime,
                hash: '0x',
                groupHash: '0x',
                schemeId: u8aToHex(stringToU8a('bls-unchained-g1-rfc9380')),
                metadata: { beaconId: u8aToHex(stringToU8a('subnetkit-local')) },
              }
            : null;
        },
      ],
      ['Drand.LastStoredRound', async () => (await this.#beacon())?.lastStoredRound ?? null],
      [
        'Drand.Pulses',
        async ([round]) => (await this.#timelock().drandPulse?.(BigInt(round as string | number | bigint))) ?? null,
      ],
    ]);
  }

  #childkeys(item: ChildkeyItem, hotkey: unknown, netuid: unknown): unknown | null {
    return this.#ctx.ledger?.childkeys?.(item, String(hotkey), Number(netuid)) ?? null;
  }

  #stakingHotkeys(coldkey: string): string[] {
    const out: string[] = [];
    for (const p of this.#ctx.ledger?.positions() ?? [])
      if (p.coldkey === coldkey && !out.includes(p.hotkey)) out.push(p.hotkey);
    return out;
  }

  /** Items keyed by one `Identity` netuid: every subnet is a key (where the item has a value). */
  #byNetuid(name: string): boolean {
    const item = this.#rt.storageItem(name);
    if (item?.hashers.length !== 1 || item.hashers[0] !== 'Identity') return false;
    return this.#rt.registry.createType(item.keys[0] as string).toRawType() === 'u16';
  }

  /** Every key arg tuple of an enumerable item, optionally under a fixed first argument. */
  async #enumerate(name: string, first: unknown | undefined): Promise<KeyArgs[]> {
    const netuids = first !== undefined ? [Number(first)] : (await this.#subnets()).map((s) => s.netuid);
    const ledger = this.#ctx.ledger;
    switch (name) {
      case 'System.Account':
        return (ledger?.accounts() ?? []).map((a) => [a.address]);
      case 'SubtensorModule.Alpha':
        return (ledger?.positions() ?? []).filter((p) => p.shares > 0n).map((p) => [p.hotkey, p.coldkey, p.netuid]);
      case 'SubtensorModule.StakingHotkeys':
        return [...new Set((ledger?.positions() ?? []).map((p) => p.coldkey))].map((c) => [c]);
      case 'SubtensorModule.ChildKeys':
      case 'SubtensorModule.ParentKeys':
      case 'SubtensorModule.ChildkeyTake':
      case 'SubtensorModule.PendingChildKeys': {
        const item = name.slice('SubtensorModule.'.length) as ChildkeyItem;
        // the first key is the netuid for PendingChildKeys, the hotkey for the others
        const keys = (ledger?.childkeyKeys?.(item) ?? []).filter(
          (k) =>
            first === undefined ||
            (item === 'PendingChildKeys' ? k.netuid === Number(first) : k.hotkey === String(first)),
        );
        return keys.map((k) => (item === 'PendingChildKeys' ? [k.netuid, k.hotkey] : [k.hotkey, k.netuid]));
      }
      case 'SubtensorModule.TimelockedWeightCommits': {
        const out: KeyArgs[] = [];
        for (const netuid of netuids)
          for (const q of (await this.#timelock().timelockedWeightCommits?.(netuid)) ?? []) out.push([netuid, q.epoch]);
        return out;
      }
      case 'SubtensorModule.Keys':
      case 'SubtensorModule.Weights':
      case 'SubtensorModule.Bonds': {
        const out: KeyArgs[] = [];
        for (const netuid of netuids) {
          const mg = await this.#metagraph(netuid, name !== 'SubtensorModule.Keys');
          if (!mg) continue;
          for (let uid = 0; uid < mg.n; uid++) {
            if (name === 'SubtensorModule.Keys') out.push([netuid, uid]);
            else if ((mg[name === 'SubtensorModule.Weights' ? 'weights' : 'bonds']?.[uid]?.length ?? 0) > 0)
              out.push([netuid, uid]);
          }
        }
        return out;
      }
      default: {
        if (!this.#byNetuid(name)) return [];
        const handler = this.#items.get(name);
        const out: KeyArgs[] = [];
        for (const netuid of netuids) {
          const v = await handler?.([netuid]).catch(() => null);
          if (v !== null && v !== undefined) out.push([netuid]);
        }
        return out;
      }
    }
  }

  #encodeKey(name: string, args: KeyArgs): string {
    const item = this.#rt.storageItem(name);
    if (!item) throw new Error(`no storage item ${name}`);
    const parts: Uint8Array[] = [hexToU8a(item.prefix)];
    item.hashers.forEach((hasher, i) => {
      const enc = this.#rt.registry.createType(item.keys[i] as string, args[i]).toU8a();
      if (hasher === 'Identity') parts.push(enc);
      else if (hasher === 'Blake2_128Concat') parts.push(blake2AsU8a(enc, 128), enc);
      else if (hasher === 'Twox64Concat') parts.push(xxhashAsU8a(enc, 64), enc);
      else throw new Error(`hasher ${hasher} is not reversible`);
    });
    return u8aToHex(u8aConcat(...parts));
  }

  /** Decodes the arguments of a full storage key; null when the key is not a served item. */
  #decodeKey(key: Uint8Array): { name: string; args: KeyArgs } | null {
    if (key.length < 32) return null;
    const name = this.#byPrefix.get(u8aToHex(key.subarray(0, 32)));
    if (!name) return null;
    const item = this.#rt.storageItem(name);
    if (!item) return null;
    const args: KeyArgs = [];
    let offset = 32;
    for (let i = 0; i < item.hashers.length; i++) {
      const hasher = item.hashers[i];
      if (hasher === 'Blake2_128Concat') offset += 16;
      else if (hasher === 'Twox64Concat') offset += 8;
      else if (hasher !== 'Identity') return null;
      if (offset > key.length) return null;
      let value: Codec;
      try {
        value = this.#rt.registry.createType(item.keys[i] as string, key.subarray(offset));
      } catch {
        return null;
      }
      offset += value.encodedLength;
      args.push(value.toJSON());
    }
    return offset === key.length ? { name, args } : null;
  }

  /**
   * Items kept per block by the block index (`System.Events`, `System.Number`, `Timestamp.Now`):
   * any view answers them for any retained block, without the engine's state at that block.
   */
  isPerBlock(keyHex: string): boolean {
    return ['System.Events', 'System.Number', 'Timestamp.Now'].some(
      (name) => this.#rt.storageItem(name)?.prefix === keyHex,
    );
  }

  /** SCALE value of a storage key at `blockHash` (latest state for all but events and timestamp). */
  async read(keyHex: string, blockHash: string | null): Promise<string | null> {
    const key = hexToU8a(keyHex);
    const events = this.#rt.storageItem('System.Events');
    if (events && keyHex === events.prefix) {
      const bytes = this.#ctx.eventsAt(blockHash);
      return bytes ? u8aToHex(bytes) : null;
    }
    const number = this.#rt.storageItem('System.Number');
    if (number && keyHex === number.prefix) {
      const n = this.#ctx.numberAt(blockHash);
      return n === null ? null : u8aToHex(this.#rt.registry.createType('u32', n).toU8a());
    }
    const now = this.#rt.storageItem('Timestamp.Now');
    if (now && keyHex === now.prefix) {
      const ts = this.#ctx.timestampAt(blockHash);
      return ts === null ? null : u8aToHex(this.#rt.registry.createType('u64', ts).toU8a());
    }
    const decoded = this.#decodeKey(key);
    if (!decoded) return null;
    const handler = this.#items.get(decoded.name);
    if (!handler) return null;
    let value: unknown;
    try {
      value = await handler(decoded.args);
    } catch (err) {
      // A query the engine refuses (unknown subnet, bad address) reads as absent, like real storage.
      if (isSubnetkitError(err)) return null;
      throw err;
    }
    if (value === null || value === undefined) return null;
    const item = this.#rt.storageItem(decoded.name);
    // toU8a, not toHex: integer codecs print big-endian hex.
    return u8aToHex(this.#rt.registry.createType(item?.value as string, value).toU8a());
  }

  /** Keys under `prefix` (sorted), after `startKey`, at most `count`. */
  async keysPaged(prefixHex: string, count: number, startKey: string | null): Promise<string[]> {
    const prefix = prefixHex.toLowerCase();
    const itemPrefix = prefix.slice(0, 66);
    const name = this.#byPrefix.get(itemPrefix);
    if (!name || prefix.length < 66) return [];
    const item = this.#rt.storageItem(name);
    let first: unknown;
    if (item && prefix.length > 66 && item.hashers[0] === 'Identity') {
      try {
        first = this.#rt.registry.createType(item.keys[0] as string, hexToU8a(`0x${prefix.slice(66)}`)).toJSON();
      } catch {
        return [];
      }
    }
    const keys = (await this.#enumerate(name, first))
      .map((args) => this.#encodeKey(name, args))
      .filter((k) => k.startsWith(prefix))
      .sort();
    const after = startKey ? keys.filter((k) => k > startKey.toLowerCase()) : keys;
    return after.slice(0, Math.max(0, count));
  }

  /** `state_call`: SCALE output of a runtime-API method, or null when the devnet does not serve it. */
  async call(method: string, dataHex: string): Promise<Uint8Array | null> {
    const rt = this.#rt;
    // Only V15 is served (the blob the devnet has); clients then ask for exactly that version.
    if (method === 'Metadata_metadata_versions') return rt.registry.createType('Vec<u32>', [15]).toU8a();
    if (method === 'Metadata_metadata') return opaqueMetadata(rt);
    if (method === 'Metadata_metadata_at_version') {
      const version = rt.registry.createType('u32', hexToU8a(dataHex)).toNumber();
      return version === 15 ? u8aConcat(new Uint8Array([1]), opaqueMetadata(rt)) : new Uint8Array([0]);
    }
    const api = rt.apiMethod(method);
    if (!api) return null;
    if (method === 'Core_version') return rt.registry.createType(api.output, rt.runtimeVersion).toU8a();
    const input = hexToU8a(dataHex);
    const args: unknown[] = [];
    let offset = 0;
    for (const type of api.inputs) {
      const v = rt.registry.createType(type, input.subarray(offset));
      offset += v.encodedLength;
      args.push(v.toJSON());
    }
    if (offset !== input.length) throw new Error('trailing input bytes');
    const value = await this.#runtimeValue(method, args);
    if (value === undefined) return null;
    return rt.registry.createType(api.output, value).toU8a();
  }

  /**
   * The swap fee a stake operation pays (chain.md §4.2): `amount · FeeRate / 65535` on the leg that
   * swaps; a move pays on the origin leg, or the destination's when the origin is root; none within
   * one subnet or on stable pools.
   */
  #stakeFee(args: unknown[]): bigint {
    const [origin, , destination, , amount] = args as [
      [string, number] | null,
      unknown,
      [string, number] | null,
      unknown,
      string | number,
    ];
    const value = BigInt(amount);
    const on = (netuid: number): bigint => {
      const pool = this.#ctx.ledger?.subnetPool(netuid);
      return pool ? (value * BigInt(pool.feeRate)) / 65535n : 0n;
    };
    const from = origin ? Number(origin[1]) : null;
    const to = destination ? Number(destination[1]) : null;
    if (from === null) return to === null ? 0n : on(to);
    if (to === null) return on(from);
    if (from === to) return 0n;
    return from === 0 ? on(to) : on(from);
  }

  /** `DynamicInfo` (subtensor-api.md §6.2) of a subnet, or null. */
  async #dynamicInfo(netuid: number): Promise<Record<string, unknown> | null> {
    const s = await this.#subnet(netuid);
    if (!s) return null;
    const head = await this.#memo('head', () => this.#ctx.chain.blockNumber());
    const pool = this.#ctx.ledger?.subnetPool(netuid) ?? null;
    return {
      netuid,
      ownerHotkey: s.ownerHotkey,
      ownerColdkey: s.owner,
      subnetName: [...new TextEncoder().encode(s.name)],
      // subtensor's per-netuid symbol table is not served
      tokenSymbol: [],
      tempo: s.tempo,
      lastStep: head - s.blocksSinceLastStep,
      blocksSinceLastStep: s.blocksSinceLastStep,
      emission: 0,
      alphaIn: s.alphaIn,
      alphaOut: s.alphaOut,
      taoIn: s.taoIn,
      alphaOutEmission: 0,
      alphaInEmission: 0,
      taoInEmission: s.emissionPerBlock,
      pendingAlphaEmission: pool?.pendingAlpha ?? 0n,
      pendingRootEmission: 0,
      subnetVolume: 0,
      networkRegisteredAt: s.registeredAt,
      subnetIdentity: subnetIdentity(s),
      // I96F32 bits of the EMA price (1e18 fixed point in the engine)
      movingPrice: { bits: pool ? (pool.movingPrice << 32n) / 10n ** 18n : 0n },
    };
  }

  /** `Metagraph` (subtensor-api.md §6.2): DynamicInfo's pool fields, hyperparameters, per-uid vectors. */
  async #metagraphInfo(netuid: number): Promise<Record<string, unknown> | null> {
    const d = await this.#dynamicInfo(netuid);
    const s = await this.#subnet(netuid);
    const h = await this.#hyper(netuid);
    const mg = await this.#metagraph(netuid);
    if (!d || !s || !h || !mg) return null;
    const hp = hyperparamsStruct(h);
    return {
      netuid,
      name: d.subnetName,
      symbol: d.tokenSymbol,
      identity: d.subnetIdentity,
      networkRegisteredAt: d.networkRegisteredAt,
      ownerHotkey: d.ownerHotkey,
      ownerColdkey: d.ownerColdkey,
      block: mg.block,
      tempo: d.tempo,
      lastStep: d.lastStep,
      blocksSinceLastStep: d.blocksSinceLastStep,
      subnetEmission: 0,
      alphaIn: d.alphaIn,
      alphaOut: d.alphaOut,
      taoIn: d.taoIn,
      alphaOutEmission: d.alphaOutEmission,
      alphaInEmission: d.alphaInEmission,
      taoInEmission: d.taoInEmission,
      pendingAlphaEmission: d.pendingAlphaEmission,
      pendingRootEmission: d.pendingRootEmission,
      subnetVolume: d.subnetVolume,
      movingPrice: d.movingPrice,
      rho: hp.rho,
      kappa: hp.kappa,
      minAllowedWeights: hp.minAllowedWeights,
      maxWeightsLimit: hp.maxWeightsLimit,
      weightsVersion: hp.weightsVersion,
      weightsRateLimit: hp.weightsRateLimit,
      activityCutoff: hp.activityCutoff,
      maxValidators: hp.maxValidators,
      numUids: mg.n,
      maxUids: s.maxN,
      burn: s.burn,
      difficulty: hp.difficulty,
      registrationAllowed: hp.registrationAllowed,
      powRegistrationAllowed: false,
      immunityPeriod: hp.immunityPeriod,
      minDifficulty: 0,
      maxDifficulty: 0,
      minBurn: hp.minBurn,
      maxBurn: hp.maxBurn,
      adjustmentAlpha: hp.adjustmentAlpha,
      adjustmentInterval: hp.adjustmentInterval,
      targetRegsPerInterval: hp.targetRegsPerInterval,
      maxRegsPerBlock: hp.maxRegsPerBlock,
      servingRateLimit: hp.servingRateLimit,
      commitRevealWeightsEnabled: hp.commitRevealWeightsEnabled,
      commitRevealPeriod: hp.commitRevealPeriod,
      liquidAlphaEnabled: hp.liquidAlphaEnabled,
      alphaHigh: hp.alphaHigh,
      alphaLow: hp.alphaLow,
      bondsMovingAvg: hp.bondsMovingAvg,
      ...subnetState(mg),
      identities: mg.hotkeys.map(() => null),
      axons: mg.hotkeys.map((_, i) => axonStruct(mg, i)),
      taoDividendsPerHotkey: [],
      alphaDividendsPerHotkey: [],
    };
  }

  /** `(uxt, len)` of TransactionPaymentApi: the runtime API takes the extrinsic without its length prefix. */
  #feeQuote(args: unknown[]): FeeQuote | null {
    const bare = hexToU8a(String(args[0]));
    return this.#ctx.feeQuote?.(u8aToHex(compactAddLength(bare)), Number(args[1])) ?? null;
  }

  async #runtimeValue(method: string, args: unknown[]): Promise<unknown> {
    const chain = this.#ctx.chain;
    const netuid = Number(args[0]);
    switch (method) {
      // the fee the devnet charges (fees.ts), tip excluded as on a node
      case 'TransactionPaymentApi_query_info': {
        const q = this.#feeQuote(args);
        if (!q) return { weight: { refTime: 0, proofSize: 0 }, class: 'Normal', partialFee: 0 };
        return { weight: q.weight, class: 'Normal', partialFee: q.partialFee };
      }
      case 'TransactionPaymentApi_query_fee_details': {
        const q = this.#feeQuote(args);
        const inclusionFee =
          q?.paysFee === true ? { baseFee: q.baseFee, lenFee: q.lenFee, adjustedWeightFee: q.adjustedWeightFee } : null;
        return { inclusionFee, tip: 0 };
      }
      case 'AccountNonceApi_account_nonce':
        return this.#ctx.nonce(String(args[0]));
      case 'SubnetRegistrationRuntimeApi_get_network_registration_cost':
        return this.#memo('lock', () => chain.networkLockCost());
      case 'SwapRuntimeApi_current_alpha_price': {
        const s = await this.#subnet(netuid);
        return s ? BigInt(Math.round(s.price * 1e9)) : 0n;
      }
      case 'NeuronInfoRuntimeApi_get_neurons_lite': {
        const mg = await this.#metagraph(netuid);
        return mg ? neuronsLite(mg) : [];
      }
      case 'SubnetInfoRuntimeApi_get_dynamic_info':
        return this.#dynamicInfo(netuid);
      case 'SubnetInfoRuntimeApi_get_all_dynamic_info':
        return Promise.all((await this.#subnets()).map((s) => this.#dynamicInfo(s.netuid)));
      case 'SubnetInfoRuntimeApi_get_metagraph':
        return this.#metagraphInfo(netuid);
      case 'SubnetInfoRuntimeApi_get_all_metagraphs':
        return Promise.all((await this.#subnets()).map((s) => this.#metagraphInfo(s.netuid)));
      case 'SubnetInfoRuntimeApi_get_subnet_state': {
        const mg = await this.#metagraph(netuid);
        return mg ? subnetState(mg) : null;
      }
      case 'SubnetInfoRuntimeApi_get_subnet_hyperparams':
      case 'SubnetInfoRuntimeApi_get_subnet_hyperparams_v2': {
        const h = await this.#hyper(netuid);
        return h ? hyperparamsStruct(h) : null;
      }
      case 'StakeInfoRuntimeApi_get_stake_info_for_hotkey_coldkey_netuid': {
        const [hotkey, coldkey, n] = args as [string, string, number];
        const stake = await chain.stake(hotkey, coldkey, Number(n));
        return stake > 0n ? stakeInfo(hotkey, coldkey, Number(n), stake) : null;
      }
      case 'StakeInfoRuntimeApi_get_stake_fee':
        return this.#stakeFee(args);
      case 'StakeInfoRuntimeApi_get_stake_info_for_coldkey': {
        const rows = await chain.stakesOf(String(args[0]));
        return rows.map((r) => stakeInfo(r.hotkey, r.coldkey, r.netuid, r.stake));
      }
      default:
        return undefined;
    }
  }
}

/** `SubnetIdentityV3` with the name the engine keeps, or null without one. */
function subnetIdentity(s: SubnetInfo): Record<string, unknown> | null {
  if (!s.name) return null;
  return {
    subnetName: u8aToHex(new TextEncoder().encode(s.name)),
    githubRepo: '0x',
    subnetContact: '0x',
    subnetUrl: '0x',
    discord: '0x',
    description: '0x',
    logoUrl: '0x',
    additional: '0x',
  };
}

function axonStruct(mg: Metagraph, i: number): Record<string, unknown> {
  const a = mg.axons[i];
  if (!a) return { block: 0, version: 0, ip: 0, port: 0, ipType: 0, protocol: 0, placeholder1: 0, placeholder2: 0 };
  return {
    block: a.block,
    version: a.version,
    ip: ipToBigInt(a.ip, a.ipType),
    port: a.port,
    ipType: a.ipType,
    protocol: a.protocol,
    placeholder1: 0,
    placeholder2: 0,
  };
}

/** `Vec<NeuronInfoLite>` fields (subtensor-api.md §6.2) from a metagraph. */
function neuronsLite(mg: Metagraph): Record<string, unknown>[] {
  return mg.uids.map((uid, i) => ({
    hotkey: mg.hotkeys[i],
    coldkey: mg.coldkeys[i],
    uid,
    netuid: mg.netuid,
    active: mg.active[i],
    axonInfo: axonStruct(mg, i),
    prometheusInfo: { block: 0, version: 0, ip: 0, port: 0, ipType: 0 },
    stake: [[mg.coldkeys[i], mg.alphaStake[i]]],
    rank: u16(mg.ranks[i] ?? 0),
    emission: mg.emission[i],
    incentive: u16(mg.incentive[i] ?? 0),
    consensus: u16(mg.consensus[i] ?? 0),
    trust: u16(mg.trust[i] ?? 0),
    validatorTrust: u16(mg.validatorTrust[i] ?? 0),
    dividends: u16(mg.dividends[i] ?? 0),
    lastUpdate: mg.lastUpdate[i],
    validatorPermit: mg.validatorPermit[i],
    pruningScore: u16(mg.pruningScore[i] ?? 0),
  }));
}

/** `SubnetState` (subtensor-api.md §6.2) from a metagraph. */
function subnetState(mg: Metagraph): Record<string, unknown> {
  return {
    netuid: mg.netuid,
    hotkeys: mg.hotkeys,
    coldkeys: mg.coldkeys,
    active: mg.active,
    validatorPermit: mg.validatorPermit,
    pruningScore: mg.pruningScore.map(u16),
    lastUpdate: mg.lastUpdate,
    emission: mg.emission,
    dividends: mg.dividends.map(u16),
    incentives: mg.incentive.map(u16),
    consensus: mg.consensus.map(u16),
    trust: mg.trust.map(u16),
    rank: mg.ranks.map(u16),
    blockAtRegistration: mg.blockAtRegistration,
    alphaStake: mg.alphaStake,
    taoStake: mg.taoStake,
    totalStake: mg.totalStake,
    emissionHistory: [],
  };
}

/** `SubnetHyperparams` v2 field values from `SubnetHyperparameters` (extra fields default). */
function hyperparamsStruct(h: SubnetHyperparameters): Record<string, unknown> {
  return {
    rho: h.rho,
    kappa: h.kappa,
    immunityPeriod: h.immunityPeriod,
    minAllowedWeights: h.minAllowedWeights,
    maxWeightsLimit: h.maxWeightsLimit,
    tempo: h.tempo,
    minDifficulty: 0,
    maxDifficulty: 0,
    weightsVersion: h.weightsVersion,
    weightsRateLimit: h.weightsRateLimit,
    adjustmentInterval: h.adjustmentInterval,
    activityCutoff: h.activityCutoff,
    registrationAllowed: h.registrationAllowed,
    targetRegsPerInterval: h.targetRegistrationsPerInterval,
    minBurn: h.minBurn,
    maxBurn: h.maxBurn,
    bondsMovingAvg: h.bondsMovingAvg,
    maxRegsPerBlock: h.maxRegistrationsPerBlock,
    servingRateLimit: h.servingRateLimit,
    maxValidators: h.maxAllowedValidators,
    adjustmentAlpha: h.adjustmentAlpha,
    difficulty: typeof h.difficulty === 'bigint' ? h.difficulty : 0n,
    commitRevealPeriod: h.commitRevealPeriod,
    commitRevealWeightsEnabled: h.commitRevealWeightsEnabled,
    alphaHigh: h.alphaHigh,
    alphaLow: h.alphaLow,
    liquidAlphaEnabled: h.liquidAlphaEnabled,
    alphaSigmoidSteepness: 0,
    yumaVersion: h.yuma3Enabled ? 3 : 2,
    subnetIsActive: typeof h.subnetIsActive === 'boolean' ? h.subnetIsActive : true,
    transfersEnabled: typeof h.transfersEnabled === 'boolean' ? h.transfersEnabled : true,
    bondsResetEnabled: h.bondsResetEnabled,
    userLiquidityEnabled: false,
  };
}

function stakeInfo(hotkey: string, coldkey: string, netuid: number, stake: bigint): Record<string, unknown> {
  return { hotkey, coldkey, netuid, stake, locked: 0, emission: 0, taoEmission: 0, drain: 0, isRegistered: true };
}

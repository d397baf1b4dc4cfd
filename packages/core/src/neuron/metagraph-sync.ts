import type { BlockHeader, Chain, ChainEvent, Metagraph, Unsubscribe } from '../chain/types.js';
import type { Logger } from '../log/logger.js';

/** Events after which a subnet's metagraph must be re-read (anything else only moves the block). */
const CHANGES = new Set([
  'NeuronRegistered',
  'BulkNeuronsRegistered',
  'AxonServed',
  'StakeAdded',
  'StakeRemoved',
  'StakeMoved',
  'HotkeySwapped',
  'EpochCompleted',
  'IncentiveAlphaEmittedToMiners',
]);

/**
 * Keeps a subnet's metagraph current without re-reading it every block: the block number moves
 * on each new head, the full metagraph is fetched again only after an event that changes it (a
 * registration, an axon, stake, an epoch) or at least once per `refreshEvery` blocks.
 */
export class MetagraphSync {
  #metagraph: Metagraph | undefined;
  #block = 0;
  #dirty = true;
  #lastFetch = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<Metagraph> | undefined;
  #unsubscribe: Unsubscribe[] = [];
  /** How many full fetches happened (observable for tests and metrics). */
  fetches = 0;

  constructor(
    readonly chain: Chain,
    readonly netuid: number,
    private readonly log: Logger,
    readonly refreshEvery = 100,
  ) {}

  /** Subscribes to blocks and events, and fetches the first metagraph. */
  async start(): Promise<Metagraph> {
    this.#unsubscribe.push(
      this.chain.onBlock((h: BlockHeader) => {
        this.#block = h.number;
      }),
      this.chain.onEvents((events: ChainEvent[]) => {
        if (events.some((e) => CHANGES.has(e.name) && affects(e, this.netuid))) this.#dirty = true;
      }),
    );
    this.#block = await this.chain.blockNumber();
    return this.refresh(true);
  }

  /** The latest block seen. */
  get block(): number {
    return this.#block;
  }

  /** The metagraph, re-read first if something changed since the last read. */
  async current(): Promise<Metagraph> {
    return this.refresh(false);
  }

  /** Last fetched metagraph without I/O (undefined before `start`). */
  peek(): Metagraph | undefined {
    return this.#metagraph;
  }

  async refresh(force: boolean): Promise<Metagraph> {
    const stale = this.#block - this.#lastFetch >= this.refreshEvery;
    if (this.#metagraph && !force && !this.#dirty && !stale) return this.#metagraph;
    this.#refreshing ??= (async () => {
      try {
        this.#dirty = false;
        const m = await this.chain.metagraph(this.netuid);
        this.fetches++;
        this.#metagraph = m;
        this.#lastFetch = m.block;
        this.log.debug({ event: 'metagraph.synced', netuid: this.netuid, block: m.block, n: m.n }, 'metagraph synced');
        return m;
      } catch (err) {
        this.#dirty = true;
        throw err;
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  stop(): void {
    for (const u of this.#unsubscribe.splice(0)) u();
  }
}

function affects(event: ChainEvent, netuid: number): boolean {
  const n = event.data.netuid;
  return n === undefined || Number(n) === netuid;
}

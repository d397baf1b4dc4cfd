/**
 * The axon's sessions: key, owner hotkey, expiry and a sliding anti-replay window over the
 * per-session counter (the IPsec rule: a counter above the highest seen moves the window; one
 * inside it is accepted once; older ones are refused). Concurrent requests on several
 * connections may arrive out of order, so a strictly increasing rule would refuse honest ones.
 */
export interface AxonSession {
  readonly id: string;
  readonly hotkey: string;
  readonly key: Buffer;
  readonly expiresAt: number;
  highest: number;
  /**
   * Counters seen inside the window, a ring of {@link SEQ_WINDOW} bits: counter `q` is bit
   * `q % SEQ_WINDOW` (a typed array, updated in place: no bigint per request).
   */
  readonly seen: Uint32Array;
}

export type SeqCheck = 'ok' | 'replay' | 'too-old';

/** Counters accepted out of order, behind the highest seen. */
export const SEQ_WINDOW = 256;

export class SessionStore {
  readonly #sessions = new Map<string, AxonSession>();
  /** Session ids per hotkey, oldest first. */
  readonly #byHotkey = new Map<string, string[]>();
  readonly #max: number;
  readonly #perHotkey: number;

  /**
   * At most `maxSessions` in all and `perHotkey` per dendrite hotkey (one key opening sessions
   * in a loop pushes out only its own older ones); the oldest goes first either way.
   */
  constructor(maxSessions = 4096, perHotkey = 8) {
    this.#max = maxSessions;
    this.#perHotkey = perHotkey;
  }

  get size(): number {
    return this.#sessions.size;
  }

  add(s: Omit<AxonSession, 'highest' | 'seen'>): AxonSession {
    // bounded: the oldest session goes first (its dendrite handshakes again)
    const own = this.#byHotkey.get(s.hotkey) ?? [];
    while (own.length >= this.#perHotkey) this.#delete(own[0] as string);
    if (this.#sessions.size >= this.#max) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#delete(oldest);
    }
    const session: AxonSession = { ...s, highest: 0, seen: new Uint32Array(SEQ_WINDOW / 32) };
    this.#sessions.set(s.id, session);
    const ids = this.#byHotkey.get(s.hotkey);
    if (ids) ids.push(s.id);
    else this.#byHotkey.set(s.hotkey, [s.id]);
    return session;
  }

  #delete(id: string): void {
    const s = this.#sessions.get(id);
    if (!s) return;
    this.#sessions.delete(id);
    const ids = this.#byHotkey.get(s.hotkey);
    if (!ids) return;
    const i = ids.indexOf(id);
    if (i >= 0) ids.splice(i, 1);
    if (ids.length === 0) this.#byHotkey.delete(s.hotkey);
  }

  get(id: string, now: number): AxonSession | 'expired' | undefined {
    const s = this.#sessions.get(id);
    if (!s) return undefined;
    if (now >= s.expiresAt) {
      this.#delete(id);
      return 'expired';
    }
    return s;
  }

  /** Checks a counter without recording it (record after the MAC matched). */
  static check(s: AxonSession, seq: number): SeqCheck {
    if (seq > s.highest) return 'ok';
    if (s.highest - seq >= SEQ_WINDOW) return 'too-old';
    return hasBit(s.seen, seq % SEQ_WINDOW) ? 'replay' : 'ok';
  }

  static record(s: AxonSession, seq: number): void {
    if (seq > s.highest) {
      // the slots of the counters the window moves over held counters a window behind: free them
      if (seq - s.highest >= SEQ_WINDOW) s.seen.fill(0);
      else for (let q = s.highest + 1; q < seq; q++) clearBit(s.seen, q % SEQ_WINDOW);
      s.highest = seq;
    }
    setBit(s.seen, seq % SEQ_WINDOW);
  }
}

// bit `i` of the ring (0 ≤ i < SEQ_WINDOW)
const hasBit = (bits: Uint32Array, i: number): boolean => ((bits[i >>> 5] as number) & (1 << (i & 31))) !== 0;
const setBit = (bits: Uint32Array, i: number): void => {
  bits[i >>> 5] = (bits[i >>> 5] as number) | (1 << (i & 31));
};
const clearBit = (bits: Uint32Array, i: number): void => {
  bits[i >>> 5] = (bits[i >>> 5] as number) & ~(1 << (i & 31));
};

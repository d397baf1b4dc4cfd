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
  /** Bit i set: counter `highest - i` was seen. */
  seen: bigint;
}

export type SeqCheck = 'ok' | 'replay' | 'too-old';

/** Counters accepted out of order, behind the highest seen. */
export const SEQ_WINDOW = 256;
const WINDOW_MASK = (1n << BigInt(SEQ_WINDOW)) - 1n;

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
    const session: AxonSession = { ...s, highest: 0, seen: 0n };
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
    const back = s.highest - seq;
    if (back >= SEQ_WINDOW) return 'too-old';
    return (s.seen >> BigInt(back)) & 1n ? 'replay' : 'ok';
  }

  static record(s: AxonSession, seq: number): void {
    if (seq > s.highest) {
      const shift = seq - s.highest;
      s.seen = shift >= SEQ_WINDOW ? 1n : ((s.seen << BigInt(shift)) | 1n) & WINDOW_MASK;
      s.highest = seq;
    } else {
      s.seen |= 1n << BigInt(s.highest - seq);
    }
  }
}

/**
 * The dendrite's per-call bookkeeping through a dispatcher that answers in-process: uuid slots of
 * concurrent calls to one axon (bits for the first 31, a set beyond), their release, and the
 * shared deadline timer (a call that never gets an answer times out; the others are unaffected).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { initCrypto } from '../../wallet/crypto-ready.js';
import { Keypair } from '../../wallet/keypair.js';
import { Dendrite } from '../dendrite.js';
import { signatureMessage, verifyText } from '../signing.js';
import { defineSynapse } from '../synapse.js';

const Echo = defineSynapse({
  name: 'EchoSynapse',
  request: z.object({ text: z.string(), n: z.number().int() }),
  response: z.object({ echoed: z.string(), doubled: z.number().int() }),
});

interface Handler {
  onRequestStart?(c: unknown, ctx: unknown): void;
  onResponseStart?(c: unknown, code: number, headers: Record<string, string>, msg: string): void;
  onResponseData?(c: unknown, chunk: Buffer): void;
  onResponseEnd?(c: unknown, trailers: Record<string, string>): void;
}

/** Holds every request until `release`, then answers those not marked to hang. */
class HeldDispatcher {
  readonly seen: { headers: Record<string, string>; body: string; handler: Handler }[] = [];
  readonly #controller = { abort: () => undefined, pause: () => undefined, resume: () => undefined };

  dispatch(opts: { headers: Record<string, string>; body: string }, handler: Handler): boolean {
    this.seen.push({ headers: opts.headers, body: opts.body, handler });
    handler.onRequestStart?.(this.#controller, {});
    return true;
  }

  /** Answers every held request whose `n` is not in `hang`. */
  release(hang: ReadonlySet<number> = new Set()): void {
    const held = this.seen.splice(0);
    for (const s of held) {
      const n = (JSON.parse(s.body) as { n: number }).n;
      if (hang.has(n)) {
        this.seen.push(s);
        continue;
      }
      const handler = s.handler;
      const body = Buffer.from(JSON.stringify({ echoed: 'x', doubled: 2 * n }));
      handler.onResponseStart?.(this.#controller, 200, { bt_header_axon_status_code: '200' }, 'OK');
      handler.onResponseData?.(this.#controller, body);
      handler.onResponseEnd?.(this.#controller, {});
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

let signer: Keypair;
beforeAll(async () => {
  await initCrypto();
  signer = Keypair.fromUri('//Alice');
});

const axon = { ip: '127.0.0.1', port: 9, hotkey: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty' };

describe('Dendrite call bookkeeping', () => {
  it('gives concurrent calls to one axon distinct uuids (past 31 of them), in nonce order per uuid, and frees them', async () => {
    const dispatcher = new HeldDispatcher();
    const d = new Dendrite({ signer, presign: false, dispatcher: dispatcher as never });
    try {
      const calls = Array.from({ length: 40 }, (_, n) => d.query(axon, Echo, { text: 't', n }));
      const uuids = dispatcher.seen.map((s) => s.headers.bt_header_dendrite_uuid);
      expect(new Set(uuids).size).toBe(40);
      expect(uuids[0]).toBe(d.uuid);
      dispatcher.release();
      const rs = await Promise.all(calls);
      expect(rs.map((r) => r.status)).toEqual(Array(40).fill(200));
      expect(rs.map((r) => r.response?.doubled)).toEqual(Array.from({ length: 40 }, (_, n) => 2 * n));

      // all freed: the next 40 reuse the same uuids, in the same order, with later nonces each
      const nonces = new Map<string | undefined, bigint>();
      const again = Array.from({ length: 40 }, (_, n) => d.query(axon, Echo, { text: 't', n }));
      expect(dispatcher.seen.map((s) => s.headers.bt_header_dendrite_uuid)).toEqual(uuids);
      for (const s of dispatcher.seen)
        nonces.set(s.headers.bt_header_dendrite_uuid, BigInt(s.headers.bt_header_dendrite_nonce as string));
      dispatcher.release();
      await Promise.all(again);

      // one slot in the middle and one past the bits freed: a new call takes the lowest free one
      const held = Array.from({ length: 40 }, (_, n) => d.query(axon, Echo, { text: 't', n }));
      dispatcher.release(new Set([5, 35]));
      // the two left are still held; wait for the rest to finish
      await Promise.all(held.filter((_, n) => n !== 5 && n !== 35));
      const left = dispatcher.seen.splice(0);
      expect(left.map((s) => s.headers.bt_header_dendrite_uuid)).toEqual([uuids[5], uuids[35]]);
      const next = d.query(axon, Echo, { text: 't', n: 1 });
      const third = d.query(axon, Echo, { text: 't', n: 2 });
      expect(dispatcher.seen.map((s) => s.headers.bt_header_dendrite_uuid)).toEqual([uuids[0], uuids[1]]);
      for (const s of dispatcher.seen) {
        const uuid = s.headers.bt_header_dendrite_uuid;
        expect(BigInt(s.headers.bt_header_dendrite_nonce as string)).toBeGreaterThan(nonces.get(uuid) as bigint);
      }
      dispatcher.release();
      expect((await next).ok).toBe(true);
      expect((await third).ok).toBe(true);
      for (const s of left) dispatcher.seen.push(s);
      dispatcher.release();
      await Promise.all(held);
    } finally {
      await d.close();
    }
  });

  it('sends a shared request to many axons as JSON, each signed over its own SDK message (prepared nonces)', async () => {
    const dispatcher = new HeldDispatcher();
    const d = new Dendrite({ signer, dispatcher: dispatcher as never, uuid: 'ünï-cödé' });
    try {
      await d.prepared();
      const hotkeys = ['//Bob', '//Charlie', '//Dave'].map((u) => Keypair.fromUri(u).address);
      const targets = hotkeys.map((hotkey, i) => ({ ip: '127.0.0.1', port: 9100 + i, hotkey }));
      const fan = d.fanOut(targets, Echo, { text: 'same', n: 7 });
      expect(dispatcher.seen).toHaveLength(3);
      for (const [i, s] of dispatcher.seen.entries()) {
        const h = s.headers;
        expect(h['content-type']).toBe('application/json');
        expect(Object.keys(h).at(-1)).toBe('content-type');
        expect(h.bt_header_axon_hotkey).toBe(hotkeys[i]);
        const message = signatureMessage({
          nonce: BigInt(h.bt_header_dendrite_nonce as string),
          dendriteHotkey: signer.address,
          axonHotkey: hotkeys[i] as string,
          // the header carries it made header-safe; the signed message has it as given
          uuid: 'ünï-cödé',
          bodyHash: h.computed_body_hash as string,
        });
        expect(verifyText(message, h.bt_header_dendrite_signature as string, signer.publicKey, false)).toBe(true);
        const body = JSON.parse(s.body) as { dendrite: { signature: string; uuid: string }; text: string; n: number };
        expect(body.dendrite.signature).toBe(h.bt_header_dendrite_signature);
        expect(body.dendrite.uuid).toBe('ünï-cödé');
        expect([body.text, body.n]).toEqual(['same', 7]);
      }
      dispatcher.release();
      expect((await fan).map((r) => r.ok)).toEqual([true, true, true]);
    } finally {
      await d.close();
    }
  });

  it('times out a call that gets no answer on the shared timer, and only that one', async () => {
    const dispatcher = new HeldDispatcher();
    const d = new Dendrite({ signer, presign: false, dispatcher: dispatcher as never });
    try {
      const targets = [0, 1, 2].map((i) => ({ ...axon, port: 9000 + i }));
      const fan = d.fanOut(targets, Echo, (_a, n) => ({ text: 't', n }), { timeoutMs: 100 });
      dispatcher.release(new Set([1]));
      const rs = await fan;
      expect(rs.map((r) => r.status)).toEqual([200, 408, 200]);
      expect(rs[1]?.message).toBe('Request timeout after 0.1 seconds');
      // later calls still get their own deadline (the timer was disarmed and armed again)
      const late = d.query(axon, Echo, { text: 't', n: 3 }, { timeoutMs: 50 });
      expect((await late).status).toBe(408);
      const ac = new AbortController();
      const cancelled = d.query(axon, Echo, { text: 't', n: 4 }, { timeoutMs: 5_000, signal: ac.signal });
      ac.abort();
      expect((await cancelled).status).toBe(499);
    } finally {
      await d.close();
    }
  });
});

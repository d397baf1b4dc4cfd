/**
 * Lean session requests over sockets (the session headers and the request's JSON only): the
 * answer's JSON on 200, and each rule of the format refusing what breaks it (replay, reorder
 * window, tamper with body, counter, timeout or synapse, a foreign session, expiry, the counter
 * kept for the honest request after a forgery).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../util/clock.js';
import { initCrypto } from '../../wallet/crypto-ready.js';
import { Keypair } from '../../wallet/keypair.js';
import { type Axon, createAxon } from '../axon.js';
import { defineSynapse } from '../synapse.js';
import { SessionClient } from './session-client.js';
import { LEAN_MAC_HEADER, leanMacOf, SESSION_SEQ_HEADER } from './session-crypto.js';

const Echo = defineSynapse({
  name: 'EchoSynapse',
  request: z.object({ text: z.string(), n: z.number().int() }),
  response: z.object({ echoed: z.string(), doubled: z.number().int() }),
});
const Other = defineSynapse({
  name: 'Other',
  request: z.object({ text: z.string(), n: z.number() }),
  response: z.object({}),
});

let alice: Keypair;
let charlie: Keypair;
let bob: Keypair;
let axon: Axon;
let origin: string;
let blocked = false;
const clock = new ManualClock(Date.now());
const agent = new Agent();
let nonce = BigInt(Date.now()) * 1_000_000n;
const client = (kp: Keypair) =>
  new SessionClient(
    kp,
    clock,
    () => agent,
    () => ++nonce,
  );

beforeAll(async () => {
  await initCrypto();
  alice = Keypair.fromUri('//Alice');
  bob = Keypair.fromUri('//Bob');
  charlie = Keypair.fromUri('//Charlie');
  axon = createAxon({
    signer: bob,
    clock,
    blacklist: () => ({ blocked, reason: 'test block' }),
    rateLimit: false,
    maxBodyBytes: 1024,
    session: { ttlMs: 600_000 },
  })
    .attach(Echo, (r) => ({ echoed: r.text, doubled: r.n * 2 }))
    .attach(Other, () => ({}));
  origin = `http://127.0.0.1:${await axon.listen(0, '127.0.0.1')}`;
});
afterAll(async () => {
  await axon.stop({ drainTimeoutMs: 200 });
  await agent.close();
});

async function send(path: string, r: { headers: Record<string, string>; body: string }) {
  const res = await request(`${origin}${path}`, {
    method: 'POST',
    headers: r.headers,
    body: r.body,
    dispatcher: agent,
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    text,
    headers: res.headers,
    message: (JSON.parse(text) as { message?: string }).message,
  };
}

async function opened(kp: Keypair) {
  const c = client(kp);
  expect(c.leanRequest(origin, { axonHotkey: bob.address, synapse: Echo.name, body: '{}' })).toBeUndefined();
  expect(await c.open(origin, bob.address)).toBe(true);
  const lean = (body: unknown, synapse = Echo.name, timeoutS?: number) => {
    const r = c.leanRequest(origin, { axonHotkey: bob.address, synapse, body: JSON.stringify(body), timeoutS });
    if (!r) throw new Error('no lean session');
    return r;
  };
  return lean;
}

describe('lean session requests', () => {
  it('are not built when the welcome names no lean format: the client keeps v1 requests', async () => {
    // a relay that drops `formats` from the welcome (it is not signed: stripping it only downgrades)
    const relay = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const up = await request(`${origin}${req.url}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: Buffer.concat(chunks),
          dispatcher: agent,
        });
        const w = (await up.body.json()) as Record<string, unknown>;
        delete w.formats;
        res.writeHead(up.statusCode, { 'content-type': 'application/json' });
        res.end(JSON.stringify(w));
      });
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    try {
      const relayOrigin = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
      const c = client(alice);
      expect(await c.open(relayOrigin, bob.address)).toBe(true);
      expect(c.leanRequest(relayOrigin, { axonHotkey: bob.address, synapse: Echo.name, body: '{}' })).toBeUndefined();
      const v1 = c.headersFor(relayOrigin, { nonce: 1n, axonHotkey: bob.address, uuid: 'u', bodyHash: '' });
      expect(v1?.sk_session_mac).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      relay.close();
    }
  });

  it("answer 200 with the answer's JSON and no bt headers; replay, stale and reordered counters", async () => {
    const lean = await opened(alice);
    const first = lean({ text: 'hi', n: 21 });
    const second = lean({ text: 'yo', n: 2 });
    const ok = await send('/EchoSynapse', second);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('{"echoed":"yo","doubled":4}');
    expect(Object.keys(ok.headers).filter((k) => k.startsWith('bt_header_'))).toEqual([]);
    // inside the window an earlier counter passes once
    expect((await send('/EchoSynapse', first)).text).toBe('{"echoed":"hi","doubled":42}');
    expect(await send('/EchoSynapse', first)).toMatchObject({
      status: 401,
      message: 'Not Verified with error: Session counter replayed',
    });
    // move the window 300 ahead: counter 3 is now behind it
    let late = lean({ text: 'x', n: 1 });
    for (let i = 0; i < 300; i++) late = lean({ text: 'x', n: 1 });
    const stale = lean({ text: 'x', n: 1 });
    expect((await send('/EchoSynapse', late)).status).toBe(200);
    const third = { ...stale, headers: { ...stale.headers, [SESSION_SEQ_HEADER]: '3' } };
    expect((await send('/EchoSynapse', third)).message).toBe('Not Verified with error: Session counter too old');
  });

  it('refuse a changed body, counter, timeout or synapse, and a forgery does not burn the counter', async () => {
    const lean = await opened(alice);
    const r = lean({ text: 'a', n: 1 });
    const mismatch = 'Not Verified with error: Session MAC mismatch';
    expect((await send('/EchoSynapse', { ...r, body: '{"text":"a","n":2}' })).message).toBe(mismatch);
    expect((await send('/EchoSynapse', { ...r, headers: { ...r.headers, [SESSION_SEQ_HEADER]: '9' } })).message).toBe(
      mismatch,
    );
    expect((await send('/EchoSynapse', { ...r, headers: { ...r.headers, sk_timeout: '5' } })).message).toBe(mismatch);
    expect((await send('/Other', r)).message).toBe(mismatch);
    const timed = lean({ text: 't', n: 1 }, Echo.name, 5);
    expect((await send('/EchoSynapse', { ...timed, headers: { ...timed.headers, sk_timeout: '50' } })).message).toBe(
      mismatch,
    );
    expect((await send('/EchoSynapse', timed)).status).toBe(200);
    // the forgeries above used counter 1: the honest request with it still passes, once
    expect((await send('/EchoSynapse', r)).status).toBe(200);
    expect((await send('/EchoSynapse', r)).status).toBe(401);
  });

  it("refuse another dendrite's session, expiry, a bad timeout, and answer lean errors (413, 422, 403)", async () => {
    const lean = await opened(alice);
    const theirs = await opened(charlie);
    const mine = lean({ text: 'a', n: 1 });
    const other = theirs({ text: 'a', n: 1 });
    // alice's key material under charlie's session id: the MAC does not match charlie's key
    const forged = {
      ...mine,
      headers: {
        ...mine.headers,
        sk_session: other.headers.sk_session as string,
        [LEAN_MAC_HEADER]: leanMacOf(
          Buffer.alloc(32, 7),
          { seq: 1, dendriteHotkey: charlie.address, axonHotkey: bob.address, synapse: Echo.name, timeout: '' },
          mine.body,
        ),
      },
    };
    expect((await send('/EchoSynapse', forged)).message).toBe('Not Verified with error: Session MAC mismatch');
    expect(
      (await send('/EchoSynapse', { ...mine, headers: { ...mine.headers, sk_session: 'f'.repeat(32) } })).message,
    ).toBe('Not Verified with error: Session unknown');
    const badTimeout = await send('/EchoSynapse', { ...mine, headers: { ...mine.headers, sk_timeout: '-1' } });
    expect(badTimeout.status).toBe(400);
    const big = await send('/EchoSynapse', lean({ text: 'x'.repeat(2000), n: 1 }));
    expect(big.status).toBe(413);
    const notJson = lean({ text: 'a', n: 1 });
    const r422 = await send('/EchoSynapse', lean({ text: 'a', n: 'one' }));
    expect(r422.status).toBe(422);
    expect(Object.keys(r422.headers).filter((k) => k.startsWith('bt_header_'))).toEqual([]);
    blocked = true;
    try {
      expect((await send('/EchoSynapse', notJson)).status).toBe(403);
    } finally {
      blocked = false;
    }
    expect((await send('/EchoSynapse', mine)).status).toBe(200);
    const late = lean({ text: 'late', n: 1 });
    clock.advance(600_000);
    expect((await send('/EchoSynapse', late)).message).toBe('Not Verified with error: Session expired');
    // the client knows its session is past its life too: no lean request, the caller signs again
    expect(() => lean({ text: 'later', n: 1 })).toThrow('no lean session');
  });
});

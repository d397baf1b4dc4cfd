import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { Signer } from '../util/signer.js';
import { initCrypto } from '../wallet/crypto-ready.js';
import { Keypair } from '../wallet/keypair.js';
import { type Axon, type AxonOptions, createAxon } from './axon.js';
import { Dendrite } from './dendrite.js';
import { parseJsonBig } from './json-bigint.js';
import { freshNonce, signedRequest } from './signed-request.test.helper.js';
import { signatureMessage, signText } from './signing.js';
import { defineSynapse, synapseFromTask } from './synapse.js';

let alice: Signer;
let bob: Signer;
let charlie: Signer;
let dave: Signer;

const Echo = defineSynapse({
  name: 'EchoSynapse',
  request: z.object({ text: z.string(), n: z.number().int() }),
  response: z.object({ echoed: z.string(), doubled: z.number().int() }),
});
const Tokens = synapseFromTask('tokens', {
  request: z.object({ count: z.number().int() }),
  response: z.object({}),
  streaming: true,
});
const Dummy = defineSynapse({
  name: 'Dummy',
  request: z.object({ dummy_input: z.number().int() }),
  response: z.object({ dummy_output: z.number().int().nullable().default(null) }),
  hashFields: [],
});

beforeAll(async () => {
  await cryptoWaitReady();
  const kr = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = kr.addFromUri('//Alice');
  bob = kr.addFromUri('//Bob');
  charlie = kr.addFromUri('//Charlie');
  dave = kr.addFromUri('//Dave');
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function startAxon(
  opts: Partial<AxonOptions> = {},
  attach?: (a: Axon) => void,
): Promise<{ axon: Axon; port: number; url: string }> {
  const axon = createAxon({ signer: bob, blacklist: 'allow-all', ...opts });
  if (attach) attach(axon);
  else axon.attach(Echo, async (req) => ({ echoed: req.text, doubled: req.n * 2 }));
  const port = await axon.listen(0, '127.0.0.1');
  cleanups.push(() => axon.stop({ drainTimeoutMs: 1000 }));
  return { axon, port, url: `http://127.0.0.1:${port}` };
}

function newDendrite(signer: Signer = alice): Dendrite {
  const d = new Dendrite({ signer, externalIp: '127.0.0.1' });
  cleanups.push(() => d.close());
  return d;
}

async function post(url: string, headers: Record<string, string>, body: string) {
  const res = await request(url, { method: 'POST', headers, body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: safeJson(text) };
}
function safeJson(t: string): Record<string, unknown> | undefined {
  try {
    return parseJsonBig(t) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

describe('axon and dendrite over a real socket', () => {
  it('answers a signed query with the validated typed response', async () => {
    let seen = '';
    const { port } = await startAxon({}, (a) =>
      a.attach(Echo, async (req, ctx) => {
        seen = ctx.callerHotkey;
        return { echoed: req.text.toUpperCase(), doubled: req.n * 2 };
      }),
    );
    const d = newDendrite();
    const r = await d.query({ ip: '127.0.0.1', port, hotkey: bob.address }, Echo, { text: 'hi', n: 21 });
    expect(r).toMatchObject({ ok: true, status: 200, message: 'Success', response: { echoed: 'HI', doubled: 42 } });
    expect(r.processTimeS).toBeGreaterThanOrEqual(0);
    expect(seen).toBe(alice.address);
    // keep-alive: a second query on the same pool works and uses a higher nonce
    const r2 = await d.query({ ip: '127.0.0.1', port, hotkey: bob.address }, Echo, { text: 'x', n: 1 });
    expect(r2.status).toBe(200);
  });

  it('serves a request laid out exactly as the Python dendrite sends it', async () => {
    const { url } = await startAxon({}, (a) => a.attach(Dummy, async (req) => ({ dummy_output: req.dummy_input * 2 })));
    // the SDK vector's target is //Bob, our axon's hotkey; only nonce and signature are refreshed
    const nonce = freshNonce();
    const uuid = '9e1a4c6e-2a51-11ef-8f5c-0242ac120002';
    const hash = 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a';
    const sig = signText(
      alice,
      signatureMessage({ nonce, dendriteHotkey: alice.address, axonHotkey: bob.address, uuid, bodyHash: hash }),
    );
    const headers: Record<string, string> = {
      name: 'Dummy',
      timeout: '12.0',
      bt_header_axon_ip: '198.51.100.7',
      bt_header_axon_port: '8091',
      bt_header_axon_hotkey: bob.address,
      bt_header_dendrite_ip: '203.0.113.5',
      bt_header_dendrite_version: '10002000',
      bt_header_dendrite_nonce: String(nonce),
      bt_header_dendrite_uuid: uuid,
      bt_header_dendrite_hotkey: alice.address,
      bt_header_dendrite_signature: sig,
      bt_header_input_obj_dummy_input: 'MA==',
      header_size: '464',
      total_size: '2899',
      computed_body_hash: hash,
      'content-type': 'application/json',
    };
    const body = `{"name": "Dummy", "timeout": 12.0, "total_size": 2899, "header_size": 0, "dendrite": {"status_code": null, "status_message": null, "process_time": null, "ip": "203.0.113.5", "port": null, "version": 10002000, "nonce": ${nonce}, "uuid": "${uuid}", "hotkey": "${alice.address}", "signature": "${sig}"}, "axon": {"status_code": null, "status_message": null, "process_time": null, "ip": "198.51.100.7", "port": 8091, "version": null, "nonce": null, "uuid": null, "hotkey": "${bob.address}", "signature": null}, "computed_body_hash": "", "dummy_input": 7, "dummy_output": null}`;
    const r = await post(`${url}/Dummy`, headers, body);
    expect(r.status).toBe(200);
    expect(r.headers.bt_header_axon_status_code).toBe('200');
    expect(r.headers.bt_header_axon_status_message).toBe('Success');
    expect(r.headers.bt_header_dendrite_nonce).toBe(String(nonce));
    expect(r.headers.computed_body_hash).toBe(hash);
    expect(r.headers.bt_header_input_obj_dummy_input).toBe('MA==');
    expect(r.json).toMatchObject({ name: 'Dummy', dummy_input: 7, dummy_output: 14, axon: { status_code: 200 } });
    expect((r.json!.dendrite as Record<string, unknown>).nonce).toBe(nonce);
  });

  it('rejects unsigned, mis-signed, replayed and unknown-key requests with 401', async () => {
    const { url } = await startAxon();
    const ok = signedRequest({ signer: alice, axonHotkey: bob.address, synapse: Echo, values: { text: 'a', n: 1 } });
    const unsigned = { ...ok.headers };
    delete unsigned.bt_header_dendrite_signature;
    expect((await post(`${url}/EchoSynapse`, unsigned, ok.body)).json?.message).toBe(
      'Not Verified with error: Missing signature',
    );

    const wrongTarget = signedRequest({
      signer: alice,
      axonHotkey: charlie.address,
      synapse: Echo,
      values: { text: 'a', n: 1 },
    });
    const mis = await post(`${url}/EchoSynapse`, wrongTarget.headers, wrongTarget.body);
    expect(mis.status).toBe(401);
    expect(mis.json?.message).toMatch(/^Not Verified with error: Signature mismatch with /);

    expect((await post(`${url}/EchoSynapse`, ok.headers, ok.body)).status).toBe(200);
    const replay = await post(`${url}/EchoSynapse`, ok.headers, ok.body);
    expect(replay.status).toBe(401);
    expect(replay.json?.message).toBe('Not Verified with error: Nonce is too old, a newer one was last processed');

    const noHeaders = await post(`${url}/EchoSynapse`, { 'content-type': 'application/json' }, ok.body);
    expect(noHeaders.status).toBe(401);
    expect(noHeaders.json?.message).toContain('underscores_in_headers on;');

    const stale = signedRequest({
      signer: alice,
      axonHotkey: bob.address,
      synapse: Echo,
      values: { text: 'a', n: 1 },
      nonce: freshNonce() - 60_000_000_000n,
      uuid: 'other',
    });
    const old = await post(`${url}/EchoSynapse`, stale.headers, stale.body);
    expect(old.json?.message).toMatch(
      /^Not Verified with error: Nonce is too old: acceptable delta is 16.00 seconds but request was 6\d.\d\d seconds old/,
    );
    expect(old.headers.bt_header_axon_status_code).toBe('401');
  });

  it('does not let the unsigned timeout header widen the nonce window', async () => {
    const { url } = await startAxon();
    const values = { text: 'a', n: 1 };
    // 30 s old: inside 4 s + 100 s (or the 60 s cap), outside 4 s + the synapse's own 12 s
    const nonce = freshNonce() - 30_000_000_000n;
    const wide = signedRequest({ signer: alice, axonHotkey: bob.address, synapse: Echo, values, nonce, timeoutS: 100 });
    const r = await post(`${url}/EchoSynapse`, wide.headers, wide.body);
    expect(r.status).toBe(401);
    expect(r.json?.message).toMatch(/^Not Verified with error: Nonce is too old: acceptable delta is 16.00 seconds/);
    // a smaller header still narrows it
    const narrow = signedRequest({
      signer: alice,
      axonHotkey: bob.address,
      synapse: Echo,
      values,
      nonce: freshNonce() - 6_000_000_000n,
      timeoutS: 1,
      uuid: 'narrow',
    });
    const n = await post(`${url}/EchoSynapse`, narrow.headers, narrow.body);
    expect(n.json?.message).toMatch(/acceptable delta is 5.00 seconds/);
  });

  it('maps route, size, schema, JSON and body-hash failures to their statuses', async () => {
    const { url, axon } = await startAxon({ maxBodyBytes: 2048 });
    const nf = await post(`${url}/Nope`, {}, '{}');
    expect(nf).toMatchObject({
      status: 404,
      json: { message: "Synapse name 'Nope' not found. Available synapses ['Synapse', 'EchoSynapse']" },
    });

    const big = signedRequest({
      signer: alice,
      axonHotkey: bob.address,
      synapse: Echo,
      values: { text: 'x'.repeat(5000), n: 1 },
    });
    expect((await post(`${url}/EchoSynapse`, big.headers, big.body)).status).toBe(413);

    const badType = signedRequest({
      signer: alice,
      axonHotkey: bob.address,
      synapse: Echo,
      values: { text: 'x', n: 1.5 },
    });
    const bt = await post(`${url}/EchoSynapse`, badType.headers, badType.body);
    expect(bt.status).toBe(422);
    expect(bt.json?.message).toMatch(/^Invalid request body: n: /);
    expect(bt.json?.detail).toEqual([expect.objectContaining({ loc: ['body', 'n'] })]);

    const good = signedRequest({ signer: alice, axonHotkey: bob.address, synapse: Echo, values: { text: 'x', n: 1 } });
    const notJson = await post(`${url}/EchoSynapse`, good.headers, '{"text": "x", ');
    expect(notJson.status).toBe(422);
    expect(notJson.json?.message).toBe('Invalid JSON body');

    const good2 = signedRequest({ signer: alice, axonHotkey: bob.address, synapse: Echo, values: { text: 'x', n: 1 } });
    const tampered = await post(`${url}/EchoSynapse`, good2.headers, good2.body.replace('"text":"x"', '"text":"y"'));
    expect(tampered.status).toBe(400);
    expect(tampered.json?.message).toMatch(/^Body hash mismatch/);

    const badHeader = signedRequest({
      signer: alice,
      axonHotkey: bob.address,
      synapse: Echo,
      values: { text: 'x', n: 1 },
    });
    const bh = await post(
      `${url}/EchoSynapse`,
      { ...badHeader.headers, bt_header_dendrite_nonce: 'abc' },
      badHeader.body,
    );
    expect(bh.status).toBe(400);
    expect(bh.json?.message).toMatch(
      /^Improperly formatted request\. Could not parse headers .* into synapse of type EchoSynapse\.$/,
    );
    expect(axon.stats().inFlight).toBe(0);
  });

  it('blacklists by registration and stake, after verification, and survives a throwing hook', async () => {
    const neurons = new Map([
      [alice.address, { registered: true, stake: 5_000n }],
      [charlie.address, { registered: true, stake: 10n }],
    ]);
    const { port } = await startAxon({ blacklist: { neurons: (hk) => neurons.get(hk), minStake: 1_000n } });
    const target = { ip: '127.0.0.1', port, hotkey: bob.address };
    expect((await newDendrite(alice).query(target, Echo, { text: 'a', n: 1 })).status).toBe(200);
    expect(await newDendrite(charlie).query(target, Echo, { text: 'a', n: 1 })).toMatchObject({
      status: 403,
      message: 'Forbidden. Key is blacklisted: Stake below 1000.',
    });
    expect(await newDendrite(dave).query(target, Echo, { text: 'a', n: 1 })).toMatchObject({
      status: 403,
      message: 'Forbidden. Key is blacklisted: Unrecognized hotkey.',
    });

    const { port: p2 } = await startAxon({
      blacklist: () => {
        throw new Error('boom');
      },
    });
    expect((await newDendrite().query({ ...target, port: p2 }, Echo, { text: 'a', n: 1 })).status).toBe(403);
  });

  it('enforces the server-side deadline and aborts the handler', async () => {
    let aborted = false;
    const { port } = await startAxon({ maxTimeoutMs: 100 }, (a) =>
      a.attach(
        Echo,
        (_req, ctx) =>
          new Promise((_, reject) => {
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              reject(new Error('aborted'));
            });
          }),
      ),
    );
    const r = await newDendrite().query(
      { ip: '127.0.0.1', port, hotkey: bob.address },
      Echo,
      { text: 'a', n: 1 },
      { timeoutMs: 5000 },
    );
    expect(r).toMatchObject({ ok: false, status: 408, message: 'Response timeout after: 5s' });
    expect(aborted).toBe(true);
  });

  it('stops after the drain timeout by aborting only the requests still running (503), each once', async () => {
    const started: string[] = [];
    const aborts: string[] = [];
    let allStarted!: () => void;
    const three = new Promise<void>((r) => {
      allStarted = r;
    });
    const axon = createAxon({ signer: bob, blacklist: 'allow-all' });
    axon.attach(Echo, (req, ctx) => {
      started.push(req.text);
      if (started.length === 3) allStarted();
      // 'quick' answers at once; the others run until the axon aborts them
      if (req.text === 'quick') return Promise.resolve({ echoed: 'quick', doubled: 0 });
      return new Promise((_, reject) => {
        ctx.signal.addEventListener('abort', () => {
          aborts.push(req.text);
          reject(new Error('aborted'));
        });
      });
    });
    const port = await axon.listen(0, '127.0.0.1');
    const d = newDendrite();
    const target = { ip: '127.0.0.1', port, hotkey: bob.address };
    const quick = await d.query(target, Echo, { text: 'quick', n: 0 });
    expect(quick.status).toBe(200);
    const stuck = ['a', 'b'].map((text) => d.query(target, Echo, { text, n: 1 }, { timeoutMs: 30_000 }));
    // the quick call counts as started once its answer is back; wait for both stuck handlers too
    await three;
    expect(axon.stats().inFlight).toBe(2);
    await axon.stop({ drainTimeoutMs: 50 });
    const answers = await Promise.all(stuck);
    for (const r of answers)
      expect(r).toMatchObject({ ok: false, status: 503, message: expect.stringMatching(/shutting down/) });
    expect(aborts.sort()).toEqual(['a', 'b']);
    expect(axon.stats().inFlight).toBe(0);
  });

  it('schedules by priority with a bounded queue and rate-limits per hotkey', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const order: string[] = [];
    const prio: Record<string, number> = { [alice.address]: 1, [charlie.address]: 5, [dave.address]: 9 };
    const { port } = await startAxon(
      { concurrency: { maxConcurrent: 1, maxQueue: 1 }, priority: (c) => prio[c.hotkey] ?? 0 },
      (a) =>
        a.attach(Echo, async (req, ctx) => {
          order.push(ctx.callerHotkey);
          if (req.text === 'block') await gate;
          return { echoed: req.text, doubled: 0 };
        }),
    );
    const t = { ip: '127.0.0.1', port, hotkey: bob.address };
    const first = newDendrite(alice).query(t, Echo, { text: 'block', n: 1 });
    while (order.length === 0) await new Promise((r) => setImmediate(r));
    const low = newDendrite(charlie).query(t, Echo, { text: 'low', n: 1 });
    // the queue (size 1) holds charlie; dave outranks him and takes the slot
    await new Promise((r) => setImmediate(r));
    const high = newDendrite(dave).query(t, Echo, { text: 'high', n: 1 });
    const lowResult = await low;
    expect(lowResult).toMatchObject({
      status: 503,
      message: 'Service busy: request dropped for a higher-priority caller',
    });
    open();
    expect((await first).status).toBe(200);
    expect((await high).status).toBe(200);
    expect(order).toEqual([alice.address, dave.address]);

    const { port: p2 } = await startAxon({ rateLimit: { perSecond: 0.001, burst: 2 } });
    const d = newDendrite();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await d.query({ ...t, port: p2 }, Echo, { text: 'a', n: i })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('maps handler failures to 500 without leaking details, and typed statuses through', async () => {
    const { port } = await startAxon({}, (a) =>
      a.attach(Echo, async (req) => {
        if (req.n === 1) throw new Error('secret internals');
        if (req.n === 2) throw new SubnetkitError('SK_PROTOCOL_BAD_REQUEST', 'prompt too long', { httpStatus: 400 });
        return { echoed: 5 } as never;
      }),
    );
    const d = newDendrite();
    const t = { ip: '127.0.0.1', port, hotkey: bob.address };
    const r1 = await d.query(t, Echo, { text: 'a', n: 1 });
    expect(r1.status).toBe(500);
    expect(r1.message).toMatch(/^Internal Server Error #[0-9a-f-]{36}$/);
    expect(await d.query(t, Echo, { text: 'a', n: 2 })).toMatchObject({ status: 400, message: 'prompt too long' });
    expect((await d.query(t, Echo, { text: 'a', n: 3 })).status).toBe(500);
  });

  it('streams chunks with backpressure and cancels the handler when the client leaves', async () => {
    let produced = 0;
    let finalized!: () => void;
    const cleanedUp = new Promise<void>((r) => {
      finalized = r;
    });
    let handlerSignal: AbortSignal | undefined;
    const { port } = await startAxon({}, (a) =>
      a.attach(Tokens, (req, ctx) => {
        handlerSignal = ctx.signal;
        return (async function* () {
          if (req.count > 0) {
            for (let i = 0; i < req.count; i++) yield `tok${i} `;
            return;
          }
          try {
            for (;;) {
              produced++;
              yield 'x'.repeat(64 * 1024);
            }
          } finally {
            finalized();
          }
        })();
      }),
    );
    const t = { ip: '127.0.0.1', port, hotkey: bob.address };
    const d = newDendrite();
    const s = await d.stream(t, Tokens, { count: 5 });
    expect(s.ok).toBe(true);
    let text = '';
    if (s.ok) for await (const c of s.chunks) text += c as string;
    expect(text).toBe('tok0 tok1 tok2 tok3 tok4 ');

    const inf = await d.stream(t, Tokens, { count: 0 });
    if (!inf.ok) throw new Error('stream refused');
    let got = 0;
    for await (const _ of inf.chunks) {
      got++;
      if (got === 3) {
        // let the producer run ahead as far as buffers allow
        for (let i = 0; i < 200; i++) await new Promise((r) => setImmediate(r));
        break;
      }
    }
    await cleanedUp;
    expect(handlerSignal?.aborted).toBe(true);
    // without backpressure an endless generator would have produced without bound
    expect(produced).toBeLessThan(2_000);
  });

  it('drains in-flight requests on stop and refuses new connections', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const axon = createAxon({ signer: bob, blacklist: 'allow-all' }).attach(Echo, async (req) => {
      started();
      await gate;
      return { echoed: req.text, doubled: 1 };
    });
    const port = await axon.listen(0, '127.0.0.1');
    const d = newDendrite();
    const t = { ip: '127.0.0.1', port, hotkey: bob.address };
    const inflight = d.query(t, Echo, { text: 'slow', n: 1 });
    await running;
    const stopped = axon.stop();
    const refused = await newDendrite().query(t, Echo, { text: 'new', n: 1 });
    expect(refused).toMatchObject({ status: 503, message: `Service unavailable at 127.0.0.1:${port}/EchoSynapse` });
    open();
    expect((await inflight).status).toBe(200);
    await stopped;
    expect(axon.stats().inFlight).toBe(0);
  });
});

describe('dendrite failure mapping', () => {
  let html: Server;
  let htmlPort: number;
  beforeAll(async () => {
    html = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    });
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', () => r()));
    htmlPort = (html.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => html.close(r));
  });

  it('maps refused connections to 503, non-JSON bodies to 422, cancellation to 499, and fans out in order', async () => {
    const { port } = await startAxon();
    const dead = await (async () => {
      const s = createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
      const p = (s.address() as AddressInfo).port;
      await new Promise((r) => s.close(r));
      return p;
    })();
    const d = newDendrite();
    const axons = [
      { ip: '127.0.0.1', port, hotkey: bob.address },
      { ip: '127.0.0.1', port: dead, hotkey: bob.address },
      { ip: '127.0.0.1', port: htmlPort, hotkey: bob.address },
      { ip: '127.0.0.1', port, hotkey: charlie.address },
    ];
    const rs = await d.fanOut(axons, Echo, (_a, i) => ({ text: `t${i}`, n: i }), { concurrency: 2 });
    expect(rs.map((r) => r.status)).toEqual([200, 503, 422, 401]);
    expect(rs[0]!.response).toEqual({ echoed: 't0', doubled: 0 });
    expect(rs[1]!.message).toBe(`Service unavailable at 127.0.0.1:${dead}/EchoSynapse`);
    expect(rs.map((r) => r.axon)).toEqual(axons);

    const ac = new AbortController();
    ac.abort();
    expect((await d.query(axons[0]!, Echo, { text: 'a', n: 1 }, { signal: ac.signal })).status).toBe(499);
    await expect(d.query(axons[0]!, Echo, { text: 1 } as never)).rejects.toMatchObject({
      code: 'SK_PROTOCOL_BAD_REQUEST',
    });
  });

  it('fans out with a wallet Keypair signing from prepared nonces, and the axons verify every request', async () => {
    await initCrypto();
    const signer = Keypair.fromUri('//Eve');
    const a1 = await startAxon();
    const a2 = await startAxon({ signer: charlie });
    const d = new Dendrite({ signer, maxConcurrency: 4 });
    cleanups.push(() => d.close());
    const targets = [
      { ip: '127.0.0.1', port: a1.port, hotkey: bob.address },
      { ip: '127.0.0.1', port: a2.port, hotkey: charlie.address },
      { ip: '127.0.0.1', port: a1.port, hotkey: bob.address },
      { ip: '127.0.0.1', port: a2.port, hotkey: charlie.address },
      { ip: '127.0.0.1', port: a1.port, hotkey: charlie.address }, // wrong target key: refused
    ];
    for (let round = 0; round < 3; round++) {
      const rs = await d.fanOut(targets, Echo, { text: `r${round}`, n: round });
      expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 200, 401]);
      expect(rs[1]!.response).toEqual({ echoed: `r${round}`, doubled: 2 * round });
    }
    expect(a1.axon.stats().served + a2.axon.stats().served).toBe(12);
  });

  it('maps its own total timeout to 408', async () => {
    const hang = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    const p = (hang.address() as AddressInfo).port;
    const r = await newDendrite().query(
      { ip: '127.0.0.1', port: p, hotkey: bob.address },
      Echo,
      { text: 'a', n: 1 },
      { timeoutMs: 150 },
    );
    expect(r).toMatchObject({ ok: false, status: 408, message: 'Request timeout after 0.15 seconds' });
    // calls in flight share one timer: a hung axon times out while the others answer, every time
    const { port } = await startAxon();
    const d = newDendrite();
    const mixed = [
      { ip: '127.0.0.1', port, hotkey: bob.address },
      { ip: '127.0.0.1', port: p, hotkey: bob.address },
      { ip: '127.0.0.1', port, hotkey: bob.address },
    ];
    for (let round = 0; round < 2; round++) {
      // long enough for the live axon to answer on a loaded machine; the hung one always runs out
      const rs = await d.fanOut(mixed, Echo, { text: 'm', n: round }, { timeoutMs: 5_000 });
      expect(rs.map((x) => x.status)).toEqual([200, 408, 200]);
    }
    hang.closeAllConnections();
    await new Promise((r) => hang.close(r));
  });

  it('binds where configured and brackets IPv6 addresses in URLs', async (ctx) => {
    const axon = createAxon({ signer: bob, blacklist: 'allow-all' }).attach(Echo, async (req) => ({
      echoed: req.text,
      doubled: 0,
    }));
    let port: number;
    try {
      port = await axon.listen(0, '::1');
    } catch {
      ctx.skip(); // no IPv6 loopback in this environment
      return;
    }
    cleanups.push(() => axon.stop());
    const d = newDendrite();
    const r = await d.query({ ip: '::1', port, hotkey: bob.address }, Echo, { text: 'v6', n: 1 });
    expect(r).toMatchObject({ status: 200, response: { echoed: 'v6' } });
    // the full (uncompressed) form names the same axon
    const full = await d.query({ ip: '0:0:0:0:0:0:0:1', port, hotkey: bob.address }, Echo, { text: 'full', n: 1 });
    expect(full).toMatchObject({ status: 200, response: { echoed: 'full' } });
  });

  it('answers in-memory requests through app.request (no socket)', async () => {
    const axon = createAxon({ signer: bob, blacklist: 'allow-all' });
    const res = await axon.app.request('/Missing', { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(res.headers.get('bt_header_axon_status_code')).toBe('404');
  });
});

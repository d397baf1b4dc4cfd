/**
 * The native node:http path against the hono chain: two axons alike but for `nativePath` get the
 * same requests (every rejection code, a stream, session mode, an unusual target) and must answer
 * with the same status, headers and body, and report the same observer events and stats.
 */
import { connect } from 'node:net';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SubnetkitError } from '../../errors/subnetkit-error.js';
import { ManualClock } from '../../util/clock.js';
import type { Signer } from '../../util/signer.js';
import { type Axon, createAxon } from '../axon.js';
import { SessionClient } from '../session/session-client.js';
import {
  ephemeralKey,
  helloHash,
  helloMessage,
  macMessage,
  macOf,
  SESSION_PATH,
  sessionKey,
} from '../session/session-crypto.js';
import { signedRequest } from '../signed-request.test.helper.js';
import { defineSynapse, type Synapse } from '../synapse.js';

const Echo = defineSynapse({
  name: 'EchoSynapse',
  request: z.object({ text: z.string(), n: z.number().int() }),
  response: z.object({ echoed: z.string(), doubled: z.number().int() }),
});
const Fail = defineSynapse({
  name: 'Fail',
  request: z.object({ kind: z.string() }),
  response: z.object({ ok: z.boolean() }),
});
const Slow = defineSynapse({ name: 'Slow', request: z.object({ n: z.number().int() }), response: z.object({}) });
const Count = defineSynapse({
  name: 'Count',
  request: z.object({ count: z.number().int() }),
  response: z.object({}),
  streaming: { format: 'ndjson' },
});

type Seen = { synapse: string; status: number; hotkey?: string; stage?: string };
type Side = { axon: Axon; url: string; seen: Seen[]; release: () => void; entered: Promise<void> };

const kr = new Keyring({ type: 'sr25519', ss58Format: 42 });
let bob: Signer;
const users: Record<string, Signer> = {};
const sides: Side[] = [];
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  await cryptoWaitReady();
  bob = kr.addFromUri('//Bob');
  for (const u of [
    'ok',
    'replay',
    'blocked',
    'rate',
    'body1',
    'body2',
    'body3',
    'fail1',
    'fail2',
    'fail3',
    'slow',
    'stream',
    'session',
    'lean',
    'lean2',
    'lean3',
    'lean4',
    'leanrate',
  ])
    users[u] = kr.addFromUri(`//native-${u}`);
  for (const nativePath of [true, false]) {
    const seen: Seen[] = [];
    let release = (): void => undefined;
    let entered = (): void => undefined;
    const side = {
      seen,
      release: () => release(),
      entered: new Promise<void>((r) => {
        entered = r;
      }),
    };
    const axon = createAxon({
      signer: bob,
      clock,
      nativePath,
      maxBodyBytes: 4096,
      // the manual clock stands still while the wall-clock nonces move on
      nonce: { maxFutureSkewMs: 600_000 },
      blacklist: (c) => ({ blocked: c.hotkey === users.blocked?.address, reason: 'test block' }),
      rateLimit: { perSecond: 1, burst: 2 },
      concurrency: { maxConcurrent: 1, maxQueue: 0 },
      observer: {
        onResponse: ({ synapse, status, hotkey, stage }) => seen.push({ synapse, status, hotkey, stage }),
      },
    })
      .attach(Echo, (req) => ({ echoed: req.text, doubled: req.n * 2 }))
      .attach(Fail, async (req) => {
        if (req.kind === 'teapot')
          throw new SubnetkitError('SK_PROTOCOL_BAD_REQUEST', 'short and stout', { httpStatus: 418 });
        if (req.kind === 'bad') return { nope: 1 } as never;
        throw new Error('internal detail that must not leak');
      })
      .attach(
        Slow,
        () =>
          new Promise<Record<string, never>>((resolve) => {
            release = () => resolve({});
            entered();
          }),
      )
      .attach(Count, async function* (req) {
        for (let i = 0; i < req.count; i++) yield { i };
      });
    const port = await axon.listen(0, '127.0.0.1');
    sides.push({ ...side, axon, url: `http://127.0.0.1:${port}` });
  }
});
afterAll(async () => {
  for (const s of sides) await s.axon.stop({ drainTimeoutMs: 500 });
});

type Answer = { status: number; headers: Record<string, unknown>; body: string };

async function send(
  url: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
) {
  const res = await request(`${url}${path}`, { method: (init.method ?? 'POST') as 'POST', ...init });
  const body = await res.body.text();
  const headers: Record<string, unknown> = { ...res.headers };
  // per-axon or per-moment values: the date, the axon's instance uuid, a 500's error id
  delete headers.date;
  delete headers.bt_header_axon_uuid;
  delete headers['keep-alive'];
  // error replies echo the caller's port, which differs per connection
  delete headers.bt_header_dendrite_port;
  const id = /#[0-9a-f-]{36}/g;
  const message = headers.bt_header_axon_status_message;
  if (typeof message === 'string') headers.bt_header_axon_status_message = message.replace(id, '#<id>');
  return { status: res.statusCode, headers, body: body.replace(id, '#<id>') } satisfies Answer;
}

/** Sends the same request to both axons (native first) and expects the same answer; returns it. */
async function same(path: string, init: { method?: string; headers?: Record<string, string>; body?: string }) {
  const [a, b] = [await send(sides[0]!.url, path, init), await send(sides[1]!.url, path, init)];
  expect(a).toEqual(b);
  return a;
}

const signed = (
  user: string,
  values: Record<string, unknown>,
  synapse: Synapse = Echo,
  extra: Record<string, string> = {},
) => {
  const r = signedRequest({ signer: users[user]!, axonHotkey: bob.address, synapse, values });
  return { headers: { ...r.headers, ...extra }, body: r.body };
};

describe('the native path answers as the hono chain', () => {
  it('on good and bad signed requests, each rejection code', async () => {
    const ok = signed('ok', { text: 'hi', n: 21 });
    const good = await same('/EchoSynapse', ok);
    expect(good.status).toBe(200);
    expect(JSON.parse(good.body)).toMatchObject({ echoed: 'hi', doubled: 42, text: 'hi', n: 21 });
    // 19-digit nonces come back exact in the echoed headers and body
    expect(good.headers.bt_header_dendrite_nonce).toBe(ok.headers.bt_header_dendrite_nonce);
    expect(good.body).toContain(`"nonce":${ok.headers.bt_header_dendrite_nonce}`);

    const codes: number[] = [good.status];
    const check = async (path: string, init: Parameters<typeof same>[1], status: number) => {
      const r = await same(path, init);
      expect(r.status, `${path} ${r.body}`).toBe(status);
      codes.push(r.status);
      return r;
    };
    await check('/Nope', signed('ok', { text: 'a', n: 1 }), 404);
    await check('/EchoSynapse', { method: 'PUT', ...signed('ok', { text: 'a', n: 1 }) }, 405);
    await check('/EchoSynapse', signed('ok', { text: 'a', n: 1 }, Echo, { timeout: 'soon' }), 400);
    await check('/EchoSynapse', { ...signed('ok', { text: 'a', n: 1 }), body: `{"text":"${'x'.repeat(5000)}"}` }, 413);
    await check('/EchoSynapse', { headers: { 'content-type': 'application/json' }, body: '{}' }, 401);
    const bad = signed('ok', { text: 'a', n: 1 });
    bad.headers.bt_header_dendrite_signature = `0x${'ab'.repeat(64)}`;
    await check('/EchoSynapse', bad, 401);
    const once = signed('replay', { text: 'a', n: 1 });
    await check('/EchoSynapse', once, 200);
    await check('/EchoSynapse', once, 401);
    await check('/EchoSynapse', signed('blocked', { text: 'a', n: 1 }), 403);
    await check('/EchoSynapse', signed('rate', { text: 'a', n: 1 }), 200);
    await check('/EchoSynapse', signed('rate', { text: 'b', n: 2 }), 200);
    await check('/EchoSynapse', signed('rate', { text: 'c', n: 3 }), 429);
    await check('/EchoSynapse', { ...signed('body1', { text: 'a', n: 1 }), body: '{"text": "a", n: 1' }, 422);
    await check('/EchoSynapse', { ...signed('body2', { text: 'a', n: 1 }), body: '{"text": "a", "n": "one"}' }, 422);
    await check('/EchoSynapse', { ...signed('body3', { text: 'a', n: 1 }), body: '{"text": "b", "n": 1}' }, 400);
    await check('/Fail', signed('fail1', { kind: 'teapot' }, Fail), 418);
    const leak = await check('/Fail', signed('fail2', { kind: 'boom' }, Fail), 500);
    expect(leak.body).not.toContain('internal detail');
    await check('/Fail', signed('fail3', { kind: 'bad' }, Fail), 500);
    // an unusual target goes through hono on both
    await check('/EchoSynapse?x=1', signed('ok', { text: 'q', n: 3 }), 200);
    expect(new Set(codes)).toEqual(new Set([200, 400, 401, 403, 404, 405, 413, 422, 429, 418, 500]));
  });

  it('on a full queue (503), a stream, and the observer events and stats', async () => {
    const slow = signed('slow', { n: 1 }, Slow);
    const queued = signed('slow', { text: 'a', n: 1 });
    for (const side of sides) {
      // the one slot is taken by a handler that waits: the next request finds the queue full
      const first = send(side.url, '/Slow', slow);
      await side.entered;
      const busy = await send(side.url, '/EchoSynapse', queued);
      side.release();
      expect((await first).status).toBe(200);
      (side as Side & { busy?: Answer }).busy = busy;
    }
    const [na, hb] = sides as [Side & { busy?: Answer }, Side & { busy?: Answer }];
    expect(na.busy?.status).toBe(503);
    expect(na.busy).toEqual(hb.busy);

    const stream = await same('/Count', signed('stream', { count: 3 }, Count));
    expect(stream.status).toBe(200);
    expect(stream.body).toBe('{"i":0}\n{"i":1}\n{"i":2}\n');

    expect(na.seen.length).toBeGreaterThan(20);
    expect(na.seen).toEqual(hb.seen);
    const { connections: _a, ...statsA } = na.axon.stats();
    const { connections: _b, ...statsB } = hb.axon.stats();
    expect(statsA).toEqual(statsB);
    expect(statsA.inFlight).toBe(0);
  });

  it('in session mode: a good request, a replayed counter, a bad MAC, an unknown session', async () => {
    const signer = users.session!;
    const answers: Answer[][] = [];
    for (const side of sides) {
      const eph = ephemeralKey();
      const hello = {
        dendriteHotkey: signer.address,
        axonHotkey: bob.address,
        nonce: BigInt(clock.now()) * 1_000_000n + BigInt(answers.length),
        clientPub: eph.pub,
      };
      const hs = await request(`${side.url}${SESSION_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          dendrite_hotkey: signer.address,
          axon_hotkey: bob.address,
          nonce: String(hello.nonce),
          client_pub: eph.pub,
          signature: `0x${Buffer.from(signer.sign(helloMessage(hello))).toString('hex')}`,
        }),
      });
      const w = (await hs.body.json()) as { session: string; server_pub: string };
      expect(hs.statusCode).toBe(200);
      const key = sessionKey(eph.secret, w.server_pub, helloHash(hello));
      if (!key) throw new Error('no session key');
      const sessionReq = (seq: number, n: number, mac?: string, id = w.session) => {
        const r = signed('session', { text: 's', n });
        const { bt_header_dendrite_signature: _, ...headers } = r.headers;
        const m = macOf(
          key,
          macMessage({
            seq,
            nonce: BigInt(headers.bt_header_dendrite_nonce as string),
            dendriteHotkey: signer.address,
            axonHotkey: bob.address,
            uuid: headers.bt_header_dendrite_uuid as string,
            bodyHash: headers.computed_body_hash as string,
          }),
        );
        return {
          headers: { ...headers, sk_session: id, sk_session_seq: String(seq), sk_session_mac: mac ?? m },
          body: r.body,
        };
      };
      answers.push([
        await send(side.url, '/EchoSynapse', sessionReq(1, 1)),
        await send(side.url, '/EchoSynapse', sessionReq(1, 2)),
        await send(side.url, '/EchoSynapse', sessionReq(2, 3, 'ab'.repeat(32))),
        await send(side.url, '/EchoSynapse', sessionReq(3, 4, undefined, 'f'.repeat(32))),
      ]);
    }
    // the bodies echo each request's own nonce: compare them without it
    const strip = (a: Answer) => ({
      ...a,
      body: a.body.replace(/"nonce":\d+/g, ''),
      headers: { ...a.headers, bt_header_dendrite_nonce: 0 },
    });
    expect(answers[0]!.map(strip)).toEqual(answers[1]!.map(strip));
    expect(answers[0]!.map((a) => a.status)).toEqual([200, 401, 401, 401]);
    expect(answers[0]![0]!.headers.sk_session_mode).toBe('v1');
  });
});

describe('the native path answers lean session requests as the hono chain', () => {
  it('on each lean rejection code, with lean replies (no bt headers)', async () => {
    const agent = new Agent();
    let nonce = BigInt(clock.now()) * 1_000_000n + 1_000n;
    const answers: Answer[][] = [];
    try {
      for (const side of sides) {
        const open = async (user: string) => {
          const c = new SessionClient(
            users[user]!,
            clock,
            () => agent,
            () => ++nonce,
          );
          expect(await c.open(side.url, bob.address)).toBe(true);
          return (synapse: string, body: unknown, timeoutS?: number) => {
            const r = c.leanRequest(side.url, {
              axonHotkey: bob.address,
              synapse,
              body: JSON.stringify(body),
              timeoutS,
            });
            if (!r) throw new Error('no lean session');
            return r;
          };
        };
        const lean = await open('lean');
        const blocked = await open('blocked');
        const rate = await open('leanrate');
        // the rate limit (burst 2, the manual clock never refills it) counts per hotkey
        const [lean2, lean3, lean4] = [await open('lean2'), await open('lean3'), await open('lean4')];
        const once = lean('EchoSynapse', { text: 'a', n: 1 });
        const timed = lean('EchoSynapse', { text: 't', n: 1 });
        answers.push([
          await send(side.url, '/EchoSynapse', lean('EchoSynapse', { text: 'hi', n: 21 })),
          await send(side.url, '/EchoSynapse', once),
          await send(side.url, '/EchoSynapse', once),
          await send(side.url, '/EchoSynapse', { ...timed, headers: { ...timed.headers, sk_timeout: 'soon' } }),
          await send(side.url, '/EchoSynapse', { ...timed, body: timed.body.replace('"t"', '"u"') }),
          await send(side.url, '/EchoSynapse', { ...timed, headers: { ...timed.headers, sk_session: 'f'.repeat(32) } }),
          await send(side.url, '/Nope', lean('Nope', {})),
          await send(side.url, '/EchoSynapse', { method: 'PUT', ...lean('EchoSynapse', { text: 'a', n: 1 }) }),
          await send(side.url, '/EchoSynapse', lean('EchoSynapse', { text: 'x'.repeat(5000), n: 1 })),
          await send(side.url, '/EchoSynapse', lean2('EchoSynapse', { text: 'a', n: 'one' })),
          await send(side.url, '/EchoSynapse', blocked('EchoSynapse', { text: 'a', n: 1 })),
          await send(side.url, '/EchoSynapse', rate('EchoSynapse', { text: 'a', n: 1 })),
          await send(side.url, '/EchoSynapse', rate('EchoSynapse', { text: 'a', n: 2 })),
          await send(side.url, '/EchoSynapse', rate('EchoSynapse', { text: 'a', n: 3 })),
          await send(side.url, '/Fail', lean3('Fail', { kind: 'teapot' })),
          await send(side.url, '/Fail', lean3('Fail', { kind: 'boom' })),
          await send(side.url, '/Count', lean4('Count', { count: 2 })),
        ]);
      }
    } finally {
      await agent.close();
    }
    expect(answers[0]).toEqual(answers[1]);
    const got = answers[0]!;
    expect(got.map((a) => a.status)).toEqual([
      200, 200, 401, 400, 401, 401, 404, 405, 413, 422, 403, 200, 200, 429, 418, 500, 200,
    ]);
    expect(got[0]!.body).toBe('{"echoed":"hi","doubled":42}');
    expect(got[16]!.body).toBe('{"i":0}\n{"i":1}\n');
    for (const a of got) expect(Object.keys(a.headers).filter((k) => k.startsWith('bt_header_'))).toEqual([]);
    expect(JSON.parse(got[2]!.body)).toEqual({ message: 'Not Verified with error: Session counter replayed' });
    expect(JSON.parse(got[4]!.body)).toEqual({ message: 'Not Verified with error: Session MAC mismatch' });
  });
});

describe('aborts that come after a stage started waiting', () => {
  it.each([true, false])(
    'answer 408 for a body still arriving and for a handler that ignores its signal (native %s)',
    async (nativePath) => {
      const signer = kr.addFromUri(`//native-deadline-${nativePath}`);
      let started!: () => void;
      const running = new Promise<void>((r) => {
        started = r;
      });
      const axon = createAxon({ signer: bob, blacklist: 'allow-all', nativePath, maxTimeoutMs: 300 })
        .attach(Echo, (req) => ({ echoed: req.text, doubled: req.n * 2 }))
        // never settles and never reads ctx.signal: only the deadline ends it
        .attach(Slow, () => {
          started();
          return new Promise<Record<string, never>>(() => undefined);
        });
      const port = await axon.listen(0, '127.0.0.1');
      try {
        // headers and half the body, then nothing: the deadline fires while the body stage waits
        const r = signedRequest({ signer, axonHotkey: bob.address, synapse: Echo, values: { text: 'a', n: 1 } });
        const head = Object.entries({ ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) })
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('');
        const answer = await new Promise<string>((resolve, reject) => {
          let text = '';
          const sock = connect(port, '127.0.0.1', () =>
            sock.write(`POST /EchoSynapse HTTP/1.1\r\nhost: x\r\n${head}\r\n${r.body.slice(0, 10)}`),
          );
          sock.setEncoding('utf8');
          sock.on('data', (d: string) => {
            text += d;
          });
          sock.on('error', reject);
          // the axon closes the connection after a 408 (the rest of the body cannot be resumed)
          sock.on('close', () => resolve(text));
        });
        expect(answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(answer).toMatch(/connection: close/i);

        const slow = send(`http://127.0.0.1:${port}`, '/Slow', signed('slow', { n: 2 }, Slow));
        await running;
        expect((await slow).status).toBe(408);
        expect(axon.stats().inFlight).toBe(0);
        expect(axon.stats().rejected[408]).toBe(2);
      } finally {
        await axon.stop({ drainTimeoutMs: 100 });
      }
    },
  );
});

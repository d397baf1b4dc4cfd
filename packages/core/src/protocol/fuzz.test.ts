import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRandom, type Random } from '../util/random.js';
import type { Signer } from '../util/signer.js';
import { type Axon, createAxon } from './axon.js';
import { Dendrite } from './dendrite.js';
import { freshNonce, signedRequest } from './signed-request.test.helper.js';
import { defineSynapse } from './synapse.js';

// Bad-input fuzzing against a real axon on 127.0.0.1: >= 10,000 malformed requests, each must get
// its expected status, valid requests keep working throughout, and internal state stays bounded.

const Echo = defineSynapse({
  name: 'EchoSynapse',
  request: z.object({ text: z.string(), n: z.number().int() }),
  response: z.object({ echoed: z.string(), doubled: z.number().int() }),
});
const MAX_BODY = 16 * 1024;
const NONCE_ENTRIES = 64;

type Expect = number | 'closed';
interface HttpCase {
  kind: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body: string | Readable;
  expect: readonly Expect[];
}
interface RawCase {
  kind: string;
  chunks: (string | Buffer)[];
  gapMs?: number;
  end?: boolean;
  expect: readonly Expect[];
}

let alice: Signer;
let bob: Signer;
let axon: Axon;
let port: number;
let pool: Pool;

beforeAll(async () => {
  await cryptoWaitReady();
  const kr = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = kr.addFromUri('//Alice');
  bob = kr.addFromUri('//Bob');
  axon = createAxon({
    signer: bob,
    blacklist: 'allow-all',
    maxBodyBytes: MAX_BODY,
    rateLimit: false,
    headersTimeoutMs: 1_000,
    nonce: { maxEntries: NONCE_ENTRIES },
  }).attach(Echo, async (req) => ({ echoed: req.text, doubled: req.n * 2 }));
  port = await axon.listen(0, '127.0.0.1');
  pool = new Pool(`http://127.0.0.1:${port}`, { connections: 8 });
});

afterAll(async () => {
  await pool.close();
  await axon.stop({ drainTimeoutMs: 2_000 });
});

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const PRINTABLE = `${ALNUM} !#$%&'()*+,-./:;<=>?@[]^_\`{|}~"`;
function str(r: Random, n: number, alphabet = ALNUM): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[r.int(0, alphabet.length - 1)];
  return s;
}
function letters(r: Random): string {
  return `x${str(r, r.int(0, 12), 'abcdefghijklmnopqrstuvwxyz')}`;
}
function without(h: Record<string, string>, ...keys: string[]): Record<string, string> {
  const o = { ...h };
  for (const k of keys) delete o[k];
  return o;
}

function buildCases(r: Random): {
  http: (() => HttpCase)[];
  raw: (() => RawCase)[];
  template: ReturnType<typeof signedRequest>;
} {
  const template = signedRequest({
    signer: alice,
    axonHotkey: bob.address,
    synapse: Echo,
    values: { text: 't', n: 1 },
  });
  const T = template.headers;
  // cases are built when sent, so signed ones carry fresh nonces
  const http: (() => HttpCase)[] = [];
  const add = (kind: string, n: number, make: () => Omit<HttpCase, 'kind'>): void => {
    for (let i = 0; i < n; i++) http.push(() => ({ kind, ...make() }));
  };
  const post = (headers: Record<string, string>, body: string | Readable, expect: Expect[]) => ({
    method: 'POST' as const,
    path: '/EchoSynapse',
    headers,
    body,
    expect,
  });
  const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

  add('unknown-route', 2000, () => ({
    method: r.next() < 0.5 ? 'GET' : 'POST',
    path: `/${str(r, r.int(1, 30))}Z`,
    headers: r.next() < 0.5 ? T : {},
    body: r.next() < 0.5 ? template.body : str(r, r.int(0, 200), PRINTABLE),
    expect: [404],
  }));
  const intFields = [
    'bt_header_dendrite_nonce',
    'bt_header_dendrite_version',
    'bt_header_dendrite_port',
    'bt_header_axon_port',
    'bt_header_axon_status_code',
  ];
  add('non-integer-terminal-header', 1000, () => post({ ...T, [r.pick(intFields)]: letters(r) }, template.body, [400]));
  add('bad-timeout', 500, () =>
    post({ ...T, timeout: r.pick(['abc', '-1', '0', 'nan', 'inf', '1e', '', letters(r)]) }, template.body, [400]),
  );
  add('bad-size-header', 300, () =>
    post({ ...T, [r.pick(['header_size', 'total_size'])]: `${letters(r)}.5` }, template.body, [400]),
  );
  add('random-headers-no-hotkey', 1300, () => {
    const h: Record<string, string> = {};
    for (let i = r.int(0, 8); i > 0; i--) h[`x_${letters(r)}`] = str(r, r.int(0, 40), PRINTABLE);
    for (let i = r.int(0, 3); i > 0; i--)
      h[`bt_header_dendrite_${r.pick(['ip', 'uuid', 'signature', 'junk'])}`] = str(r, r.int(1, 40));
    return post(h, str(r, r.int(0, 300), PRINTABLE), [401]);
  });
  add('malformed-hotkey', 700, () =>
    post({ ...T, bt_header_dendrite_hotkey: str(r, r.int(1, 60)) }, template.body, [401]),
  );
  add('missing-auth-field', 600, () =>
    post(
      without(T, r.pick(['bt_header_dendrite_nonce', 'bt_header_dendrite_uuid', 'bt_header_dendrite_signature'])),
      template.body,
      [401],
    ),
  );
  add('bad-input-obj-header', 300, () =>
    post({ ...T, bt_header_input_obj_text: r.pick(['%%%', '!!', 'bm90IGpzb24=', 'eyJ']) }, template.body, [400]),
  );
  add('replayed-nonce', 1500, () => post(T, r.next() < 0.5 ? template.body : '{}', [401]));
  add('stale-nonce', 500, () =>
    post(
      {
        ...T,
        bt_header_dendrite_nonce: String(nowNs() - BigInt(r.int(30, 10_000)) * 1_000_000_000n),
        bt_header_dendrite_uuid: str(r, 12),
      },
      template.body,
      [401],
    ),
  );
  add('future-nonce', 500, () =>
    post(
      {
        ...T,
        bt_header_dendrite_nonce: String(nowNs() + BigInt(r.int(30, 10_000)) * 1_000_000_000n),
        bt_header_dendrite_uuid: str(r, 12),
      },
      template.body,
      [401],
    ),
  );
  add('declared-oversized-body', 40, () =>
    post({ ...T, bt_header_dendrite_uuid: str(r, 12) }, 'y'.repeat(MAX_BODY + r.int(1, 4096)), [413]),
  );
  // signature-bearing cases: each costs a real sr25519 verification on the axon
  add('forged-signature', 100, () =>
    post(
      {
        ...T,
        bt_header_dendrite_nonce: String(freshNonce()),
        bt_header_dendrite_uuid: str(r, 12),
        bt_header_dendrite_signature: `0x${randomBytes(64).toString('hex')}`,
      },
      template.body,
      [401],
    ),
  );
  const signed = (values: Record<string, unknown>) =>
    signedRequest({ signer: alice, axonHotkey: bob.address, synapse: Echo, values, uuid: str(r, 16) });
  add('signed-bad-json', 60, () => {
    const s = signed({ text: 'a', n: 1 });
    return post(s.headers, r.pick(['{"text": ', '{text: 1}', 'nul', '{"a":1}}', str(r, 30, PRINTABLE)]), [422]);
  });
  add('signed-truncated-json', 40, () => {
    const s = signed({ text: str(r, 50), n: 2 });
    return post(s.headers, s.body.slice(0, r.int(1, s.body.length - 1)), [422]);
  });
  add('signed-wrong-types', 60, () => {
    const s = signed({ text: 'a', n: 1 });
    const body = r.pick([
      { text: 5, n: 1 },
      { text: 'a', n: '1' },
      { text: 'a', n: 1.5 },
      { text: 'a' },
      { n: 1 },
      { text: null, n: 1 },
    ]);
    return post(s.headers, JSON.stringify(body), [422]);
  });
  add('signed-not-object', 40, () =>
    post(signed({ text: 'a', n: 1 }).headers, r.pick(['[1,2]', '"x"', '7', 'null', 'true']), [422]),
  );
  add('signed-wrong-hash', 60, () => {
    const s = signed({ text: 'a', n: 1 });
    return post(s.headers, JSON.stringify({ text: `b${str(r, 5)}`, n: r.int(2, 100) }), [400]);
  });
  add('signed-oversized-chunked', 40, () => {
    const s = signed({ text: 'a', n: 1 });
    const chunk = new Uint8Array(4096).fill(32);
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 8; i++) yield chunk;
      })(),
    );
    return post(without(s.headers, 'content-length'), body, [413, 'closed']);
  });

  const raw: (() => RawCase)[] = [];
  const headText = (h: Record<string, string>, extra: Record<string, string>) =>
    `POST /EchoSynapse HTTP/1.1\r\nhost: 127.0.0.1\r\n${Object.entries({ ...h, ...extra })
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n')}\r\n\r\n`;
  for (let i = 0; i < 300; i++)
    raw.push(() => ({
      kind: 'garbage-bytes',
      chunks: [Buffer.concat([Buffer.from('\x01\x02 '), randomBytes(r.int(1, 200))]), '\r\n\r\n'],
      expect: [400, 'closed'],
    }));
  for (let i = 0; i < 100; i++) {
    raw.push(() => ({
      kind: 'truncated-unsigned',
      chunks: [
        headText(without(T, 'bt_header_dendrite_signature'), { 'content-length': '500', connection: 'close' }),
        'x'.repeat(r.int(0, 100)),
      ],
      end: true,
      expect: [401],
    }));
  }
  for (let i = 0; i < 20; i++) {
    raw.push(() => {
      const s = signed({ text: 'a', n: 1 });
      return {
        kind: 'truncated-signed',
        chunks: [headText(s.headers, { 'content-length': '500', timeout: '1.0' }), s.body.slice(0, 50)],
        end: true,
        expect: ['closed', 400, 408],
      };
    });
  }
  for (let i = 0; i < 10; i++) {
    raw.push(() => {
      const s = signed({ text: 'a', n: 1 });
      const drip = Array.from({ length: 60 }, () => 'x');
      return {
        kind: 'slow-loris-body',
        chunks: [headText({ ...s.headers, timeout: '0.3' }, { 'content-length': '1000' }), ...drip],
        gapMs: 50,
        expect: [408],
      };
    });
  }
  for (let i = 0; i < 10; i++) {
    const lines = ['POST /EchoSynapse HTTP/1.1\r\n', ...Array.from({ length: 40 }, (_, j) => `x_slow_${j}: ${j}\r\n`)];
    raw.push(() => ({ kind: 'slow-loris-headers', chunks: lines, gapMs: 200, expect: [408, 'closed'] }));
  }
  return { http, raw, template };
}

async function sendHttp(c: HttpCase): Promise<Expect> {
  try {
    const res = await pool.request({
      method: c.method,
      path: c.path,
      headers: c.headers,
      body: c.method === 'GET' ? undefined : c.body,
    });
    await res.body.dump();
    return res.statusCode;
  } catch {
    return 'closed';
  }
}

function sendRaw(c: RawCase): Promise<Expect> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let data = '';
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    const writeNext = (): void => {
      if (sock.destroyed || i >= c.chunks.length) {
        if (c.end && !sock.destroyed) sock.end();
        return;
      }
      sock.write(c.chunks[i++] as string | Buffer);
      if (c.gapMs) timer = setTimeout(writeNext, c.gapMs);
      else writeNext();
    };
    sock.on('connect', writeNext);
    sock.on('data', (d) => {
      data += d.toString('latin1');
      // one response is enough: stop dripping and close
      if (/^HTTP\/1\.1 \d{3}/.test(data)) sock.destroy();
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      resolve(m ? Number(m[1]) : 'closed');
    });
  });
}

async function runAll<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        await fn(items[i] as T, i);
      }
    }),
  );
}

describe('axon under malformed traffic', () => {
  it('answers >= 10,000 malformed requests with the right status and keeps serving', {
    tags: ['slow'],
  }, async () => {
    const r = createRandom('axon-fuzz-1');
    const dendrite = new Dendrite({ signer: alice });
    const target = { ip: '127.0.0.1', port, hotkey: bob.address };
    const rssBefore = process.memoryUsage().rss;
    const { http, raw, template } = buildCases(r);
    // the template is accepted once; every later use of its nonce is a replay
    expect(
      await sendHttp({
        kind: 'first',
        method: 'POST',
        path: '/EchoSynapse',
        headers: template.headers,
        body: template.body,
        expect: [200],
      }),
    ).toBe(200);
    const cases = r.shuffle(http);
    expect(cases.length + raw.length).toBeGreaterThanOrEqual(10_000);

    const mismatches: string[] = [];
    const byKind = new Map<string, number>();
    const record = (kind: string, got: Expect, want: readonly Expect[]): void => {
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      if (!want.includes(got)) mismatches.push(`${kind}: got ${got}, want ${want.join('|')}`);
    };
    const probes: number[] = [];
    const slowest = new Map<string, number>();
    const timed = async (
      c: { kind: string; expect: readonly Expect[] },
      send: () => Promise<Expect>,
    ): Promise<void> => {
      const t0 = performance.now();
      const got = await send();
      slowest.set(c.kind, Math.max(slowest.get(c.kind) ?? 0, performance.now() - t0));
      record(c.kind, got, c.expect);
    };
    const rawRun = runAll(raw, 16, async (make) => {
      const c = make();
      await timed(c, () => sendRaw(c));
    });
    await runAll(cases, 16, async (make, i) => {
      const c = make();
      await timed(c, () => sendHttp(c));
      if (i % 1000 === 0) probes.push((await dendrite.query(target, Echo, { text: 'ok', n: i })).status);
    });
    await rawRun;
    probes.push((await dendrite.query(target, Echo, { text: 'ok', n: -1 })).status);
    await dendrite.close();
    if (process.env.FUZZ_DEBUG)
      console.log(JSON.stringify(Object.fromEntries(slowest)), JSON.stringify(Object.fromEntries(byKind)));

    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(probes.every((s) => s === 200)).toBe(true);
    expect(probes.length).toBeGreaterThanOrEqual(10);
    const stats = axon.stats();
    expect(stats.inFlight).toBe(0);
    expect(stats.queued).toBe(0);
    expect(stats.nonceEntries).toBeLessThanOrEqual(NONCE_ENTRIES);
    // generous: the test process holds the cases and both ends of every connection
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * 1024 * 1024);
  });
});

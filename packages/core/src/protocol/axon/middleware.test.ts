/** Each axon middleware alone, through hono's `app.request` (no socket): what it sets and how it rejects. */
import { Hono, type MiddlewareHandler } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SubnetkitError } from '../../errors/subnetkit-error.js';
import { ManualClock } from '../../util/clock.js';
import { initCrypto } from '../../wallet/crypto-ready.js';
import { Keypair } from '../../wallet/keypair.js';
import { PriorityGate, RateLimiter } from '../admission.js';
import { NonceGuard } from '../nonce-guard.js';
import { signedRequest } from '../signed-request.test.helper.js';
import { signText } from '../signing.js';
import { defineSynapse } from '../synapse.js';
import { axonBlacklist, metagraphScreen } from './blacklist.js';
import { axonBody } from './body.js';
import { axonForward } from './forward.js';
import { axonErrorHandler } from './on-error.js';
import { axonHeaders } from './parse-headers.js';
import { axonPriority } from './priority.js';
import { axonRateLimit } from './rate-limit.js';
import { raceAbort } from './reject.js';
import { axonRoute } from './route.js';
import type { AxonEnv, AxonObserver, AxonRoute, AxonState } from './types.js';
import { axonVerify } from './verify.js';
import { VerifyBatcher } from './verify-batch.js';

const Echo = defineSynapse({
  name: 'EchoSynapse',
  request: z.object({ text: z.string(), n: z.number().int() }),
  response: z.object({ echoed: z.string(), doubled: z.number().int() }),
});
const echoRoute: AxonRoute = {
  synapse: Echo,
  handler: (req) => {
    const r = req as { text: string; n: number };
    return { echoed: r.text, doubled: r.n * 2 };
  },
};
let alice: Keypair;
let bob: Keypair;
beforeAll(async () => {
  await initCrypto();
  alice = Keypair.fromUri('//Alice');
  bob = Keypair.fromUri('//Bob');
});

/** `route`, then `stages`, then a terminal handler that shows the state the stages left. */
function chain(
  stages: MiddlewareHandler<AxonEnv>[],
  o: { clock?: ManualClock; routes?: Map<string, AxonRoute>; observer?: AxonObserver; draining?: boolean } = {},
) {
  const clock = o.clock ?? new ManualClock();
  const app = new Hono<AxonEnv>();
  app.onError(
    axonErrorHandler({ hotkey: bob.address, uuid: 'u', version: 1, now: () => clock.now(), draining: () => false }),
  );
  app.use(
    axonRoute({
      routes: o.routes ?? new Map([['EchoSynapse', echoRoute]]),
      clock,
      observer: o.observer,
      draining: () => o.draining ?? false,
    }),
  );
  for (const m of stages) app.use(m);
  app.all('*', (c) => {
    const s = c.var.axon;
    s.status = 200;
    return c.json({ hotkey: s.hotkey ?? null, nonce: String(s.dendrite.nonce), request: s.request ?? null });
  });
  return app;
}

/** Seeds what an earlier stage would have set. */
const seed =
  (fn: (s: AxonState) => void): MiddlewareHandler<AxonEnv> =>
  async (c, next) => {
    fn(c.var.axon);
    await next();
  };
const verified = seed((s) => {
  s.hotkey = alice.address;
  s.caller = { hotkey: alice.address, synapse: 'EchoSynapse', ip: '127.0.0.1' };
});

const signed = (values: Record<string, unknown> = { text: 'hi', n: 2 }) =>
  signedRequest({ signer: alice, axonHotkey: bob.address, synapse: Echo, values });
const post = (app: Hono<AxonEnv>, r: { headers: Record<string, string>; body: string }, path = '/EchoSynapse') =>
  app.request(path, { method: 'POST', headers: r.headers, body: r.body });
const messageOf = async (res: Response) => ((await res.json()) as { message: string }).message;

describe('axonRoute', () => {
  it('answers unknown synapses 404, other methods 405, draining 503, and reports each to the observer', async () => {
    const seen: { synapse: string; status: number; stage?: string }[] = [];
    const observer: AxonObserver = {
      onResponse: (i) => seen.push({ synapse: i.synapse, status: i.status, stage: i.stage }),
    };
    const app = chain([], { observer });
    const missing = await app.request('/Nope', { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('bt_header_axon_status_code')).toBe('404');
    expect(await messageOf(missing)).toBe("Synapse name 'Nope' not found. Available synapses ['EchoSynapse']");
    expect((await app.request('/EchoSynapse', { method: 'PUT' })).status).toBe(405);
    expect((await app.request('/EchoSynapse', { method: 'POST' })).status).toBe(200);
    expect((await chain([], { draining: true }).request('/EchoSynapse', { method: 'POST' })).status).toBe(503);
    expect(seen).toEqual([
      { synapse: 'Nope', status: 404, stage: 'route' },
      { synapse: 'EchoSynapse', status: 405, stage: 'route' },
      { synapse: 'EchoSynapse', status: 200, stage: undefined },
    ]);
  });
});

describe('axonHeaders', () => {
  it('keeps the 19-digit nonce exact, and rejects bad headers 400 and declared oversize bodies 413', async () => {
    const app = chain([axonHeaders({ maxBodyBytes: 100 })]);
    const r = signed();
    const ok = await app.request('/EchoSynapse', { method: 'POST', headers: r.headers });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { nonce: string }).nonce).toBe(String(r.nonce));
    const bad = await app.request('/EchoSynapse', { method: 'POST', headers: { ...r.headers, timeout: 'soon' } });
    expect(bad.status).toBe(400);
    expect(await messageOf(bad)).toMatch(/^Improperly formatted request\. Could not parse headers \(timeout/);
    const big = await app.request('/EchoSynapse', {
      method: 'POST',
      headers: { ...r.headers, 'content-length': '101' },
      body: 'x'.repeat(101),
    });
    expect(big.status).toBe(413);
  });
});

describe('axonVerify', () => {
  const make = (screen?: (hk: string) => { blocked: boolean; reason?: string }) =>
    chain([
      axonHeaders(),
      axonVerify({ axonHotkey: bob.address, nonces: new NonceGuard(new ManualClock(Date.now())), screen }),
    ]);

  it('accepts a signed request once: replay, tamper, wrong axon and missing signature are 401', async () => {
    const app = make();
    const r = signed();
    const ok = await post(app, r);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { hotkey: string }).hotkey).toBe(alice.address);
    expect(await messageOf(await post(app, r))).toMatch(/^Not Verified with error: Nonce is too old/);
    const t = signed();
    const tampered = { ...t, headers: { ...t.headers, computed_body_hash: 'ab'.repeat(32) } };
    expect(await messageOf(await post(app, tampered))).toMatch(/^Not Verified with error: Signature mismatch/);
    const other = signedRequest({
      signer: alice,
      axonHotkey: alice.address,
      synapse: Echo,
      values: { text: 'x', n: 1 },
    });
    expect((await post(app, other)).status).toBe(401);
    const u = signed();
    const { bt_header_dendrite_signature: _, ...unsigned } = u.headers;
    expect(await messageOf(await post(app, { headers: unsigned, body: u.body }))).toBe(
      'Not Verified with error: Missing signature',
    );
  });

  it('screens keys out with 403 before spending a verification', async () => {
    const app = make(metagraphScreen({ neurons: () => ({ registered: true, stake: 5n }), minStake: 10n }));
    const res = await post(app, signed());
    expect(res.status).toBe(403);
    expect(await messageOf(res)).toBe('Forbidden. Key is blacklisted: Stake below 10.');
  });
});

describe('VerifyBatcher', () => {
  it('answers each request of a batch with its own result, and batched verify still refuses tampering', async () => {
    const b = new VerifyBatcher();
    const msg = 'hello';
    const sig = signText(alice, msg);
    const results = await Promise.all([
      b.verify(msg, sig, alice.publicKey, true),
      b.verify(`${msg}!`, sig, alice.publicKey, true),
      b.verify(msg, sig, bob.publicKey, true),
      b.verify(msg, sig, alice.publicKey, false),
    ]);
    expect(results).toEqual([true, false, false, true]);
    const app = chain([
      axonHeaders(),
      axonVerify({ axonHotkey: bob.address, nonces: new NonceGuard(new ManualClock(Date.now())), batch: true }),
    ]);
    const r = signed();
    const t = signed();
    const [ok, bad] = await Promise.all([
      post(app, r),
      post(app, { ...t, headers: { ...t.headers, computed_body_hash: 'cd'.repeat(32) } }),
    ]);
    expect([ok.status, bad.status]).toEqual([200, 401]);
  });
});

describe('axonBlacklist', () => {
  it('blocks with the hook reason, counts a throwing hook as blocked, and passes allowed callers', async () => {
    const block = chain([verified, axonBlacklist(() => ({ blocked: true, reason: 'not today' }))]);
    const res = await block.request('/EchoSynapse', { method: 'POST' });
    expect(res.status).toBe(403);
    expect(await messageOf(res)).toBe('Forbidden. Key is blacklisted: not today.');
    const boom = chain([
      verified,
      axonBlacklist(() => {
        throw new Error('boom');
      }),
    ]);
    expect(await messageOf(await boom.request('/EchoSynapse', { method: 'POST' }))).toBe(
      'Forbidden. Key is blacklisted: blacklist check failed.',
    );
    const allow = chain([verified, axonBlacklist((c) => ({ blocked: c.hotkey !== alice.address }))]);
    expect((await allow.request('/EchoSynapse', { method: 'POST' })).status).toBe(200);
  });
});

describe('axonRateLimit', () => {
  it('answers 429 once the hotkey bucket is empty', async () => {
    const app = chain([verified, axonRateLimit(new RateLimiter(new ManualClock(), { perSecond: 1, burst: 2 }))]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.request('/EchoSynapse', { method: 'POST' })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('axonPriority', () => {
  it('answers 503 when the queue is full and 408 when the deadline passes while queued work waits', async () => {
    const clock = new ManualClock();
    const gate = new PriorityGate(1, 0);
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const app = chain(
      [
        verified,
        seed((s) => {
          s.timeoutS = 1;
          s.deadline = s.startMs + 1_000;
        }),
        axonPriority({ gate, clock }),
        async (c, next) => {
          // the first request holds the only slot until the test releases it
          if (c.req.header('x-hold')) await raceAbort(held, c.var.axon.abort.signal);
          await next();
        },
      ],
      { clock },
    );
    const first = app.request('/EchoSynapse', { method: 'POST', headers: { 'x-hold': '1' } });
    await Promise.resolve();
    const busy = await app.request('/EchoSynapse', { method: 'POST' });
    expect(busy.status).toBe(503);
    expect(await messageOf(busy)).toBe('Service busy: request queue is full');
    clock.advance(1_000);
    const timedOut = await first;
    expect(timedOut.status).toBe(408);
    expect(await messageOf(timedOut)).toBe('Response timeout after: 1s');
    release();
    expect(gate.running).toBe(0);
  });
});

describe('axonBody', () => {
  it('parses and validates the body, and rejects bad JSON 422, schema 422 and hash mismatch 400', async () => {
    const app = chain([axonHeaders(), axonBody()]);
    const r = signed({ text: 'hi', n: 3 });
    const ok = await post(app, r);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { request: unknown }).request).toEqual({ text: 'hi', n: 3 });
    expect((await post(app, { ...r, body: '{nope' })).status).toBe(422);
    const wrongType = await post(app, { ...r, body: r.body.replace('"n":3', '"n":"3"') });
    expect(wrongType.status).toBe(422);
    expect(await messageOf(wrongType)).toMatch(/^Invalid request body: n:/);
    const other = await post(app, { ...r, body: r.body.replace('"n":3', '"n":4') });
    expect(other.status).toBe(400);
    expect(await messageOf(other)).toBe('Body hash mismatch: the body does not match the signed computed_body_hash');
  });
});

describe('axonForward', () => {
  const forwardApp = (handler: AxonRoute['handler']) => {
    const app = new Hono<AxonEnv>();
    const clock = new ManualClock();
    app.onError(
      axonErrorHandler({ hotkey: bob.address, uuid: 'u', version: 1, now: () => clock.now(), draining: () => false }),
    );
    app.use(axonRoute({ routes: new Map([['EchoSynapse', { synapse: Echo, handler }]]), clock }));
    app.use(verified);
    app.use(
      seed((s) => {
        s.timeoutS = 12;
        s.body = { text: 'hi', n: 2, dendrite: {} };
        s.request = { text: 'hi', n: 2 };
      }),
    );
    app.all('*', axonForward({ clock }));
    return app;
  };

  it('answers 200 with the synapse body and bt headers, 500 for a bad answer, and passes typed statuses', async () => {
    const ok = await forwardApp(echoRoute.handler).request('/EchoSynapse', { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('bt_header_axon_status_code')).toBe('200');
    expect(await ok.json()).toMatchObject({ name: 'EchoSynapse', text: 'hi', n: 2, echoed: 'hi', doubled: 4 });
    const bad = await forwardApp(() => ({ echoed: 1 })).request('/EchoSynapse', { method: 'POST' });
    expect(bad.status).toBe(500);
    expect(await messageOf(bad)).toMatch(/^Internal Server Error #[0-9a-f-]{36}$/);
    const typed = await forwardApp(() => {
      throw new SubnetkitError('SK_PROTOCOL_BAD_RESPONSE', 'slow down', { httpStatus: 429 });
    }).request('/EchoSynapse', { method: 'POST' });
    expect(typed.status).toBe(429);
    expect(await messageOf(typed)).toBe('slow down');
  });
});

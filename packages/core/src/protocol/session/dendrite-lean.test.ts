/**
 * The Dendrite in session mode against a real axon over loopback, seen from the dendrite's side:
 * lean requests once the welcome offers them (query, fan-out, stream, timeout, big integers), v1
 * requests when it does not, a signed resend when the axon refuses the session (expired, tampered
 * on the way), and what an on-path party can do with a captured lean request (replay: refused;
 * reorder within the window: both served; another axon hotkey: never sent lean).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../util/clock.js';
import { initCrypto } from '../../wallet/crypto-ready.js';
import { Keypair } from '../../wallet/keypair.js';
import { type AxonOptions, createAxon } from '../axon.js';
import { Dendrite } from '../dendrite.js';
import { defineSynapse } from '../synapse.js';
import { LEAN_MAC_HEADER, SESSION_MAC_HEADER, SESSION_PATH } from './session-crypto.js';

const Echo = defineSynapse({
  name: 'EchoSynapse',
  request: z.object({ text: z.string(), n: z.number().int().or(z.bigint()) }),
  response: z.object({ echoed: z.string(), doubled: z.number().int().or(z.bigint()) }),
});
const Tokens = defineSynapse({
  name: 'Tokens',
  request: z.object({ count: z.number().int() }),
  response: z.object({}),
  streaming: true,
});

interface Sent {
  path: string;
  headers: Record<string, string>;
  body: string;
}

let alice: Keypair;
let bob: Keypair;
let charlie: Keypair;
const cleanups: (() => Promise<void>)[] = [];
const agents: Agent[] = [];
beforeAll(async () => {
  await initCrypto();
  alice = Keypair.fromUri('//Alice');
  bob = Keypair.fromUri('//Bob');
  charlie = Keypair.fromUri('//Charlie');
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
});

async function startAxon(opts: Partial<AxonOptions> = {}) {
  const timeouts: number[] = [];
  const axon = createAxon({ signer: bob, blacklist: 'allow-all', rateLimit: false, ...opts })
    .attach(Echo, (r, ctx) => {
      timeouts.push(ctx.deadline);
      return { echoed: r.text, doubled: typeof r.n === 'bigint' ? r.n * 2n : r.n * 2 };
    })
    .attach(Tokens, async function* (r) {
      for (let i = 0; i < r.count; i++) yield `t${i} `;
    });
  const port = await axon.listen(0, '127.0.0.1');
  cleanups.push(() => axon.stop({ drainTimeoutMs: 500 }));
  return { axon, timeouts, origin: `http://127.0.0.1:${port}`, target: { ip: '127.0.0.1', port, hotkey: bob.address } };
}

/**
 * A keep-alive agent that records every request the dendrite sends (headers and body as
 * written) and lets a test change or hold one before it goes out.
 */
function recordingAgent(edit?: (sent: Sent, go: () => void) => void): { dispatcher: Dispatcher; sent: Sent[] } {
  const sent: Sent[] = [];
  const agent = new Agent();
  agents.push(agent);
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    const s: Sent = {
      path: opts.path,
      headers: { ...(opts.headers as Record<string, string>) },
      body: typeof opts.body === 'string' ? opts.body : '',
    };
    sent.push(s);
    if (!edit) return dispatch(opts, handler);
    edit(s, () => dispatch({ ...opts, headers: s.headers, body: s.body }, handler));
    return true;
  });
  return { dispatcher, sent };
}

const synapseCalls = (sent: Sent[]) => sent.filter((s) => s.path !== SESSION_PATH);
const isLean = (s: Sent) =>
  s.headers[LEAN_MAC_HEADER] !== undefined && s.headers.bt_header_dendrite_signature === undefined;
const isSigned = (s: Sent) => typeof s.headers.bt_header_dendrite_signature === 'string';

function dendrite(dispatcher: Dispatcher, clock?: ManualClock): Dendrite {
  const d = new Dendrite({
    signer: alice,
    externalIp: '127.0.0.1',
    session: true,
    presign: false,
    dispatcher,
    ...(clock ? { clock } : {}),
  });
  cleanups.push(() => d.close());
  return d;
}

async function resend(origin: string, s: Sent) {
  const res = await request(`${origin}${s.path}`, { method: 'POST', headers: s.headers, body: s.body });
  const j = (await res.body.json()) as { message?: string };
  return { status: res.statusCode, message: j.message };
}

describe('Dendrite in session mode', () => {
  it('sends lean requests to an axon that offers them: query, fan-out, stream, timeout and exact big integers', async () => {
    const { origin, target, timeouts } = await startAxon();
    const { dispatcher, sent } = recordingAgent();
    const d = dendrite(dispatcher);
    expect(await d.openSession(target)).toBe(true);
    const big = 2n ** 60n + 1n;
    expect(await d.query(target, Echo, { text: 'a', n: big }, { timeoutMs: 1500 })).toMatchObject({
      ok: true,
      status: 200,
      response: { echoed: 'a', doubled: big * 2n },
    });
    const rs = await d.fanOut([target, target, target], Echo, { text: 'b', n: 2 });
    expect(rs.map((r) => [r.status, r.response?.doubled])).toEqual([
      [200, 4],
      [200, 4],
      [200, 4],
    ]);
    const st = await d.stream(target, Tokens, { count: 3 });
    if (!st.ok) throw new Error(`stream failed: ${st.status} ${st.message}`);
    let text = '';
    for await (const c of st.chunks) text += c;
    expect(text).toBe('t0 t1 t2 ');

    const calls = synapseCalls(sent);
    expect(calls).toHaveLength(5);
    expect(calls.every(isLean)).toBe(true);
    expect(calls.map((s) => s.headers.sk_session_seq)).toEqual(['1', '2', '3', '4', '5']);
    // the body is the request's fields only, the big integer written exactly
    expect(calls[0]?.body).toBe(`{"text":"a","n":${big}}`);
    expect(calls[0]?.headers.sk_timeout).toBe('1.5');
    expect(calls[1]?.headers.sk_timeout).toBeUndefined();
    // the axon took the dendrite's timeout (1.5 s) and the synapse's own (12 s) otherwise
    expect((timeouts[1] as number) - (timeouts[0] as number)).toBeGreaterThan(9_000);
    // what went out is accepted once: a replay of the first call is refused
    expect(await resend(origin, calls[0] as Sent)).toEqual({
      status: 401,
      message: 'Not Verified with error: Session counter replayed',
    });
  });

  it('keeps v1 session requests when the welcome offers no lean format', async () => {
    const { origin, target } = await startAxon();
    // a relay that drops `formats` from the welcome and passes everything else through
    const relay = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const headers = { ...req.headers } as Record<string, string>;
        delete headers.host;
        delete headers.connection;
        const up = await request(`${origin}${req.url}`, { method: 'POST', headers, body: Buffer.concat(chunks) });
        let text = await up.body.text();
        if (req.url === SESSION_PATH && up.statusCode === 200) {
          const w = JSON.parse(text) as Record<string, unknown>;
          delete w.formats;
          text = JSON.stringify(w);
        }
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(up.headers)) if (typeof v === 'string' && k.includes('_')) out[k] = v;
        res.writeHead(up.statusCode, { ...out, 'content-type': 'application/json' });
        res.end(text);
      });
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => relay.close(() => r())));
    const via = { ...target, port: (relay.address() as AddressInfo).port };
    const { dispatcher, sent } = recordingAgent();
    const d = dendrite(dispatcher);
    expect(await d.openSession(via)).toBe(true);
    expect(await d.query(via, Echo, { text: 'v', n: 4 })).toMatchObject({ status: 200, response: { doubled: 8 } });
    const [call] = synapseCalls(sent);
    expect(call?.headers[SESSION_MAC_HEADER]).toMatch(/^[0-9a-f]{64}$/);
    expect(call?.headers[LEAN_MAC_HEADER]).toBeUndefined();
    expect(isSigned(call as Sent)).toBe(false);
  });

  it('resends signed when the axon expired the session its own clock still holds', async () => {
    const t0 = Date.now();
    const axonClock = new ManualClock(t0);
    const clock = new ManualClock(t0);
    const { target } = await startAxon({ clock: axonClock, session: { ttlMs: 20_000 } });
    const { dispatcher, sent } = recordingAgent();
    const d = dendrite(dispatcher, clock);
    expect(await d.openSession(target)).toBe(true);
    expect((await d.query(target, Echo, { text: 'a', n: 1 })).status).toBe(200);
    // the dendrite lets a 20 s session go 10 s early; the axon's clock runs 11 s further (skew),
    // which the signed resend's nonce window (12 s timeout + 4 s) still takes
    clock.advance(9_000);
    axonClock.advance(20_000);
    expect(await d.query(target, Echo, { text: 'b', n: 2 })).toMatchObject({
      status: 200,
      response: { doubled: 4 },
    });
    const calls = synapseCalls(sent);
    expect(calls.map((s) => (isLean(s) ? 'lean' : isSigned(s) ? 'signed' : 'other'))).toEqual([
      'lean',
      'lean',
      'signed',
    ]);
  });

  it('signs on its own once its own clock says the session is past its life', async () => {
    const clock = new ManualClock(Date.now());
    const { target } = await startAxon({ clock, session: { ttlMs: 120_000 } });
    const { dispatcher, sent } = recordingAgent();
    const d = dendrite(dispatcher, clock);
    expect(await d.openSession(target)).toBe(true);
    clock.advance(120_000);
    expect((await d.query(target, Echo, { text: 'a', n: 1 })).status).toBe(200);
    const calls = synapseCalls(sent);
    expect(calls).toHaveLength(1);
    expect(isSigned(calls[0] as Sent)).toBe(true);
  });

  it('a body tampered on the way is refused (MAC) and the call goes out again signed', async () => {
    const { target } = await startAxon();
    let tamper = false;
    const { dispatcher, sent } = recordingAgent((s, go) => {
      if (tamper && isLean(s)) {
        tamper = false;
        s.body = s.body.replace('"n":5', '"n":6');
      }
      go();
    });
    const d = dendrite(dispatcher);
    expect(await d.openSession(target)).toBe(true);
    tamper = true;
    expect(await d.query(target, Echo, { text: 't', n: 5 })).toMatchObject({ status: 200, response: { doubled: 10 } });
    const calls = synapseCalls(sent);
    expect(calls).toHaveLength(2);
    expect(isLean(calls[0] as Sent)).toBe(true);
    expect(isSigned(calls[1] as Sent)).toBe(true);
  });

  it('serves lean requests that arrive out of order within the window', async () => {
    const { target } = await startAxon();
    let held: (() => void) | undefined;
    let holdNext = false;
    const { dispatcher, sent } = recordingAgent((s, go) => {
      if (holdNext && isLean(s)) {
        holdNext = false;
        held = go;
        return;
      }
      go();
    });
    const d = dendrite(dispatcher);
    expect(await d.openSession(target)).toBe(true);
    holdNext = true;
    const first = d.query(target, Echo, { text: 'first', n: 1 });
    // the second call (counter 2) reaches the axon before the first (counter 1)
    expect(await d.query(target, Echo, { text: 'second', n: 2 })).toMatchObject({ status: 200 });
    held?.();
    expect(await first).toMatchObject({ status: 200, response: { echoed: 'first' } });
    const calls = synapseCalls(sent);
    expect(calls.map((s) => s.headers.sk_session_seq)).toEqual(['1', '2']);
    expect(calls.every(isLean)).toBe(true);
  });

  it('never sends a session request to another hotkey at the same address', async () => {
    const { target } = await startAxon();
    const { dispatcher, sent } = recordingAgent();
    const d = dendrite(dispatcher);
    expect(await d.openSession(target)).toBe(true);
    // the metagraph now lists charlie at bob's address: the call is signed for charlie, bob refuses it
    const r = await d.query({ ...target, hotkey: charlie.address }, Echo, { text: 'x', n: 1 });
    expect(r.status).toBe(401);
    const [call] = synapseCalls(sent);
    expect(isSigned(call as Sent)).toBe(true);
    expect(call?.headers.sk_session).toBeUndefined();
  });
});

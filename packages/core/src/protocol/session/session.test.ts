/**
 * Session mode end to end over sockets: negotiation and fallback, and the signed mode's security
 * cases (replay, tamper, wrong peer, expiry) against session-authenticated requests.
 */
import { bytesToHex } from '@noble/hashes/utils';
import fc from 'fast-check';
import { request } from 'undici';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../util/clock.js';
import type { Signer } from '../../util/signer.js';
import { initCrypto } from '../../wallet/crypto-ready.js';
import { Keypair } from '../../wallet/keypair.js';
import { type AxonOptions, createAxon } from '../axon.js';
import { Dendrite } from '../dendrite.js';
import { signedRequest } from '../signed-request.test.helper.js';
import { defineSynapse } from '../synapse.js';
import {
  ephemeralKey,
  helloHash,
  helloMessage,
  macMessage,
  macOf,
  SESSION_ADVERTISE_HEADER,
  SESSION_PATH,
  sessionKey,
} from './session-crypto.js';

const Echo = defineSynapse({
  name: 'EchoSynapse',
  request: z.object({ text: z.string(), n: z.number().int() }),
  response: z.object({ echoed: z.string(), doubled: z.number().int() }),
});
let alice: Keypair;
let bob: Keypair;
let charlie: Keypair;
beforeAll(async () => {
  await initCrypto();
  alice = Keypair.fromUri('//Alice');
  bob = Keypair.fromUri('//Bob');
  charlie = Keypair.fromUri('//Charlie');
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function startAxon(opts: Partial<AxonOptions> = {}) {
  const axon = createAxon({ signer: bob, blacklist: 'allow-all', rateLimit: false, ...opts }).attach(
    Echo,
    async (r) => ({ echoed: r.text, doubled: r.n * 2 }),
  );
  const port = await axon.listen(0, '127.0.0.1');
  cleanups.push(() => axon.stop({ drainTimeoutMs: 500 }));
  return { axon, port, origin: `http://127.0.0.1:${port}`, target: { ip: '127.0.0.1', port, hotkey: bob.address } };
}

/** A wallet signer that counts signatures (and has no prepared-nonce mode). */
function countingSigner(kp: Keypair): Signer & { count: number } {
  const s = {
    address: kp.address,
    publicKey: kp.publicKey,
    count: 0,
    sign(m: Uint8Array): Uint8Array {
      s.count++;
      return kp.sign(m);
    },
  };
  return s;
}

/** The handshake by hand, as the spec says: returns the session id and key. */
async function handshake(origin: string, signer: Signer, axonHotkey: string) {
  const eph = ephemeralKey();
  const hello = {
    dendriteHotkey: signer.address,
    axonHotkey,
    nonce: BigInt(Date.now()) * 1_000_000n,
    clientPub: eph.pub,
  };
  const res = await request(`${origin}${SESSION_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      dendrite_hotkey: hello.dendriteHotkey,
      axon_hotkey: axonHotkey,
      nonce: String(hello.nonce),
      client_pub: eph.pub,
      signature: `0x${bytesToHex(signer.sign(helloMessage(hello)))}`,
    }),
  });
  const body = (await res.body.json()) as { session: string; server_pub: string; message?: string };
  if (res.statusCode !== 200) return { status: res.statusCode, message: body.message };
  const key = sessionKey(eph.secret, body.server_pub, helloHash(hello));
  return { status: 200, id: body.session, key: key as Buffer };
}

/** A request authenticated by the session instead of a signature. */
function sessionRequest(
  sess: { id: string; key: Buffer },
  seq: number,
  o: { signer?: Signer; n?: number; macSigner?: Signer } = {},
) {
  const signer = o.signer ?? alice;
  const r = signedRequest({ signer, axonHotkey: bob.address, synapse: Echo, values: { text: 'hi', n: o.n ?? 1 } });
  const { bt_header_dendrite_signature: _, ...headers } = r.headers;
  const mac = macOf(
    sess.key,
    macMessage({
      seq,
      nonce: r.nonce,
      dendriteHotkey: (o.macSigner ?? signer).address,
      axonHotkey: bob.address,
      uuid: headers.bt_header_dendrite_uuid as string,
      bodyHash: headers.computed_body_hash as string,
    }),
  );
  return {
    headers: { ...headers, sk_session: sess.id, sk_session_seq: String(seq), sk_session_mac: mac } as Record<
      string,
      string
    >,
    body: r.body,
  };
}

async function send(origin: string, r: { headers: Record<string, string>; body: string }) {
  const res = await request(`${origin}/EchoSynapse`, { method: 'POST', headers: r.headers, body: r.body });
  const j = (await res.body.json()) as { message?: string; doubled?: number };
  return { status: res.statusCode, message: j.message, doubled: j.doubled };
}

describe('session mode', () => {
  it('negotiates after a signed call, then sends without signing; an axon that does not advertise keeps the signed mode', async () => {
    const { axon, target } = await startAxon();
    const signer = countingSigner(alice);
    const d = new Dendrite({ signer, externalIp: '127.0.0.1', session: true, presign: false });
    cleanups.push(() => d.close());
    expect(await d.query(target, Echo, { text: 'a', n: 1 })).toMatchObject({ status: 200 });
    expect(await d.openSession(target)).toBe(true);
    expect(axon.stats().sessions).toBe(1);
    const signedSoFar = signer.count;
    const rs = await d.fanOut([target, target, target], Echo, { text: 'b', n: 2 });
    expect(rs.map((r) => r.response?.doubled)).toEqual([4, 4, 4]);
    expect(signer.count).toBe(signedSoFar);

    const plain = await startAxon({ session: false });
    const res = await request(`${plain.origin}/Synapse`, { method: 'POST', body: '{}' });
    await res.body.dump();
    expect(res.headers[SESSION_ADVERTISE_HEADER]).toBeUndefined();
    expect(await d.openSession(plain.target)).toBe(false);
    const before = signer.count;
    expect(await d.query(plain.target, Echo, { text: 'c', n: 3 })).toMatchObject({ status: 200 });
    expect(signer.count).toBe(before + 1);
  });

  it('accepts reordered counters once, and refuses replay, tamper and a foreign hotkey with 401', async () => {
    const { origin } = await startAxon();
    const sess = await handshake(origin, alice, bob.address);
    if (sess.status !== 200 || !sess.id) throw new Error(`handshake failed: ${sess.message}`);
    const s = { id: sess.id, key: sess.key as Buffer };
    const second = sessionRequest(s, 2, { n: 2 });
    const first = sessionRequest(s, 1, { n: 1 });
    expect(await send(origin, second)).toMatchObject({ status: 200, doubled: 4 });
    expect(await send(origin, first)).toMatchObject({ status: 200, doubled: 2 });
    expect(await send(origin, first)).toEqual({
      status: 401,
      message: 'Not Verified with error: Session counter replayed',
      doubled: undefined,
    });
    const tampered = sessionRequest(s, 3);
    tampered.headers.computed_body_hash = 'ab'.repeat(32);
    expect((await send(origin, tampered)).message).toBe('Not Verified with error: Session MAC mismatch');
    // the session belongs to alice: charlie's headers with alice's key material are refused
    const foreign = sessionRequest(s, 4, { signer: charlie, macSigner: charlie });
    expect((await send(origin, foreign)).message).toBe('Not Verified with error: Session belongs to another hotkey');
    const unknown = sessionRequest({ id: '0'.repeat(32), key: s.key }, 5);
    expect((await send(origin, unknown)).message).toBe('Not Verified with error: Session unknown');
  });

  it('refuses hellos for another axon or replayed, and a dendrite will not open a session with the wrong hotkey', async () => {
    const { origin, target } = await startAxon();
    expect(await handshake(origin, alice, charlie.address)).toMatchObject({ status: 401 });
    const d = new Dendrite({ signer: alice, externalIp: '127.0.0.1', session: true, presign: false });
    cleanups.push(() => d.close());
    // the axon at this address is bob: a welcome signed by bob does not pass for charlie
    expect(await d.openSession({ ...target, hotkey: charlie.address })).toBe(false);
    expect(await d.openSession(target)).toBe(true);
    // the metagraph screen applies to hellos: an unregistered key gets no session
    const screened = await startAxon({ blacklist: { neurons: () => undefined } });
    expect(await handshake(screened.origin, alice, bob.address)).toEqual({
      status: 403,
      message: 'Forbidden. Key is blacklisted: Unrecognized hotkey.',
    });
  });

  it('answers malformed session headers 401 and malformed hellos 400, and keeps serving (property)', async () => {
    const { origin, target } = await startAxon();
    const sess = await handshake(origin, alice, bob.address);
    const s = { id: sess.id as string, key: sess.key as Buffer };
    const header = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('0', '-1', '1e3', '9'.repeat(20), s.id));
    await fc.assert(
      fc.asyncProperty(header, header, header, async (id, seq, mac) => {
        const r = sessionRequest(s, 1_000_000);
        const headers = { ...r.headers, sk_session: id, sk_session_seq: seq, sk_session_mac: mac };
        // header values must be sendable: undici refuses control characters itself
        if (Object.values(headers).some((v) => /[^\t\x20-\x7e]/.test(v))) return;
        const res = await send(origin, { headers, body: r.body });
        expect(res.status).toBe(401);
        expect(res.message).toMatch(/^Not Verified with error: Session /);
      }),
      { numRuns: 60 },
    );
    for (const body of ['', 'null', '[]', '{"dendrite_hotkey":1}', '{', JSON.stringify({ nonce: 'x' })]) {
      const res = await request(`${origin}${SESSION_PATH}`, { method: 'POST', body });
      await res.body.dump();
      expect(res.statusCode).toBe(400);
    }
    const d = new Dendrite({ signer: alice, externalIp: '127.0.0.1' });
    cleanups.push(() => d.close());
    expect((await d.query(target, Echo, { text: 'still', n: 1 })).status).toBe(200);
  });

  it('expires sessions with 401, and a dendrite whose session the axon dropped resends signed', async () => {
    const clock = new ManualClock(Date.now());
    const { origin, target } = await startAxon({ clock, session: { ttlMs: 60_000, maxSessions: 1 } });
    const d = new Dendrite({ signer: alice, externalIp: '127.0.0.1', session: true, presign: false });
    cleanups.push(() => d.close());
    expect(await d.openSession(target)).toBe(true);
    // a second session evicts the dendrite's (at most one here)
    const sess = await handshake(origin, alice, bob.address);
    const s = { id: sess.id as string, key: sess.key as Buffer };
    expect(await send(origin, sessionRequest(s, 1))).toMatchObject({ status: 200 });
    const r = await d.query(target, Echo, { text: 'late', n: 5 });
    expect(r).toMatchObject({ status: 200, response: { doubled: 10 } });
    clock.advance(60_000);
    expect((await send(origin, sessionRequest(s, 2))).message).toBe('Not Verified with error: Session expired');
  });
});

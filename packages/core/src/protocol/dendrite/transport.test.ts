import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { initCrypto } from '../../wallet/crypto-ready.js';
import { Keypair } from '../../wallet/keypair.js';
import { Dendrite } from '../dendrite.js';
import { defineSynapse } from '../synapse.js';

const Echo = defineSynapse({
  name: 'EchoSynapse',
  request: z.object({ text: z.string(), n: z.number().int() }),
  response: z.object({ echoed: z.string(), doubled: z.number().int() }),
});

/** What the fake axon does for a request with this `n`. */
function answer(n: number, text: string, res: ServerResponse): void {
  if (n === 1) {
    // chunked, in pieces: the dendrite must join them
    const body = JSON.stringify({ echoed: text, doubled: 2 });
    res.writeHead(200, { 'content-type': 'application/json', bt_header_axon_status_code: '200' });
    res.write(body.slice(0, 5));
    setImmediate(() => {
      res.write(body.slice(5, 12));
      res.end(body.slice(12));
    });
  } else if (n === 2) {
    // a valid answer larger than the dendrite's maxResponseBytes
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ echoed: 'x'.repeat(4096), doubled: 4 }));
  } else if (n === 3) {
    // a failure whose body is larger than the 64 KiB a failure is read to
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'y'.repeat(70_000) }));
  } else if (n === 4) {
    // 200 from HTTP, but the axon's own status says 403 (read as a failure)
    res.writeHead(200, {
      'content-type': 'application/json',
      bt_header_axon_status_code: '403',
      bt_header_axon_status_message: 'Forbidden by header',
    });
    res.end('{}');
  }
  // any other n: never answered (a hung axon)
}

let server: Server;
let port: number;
let connections = 0;
let raw: TcpServer;
let rawPort: number;
let signer: Keypair;

beforeAll(async () => {
  await initCrypto();
  signer = Keypair.fromUri('//Alice');
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const b = JSON.parse(Buffer.concat(parts).toString('utf8')) as { n: number; text: string };
      answer(b.n, b.text, res);
    });
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
  // answers every request with a response whose Content-Length is not a number
  raw = createTcpServer((s) => {
    s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n{}'));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => raw.listen(0, '127.0.0.1', () => r()));
  rawPort = (raw.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => raw.close(r));
});

const target = () => ({ ip: '127.0.0.1', port, hotkey: signer.address });

describe('dendrite transport', () => {
  it('joins a chunked answer and keeps one connection per axon across calls', async () => {
    const d = new Dendrite({ signer, presign: false, connectionsPerAxon: 1 });
    try {
      const before = connections;
      for (let i = 0; i < 3; i++) {
        const r = await d.query(target(), Echo, { text: `c${i}`, n: 1 });
        expect(r).toMatchObject({ ok: true, status: 200, response: { echoed: `c${i}`, doubled: 2 } });
      }
      // a fan-out to the same axon reuses it too (one connection, the calls queue on it)
      const rs = await d.fanOut([target(), target()], Echo, { text: 'f', n: 1 });
      expect(rs.map((r) => r.status)).toEqual([200, 200]);
      expect(connections - before).toBe(1);
    } finally {
      await d.close();
    }
  });

  it('maps bodies over their limits to 422 and a failure named by the axon header to its status', async () => {
    const d = new Dendrite({ signer, presign: false, maxResponseBytes: 1024 });
    try {
      expect(await d.query(target(), Echo, { text: 'big', n: 2 })).toMatchObject({
        ok: false,
        status: 422,
        message: 'Failed to parse response: response body exceeds 1024 bytes',
      });
      expect(await d.query(target(), Echo, { text: 'bigfail', n: 3 })).toMatchObject({
        ok: false,
        status: 422,
        message: 'Failed to parse response: response body exceeds 65536 bytes',
      });
      expect(await d.query(target(), Echo, { text: 'hdr', n: 4 })).toMatchObject({
        ok: false,
        status: 403,
        message: 'Forbidden by header',
      });
      // the connection survives the aborted reads: the next call is answered
      expect((await d.query(target(), Echo, { text: 'ok', n: 1 })).status).toBe(200);
    } finally {
      await d.close();
    }
  });

  it('times out a call queued behind a hung one on its own deadline, and cancels on the caller signal', async () => {
    const d = new Dendrite({ signer, presign: false, connectionsPerAxon: 1 });
    try {
      // one connection: the second call waits in the client's queue and never reaches the socket
      const rs = await d.fanOut([target(), target()], Echo, { text: 'hang', n: 9 }, { timeoutMs: 200 });
      expect(rs.map((r) => [r.status, r.message])).toEqual([
        [408, 'Request timeout after 0.2 seconds'],
        [408, 'Request timeout after 0.2 seconds'],
      ]);
      const ac = new AbortController();
      const p = d.query(target(), Echo, { text: 'hang', n: 9 }, { signal: ac.signal, timeoutMs: 60_000 });
      ac.abort();
      expect(await p).toMatchObject({ ok: false, status: 499, message: 'Request cancelled' });
    } finally {
      await d.close();
    }
  });

  it('warm() opens one connection per axon ahead, the next calls use it, and close() closes it', async () => {
    for (const connectionsPerAxon of [1, 4]) {
      const d = new Dendrite({ signer, presign: false, connectionsPerAxon });
      const dead = { ip: '127.0.0.1', port: rawPort + 0, hotkey: signer.address };
      const before = connections;
      const accepted = new Promise<import('node:net').Socket>((r) => server.once('connection', r));
      // the same axon twice and one that answers garbage: two connections, one each
      expect(await d.warm([target(), target(), dead])).toBe(2);
      const parked = await accepted;
      expect(connections - before).toBe(1);
      // a connected axon is not dialled again
      expect(await d.warm([target()])).toBe(0);
      expect((await d.query(target(), Echo, { text: 'w', n: 1 })).status).toBe(200);
      expect(connections - before).toBe(1);
      expect(await d.warm([target()])).toBe(0);
      const closed = new Promise((r) => parked.once('close', r));
      await d.close();
      await closed;
      expect(parked.destroyed).toBe(true);
    }
    // an unreachable axon: nothing opened, nothing thrown, the call reports it
    const d = new Dendrite({ signer, presign: false });
    try {
      const gone = await (async () => {
        const s = createServer();
        await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
        const p = (s.address() as AddressInfo).port;
        await new Promise((r) => s.close(r));
        return { ip: '127.0.0.1', port: p, hotkey: signer.address };
      })();
      expect(await d.warm([gone])).toBe(0);
      expect((await d.query(gone, Echo, { text: 'x', n: 1 })).status).toBe(503);
    } finally {
      await d.close();
    }
  });

  it('maps a malformed HTTP answer to a client error and keeps working', async () => {
    const d = new Dendrite({ signer, presign: false });
    try {
      const bad = await d.query({ ip: '127.0.0.1', port: rawPort, hotkey: signer.address }, Echo, { text: 'm', n: 1 });
      expect(bad.ok).toBe(false);
      expect(bad.status).toBe(500);
      expect(bad.message).toMatch(/^Client error: /);
      expect((await d.query(target(), Echo, { text: 'after', n: 1 })).status).toBe(200);
    } finally {
      await d.close();
    }
  });
});

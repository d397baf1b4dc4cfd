/**
 * `bodyIfComplete` on a real node:http request: the body is taken at once only when the whole
 * message is in and fits the limit, the request stream still ends (keep-alive goes on), and a
 * refusal consumes nothing, so `readBody` then answers as before (413 past the limit).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxonReject } from './reject.js';
import { nodeAxonRequest } from './request.js';
import type { AxonRequest } from './types.js';

type Seen = { early?: Buffer; late?: Buffer; tooSmall?: Buffer; read?: Buffer; readError?: unknown };

let server: Server;
let client: Client;
let seen: Seen[] = [];

/** Resolves once node's parser has the whole message (polls the flag between loop turns). */
const whole = (req: IncomingMessage): Promise<void> =>
  req.complete ? Promise.resolve() : new Promise((r) => setImmediate(r)).then(() => whole(req));

beforeAll(async () => {
  server = createServer(async (req, res) => {
    // a node request always has bodyIfComplete (optional only for other sources)
    const r = nodeAxonRequest(req, res) as Required<AxonRequest>;
    const s: Seen = {};
    seen.push(s);
    // the listener runs when the headers are parsed, before the body: nothing to take yet
    s.early = r.bodyIfComplete(1024);
    await whole(req);
    const limit = Number(req.headers['x-limit'] ?? 1024);
    s.tooSmall = r.bodyIfComplete(4);
    if (limit >= 1024) s.late = r.bodyIfComplete(limit);
    else
      await r.readBody(limit).then(
        (b) => {
          s.read = b;
        },
        (err: unknown) => {
          s.readError = err;
        },
      );
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  client = new Client(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
});

afterAll(async () => {
  await client.close();
  await new Promise((r) => server.close(r));
});

const post = async (body: string, headers: Record<string, string> = {}): Promise<string> => {
  const res = await client.request({ method: 'POST', path: '/EchoSynapse', body, headers });
  return res.body.text();
};

describe('NodeAxonRequest.bodyIfComplete', () => {
  it('takes a complete body within the limit at once, and the connection serves the next request', async () => {
    seen = [];
    const body = JSON.stringify({ text: 'hello', n: 12345678901234567890n.toString() });
    expect(await post(body)).toBe('ok');
    expect(await post('{"a":1}')).toBe('ok');
    expect(seen).toHaveLength(2);
    expect(seen[0]?.early).toBeUndefined();
    expect(seen[0]?.tooSmall).toBeUndefined();
    expect(seen[0]?.late?.toString('utf8')).toBe(body);
    expect(seen[1]?.late?.toString('utf8')).toBe('{"a":1}');
  });

  it('an empty body is an empty buffer, not a refusal', async () => {
    seen = [];
    expect(await post('')).toBe('ok');
    expect(seen[0]?.tooSmall?.length).toBe(0);
  });

  it('past the limit it consumes nothing: readBody then refuses with 413', async () => {
    seen = [];
    expect(await post('x'.repeat(100), { 'x-limit': '50' })).toBe('ok');
    expect(seen[0]?.tooSmall).toBeUndefined();
    expect(seen[0]?.read).toBeUndefined();
    expect(seen[0]?.readError).toBeInstanceOf(AxonReject);
    expect(seen[0]?.readError).toMatchObject({ status: 413 });
  });

  it('within the limit readBody still reads what bodyIfComplete left', async () => {
    seen = [];
    expect(await post('y'.repeat(40), { 'x-limit': '50' })).toBe('ok');
    expect(seen[0]?.read?.toString('utf8')).toBe('y'.repeat(40));
  });
});

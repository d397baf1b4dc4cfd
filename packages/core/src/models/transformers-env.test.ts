import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isSubnetkitError } from '../errors/subnetkit-error.js';
import { systemClock } from '../util/clock.js';
import { createTimedFetch } from './transformers-env.js';

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const timedFetch = createTimedFetch(fetch, 500, systemClock);

describe('createTimedFetch', () => {
  it('passes a normal response through, body and headers intact', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
      res.end('{"ok":true}');
    });
    const res = await timedFetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('11');
    expect(await res.json()).toEqual({ ok: true });
  });

  it('fails with SK_MODEL_NOT_FOUND when a server accepts the connection but never answers', async () => {
    const url = await serve(() => {});
    await expect(timedFetch(url)).rejects.toSatisfy((e) => isSubnetkitError(e, 'SK_MODEL_NOT_FOUND'));
  });

  it('fails when the body stalls half-way, even though headers arrived', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const res = await timedFetch(url);
    await expect(res.arrayBuffer()).rejects.toSatisfy((e) => isSubnetkitError(e, 'SK_MODEL_NOT_FOUND'));
  });

  it('lets a slow but steady body finish past the per-chunk timeout', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200);
      let n = 0;
      const timer = setInterval(() => {
        res.write(`${n}`);
        if (++n === 6) {
          clearInterval(timer);
          res.end();
        }
      }, 150);
    });
    const res = await timedFetch(url);
    expect(await res.text()).toBe('012345');
  });
});

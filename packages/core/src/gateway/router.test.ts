import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../log/logger.js';
import { Dendrite } from '../protocol/dendrite.js';
import { defineSynapse } from '../protocol/synapse.js';
import { initCrypto, Keypair } from '../wallet/index.js';
import { noAnswerError } from './errors.js';
import { hedgedQuery, type MinerTarget } from './router.js';

// Miners as plain HTTP servers on loopback: one answers at once, one sends an answer that fails the
// schema, one never answers. The dendrite and the hedging are the real ones.
const synapse = defineSynapse({
  name: 'EchoSynapse',
  request: z.object({ prompt: z.string() }),
  response: z.object({ completion: z.string() }),
  timeoutMs: 5_000,
});
const servers: Server[] = [];
const targets: Record<'fast' | 'invalid' | 'silent', MinerTarget> = {} as never;
let dendrite: Dendrite;

async function miner(reply: ((res: import('node:http').ServerResponse) => void) | null): Promise<number> {
  const server = createServer((req, res) => {
    req.resume();
    if (reply) req.on('end', () => reply(res));
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

const json = (body: unknown) => (res: import('node:http').ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  await initCrypto();
  const ports = {
    fast: await miner(json({ completion: 'hello' })),
    invalid: await miner(json({ completion: 42 })),
    silent: await miner(null),
  };
  for (const [name, port] of Object.entries(ports)) {
    targets[name as keyof typeof targets] = {
      uid: port,
      incentive: 0,
      axon: { ip: '127.0.0.1', port, hotkey: Keypair.fromUri(`//${name}`).address },
    };
  }
  dendrite = new Dendrite({ signer: Keypair.fromUri('//Alice'), logger: createLogger({ level: 'silent' }) });
});

afterAll(async () => {
  await dendrite?.close();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((done) => s.close(done));
  }
});

describe('hedgedQuery', () => {
  it('takes the first answer that passes the schema, not the first answer', async () => {
    const { winner, all } = await hedgedQuery(
      dendrite,
      [targets.invalid, targets.fast],
      synapse,
      { prompt: 'hi' },
      {
        timeoutMs: 5_000,
        keepLosers: true,
      },
    );
    expect(winner).toMatchObject({ uid: targets.fast.uid, ok: true, response: { completion: 'hello' } });
    const statuses = (await all).map((a) => [a.uid, a.status]);
    expect(statuses).toEqual([
      [targets.invalid.uid, 422],
      [targets.fast.uid, 200],
    ]);
  });

  it('cancels the miners still working once one has answered', async () => {
    const { winner, all } = await hedgedQuery(
      dendrite,
      [targets.silent, targets.fast],
      synapse,
      { prompt: 'hi' },
      {
        timeoutMs: 60_000,
        keepLosers: false,
      },
    );
    expect(winner?.uid).toBe(targets.fast.uid);
    // the silent miner would hold its call for a minute: cancelled, it settles at once as 499
    expect((await all)[0]).toMatchObject({ uid: targets.silent.uid, ok: false, status: 499 });
  });

  it('gives no winner when every miner times out: a 504 SK_GATEWAY_TIMEOUT, else a 503', async () => {
    const { winner, all } = await hedgedQuery(
      dendrite,
      [targets.silent, targets.silent],
      synapse,
      { prompt: 'hi' },
      {
        timeoutMs: 200,
        keepLosers: false,
      },
    );
    expect(winner).toBeUndefined();
    const statuses = (await all).map((a) => a.status);
    expect(statuses).toEqual([408, 408]);
    expect(noAnswerError(statuses, 200, 5).code).toBe('SK_GATEWAY_TIMEOUT');
    expect(noAnswerError([408, 422], 200, 5)).toMatchObject({
      code: 'SK_GATEWAY_NO_MINER',
      details: { retryAfterS: 5 },
    });
  });
});

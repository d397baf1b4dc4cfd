// The dashboard's routes through hono's app.request, over a real network (manual blocks): JSON
// endpoints, pages that render fully without scripts, the live stream, and coded errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../log/logger.js';
import { createTestNetwork, type TestNetwork } from '../testing/create-test-network.js';
import { reverseSubnet } from '../testing/reverse-subnet.fixture.js';
import { createDashboardApp, type DashboardApp } from './app.js';
import { type DashboardSource, localNetworkSource } from './source.js';

let net: TestNetwork;
let source: DashboardSource;
let dash: DashboardApp;

beforeAll(async () => {
  net = await createTestNetwork({ subnet: reverseSubnet, miners: ['honest', 'lazy'], validators: 1, tempo: 5 });
  source = await localNetworkSource(net.network, 'Test <net>');
  dash = createDashboardApp(source, createLogger({ level: 'silent' }));
  await net.runEpochs(2);
});
afterAll(async () => {
  dash?.hub.close();
  source?.close();
  await net?.close();
});

const get = (path: string) => dash.app.request(path);

describe('dashboard routes', { tags: ['slow'] }, () => {
  test('/api/snapshot: block, every neuron with role, profile and amounts as decimal strings', async () => {
    const res = await get('/api/snapshot');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      block: number;
      subnets: {
        netuid: number;
        neurons: { uid: number; role: string; profile: string; stake: string; axon: string | null }[];
        weights: unknown[];
      }[];
    };
    expect(body.block).toBe(await net.network.chain.blockNumber());
    const [subnet] = body.subnets;
    expect(subnet!.netuid).toBe(net.network.netuidOf('reverse'));
    const byProfile = Object.fromEntries(subnet!.neurons.map((n) => [n.profile, n]));
    expect(Object.keys(byProfile).sort()).toEqual(['honest', 'lazy', 'owner', 'validator']);
    expect(byProfile.validator!.role).toBe('validator');
    expect(byProfile.validator!.stake).toMatch(/^\d+$/);
    expect(byProfile.honest!.axon).toMatch(/^[\d.]+:\d+$/); // as served: 0.0.0.0 on a localnet
    expect(subnet!.weights.length).toBeGreaterThan(0);
  });

  test('/ renders the whole page on the server: table rows, charts, heat map, escaped title', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('Test &#60;net&#62;');
    expect(html).not.toContain('Test <net>');
    expect(html.match(/<tr class="\w+" data-uid=/g)).toHaveLength(4);
    expect(html.match(/<svg /g)!.length).toBe(5); // four history charts and the weights heat map
    expect(html).toContain('Validator weights');
    expect(html).toMatch(/data-live="next-epoch">\d+</);
  });

  test('sorting works without scripts: ?sort=incentive&order=desc puts the honest miner first', async () => {
    const html = await (await get('/?sort=incentive&order=desc')).text();
    const first = /<tbody><tr class="(\w+)"[^>]*>.*?data-f="profile"[^>]*>([^<]*)</.exec(html);
    expect(first?.[1]).toBe('miner');
    expect(first?.[2]).toBe('honest');
    expect(html).toContain('aria-sort="descending"');
  });

  test('the neuron page and its JSON: facts, epoch history, validators’ rewards and latency', async () => {
    const honest = net.network.miners()[0]!.uid!;
    const netuid = net.network.netuidOf('reverse');
    const page = await get(`/subnets/${netuid}/neurons/${honest}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('registered at block');
    expect(html).toContain('Scores of its answers');
    const res = await get(`/api/subnets/${netuid}/neurons/${honest}`);
    const body = (await res.json()) as {
      history: { epoch: number }[];
      observations: { reward?: number; latencyMs?: number }[];
    };
    const epochs = body.history.map((h) => h.epoch);
    expect(epochs.length).toBeGreaterThanOrEqual(2);
    expect(epochs).toEqual(epochs.map((_, i) => epochs[0]! + i)); // every epoch, in order
    expect(body.observations.length).toBeGreaterThan(0);
    expect(body.observations.some((o) => (o.reward ?? 0) > 0.5)).toBe(true);
    expect(body.observations.every((o) => typeof o.latencyMs === 'number')).toBe(true);
  });

  test('bad and unknown paths answer with one coded error, JSON under /api and a page elsewhere', async () => {
    const netuid = net.network.netuidOf('reverse');
    const bad = await get(`/api/subnets/${netuid}/neurons/abc`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'SK_DASHBOARD_BAD_REQUEST', message: expect.any(String) } });
    const missing = await get(`/api/subnets/${netuid}/neurons/999`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('SK_DASHBOARD_NOT_FOUND');
    expect((await get('/api/subnets/77/neurons/0')).status).toBe(404);
    const page = await get('/no/such/page');
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('SK_DASHBOARD_NOT_FOUND');
    const badPage = await get(`/subnets/${netuid}/neurons/-1`);
    expect(badPage.status).toBe(400);
  });

  test('/api/events sends the current state at once and an update for the next block', async () => {
    const res = await get('/api/events');
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    const nextUpdate = async (): Promise<{ block: number; subnets: { neurons: unknown[] }[] }> => {
      for (;;) {
        const end = buffered.indexOf('\n\n');
        if (end >= 0) {
          const event = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = /^data: (.*)$/m.exec(event);
          if (/^event: update$/m.test(event) && data) return JSON.parse(data[1]!);
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffered += decoder.decode(value, { stream: true });
      }
    };
    const first = await nextUpdate();
    const head = await net.network.chain.blockNumber();
    expect(first.block).toBe(head);
    expect(first.subnets[0]!.neurons).toHaveLength(4);
    await net.advance(1);
    expect((await nextUpdate()).block).toBe(head + 1);
    await reader.cancel();
  });

  test('/subnets/:netuid/charts: the same charts while nothing changed, new ones after an epoch', async () => {
    // rendered SVGs are cached by their content (views.ts): a cached chart must never go stale
    const charts = async () => (await get(`/subnets/${net.network.netuidOf('reverse')}/charts`)).text();
    const before = await charts();
    expect(before.match(/<svg /g)).toHaveLength(5);
    expect(await charts()).toBe(before);
    await net.runEpochs(1);
    const after = await charts();
    expect(after.match(/<svg /g)).toHaveLength(5);
    expect(after).not.toBe(before);
  });
});

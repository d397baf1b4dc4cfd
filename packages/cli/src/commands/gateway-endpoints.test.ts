import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator as OpenApiValidator } from '@seriousme/openapi-schema-validator';
import {
  createLogger,
  createModelRuntime,
  Gateway,
  LocalNetwork,
  loadSubnet,
  localnetKeys,
  systemClock,
} from '@subnetkit/core';
import image, { encodePng, toRequest } from '@subnetkit/subnet-image';
import predict from '@subnetkit/subnet-predict';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// One network running the image and the predict subnets (one honest miner each), a keyless gateway
// per subnet over it: the documented JSON endpoints, fetched as curl would.
let dir: string;
let network: LocalNetwork;
let models: ReturnType<typeof createModelRuntime>;
const gateways: Gateway[] = [];
const urls: Record<string, string> = {};

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
const jsonOf = (res: Response): Promise<any> => res.json();
const post = (name: string, path: string, body: unknown) =>
  fetch(`${urls[name]}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('gateway JSON endpoints over the image and predict subnets', { tags: ['slow'] }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'subnetkit-gateway-endpoints-'));
    const log = createLogger({ level: 'silent' });
    const subnets = [
      await loadSubnet(image, { cwd: process.cwd() }),
      await loadSubnet(predict, { cwd: process.cwd() }),
    ];
    models = createModelRuntime({ logger: log, useFixtures: true, allowRemote: false });
    network = await LocalNetwork.start({
      subnets,
      validators: 1,
      miners: ['honest'],
      blockTime: 'manual',
      stateDir: dir,
      seed: 'test',
      models,
      log,
      clock: systemClock,
    });
    for (const subnet of subnets) {
      const name = subnet.definition.name;
      const gateway = await Gateway.create({
        subnet,
        netuid: network.netuidOf(name),
        chain: network.chain,
        signer: localnetKeys('test', name, 'validator', 0).hotkey,
        log,
      });
      gateways.push(gateway);
      urls[name] = (await gateway.listen({ port: 0 })).url.replace(/\/v1$/, '');
    }
  });

  afterAll(async () => {
    for (const g of gateways) await g.close();
    await network?.stop();
    await models?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('POST /v1/images/upscale answers the upscaled PNG at twice the size', async () => {
    const side = 16;
    const data = new Uint8Array(side * side * 3).map((_, i) => (i * 37) % 256);
    const request = await toRequest(await encodePng({ width: side, height: side, data }));
    const res = await post('image', '/v1/images/upscale', request);
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body).toMatchObject({ outputWidth: 32, outputHeight: 32 });
    expect(Buffer.from(body.output, 'base64').subarray(1, 4).toString()).toBe('PNG');
    const bad = await post('image', '/v1/images/upscale', { ...request, width: 17 });
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).error).toMatchObject({ code: 'SK_GATEWAY_BAD_REQUEST' });
  });

  it('POST /v1/forecast answers a forecast of the asked horizon', async () => {
    const timestamps = Array.from({ length: 32 }, (_, i) => 1_700_000_000_000 + i * 60_000);
    const values = timestamps.map((_, i) => 100 + 10 * Math.sin(i / 3));
    const res = await post('predict', '/v1/forecast', { series: 'demo', timestamps, values, horizon: 6 });
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body.forecast).toHaveLength(6);
    expect(body.forecast.every((v: unknown) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
    const bad = await post('predict', '/v1/forecast', {
      series: 'demo',
      timestamps,
      values: values.slice(1),
      horizon: 6,
    });
    expect((await jsonOf(bad)).error).toMatchObject({ code: 'SK_GATEWAY_BAD_REQUEST', param: 'timestamps' });
  });

  it('documents each endpoint in /openapi.json and serves no OpenAI text endpoints for them', async () => {
    for (const [name, path] of [
      ['image', '/v1/images/upscale'],
      ['predict', '/v1/forecast'],
    ] as const) {
      const doc = await jsonOf(await fetch(`${urls[name]}/openapi.json`));
      expect(await new OpenApiValidator().validate(doc)).toEqual({ valid: true });
      expect(Object.keys(doc.paths).sort()).toEqual([path, '/v1/models']);
      expect(doc.paths[path].post.requestBody.content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/SubnetRequest',
      });
      expect(doc.components.schemas.SubnetRequest.type).toBe('object');
      expect((await post(name, '/v1/completions', { model: name, prompt: 'x' })).status).toBe(404);
    }
  });
});

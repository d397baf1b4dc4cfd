import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator as OpenApiValidator } from '@seriousme/openapi-schema-validator';
import { ApiKeyStore, createRandom, Gateway, loadSubnet, localnetKeys, type Validator } from '@subnetkit/core';
import { type CapturedLogs, captureLogs, createTestNetwork, type TestNetwork } from '@subnetkit/core/testing';
import text from '@subnetkit/subnet-text';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sink } from '../capture.test-helper.js';
import { main } from '../main.js';

// One text network (tiny models, two honest miners, one validator) behind one gateway for the file.
let net: TestNetwork;
let gateway: Gateway;
let validator: Validator;
let base: string;
let key: string;
let tightKey: string;
let dir: string;
let client: OpenAI;
let logs: CapturedLogs;

const PROMPT = 'Call me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse,';

const post = (path: string, body: unknown, apiKey: string | null = key) =>
  fetch(`${base}${path.replace(/^\/v1/, '')}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify(body),
  });

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
const jsonOf = (res: Response): Promise<any> => res.json();

describe('gateway over a running text network', { tags: ['slow'] }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'subnetkit-gateway-'));
    net = await createTestNetwork({ subnet: text, miners: ['honest', 'honest'], validators: 1 });
    validator = net.network.validators()[0]!;
    const keys = ApiKeyStore.open(join(dir, 'keys.json'));
    key = keys.add({ name: 'app', requestsPerMinute: 1000 }).key;
    tightKey = keys.add({ name: 'tight', requestsPerMinute: 1 }).key;
    logs = captureLogs('info');
    gateway = await Gateway.create({
      subnet: await loadSubnet(text, { cwd: process.cwd() }),
      netuid: net.network.netuidOf('text'),
      chain: net.network.chain,
      // the test network's validator key: miners answer registered validators only
      signer: localnetKeys('test', 'text', 'validator', 0).hotkey,
      log: logs.logger,
      scorer: validator,
      keys,
      // every request spot-checked, so the test can see organic traffic reach the moving averages
      spotCheckRate: 1,
      random: createRandom('gateway-test'),
    });
    base = (await gateway.listen({ port: 0 })).url;
    // the SDK retries 429/503 by itself: off, so each refusal is seen as sent
    client = new OpenAI({ apiKey: key, baseURL: base, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await net?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores only hashes of the API keys', () => {
    const file = readFileSync(join(dir, 'keys.json'), 'utf8');
    expect(file).not.toContain(key);
    expect(file).toMatch(/"sha256": "[0-9a-f]{64}"/);
  });

  it('lists the subnet as a model (official client)', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['text']);
  });

  it('answers a completion and a chat completion (official client, non-streaming)', async () => {
    const completion = await client.completions.create({ model: 'text', prompt: PROMPT, max_tokens: 8 });
    expect(completion.object).toBe('text_completion');
    expect(completion.choices[0]!.text.length).toBeGreaterThan(0);
    const chat = await client.chat.completions.create({
      model: 'text',
      messages: [
        { role: 'system', content: 'Continue the passage.' },
        { role: 'user', content: PROMPT },
      ],
      max_tokens: 8,
    });
    expect(chat.object).toBe('chat.completion');
    expect(chat.choices[0]!.message.role).toBe('assistant');
    expect(chat.choices[0]!.message.content?.length).toBeGreaterThan(0);
  });

  it('streams a chat completion as server-sent events (official client)', async () => {
    const stream = await client.chat.completions.create({
      model: 'text',
      messages: [{ role: 'user', content: PROMPT }],
      max_tokens: 8,
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const content = chunks.map((c) => c.choices[0]!.delta.content ?? '').join('');
    expect(content.length).toBeGreaterThan(0);
  });

  it('streams a completion with the OpenAI framing: data lines, then data: [DONE]', async () => {
    const res = await post('/v1/completions', { model: 'text', prompt: PROMPT, max_tokens: 6, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter((e) => e.length > 0);
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const first = JSON.parse(events[0]!.slice(6));
    expect(first).toMatchObject({ object: 'text_completion', model: 'text', choices: [{ index: 0 }] });
  });

  it('spot-checks answers with the reward and moves the validator’s moving average', async () => {
    await gateway.settled();
    const before = gateway.spotChecks.length;
    const scoresBefore = new Map(validator.state.scores.map((s) => [s.uid, s.score]));
    // asked as a validator's challenge asks (a passage and a fixed length): honest answers earn
    const res = await post(gateway.queryPath, {
      prompt: PROMPT,
      system: 'Continue the passage.',
      maxTokens: 16,
      minTokens: 16,
    });
    expect(res.status).toBe(200);
    await gateway.settled();
    const check = gateway.spotChecks[before];
    expect(check?.rewards?.length).toBeGreaterThan(0);
    const alpha = 0.1;
    for (const { uid, reward } of check!.rewards!) {
      const after = validator.state.scores.find((s) => s.uid === uid)?.score;
      expect(after).toBeCloseTo(alpha * reward + (1 - alpha) * (scoresBefore.get(uid) ?? 0), 9);
    }
    // something was paid: organic traffic moved a score, not only recorded a zero
    expect(check!.rewards!.some((r) => r.reward > 0)).toBe(true);
  });

  it('refuses a request without a key or with an unknown one: 401 in OpenAI error shape', async () => {
    for (const apiKey of [null, 'sk-snk-not-a-key']) {
      const res = await post('/v1/completions', { model: 'text', prompt: PROMPT }, apiKey);
      expect(res.status).toBe(401);
      expect(await jsonOf(res)).toEqual({
        error: {
          message: expect.any(String),
          type: 'authentication_error',
          param: null,
          code: 'SK_GATEWAY_UNAUTHORIZED',
        },
      });
    }
    const sdk = new OpenAI({ apiKey: 'sk-snk-wrong', baseURL: base, maxRetries: 0 });
    await expect(sdk.models.list()).rejects.toMatchObject({ status: 401 });
  });

  it('rate-limits per key: 429 with Retry-After, other keys unaffected', async () => {
    const first = await fetch(`${base}/models`, { headers: { authorization: `Bearer ${tightKey}` } });
    expect(first.status).toBe(200);
    const second = await fetch(`${base}/models`, { headers: { authorization: `Bearer ${tightKey}` } });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await jsonOf(second)).error.code).toBe('SK_GATEWAY_RATE_LIMITED');
    expect((await fetch(`${base}/models`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });

  it('rejects bad bodies with a 400 naming the OpenAI parameter', async () => {
    const tooMany = await post('/v1/completions', { model: 'text', prompt: PROMPT, max_tokens: 100_000 });
    expect(tooMany.status).toBe(400);
    expect((await jsonOf(tooMany)).error).toMatchObject({ code: 'SK_GATEWAY_BAD_REQUEST', param: 'max_tokens' });
    const wrongModel = await post('/v1/completions', { model: 'gpt-4', prompt: PROMPT });
    expect((await jsonOf(wrongModel)).error).toMatchObject({ code: 'SK_GATEWAY_BAD_REQUEST', param: 'model' });
    const notJson = await fetch(`${base}/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: '{',
    });
    expect(notJson.status).toBe(400);
  });

  it('serves the subnet JSON endpoint and an OpenAPI 3.1 document of it', async () => {
    const res = await post(gateway.queryPath, { prompt: PROMPT, maxTokens: 4 });
    expect(res.status).toBe(200);
    expect(typeof (await jsonOf(res)).completion).toBe('string');
    const doc = await jsonOf(await fetch(`${base.replace(/\/v1$/, '')}/openapi.json`));
    expect(doc.openapi).toBe('3.1.0');
    // valid against the OpenAPI 3.1 specification's own JSON schema
    expect(await new OpenApiValidator().validate(doc)).toEqual({ valid: true });
    expect(Object.keys(doc.paths).sort()).toEqual(
      ['/v1/chat/completions', '/v1/completions', '/v1/models', gateway.queryPath].sort(),
    );
    // every $ref resolves, and the request schema is the subnet's own
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    for (const name of refs) expect(doc.components.schemas[name]).toBeDefined();
    expect(doc.components.schemas.SubnetRequest.required).toEqual(expect.arrayContaining(['prompt', 'maxTokens']));
  });

  it('logs each request by key id, never the key or the prompt', () => {
    const served = logs.records().filter((r) => r.event === 'gateway.request');
    expect(served.length).toBeGreaterThan(0);
    expect(served[0]).toMatchObject({ route: expect.any(String), key: expect.stringMatching(/^key_/) });
    expect(logs.records().some((r) => r.event === 'gateway.refused' && r.code === 'SK_GATEWAY_RATE_LIMITED')).toBe(
      true,
    );
    for (const secret of [key, tightKey, 'Ishmael']) expect(logs.text()).not.toContain(secret);
  });

  // last: stops the miners
  it('answers 503 with Retry-After and a coded error when no miner answers', async () => {
    await Promise.all(net.network.miners().map((m) => m.stop()));
    const res = await post('/v1/completions', { model: 'text', prompt: PROMPT, max_tokens: 4 });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await jsonOf(res)).error).toMatchObject({ code: 'SK_GATEWAY_NO_MINER', type: 'service_unavailable_error' });
  });
});

describe('subnetkit gateway: keys and bad input', () => {
  const run = async (args: string[]) => {
    const out = sink();
    const err = sink();
    const code = await main(args, { stdout: out.stream, stderr: err.stream });
    return { code, stdout: out.text(), stderr: err.text() };
  };

  it('keys add prints the key once and stores its hash; keys list shows ids, not keys', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'subnetkit-gateway-cli-'));
    try {
      const file = join(keyDir, 'keys.json');
      const added = await run(['gateway', 'keys', 'add', '--name', 'app', '--rpm', '30', '--keys', file]);
      expect(added.code).toBe(0);
      const printed = added.stdout.trim();
      expect(printed).toMatch(/^sk-snk-[\w-]{43}$/);
      expect(readFileSync(file, 'utf8')).not.toContain(printed);
      expect(ApiKeyStore.open(file).verify(printed)?.requestsPerMinute).toBe(30);
      const listed = await run(['gateway', 'keys', 'list', '--keys', file, '--json']);
      expect(JSON.parse(listed.stdout)).toEqual([
        { id: expect.stringMatching(/^key_/), name: 'app', requestsPerMinute: 30, created: expect.any(String) },
      ]);
      expect(listed.stdout).not.toContain(printed);
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  });

  it('refuses to start without keys, or with a bad flag, before anything starts (exit 2, coded)', async () => {
    const noKeys = await run(['gateway', '--subnet', 'text', '--keys', join(tmpdir(), 'subnetkit-no-such-keys.json')]);
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toMatch(/SK_CLI_USAGE.*gateway keys add/);
    const badPort = await run(['gateway', '--subnet', 'text', '--no-auth', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/SK_CLI_USAGE.*--port/);
    const badShare = await run(['gateway', '--subnet', 'text', '--no-auth', '--spot-check', '2']);
    expect(badShare.stderr).toMatch(/SK_CLI_USAGE.*--spot-check/);
    const open = await run(['gateway', '--subnet', 'text', '--no-auth', '--host', '0.0.0.0']);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/SK_CLI_USAGE.*--no-auth is for loopback only/);
  });
});

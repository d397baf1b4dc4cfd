import {
  createAxon,
  createLogger,
  createModelRuntime,
  createRandom,
  Dendrite,
  initCrypto,
  Keypair,
  type ModelRuntime,
  subnetSynapses,
  systemClock,
} from '@subnetkit/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import text, { textModels, textOptions, textResponse, toRequest } from './index.js';

const log = createLogger({ level: 'silent' });
let runtime: ModelRuntime;

beforeAll(async () => {
  await initCrypto();
  runtime = createModelRuntime({ logger: log, useFixtures: true, allowRemote: false });
});

afterAll(async () => {
  await runtime?.dispose();
});

it('streams a completion over signed HTTP that assembles into the unary answer', { tags: ['slow'] }, async () => {
  const miner = Keypair.fromUri('//Bob');
  const client = Keypair.fromUri('//Alice');
  const synapses = subnetSynapses(text);
  const context = (signal: AbortSignal) =>
    ({
      subnet: 'text',
      netuid: 1,
      block: 0,
      options: textOptions.parse({}),
      models: runtime.handles(textModels),
      random: createRandom('miner'),
      log,
      signal,
      caller: { hotkey: client.address, uid: null },
    }) as never;
  // Attached the way the miner runtime attaches them (packages/core/src/neuron/miner.ts).
  const axon = createAxon({ signer: miner, blacklist: 'allow-all', logger: log, clock: systemClock });
  axon.attach(synapses.unary, async (req, h) => (await text.miner.handle(req as never, context(h.signal))) as never);
  const stream = text.miner.stream;
  if (!synapses.streaming || !stream) throw new Error('the text subnet must stream');
  axon.attach(synapses.streaming, (req, h) => stream(req as never, context(h.signal)) as never);
  const port = await axon.listen(0, '127.0.0.1');
  const dendrite = new Dendrite({ signer: client });
  try {
    const target = { ip: '127.0.0.1', port, hotkey: miner.address };
    const request = toRequest('Call me Ishmael. Some years ago, never mind how long precisely,', { maxTokens: 12 });
    const unary = await dendrite.query(target, synapses.unary, request as never);
    expect(unary.status, unary.message).toBe(200);
    const { completion } = textResponse.parse(unary.response);
    expect(completion.length).toBeGreaterThan(0);

    const streamed = await dendrite.stream(target, synapses.streaming, request as never);
    expect(streamed.status, streamed.message).toBe(200);
    if (!streamed.ok) return;
    const chunks: string[] = [];
    for await (const chunk of streamed.chunks) chunks.push(text.task.stream?.chunk.parse(chunk) as string);
    expect(chunks.length).toBeGreaterThan(1);
    expect(text.task.stream?.assemble(chunks)).toEqual({ completion });
  } finally {
    await dendrite.close();
    await axon.stop();
  }
});

import 'reflect-metadata';
import { Lifecycle } from 'tsyringe';
import { describe, expect, test } from 'vitest';
import { configSchema } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { createModelRuntime } from '../models/model-runtime.js';
import { captureLogs } from '../testing/capture-logs.js';
import { createRandom, type Random } from '../util/random.js';
import { Secret } from '../util/secret.js';
import { createRuntime } from './create-runtime.js';
import { injectableWith } from './injectable-with.js';
import { LOGGER, MODELS, NEURON, type NeuronIdentity, RANDOM } from './tokens.js';

class ScoreBook {
  readonly scores = new Map<number, number>();
  disposed = false;
  constructor(
    readonly neuron: NeuronIdentity,
    readonly log: Logger,
    readonly random: Random,
  ) {}
  dispose(): void {
    this.disposed = true;
  }
}
injectableWith(ScoreBook, NEURON, LOGGER, RANDOM);

const config = configSchema.parse({});

describe('Runtime (composition root)', () => {
  test('each neuron gets its own container: services, loggers and random streams never leak', async () => {
    const logs = captureLogs();
    const runtime = createRuntime({ config, logger: logs.logger });
    const a = runtime.createNeuronScope({ name: 'text/miner-0', subnet: 'text', role: 'miner' });
    const b = runtime.createNeuronScope({ name: 'text/validator-0', subnet: 'text', role: 'validator' });
    a.register(ScoreBook, ScoreBook, { lifecycle: Lifecycle.ContainerScoped });
    b.register(ScoreBook, ScoreBook, { lifecycle: Lifecycle.ContainerScoped });

    const bookA = a.resolve(ScoreBook);
    const bookB = b.resolve(ScoreBook);
    expect(a.resolve(ScoreBook)).toBe(bookA); // one per container
    expect(bookA).not.toBe(bookB);
    bookA.scores.set(1, 0.5);
    expect(bookB.scores.size).toBe(0);
    expect(bookA.neuron.role).toBe('miner');
    expect(bookB.neuron.role).toBe('validator');
    // seeded but independent streams
    expect(bookA.random.next()).not.toBe(bookB.random.next());
    // a registration in one child is invisible to the other and to the root
    a.register('only-a', { useValue: 1 });
    expect(b.isRegistered('only-a', true)).toBe(false);
    // per-neuron logger carries the neuron's identity
    bookA.log.info({ event: 'x' }, 'hello');
    expect(logs.records().at(-1)).toMatchObject({ neuron: 'text/miner-0', role: 'miner', event: 'x' });

    await runtime.disposeNeuron('text/miner-0');
    expect(bookA.disposed).toBe(true);
    expect(bookB.disposed).toBe(false);
    await runtime.dispose();
    expect(bookB.disposed).toBe(true);
  });

  test('an explicit seed gives the same per-neuron random stream across runtimes', () => {
    const seeded = configSchema.parse({ seed: 'fixed' });
    const draw = () =>
      createRuntime({ config: seeded })
        .createNeuronScope({ name: 'n', subnet: 's', role: 'miner' })
        .resolve(RANDOM)
        .next();
    expect(draw()).toBe(draw());
  });

  test('without a seed, public facts do not reproduce a validator’s challenge randomness', () => {
    // the replay attack: the old default seed, forked the way `subnetkit run` names its neuron and
    // the validator names its steps, gave anyone the validator's exact challenges
    const validatorStep = (runtime: ReturnType<typeof createRuntime>, step: number) =>
      runtime
        .createNeuronScope({ name: 'image/validator', subnet: 'image', role: 'validator' })
        .resolve(RANDOM)
        .fork(`step-${step}`);
    const draws = (r: Random) => Array.from({ length: 8 }, () => r.int(0, 2 ** 30));
    const a = draws(validatorStep(createRuntime({ config }), 1));
    const b = draws(validatorStep(createRuntime({ config }), 1));
    expect(a).not.toEqual(b); // each process draws its own secret
    for (const publicSeed of ['subnetkit', 'localnet', 'test', 'image', '']) {
      expect(draws(createRandom(`${publicSeed}/image/validator/step-1`))).not.toEqual(a);
    }
    // the mechanism the attack relied on still works for an explicit seed, which is what makes it a test
    const explicit = draws(validatorStep(createRuntime({ config: configSchema.parse({ seed: 'subnetkit' }) }), 1));
    expect(explicit).toEqual(draws(createRandom('subnetkit/image/validator/step-1')));
  });

  test('overrides replace only the tokens they name', () => {
    const fixed: Random = {
      next: () => 0.25,
      int: (a) => a,
      pick: (x) => x[0]!,
      shuffle: (x) => [...x],
      fork: () => fixed,
    };
    const runtime = createRuntime({ config, override: [[RANDOM, { useValue: fixed }]] });
    expect(runtime.resolve(RANDOM).next()).toBe(0.25);
    expect(runtime.resolve(LOGGER)).toBeDefined();
  });

  test('two scopes with one name are refused', () => {
    const runtime = createRuntime({ config });
    runtime.createNeuronScope({ name: 'dup', subnet: 's', role: 'miner' });
    expect(() => runtime.createNeuronScope({ name: 'dup', subnet: 's', role: 'miner' })).toThrow(/already/);
  });
});

describe('Runtime services', () => {
  const disposedModels = (logs: ReturnType<typeof captureLogs>) =>
    logs.records().filter((r) => r.event === 'model.runtime_disposed').length;

  test('the model runtime comes from config on first use, is shared by every neuron, and is disposed with the runtime', async () => {
    const logs = captureLogs();
    const runtime = createRuntime({ config, logger: logs.logger });
    const models = runtime.resolve(MODELS);
    expect(runtime.createNeuronScope({ name: 'n', subnet: 's', role: 'miner' }).resolve(MODELS)).toBe(models);
    await runtime.dispose();
    expect(disposedModels(logs)).toBe(1);
  });

  test("a model runtime passed in is the caller's: the runtime shares it and leaves it running", async () => {
    const logs = captureLogs();
    const models = createModelRuntime({ logger: logs.logger, useFixtures: true });
    const runtime = createRuntime({ config, models, logger: logs.logger });
    expect(runtime.createNeuronScope({ name: 'n', subnet: 's', role: 'miner' }).resolve(MODELS)).toBe(models);
    await runtime.dispose();
    expect(disposedModels(logs)).toBe(0);
    await models.dispose();
    expect(disposedModels(logs)).toBe(1);
  });
});

describe('secret redaction in logs', () => {
  test('Secret values and secret-looking fields never reach a log line', () => {
    const logs = captureLogs();
    const mnemonic = 'abandon ability able about above absent absorb abstract absurd abuse access accident';
    const secret = new Secret(mnemonic);
    logs.logger.info({ wallet: 'w1', key: secret }, `loaded ${secret}`);
    logs.logger.info({ mnemonic, password: 'hunter2', nested: { privateKey: '0xdeadbeef', seed: '0x01' } }, 'oops');
    logs.logger.error({ err: new Error(`failed with ${secret}`) }, 'error path');
    const text = logs.text();
    expect(text).toContain('w1');
    for (const leaked of [mnemonic, 'hunter2', '0xdeadbeef', 'abandon']) expect(text).not.toContain(leaked);
    expect(text).toContain('[redacted]');
  });

  test('Secret prints as redacted in every form', async () => {
    const { inspect } = await import('node:util');
    const s = new Secret('top-secret');
    for (const shown of [String(s), `${s}`, JSON.stringify({ s }), inspect(s), inspect({ s }, { depth: 5 })]) {
      expect(shown).not.toContain('top-secret');
    }
    expect(s.reveal()).toBe('top-secret');
  });
});

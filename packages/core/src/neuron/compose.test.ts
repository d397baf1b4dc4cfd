// The composition root end to end, without the localnet: a miner and a validator composed in one
// runtime get its chain, models, clock and random source, and only their seat and settings from
// the caller; disposing the runtime stops them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createLocalChain } from '../chain/local/local-chain.js';
import { configSchema } from '../config/schema.js';
import { createRuntime } from '../di/create-runtime.js';
import { createModelRuntime } from '../models/model-runtime.js';
import { loadSubnet } from '../plugin/load-subnet.js';
import { captureLogs } from '../testing/capture-logs.js';
import { reverseSubnet } from '../testing/reverse-subnet.fixture.js';
import { initCrypto } from '../wallet/crypto-ready.js';
import { Keypair } from '../wallet/keypair.js';
import { composeMiner, composeValidator } from './compose.js';

const dir = mkdtempSync(join(tmpdir(), 'sk-compose-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a miner and a validator composed in one runtime serve, answer and score; disposing the runtime stops them', {
  tags: ['slow'],
}, async () => {
  await initCrypto();
  const [alice, owner, minerHot, validatorHot] = ['//Alice', '//Owner', '//M', '//V'].map((u) => Keypair.fromUri(u));
  const logs = captureLogs();
  const chain = await createLocalChain({
    blockTime: 'instant',
    logger: logs.logger,
    genesis: {
      accounts: [{ address: alice!.address, balance: 10n ** 15n }],
      subnets: [{ netuid: 1, name: 'reverse', owner: alice!.address, ownerHotkey: owner!.address }],
    },
  });
  const models = createModelRuntime({ logger: logs.logger, useFixtures: true });
  const runtime = createRuntime({
    config: configSchema.parse({ seed: 'compose' }),
    chain,
    models,
    logger: logs.logger,
  });
  try {
    const subnet = await loadSubnet(reverseSubnet, { cwd: dir });
    const validator = composeValidator(
      runtime,
      'reverse/validator-0',
      { subnet, netuid: 1, hotkey: validatorHot!, coldkey: alice! },
      { stateFile: join(dir, 'validator.json') },
    );
    await validator.start();
    // after the validator: the miner's first metagraph view then knows its caller
    const miner = composeMiner(runtime, 'reverse/miner-0', { subnet, netuid: 1, hotkey: minerHot!, coldkey: alice! });
    await miner.start();

    const metagraph = await chain.metagraph(1);
    expect(metagraph.axons[miner.uid!]?.port).toBe(miner.port);
    // the runtime's logger, with the identity its child scope added
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ event: 'miner.started', neuron: 'reverse/miner-0', role: 'miner', uid: miner.uid }),
    );
    const report = await validator.tick(await chain.blockNumber());
    expect(report?.rewards).toContainEqual({ uid: miner.uid, reward: 1 });
  } finally {
    await runtime.dispose();
  }
  // the miner's axon went with its scope
  const port = (await chain.metagraph(1)).axons.find((a) => a)!.port;
  await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  await models.dispose();
  await chain.close();
});

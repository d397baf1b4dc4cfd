// Child process for the SIGKILL crash test: produces blocks with extrinsics as fast as it can and
// prints each committed block's number and state hash; the parent kills it with SIGKILL.
import { devGenesis } from './dev-genesis.js';
import { createLocalChain } from './local-chain.js';
import { dev } from './test-helpers.js';

const dir = process.argv[2] as string;
const chain = await createLocalChain({ dataDir: dir, genesis: devGenesis({ subnets: 1 }), blockTime: 'manual' });
chain.onBlock((h) => {
  process.stdout.write(`${JSON.stringify({ number: h.number, stateHash: chain.stateHash() })}\n`);
});
for (let i = 0; i < 100_000; i++) {
  chain
    .submit(dev.alice, {
      pallet: 'Balances',
      method: 'transfer_keep_alive',
      args: { dest: dev.dave.address, value: 1000n + BigInt(i) },
    })
    .catch(() => undefined);
  await chain.advance(1);
  await new Promise((r) => setImmediate(r));
}

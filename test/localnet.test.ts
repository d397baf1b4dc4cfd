import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages/cli/dist/bin.js');
const CHEATERS = ['lazy', 'random', 'copycat'];
const PROFILES = `honest:2,${CHEATERS.map((c) => `${c}:1`).join(',')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'subnetkit-e2e-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Neuron {
  uid: number;
  role: string;
  profile: string;
  incentive: number;
  dividends: number;
  stake: string;
  emission: string;
  validatorPermit: boolean;
}
interface Summary {
  block: number;
  totalIssuance: string;
  subnets: { netuid: number; name: string; epochs: number; neurons: Neuron[] }[];
}

async function localnet(epochs: number): Promise<Summary> {
  const { stdout } = await run(
    process.execPath,
    // lockstep blocks: every block waits for the validators' steps, so a loaded machine gives the
    // same epochs with the same work done (timed blocks would let a slow validator miss epochs).
    // No `slow` miner here: in lockstep each of its timeouts holds a block; core's network test has it.
    // Tempo 10 (the CLI's default is 20): half the blocks and validator steps for the same 3 epochs;
    // the scores still part honest from cheating miners by far (about 0.5 against 0.01 or less).
    [
      bin,
      'localnet',
      '--epochs',
      String(epochs),
      '--tempo',
      '10',
      '--block-time',
      'lockstep',
      '--profiles',
      PROFILES,
      '--json',
      '--data-dir',
      dataDir,
    ],
    {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, SUBNETKIT_LOG_LEVEL: 'debug' },
    },
  );
  return JSON.parse(stdout) as Summary;
}

function meanIncentive(neurons: Neuron[], profile: string): number {
  const xs = neurons.filter((n) => n.role === 'miner' && n.profile === profile).map((n) => n.incentive);
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function validatorStep(subnet: string): number {
  return (JSON.parse(readFileSync(join(dataDir, 'validators', subnet, 'validator-0.json'), 'utf8')) as { step: number })
    .step;
}

describe('subnetkit localnet (child process, the three reference subnets)', { tags: ['slow'] }, () => {
  let first: Summary;

  test('after 3 epochs honest miners hold the highest incentive on every subnet', async () => {
    first = await localnet(3);
    expect(first.subnets.map((s) => s.name).sort()).toEqual(['image', 'predict', 'text']);
    expect(BigInt(first.totalIssuance)).toBeGreaterThan(0n);
    for (const subnet of first.subnets) {
      expect(subnet.epochs).toBeGreaterThanOrEqual(3);
      const honest = meanIncentive(subnet.neurons, 'honest');
      expect(honest, `${subnet.name}: honest incentive`).toBeGreaterThan(0);
      for (const cheater of CHEATERS) {
        expect(honest, `${subnet.name}: honest vs ${cheater}`).toBeGreaterThan(meanIncentive(subnet.neurons, cheater));
      }
      for (const v of subnet.neurons.filter((n) => n.role === 'validator')) {
        expect(v.validatorPermit).toBe(true);
        expect(BigInt(v.stake)).toBeGreaterThan(0n);
      }
      for (const n of subnet.neurons) {
        for (const x of [n.incentive, n.dividends]) expect(x >= 0 && x <= 1).toBe(true);
      }
    }
  });

  test('a rerun with the same data dir continues the chain and the validators’ scores', async () => {
    const stepsBefore = Object.fromEntries(first.subnets.map((s) => [s.name, validatorStep(s.name)]));
    const second = await localnet(1);
    expect(second.block).toBeGreaterThan(first.block);
    expect(BigInt(second.totalIssuance)).toBeGreaterThan(BigInt(first.totalIssuance));
    for (const s of second.subnets) {
      // the step counter went on from where it was: state was loaded, not started from zero
      expect(validatorStep(s.name)).toBeGreaterThan(stepsBefore[s.name]!);
      // same neurons, same uids: nobody registered again
      const before = first.subnets.find((f) => f.name === s.name)!;
      expect(s.neurons.map((n) => n.profile)).toEqual(before.neurons.map((n) => n.profile));
    }
  });

  test('no secret reaches the log, even at debug level', () => {
    const log = readFileSync(join(dataDir, 'localnet.log'), 'utf8');
    expect(log.length).toBeGreaterThan(1000);
    // the dev keys derive from //subnetkit/<seed>/… URIs: the URIs are their secrets
    expect(log).not.toMatch(/\/\/subnetkit\//);
    expect(log).not.toMatch(/bt_header_dendrite_signature"\s*:\s*"0x[0-9a-f]{20}/);
    expect(log).not.toMatch(/mnemonic|privateKey|secretKey/i);
  });
});

import { expect, test } from 'vitest';
import { renderHtmlReport } from './html-report.js';
import type { NeuronSummary } from './summary.js';

const neuron = (uid: number, role: NeuronSummary['role'], profile: string, incentive: number): NeuronSummary => ({
  uid,
  hotkey: `5Hot${uid}<script>`,
  role,
  profile,
  stake: 10n ** 9n,
  incentive,
  dividends: role === 'validator' ? 1 : 0,
  emission: BigInt(Math.round(incentive * 1e9)),
  trust: incentive,
  validatorPermit: role === 'validator',
});

test('the report is self-contained, charts every profile and escapes what it prints', () => {
  const neurons = [
    neuron(0, 'validator', 'validator', 0),
    neuron(1, 'miner', 'honest', 0.8),
    neuron(2, 'miner', 'lazy', 0.2),
  ];
  const history = [1, 2, 3].map((epoch) => ({ block: epoch * 10, netuid: 1, subnet: 'text', epoch, neurons }));
  const html = renderHtmlReport(
    { block: 30, totalIssuance: 5n * 10n ** 9n, subnets: [{ netuid: 1, name: 'text', epochs: 3, neurons }] },
    history,
  );
  expect(html).toMatch(/^<!doctype html>/);
  expect(html).not.toMatch(/(src|href)="https?:/); // no CDN, nothing fetched
  expect(html).not.toContain('<script>');
  expect(html).toContain('&#60;script&#62;');
  expect(html.match(/<svg /g)).toHaveLength(4);
  for (const label of ['>honest<', '>lazy<', '>miners<', '>validators + owner<', '>uid 1 honest<', '>uid 2 lazy<'])
    expect(html).toContain(label);
  expect(html).toContain('0.8000');
});

test('the x axis counts the epochs the history holds (a restarted network goes on from them)', () => {
  const neurons = [neuron(0, 'validator', 'validator', 0), neuron(1, 'miner', 'honest', 0.5)];
  const history = [38, 39, 40].map((epoch) => ({ block: epoch * 10, netuid: 1, subnet: 'text', epoch, neurons }));
  const html = renderHtmlReport(
    { block: 400, totalIssuance: 10n ** 9n, subnets: [{ netuid: 1, name: 'text', epochs: 40, neurons }] },
    history,
  );
  for (const tick of ['>38<', '>39<', '>40<']) expect(html).toContain(tick);
});

test('no history yet: a note instead of empty charts with meaningless ticks', () => {
  const neurons = [neuron(0, 'validator', 'validator', 0), neuron(1, 'miner', 'honest', 0)];
  const html = renderHtmlReport(
    { block: 2, totalIssuance: 10n ** 9n, subnets: [{ netuid: 1, name: 'text', epochs: 0, neurons }] },
    [],
  );
  expect(html).not.toContain('<svg');
  expect(html).not.toMatch(/\de-\d/);
  expect(html).toContain('No epoch recorded yet');
});

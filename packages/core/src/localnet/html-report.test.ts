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
  expect(html.match(/<svg /g)).toHaveLength(2);
  for (const label of ['>honest<', '>lazy<', '>miners<', '>validators<']) expect(html).toContain(label);
  expect(html).toContain('0.8000');
});

import { type CustomProfile, formatGauntletTable, runGauntlet } from '@subnetkit/core/testing';
import { expect, it } from 'vitest';
import { loadBuiltinSeries } from './feed.js';
import predict, { type DeferredForecast, type ForecastRequest } from './index.js';

/** A cheater that knew the recorded series: finds the context in them and sends the recorded next values. */
const recordedLookup: CustomProfile = {
  profile: 'recorded-lookup',
  create() {
    const series = loadBuiltinSeries();
    return async (raw) => {
      const req = raw as ForecastRequest;
      const last = req.values.slice(-4).join(',');
      for (const s of series) {
        for (let i = 4; i + req.horizon <= s.values.length; i++) {
          if (s.values.slice(i - 4, i).join(',') === last) return { forecast: s.values.slice(i, i + req.horizon) };
        }
      }
      return { forecast: Array<number>(req.horizon).fill(req.values.at(-1) as number) };
    };
  },
};

it('the adversary gauntlet: honest forecasters earn at least twice every cheater, on three seeds', {
  tags: ['slow'],
  timeout: 600_000,
}, async () => {
  const result = await runGauntlet({
    subnet: predict,
    seeds: [1, 2, 3],
    answerFromTruth: (d: DeferredForecast, req) => ({
      forecast: d.future ?? Array<number>(Number(req.horizon)).fill(d.last),
    }),
    extra: [recordedLookup],
    assert: false,
  });
  console.log(formatGauntletTable(result));
  expect(result.hits).toEqual({ replay: 0, answerKey: 0 });
  expect(result.failures).toEqual([]);
});

import { type CustomProfile, formatGauntletTable, runGauntlet } from '@subnetkit/core/testing';
import { expect, it } from 'vitest';
import { loadBuiltinSeries } from './feed.js';
import predict, { type DeferredForecast, type ForecastRequest } from './index.js';

/** Per recorded series: where each run of 4 values ends (ascending), indexed once for every network. */
let recordings: { values: readonly number[]; ends: Map<string, number[]> }[] | undefined;
function indexRecordings(): NonNullable<typeof recordings> {
  recordings ??= loadBuiltinSeries().map((s) => {
    const ends = new Map<string, number[]>();
    for (let i = 4; i <= s.values.length; i++) {
      const key = s.values.slice(i - 4, i).join(',');
      const at = ends.get(key);
      if (at) at.push(i);
      else ends.set(key, [i]);
    }
    return { values: s.values, ends };
  });
  return recordings;
}

/** A cheater that knew the recorded series: finds the context in them and sends the recorded next values. */
const recordedLookup: CustomProfile = {
  profile: 'recorded-lookup',
  create() {
    const series = indexRecordings();
    return async (raw) => {
      const req = raw as ForecastRequest;
      // the first place, series by series, whose last 4 values match and that has `horizon` values after it
      for (const s of series) {
        const i = s.ends.get(req.values.slice(-4).join(','))?.find((end) => end + req.horizon <= s.values.length);
        if (i !== undefined) return { forecast: s.values.slice(i, i + req.horizon) };
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

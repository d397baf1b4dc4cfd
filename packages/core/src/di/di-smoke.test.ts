import 'reflect-metadata';
import { container, inject, injectable } from 'tsyringe';
import { expect, test } from 'vitest';
import { type Clock, ManualClock } from '../util/clock.js';
import { CLOCK } from './tokens.js';

@injectable()
class Uses {
  constructor(@inject(CLOCK) readonly clock: Clock) {}
}

test('constructor parameter injection works under the test transform', () => {
  const child = container.createChildContainer();
  const clock = new ManualClock(5);
  child.register(CLOCK, { useValue: clock });
  expect(child.resolve(Uses).clock.now()).toBe(5);
});

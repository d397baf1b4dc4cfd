import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { createLogger } from '../log/logger.js';

/** Debian's chromium package; `.ci/run` installs it when it can. */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether browser tests can run here; says once, naming the test file, why they are skipped. */
export function chromiumPresent(testFile: string): boolean {
  const present = existsSync(CHROMIUM);
  if (!present) {
    createLogger({ level: 'warn' }).warn(
      { event: 'test.skipped', testFile, missing: CHROMIUM },
      `${testFile}: skipped, ${CHROMIUM} is absent (apt-get install -y chromium)`,
    );
  }
  return present;
}

/** Headless chromium with nothing that reaches out to the network (the test machines are offline). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

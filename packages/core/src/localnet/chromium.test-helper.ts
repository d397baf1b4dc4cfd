import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium package; `.ci/run` installs it when it can. */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether browser tests can run here; says once, naming the test file, why they are skipped. */
export function chromiumPresent(testFile: string): boolean {
  const present = existsSync(CHROMIUM);
  // biome-ignore lint/suspicious/noConsole: a skipped browser test must say why in the test output
  if (!present) console.warn(`${testFile}: skipped, ${CHROMIUM} is absent (apt-get install -y chromium)`);
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

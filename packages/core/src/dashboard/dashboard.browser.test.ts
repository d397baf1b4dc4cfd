// The live dashboard in a real browser (Debian's chromium, driven by playwright-core) over a real
// network with manual blocks: the page loads and its tables fill, a block produced after the page
// opened shows up without a reload, the page reads well at 960 and 1400 px (screenshots kept as
// artifacts), it works with scripting off, and axe-core finds no serious accessibility problem.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumPresent, launchChromium } from '../localnet/chromium.test-helper.js';
import { createLogger } from '../log/logger.js';
import { createTestNetwork, type TestNetwork } from '../testing/create-test-network.js';
import { reverseSubnet } from '../testing/reverse-subnet.fixture.js';
import { type RunningDashboard, startDashboard } from './serve.js';
import { localNetworkSource } from './source.js';

const present = chromiumPresent('dashboard.browser.test');
// artifacts: SUBNETKIT_SCREENSHOTS, else a fixed folder in the OS temp dir (kept after the run)
const SHOTS = process.env.SUBNETKIT_SCREENSHOTS ?? join(tmpdir(), 'subnetkit-dashboard-screenshots');

/** Runs in the page (a string: core is compiled without DOM types). */
const BLOCK = `Number(document.getElementById('block').textContent)`;

describe.skipIf(!present)('the live dashboard in headless Chromium', { tags: ['slow'] }, () => {
  let net: TestNetwork;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let neurons: number;

  beforeAll(async () => {
    net = await createTestNetwork({
      subnet: reverseSubnet,
      miners: ['honest', 'honest', 'lazy', 'random'],
      validators: 2,
      tempo: 5,
    });
    await net.runEpochs(3);
    neurons = (await net.summary()).subnets[0]!.neurons.length;
    const source = await localNetworkSource(net.network, 'Subnetkit localnet (reverse)');
    dashboard = await startDashboard(source, { port: 0, log: createLogger({ level: 'silent' }) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await net?.close();
  });

  async function open(width: number, javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled });
    const page = await context.newPage();
    await page.goto(dashboard.url);
    return page;
  }

  test('the tables fill, and a new block shows up live (server-sent events), without a reload', async () => {
    const page = await open(1400);
    await page.waitForFunction(`document.body.dataset.live === 'on'`);
    expect(await page.locator('tbody tr').count()).toBe(neurons);
    expect(await page.locator('figure svg').count()).toBe(5);
    let reloaded = false;
    page.on('framenavigated', () => {
      reloaded = true;
    });
    const shown = (await page.evaluate(BLOCK)) as number;
    expect(shown).toBe(await net.network.chain.blockNumber());
    // within two blocks: the second block is produced only if the first did not show up yet
    await net.advance(1);
    const first = await page
      .waitForFunction(`${BLOCK} >= ${shown + 1}`, undefined, { timeout: 60_000 })
      .then(() => true)
      .catch(() => false);
    if (!first) {
      await net.advance(1);
      await page.waitForFunction(`${BLOCK} >= ${shown + 1}`, undefined, { timeout: 60_000 });
    }
    expect(reloaded).toBe(false);
    // the next epoch is counted down against the new block
    expect(await page.locator('[data-live="epoch-in"]').first().textContent()).toMatch(/\(in \d+ blocks\)/);
    await page.context().close();
  });

  test('no sideways scroll at 960 and 1400 px; screenshots saved', async () => {
    mkdirSync(SHOTS, { recursive: true });
    for (const width of [960, 1400]) {
      const page = await open(width);
      await page.waitForFunction(`document.body.dataset.live === 'on'`);
      const { scrollWidth, clientWidth } = (await page.evaluate(
        `({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })`,
      )) as { scrollWidth: number; clientWidth: number };
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      const shot = join(SHOTS, `dashboard-${width}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
      console.info(`dashboard screenshot: ${shot}`);
      await page.context().close();
    }
    const page = await open(1400);
    await page.goto(
      new URL(`/subnets/${net.network.netuidOf('reverse')}/neurons/${net.network.miners()[0]!.uid}`, dashboard.url)
        .href,
    );
    const shot = join(SHOTS, 'dashboard-neuron-1400.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.info(`dashboard screenshot: ${shot}`);
    await page.context().close();
  });

  test('with scripting off: the page is complete, sorting goes through links, neuron pages open', async () => {
    const page = await open(1400, false);
    expect(await page.locator('tbody tr').count()).toBe(neurons);
    expect(await page.locator('#live-status').textContent()).toContain('static page');
    await page.click('th a[data-sort="incentive"]'); // descending first for numbers
    await page.waitForURL(/sort=incentive&order=desc/);
    expect(await page.locator('tbody tr td[data-f="profile"]').first().textContent()).toBe('honest');
    await page.locator('tbody tr td[data-f="uid"] a').first().click();
    await page.waitForURL(/\/subnets\/\d+\/neurons\/\d+$/);
    expect(await page.locator('dl.facts').textContent()).toContain('registered at block');
    await page.context().close();
  });

  test('axe-core finds no serious or critical accessibility violations (overview and neuron page)', async () => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const page = await open(1400);
    for (const path of ['/', `/subnets/${net.network.netuidOf('reverse')}/neurons/${net.network.miners()[0]!.uid}`]) {
      await page.goto(new URL(path, dashboard.url).href);
      await page.addScriptTag({ content: axe });
      const violations = (await page.evaluate(
        `axe.run(document).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))`,
      )) as { id: string; impact: string; nodes: number }[];
      expect(
        violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
        path,
      ).toEqual([]);
    }
    await page.context().close();
  });
});

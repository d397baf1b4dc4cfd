// The report page in a real browser (Debian's chromium, driven by playwright-core): it must fit
// a 960 px window without sideways scrolling, keep every chart and legend inside the page, and
// not hide one emission series behind the other. Screenshots go to the test's temp folder.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumPresent, launchChromium } from './chromium.test-helper.js';
import { renderHtmlReport } from './html-report.js';
import type { EpochSnapshot, NeuronSummary } from './summary.js';

const present = chromiumPresent('html-report.browser.test');

/** A realistic network: full-length hotkeys, every profile, validators and owner earning as much as the miners. */
function fixture(): { html: string } {
  const profiles = ['honest', 'honest', 'lazy', 'random', 'copycat', 'slow'];
  const key = (i: number) => `5${'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'.repeat(2).slice(i, i + 47)}`;
  const neurons = (epoch: number): NeuronSummary[] =>
    [
      { role: 'owner' as const, profile: 'owner' },
      { role: 'validator' as const, profile: 'validator' },
      { role: 'validator' as const, profile: 'validator' },
      ...profiles.map((profile) => ({ role: 'miner' as const, profile })),
    ].map((n, uid) => ({
      ...n,
      uid,
      hotkey: key(uid),
      stake: BigInt(1000 + uid * epoch) * 10n ** 9n,
      incentive: n.role === 'miner' ? (n.profile === 'honest' ? 0.3 : 0.1) * Math.min(1, epoch / 5) : 0,
      dividends: n.role === 'validator' ? 0.5 : 0,
      // miners and validators receive the same total each epoch: the bars must both show
      emission: n.role === 'miner' ? 410_000_000n / 6n : 410_000_000n / 3n,
      trust: 0.5,
      validatorPermit: n.role !== 'miner',
    }));
  const history: EpochSnapshot[] = [];
  for (let epoch = 1; epoch <= 42; epoch++) {
    for (const [netuid, subnet] of [
      [1, 'text'],
      [2, 'image'],
    ] as const)
      history.push({ block: epoch * 20, netuid, subnet, epoch, neurons: neurons(epoch) });
  }
  const subnets = [
    { netuid: 1, name: 'text', epochs: 42, neurons: neurons(42) },
    { netuid: 2, name: 'image', epochs: 42, neurons: neurons(42) },
  ];
  return {
    html: renderHtmlReport(
      { block: 840, totalIssuance: 10n ** 15n, subnets },
      history,
      'Subnetkit localnet (text, image)',
    ),
  };
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}
interface Layout {
  scrollWidth: number;
  clientWidth: number;
  charts: (Box & { texts: (Box & { text: string })[] })[];
  bars: string[];
}

/** Runs in the page (a string: core is compiled without DOM types): page width, charts, label boxes, bar fills. */
const LAYOUT = `(() => {
  const box = (el) => { const b = el.getBoundingClientRect(); return { left: b.left, right: b.right, top: b.top, bottom: b.bottom }; };
  const charts = [...document.querySelectorAll('figure svg')].map((svg) => ({
    ...box(svg),
    texts: [...svg.querySelectorAll('text')].map((t) => ({ ...box(t), text: t.textContent || '' })),
  }));
  const bars = [...document.querySelectorAll('figure:nth-child(2) svg path')].map((p) => p.getAttribute('fill') || '');
  return { scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth, charts, bars };
})()`;

describe.skipIf(!present)('the HTML report in headless Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'sk-report-browser-'));
  const file = join(dir, 'report.html');

  beforeAll(async () => {
    writeFileSync(file, fixture().html);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const width of [960, 1400]) {
    test(`${width} px: no sideways scroll, every chart and legend inside the page, both emission series drawn`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href);
      const layout = (await page.evaluate(LAYOUT)) as Layout;
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
      expect(layout.charts).toHaveLength(8); // four per subnet
      for (const c of layout.charts) {
        expect(c.left).toBeGreaterThanOrEqual(0);
        expect(c.right).toBeLessThanOrEqual(width);
        // every label (legend, ticks, axis names) is drawn inside its own chart
        for (const t of c.texts.filter((x) => x.text.trim() !== '')) {
          expect(t.left, t.text).toBeGreaterThanOrEqual(c.left - 1);
          expect(t.right, t.text).toBeLessThanOrEqual(c.right + 1);
          expect(t.top, t.text).toBeGreaterThanOrEqual(c.top - 1);
          expect(t.bottom, t.text).toBeLessThanOrEqual(c.bottom + 1);
        }
      }
      // the legend names both emission series, and bars of two colours are drawn side by side
      const legend = layout.charts[1]!.texts.map((t) => t.text);
      expect(legend).toContain('miners');
      expect(legend).toContain('validators + owner');
      expect(new Set(layout.bars.filter((f) => /^#|rgb/.test(f))).size).toBeGreaterThanOrEqual(2);
      expect(requests).toEqual([]); // nothing fetched
      const shot = join(process.env.SUBNETKIT_SCREENSHOTS ?? dir, `report-${width}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      await page.close();
    });
  }
});

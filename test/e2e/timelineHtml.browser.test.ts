/**
 * The HTML timeline in a real browser: Debian's Chromium driven headless by playwright-core
 * (no browser download). It opens the page of a known failing scenario (the welcomeEmail
 * regression against its buggy handler), checks the lanes, the attempts, the marks and that a
 * click shows a call's arguments and an input's payload; it checks that the page fetches nothing
 * and that a payload built to inject markup stays text. The page and a screenshot are kept in
 * .lambdasim/browser/ (gitignored).
 *
 * Without Chromium the test is skipped with the reason, except in CI (`CI` set), where it fails:
 * .ci/run installs Chromium.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { welcomeEmail } from '../../fixtures/examples/welcomeEmail.js';
import { createSimulation, timelineHtml } from '../../src/index.js';
import { replayScenarioFile } from '../../src/vitest/index.js';

const CHROMIUM = process.env.LAMBDASIM_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = resolve('.lambdasim/browser');
const REGRESSION = 'fixtures/regressions/welcomeEmail/seed-20261123.json';
const missing = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set LAMBDASIM_CHROMIUM)`;

if (missing !== undefined && process.env.CI === undefined)
  console.warn(`SKIPPED: the HTML timeline's browser test: ${missing}`);

let browser: Browser | undefined;
beforeAll(async () => {
  if (missing !== undefined) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in a container: no sandbox. The closed network refuses Chromium's own background
    // connections (updates, sync, field trials): don't make them.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** Opens `html` from a file; collects every request and every error the page makes. */
async function open(
  name: string,
  html: string,
): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  if (missing !== undefined) {
    if (process.env.CI !== undefined) throw new Error(`CI must run the browser test: ${missing}`);
    throw new Error(missing);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => void requests.push(request.url()));
  page.on('pageerror', (error) => void errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
  return { page, requests, errors };
}

describe.skipIf(missing !== undefined && process.env.CI === undefined)(
  'the HTML timeline in Chromium',
  () => {
    it('shows the lanes, attempts and marks of the welcomeEmail regression, and a call’s arguments on click', async () => {
      const result = await replayScenarioFile(REGRESSION, welcomeEmail.buggy as never);
      const html = timelineHtml(result, {
        title: 'welcomeEmail: the retry sends the email twice',
        violations: await welcomeEmail.check(result as never),
        replay: `lambdasim replay ${REGRESSION} --setup fixtures/examples/index.ts#welcomeEmail.buggy`,
      });
      const { page, requests, errors } = await open('welcomeEmail', html);

      expect(await page.locator('.lane-name').allTextContents()).toEqual(['Handler', 'Handler#1', 'mailer']);
      expect(await page.locator('.bar').allTextContents()).toEqual([
        'attempt 1 (cold) · Sandbox.Timedout',
        'attempt 2 (cold)',
      ]);
      expect(await page.locator('.ev:not(.legend .ev)').count()).toBe(result.trace.length);
      await expect
        .poll(() => page.locator('.lane:has(.lane-name:text-is("mailer")) .ev.fault').count())
        .toBe(1);
      expect(await page.locator('.lane:has(.lane-name:text-is("mailer")) .ev.effect').count()).toBe(2);
      expect(await page.locator('section.replay pre').textContent()).toContain(
        `lambdasim replay ${REGRESSION}`,
      );
      expect(await page.locator('section.violations pre').textContent()).toContain(
        '[exactlyOnce] mailer.send ran 2 times',
      );

      // The first email: its mark on the mailer lane shows the call's arguments.
      await page.locator('.lane:has(.lane-name:text-is("mailer")) .ev.effect').first().click();
      const panel = page.locator('aside');
      expect(await page.locator('#details-title').textContent()).toBe('+0.600s  call.landed');
      expect(await panel.textContent()).toContain('mailer.send arguments');
      expect(
        JSON.parse((await panel.locator('h3:text-is("mailer.send arguments") + pre').textContent()) ?? ''),
      ).toEqual({ eventId: 'evt-1', to: 'ada@example.com', template: 'welcome' });
      // The mark and its row in the table are highlighted together.
      expect(await page.locator('.selected').count()).toBe(2);
      await page.screenshot({ path: join(ARTIFACTS, 'welcomeEmail.png'), fullPage: true });

      // The event's row in the table: the async event's payload.
      await page.locator('table.events tr', { hasText: 'async.accepted' }).click();
      expect(JSON.parse((await panel.locator('h3:text-is("payload") + pre').textContent()) ?? '')).toEqual({
        eventId: 'evt-1',
        email: 'ada@example.com',
      });
      // An attempt bar shows its invocation.
      await page.locator('.bar.failed').click();
      expect(await page.locator('#details-title').textContent()).toBe('+0.100s  invoke.started');

      expect(requests).toEqual([pathToFileURL(join(ARTIFACTS, 'welcomeEmail.html')).href]);
      expect(errors).toEqual([]);
      await page.close();
    });

    it('keeps a payload that closes the script and injects an element as text', async () => {
      const evil = `</script><img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
      const sim = createSimulation({ seed: 1 });
      const fn = sim.fn('Echo', () => async (event: { text: string }) => event);
      void sim.invoke(fn, { text: evil });
      const { page, requests, errors } = await open('xss', timelineHtml(await sim.run(), { title: evil }));
      expect(await page.locator('h1').textContent()).toBe(evil);
      expect(await page.locator('img').count()).toBe(0);
      await page.locator('.ev[data-kind="request.received"]').click();
      expect(JSON.parse((await page.locator('h3:text-is("payload") + pre').textContent()) ?? '')).toEqual({
        text: evil,
      });
      expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
      expect(requests).toHaveLength(1);
      expect(errors).toEqual([]);
      await page.close();
    });
  },
);

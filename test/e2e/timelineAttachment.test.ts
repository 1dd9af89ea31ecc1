/**
 * A failing lambdasim matcher writes the HTML timeline of the failing run beside its report and
 * attaches it to the vitest test (an annotation with the file, which the default reporter prints
 * with the failure and @vitest/ui shows). In a property, the page is the shrunk counterexample's,
 * with the exact replay command. Each scenario test is `it.fails` and is followed by a test that
 * reads what it left: the file, the failure message and the test's annotations.
 */
import { lambdasimMatchers } from '../../src/vitest/matchers.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it as vitestIt } from 'vitest';
import { welcomeEmail } from '../../fixtures/examples/welcomeEmail.js';
import { exampleScenarios } from '../../fixtures/examples/property.js';
import { formatScenario, runScenario, type Scenario } from '../../src/index.js';
// As the page escapes text (tested in test/unit/report/timelineHtml.test.ts).
import { escapeHtml } from '../../src/report/html/escape.js';
import { expect, fc, it, replayScenarioFile } from '../../src/vitest/index.js';
import { htmlTimelineDirForFile, testNamed } from './htmlTimelineDir.js';

/** One event, the mailer's first call slowed past the timeout: the retry emails again. */
const REGRESSION = 'fixtures/regressions/welcomeEmail/seed-20261123.json';

const dir = htmlTimelineDirForFile('lambdasim-html-');

const mailerOnce = (result: Awaited<ReturnType<typeof runScenario>>) =>
  expect(result).toHaveEffectsExactlyOnce('mailer', (e) => e.requestId);

const PROPERTY = 'a property over the buggy welcomeEmail handler fails';
const PLAIN = 'a matcher fails outside a property';
const OFF = 'with LAMBDASIM_HTML=off a failing matcher writes nothing';

describe('HTML timeline of a failing matcher', () => {
  let error: Error | undefined;
  let counterexample: Scenario | undefined;

  it.fails(PROPERTY, async () => {
    const details = await fc.check(
      fc.asyncProperty(exampleScenarios(welcomeEmail as never), async (scenario) => {
        mailerOnce(await runScenario(scenario, welcomeEmail.buggy as never));
      }),
      { seed: 20261123, numRuns: 100 },
    );
    counterexample = details.counterexample?.[0] as Scenario | undefined;
    error = details.errorInstance as Error;
    throw error;
  });

  it('writes the shrunk counterexample’s page, with its replay command, and attaches it to the failed test', ({
    task,
  }) => {
    if (error === undefined || counterexample === undefined) throw new Error('the property did not fail');
    const path = join(
      dir,
      'timelineattachment-test--a-property-over-the-buggy-welcomeemail-handler-fails.html',
    );
    expect(error.message).toContain(`\n\nHTML timeline: ${path}`);
    expect(readdirSync(dir)).toEqual([path.slice(dir.length + 1)]);
    const html = readFileSync(path, 'utf8');
    // The counterexample fast-check reports (shrunk), not the first failing run.
    expect(html).toContain(escapeHtml(formatScenario(counterexample)));
    expect(counterexample.events).toHaveLength(1);
    expect(html).toMatch(
      new RegExp(
        `FC_SEED=20261123 FC_PATH=[\\d:]+ npx vitest run test/e2e/timelineAttachment\\.test\\.ts -t ${escapeHtml("'a property over the buggy welcomeEmail handler fails'")}`,
      ),
    );
    expect(html).toContain('[exactlyOnce] mailer.send ran 2 times');
    expect(html).toContain(`<h1>${escapeHtml(`HTML timeline of a failing matcher > ${PROPERTY}`)}</h1>`);

    const annotations = testNamed(task, PROPERTY).annotations;
    expect(annotations).toHaveLength(1);
    const [annotation] = annotations;
    expect(annotation?.message).toBe(`lambdasim: HTML timeline of the failing run: ${path}`);
    expect(annotation?.attachment?.contentType).toBe('text/html');
    // vitest copied the file into its attachments directory when the annotation was made.
    const copy = annotation?.attachment?.path;
    expect(copy).toBeDefined();
    expect(readFileSync(copy!, 'utf8')).toBe(html);
  });

  // vitest's own `it` (lambdasim/vitest's runs every test as a one-run property).
  vitestIt.fails(PLAIN, async () => {
    const result = await replayScenarioFile(REGRESSION, welcomeEmail.buggy as never);
    mailerOnce(result);
  });

  it('writes the page at once outside a property, with the command that reruns the test', ({ task }) => {
    const path = join(dir, 'timelineattachment-test--a-matcher-fails-outside-a-property.html');
    const html = readFileSync(path, 'utf8');
    expect(html).toContain(
      `npx vitest run test/e2e/timelineAttachment.test.ts -t ${escapeHtml("'a matcher fails outside a property'")}`,
    );
    expect(html).not.toContain('FC_SEED');
    expect(testNamed(task, PLAIN).annotations.map((a) => a.message)).toEqual([
      `lambdasim: HTML timeline of the failing run: ${path}`,
    ]);
  });

  it.fails(OFF, async () => {
    process.env.LAMBDASIM_HTML = 'off';
    try {
      mailerOnce(await replayScenarioFile(REGRESSION, welcomeEmail.buggy as never));
    } finally {
      process.env.LAMBDASIM_HTML = dir;
    }
  });

  it('writes nothing with LAMBDASIM_HTML=off, for a negated matcher, or for a matcher called directly', async ({
    task,
  }) => {
    expect(testNamed(task, OFF).annotations).toEqual([]);
    const result = await replayScenarioFile(REGRESSION, welcomeEmail.buggy as never);
    expect(result).not.toHaveEffectsExactlyOnce('mailer', (e) => e.requestId);
    expect(lambdasimMatchers.toHaveNoLostEvents(result).pass).toBe(true);
    const direct = lambdasimMatchers.toHaveEffectsExactlyOnce(result, 'mailer', (e) => e.requestId);
    expect(direct.pass).toBe(false);
    expect(direct.message()).not.toContain('HTML timeline');
    expect(
      existsSync(
        join(dir, `timelineattachment-test--${OFF.replaceAll(/[^a-z0-9]+/gi, '-').toLowerCase()}.html`),
      ),
    ).toBe(false);
    expect(readdirSync(dir)).toHaveLength(2);
    expect(task.annotations).toEqual([]);
  });
});

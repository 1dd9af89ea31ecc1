/**
 * A failing lambdasim matcher attaches its HTML timeline to a vitest test. vitest's "current test"
 * is one global that concurrent tests share: a matcher called through the global `expect` in a
 * `test.concurrent` test sees whichever test started last. Through the test context's `expect`
 * (what vitest asks for in concurrent tests) the assertion carries its own test, and the page goes
 * there; through the global one while another test of the file runs, lambdasim cannot tell which
 * test is asserting, so it attaches nothing and says so in the failure.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { welcomeEmail } from '../../fixtures/examples/welcomeEmail.js';
import type { runScenario } from '../../src/index.js';
import { expect as globalExpect, replayScenarioFile } from '../../src/vitest/index.js';
import { htmlTimelineDirForFile, testNamed } from './htmlTimelineDir.js';

const REGRESSION = 'fixtures/regressions/welcomeEmail/seed-20261123.json';

const dir = htmlTimelineDirForFile('lambdasim-html-concurrent-');

type Result = Awaited<ReturnType<typeof runScenario>>;

/** A promise and the function that resolves it. */
function latch(): { readonly done: Promise<void>; readonly open: () => void } {
  let open = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { done, open };
}

const GLOBAL_FAILS = 'global expect: fails while another test runs';
const GLOBAL_BYSTANDER = 'global expect: a bystander started after it';
const LOCAL_FAILS = "context's expect: fails while another test runs";
const LOCAL_BYSTANDER = "context's expect: a bystander started after it";

describe('HTML timeline under test.concurrent, global expect', () => {
  const bystanderStarted = latch();
  const failed = latch();
  let message = '';

  it.concurrent.fails(GLOBAL_FAILS, async () => {
    const result: Result = await replayScenarioFile(REGRESSION, welcomeEmail.buggy as never);
    await bystanderStarted.done; // vitest's current test is now the bystander
    try {
      globalExpect(result).toHaveEffectsExactlyOnce('mailer', (e) => e.requestId);
    } catch (error) {
      message = (error as Error).message;
      throw error;
    } finally {
      failed.open();
    }
  });

  it.concurrent(GLOBAL_BYSTANDER, async () => {
    bystanderStarted.open();
    await failed.done;
  });

  it('attaches nothing to either test, and the failure says why', ({ task }) => {
    expect(testNamed(task, GLOBAL_BYSTANDER).annotations).toEqual([]);
    expect(testNamed(task, GLOBAL_FAILS).annotations).toEqual([]);
    expect(message).toContain('mailer.send ran 2 times');
    expect(message).toContain('HTML timeline: not written: test.concurrent with the global expect');
    expect(message).toContain('async ({ expect }) =>');
  });
});

describe("HTML timeline under test.concurrent, the test context's expect", () => {
  const bystanderStarted = latch();
  const failed = latch();

  it.concurrent.fails(LOCAL_FAILS, async ({ expect }) => {
    const result: Result = await replayScenarioFile(REGRESSION, welcomeEmail.buggy as never);
    await bystanderStarted.done;
    try {
      expect(result).toHaveEffectsExactlyOnce('mailer', (e) => e.requestId);
    } finally {
      failed.open();
    }
  });

  it.concurrent(LOCAL_BYSTANDER, async () => {
    bystanderStarted.open();
    await failed.done;
  });

  it('attaches the page to the failing test, named after it', ({ task }) => {
    expect(testNamed(task, LOCAL_BYSTANDER).annotations).toEqual([]);
    const path = join(dir, 'timelineconcurrent-test--context-s-expect-fails-while-another-test-runs.html');
    expect(testNamed(task, LOCAL_FAILS).annotations.map((a) => a.message)).toEqual([
      `lambdasim: HTML timeline of the failing run: ${path}`,
    ]);
    expect(readdirSync(dir)).toEqual([path.slice(dir.length + 1)]);
  });
});

describe('HTML timeline under test.concurrent, global expect, no other test running', () => {
  const ALONE = 'global expect: fails alone';

  it.concurrent.fails(ALONE, async () => {
    const result: Result = await replayScenarioFile(REGRESSION, welcomeEmail.buggy as never);
    globalExpect(result).toHaveEffectsExactlyOnce('mailer', (e) => e.requestId);
  });

  it('attaches the page: the current test can only be the asserting one', ({ task }) => {
    expect(testNamed(task, ALONE).annotations.map((a) => a.message)).toEqual([
      `lambdasim: HTML timeline of the failing run: ${join(dir, 'timelineconcurrent-test--global-expect-fails-alone.html')}`,
    ]);
  });
});

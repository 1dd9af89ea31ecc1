import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { type RunnerTask, type RunnerTestCase, TestRunner } from 'vitest';
import type { Violation } from '../checks/Violation.js';
import { coverageState } from '../coverage/coverageState.js';
import { ConfigError } from '../errors.js';
import { timelineHtml } from '../report/html/timelineHtml.js';
import type { SimulationResult } from '../Simulation.js';
import { slug } from './counterexampleFile.js';
import { rerunCommand, withoutSeedSuffix } from './currentTest.js';

/** Where failing matchers write their HTML timelines unless `LAMBDASIM_HTML` says otherwise. */
export const DEFAULT_HTML_DIR = '.lambdasim';

/**
 * The directory of HTML timelines from `LAMBDASIM_HTML`: unset or empty, `.lambdasim`; `off`
 * (or `0`, `false`), none; anything else, that directory (relative to the working directory).
 *
 * @example
 * ```ts
 * htmlTimelineDir({}); // '.lambdasim'
 * htmlTimelineDir({ LAMBDASIM_HTML: 'off' }); // undefined
 * ```
 */
export function htmlTimelineDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = env.LAMBDASIM_HTML?.trim();
  if (value === undefined || value === '') return DEFAULT_HTML_DIR;
  if (/^(off|0|false)$/i.test(value)) return undefined;
  if (value.includes('\0'))
    throw new ConfigError('lambdasim/vitest', 'LAMBDASIM_HTML', 'must be off or a directory', value);
  return value;
}

/** The failing run of the running property waiting for fast-check to finish shrinking. */
interface PendingTimeline {
  readonly test: RunnerTestCase;
  readonly path: string;
  readonly result: SimulationResult;
  readonly violations: readonly Violation[];
}

let pending: PendingTimeline | undefined;

/** What a failing matcher says about its HTML timeline: where it is, or why there is none. */
export type TimelineNote = { readonly path: string } | { readonly notWritten: string };

/**
 * Why a page cannot go to `test`: vitest's current test is one global that concurrent tests share.
 * An assertion made through the test context's `expect` carries its own test (then `test` is not
 * the current test, or is it rightly); one made through the global `expect` carries whichever test
 * started last. While another test of the file runs, the two cannot be told apart.
 */
function concurrentAmbiguity(test: RunnerTestCase, inProperty: boolean): string | undefined {
  if (test.concurrent !== true) return undefined;
  if (inProperty)
    return 'not written for a property in a test.concurrent test (concurrent properties share the pending run); `lambdasim replay <scenario.json> --html out.html` writes it';
  if (test !== TestRunner.getCurrentTest() || !otherTestRunning(test)) return undefined;
  return "not written: test.concurrent with the global expect while another test of the file runs, so lambdasim cannot tell which test is asserting; use the test context's expect, `test.concurrent('…', async ({ expect }) => …)`";
}

function otherTestRunning(test: RunnerTestCase): boolean {
  const running = (tasks: readonly RunnerTask[]): boolean =>
    tasks.some((t) => (t.type === 'suite' ? running(t.tasks) : t !== test && t.result?.state === 'run'));
  return running(test.file.tasks);
}

/**
 * Called by a lambdasim matcher that failed with a run's result inside a vitest test: returns the
 * path of the HTML timeline the failure gets, or why it gets none. `assertionTest` is the test the
 * assertion belongs to (vitest's matcher state `task`: the test context's `expect` binds it),
 * else vitest's current test. Outside a property the page is written and attached to the test at
 * once (its first failure only: one page per test); inside one, the run is kept and replaces the
 * one kept before, so that when fast-check has shrunk the counterexample {@link flushTimeline}
 * writes the page of the last failing run — the shrunk counterexample's — once. Undefined outside
 * a test or with `LAMBDASIM_HTML=off`; a page that cannot be written is never the test's failure.
 */
export function noteFailingRun(
  result: SimulationResult,
  violations: readonly Violation[],
  assertionTest?: RunnerTestCase,
): TimelineNote | undefined {
  const dir = htmlTimelineDir(process.env);
  const test = assertionTest ?? TestRunner.getCurrentTest();
  if (dir === undefined || test === undefined) return undefined;
  const inProperty = coverageState().run.getStore() !== undefined;
  const ambiguity = concurrentAmbiguity(test, inProperty);
  if (ambiguity !== undefined) return { notWritten: ambiguity };
  const file = relative(process.cwd(), test.file.filepath);
  const name = withoutSeedSuffix(test.name);
  const stem = basename(file).replace(/\.[cm]?[jt]sx?$/, '');
  const path = join(dir, `${slug(stem)}--${slug(name)}.html`);
  const timeline: PendingTimeline = { test, path, result, violations };
  if (inProperty) pending = timeline;
  else attach(timeline, rerunCommand({ file, name }));
  return { path };
}

/**
 * From the replay plugin when a property failed with a lambdasim matcher's error: writes and
 * attaches the page of its last failing run (the shrunk counterexample) with the exact replay
 * command.
 */
export function flushTimeline(replay: string): void {
  const timeline = pending;
  pending = undefined;
  if (timeline !== undefined && timeline.test === TestRunner.getCurrentTest()) attach(timeline, replay);
}

/** Forgets a kept run (the property passed, or failed with another error). */
export function discardTimeline(): void {
  pending = undefined;
}

/** Tests that got their page: one per test (its first failure outside a property, e.g. `expect.soft` in a loop). */
const attached = new WeakSet<RunnerTestCase>();

function attach(timeline: PendingTimeline, replay: string): void {
  if (attached.has(timeline.test)) return;
  attached.add(timeline.test);
  const absolute = resolve(timeline.path);
  try {
    mkdirSync(resolve(absolute, '..'), { recursive: true });
    writeFileSync(
      absolute,
      timelineHtml(timeline.result, {
        title: timeline.test.fullTestName ?? timeline.test.name,
        replay,
        violations: timeline.violations,
      }),
    );
  } catch (error) {
    console.warn(`lambdasim: could not write the HTML timeline ${timeline.path}: ${String(error)}`);
    return;
  }
  // Shown with the failure by the default reporter and in @vitest/ui. vitest copies the file into
  // its attachments directory as it records the annotation, so the page is the one written above.
  // A failing test does not wait for its annotations (only a passing one does): the hook below
  // does, or the last test of a file could lose its attachment when the worker closes.
  const { context } = timeline.test;
  const annotated = context
    .annotate(`lambdasim: HTML timeline of the failing run: ${timeline.path}`, {
      path: absolute,
      contentType: 'text/html',
    })
    .then(
      () => undefined,
      (error: unknown) => {
        console.warn(`lambdasim: could not attach the HTML timeline ${timeline.path}: ${String(error)}`);
      },
    );
  context.onTestFinished(() => annotated);
}

import fc from 'fast-check';
import { ConfigError } from '../errors.js';
import { stackFrames } from '../sim/stackFrames.js';
import type { Scenario } from '../scenario/Scenario.js';
import { formatScenario } from '../scenario/scenarioFile.js';
import { SCENARIO_MODELS } from '../scenario/validateScenario.js';
import { COUNTEREXAMPLES_ENV, saveCounterexample, slug } from './counterexampleFile.js';
import { currentTestFile, currentTestName, rerunCommand } from './currentTest.js';
import { discardTimeline, flushTimeline } from './timelineAttachment.js';

/**
 * Written by a matcher when it fails; replaced by the exact `FC_SEED=… FC_PATH=…` of the shrunk
 * counterexample once fast-check has finished (see {@link installReplayPlugin}). Left as is when
 * the assertion failed outside a property.
 */
const SEED_PATH_PLACEHOLDER = 'FC_SEED=<seed> FC_PATH=<path>';
const PLACEHOLDER_NOTE = `  (<seed> and <path>: fast-check's "{ seed, path }" line)`;

/**
 * The command that reruns the failing property at fast-check's seed and path, e.g.
 * `FC_SEED=42 FC_PATH=3:1:0 npx vitest run test/orders.test.ts -t 'charges once'`. With no
 * `seed` and `path`, a placeholder that the replay plugin fills in when the property completes.
 */
export function replayCommand(seedAndPath?: { readonly seed: number; readonly path: string }): string {
  const env =
    seedAndPath === undefined
      ? SEED_PATH_PLACEHOLDER
      : `FC_SEED=${seedAndPath.seed} FC_PATH=${seedAndPath.path}`;
  const command = `${env} ${rerunCommand()}`;
  return seedAndPath === undefined ? `${command}${PLACEHOLDER_NOTE}` : command;
}

/**
 * Puts the counterexample's seed and path into a matcher's failure message (and stack), in place
 * of the placeholder; true when it did. Does nothing to other errors.
 */
export function fillReplayPlaceholder(error: unknown, seed: number, path: string): boolean {
  if (!(error instanceof Error) || !error.message.includes(SEED_PATH_PLACEHOLDER)) return false;
  const fill = (text: string): string =>
    text
      .replaceAll(PLACEHOLDER_NOTE, '')
      .replaceAll(SEED_PATH_PLACEHOLDER, `FC_SEED=${seed} FC_PATH=${path}`);
  error.message = fill(error.message);
  if (error.stack !== undefined) error.stack = fill(error.stack);
  return true;
}

/**
 * The replay lines that follow the fast-check command for a scenario printed above them: rerun
 * it without fast-check, keep it as a regression file (`saved`: the expression that holds it).
 */
export function scenarioReplayLines(saved: string): string[] {
  return [
    'without fast-check: await runScenario(<the scenario above>, setup)',
    `keep it as a regression test: saveScenario('fixtures/regressions/${slug(currentTestName())}.json', ${saved})`,
  ];
}

/** True for a value shaped like a {@link Scenario} (what `scenarios.*` generate). */
function looksLikeScenario(value: unknown): value is Scenario {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    (SCENARIO_MODELS as readonly unknown[]).includes(v.model) &&
    typeof v.seed === 'number' &&
    Array.isArray(v.events) &&
    Array.isArray(v.faults)
  );
}

/** A counterexample literal longer than this is left out of the note (fast-check prints it too). */
const MAX_SCENARIO_CHARS = 4000;

function indented(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.length === 0 ? line : `  ${line}`))
    .join('\n');
}

/** Where a property's error came from: a lambdasim check, lambdasim's input checks, the user's code. */
function origin(error: Error): string {
  if (error instanceof ConfigError)
    return `the scenario or its setup was rejected (the ${error.name} above names the field and the rule); fix what it names, in the setup or in the arbitrary that generated the scenario.`;
  if (/^\d+ violations?:\n1\. \[\w+\]/.test(error.message))
    return 'The property threw the violations of lambdasim checks (above) for this scenario.';
  if (error.message === 'Property failed by returning false')
    return 'The property returned false for this scenario.';
  if (error.name === 'AssertionError')
    return 'An assertion in the property failed for this scenario (not a lambdasim matcher, so no timeline: expect(result).toHaveNoViolations(…) and the lambdasim matchers print one).';
  const frames = stackFrames(error);
  const first = frames.find((f) => f.owner !== 'node');
  const user = frames.find((f) => f.owner === 'user');
  if (first?.owner === 'lambdasim')
    return `This ${error.name} was thrown inside lambdasim (at ${first.location}${user === undefined ? '' : `, called from ${user.location}`}), not by a check: if the message does not point at a misuse, please report it with the scenario below.`;
  return `This ${error.name} was thrown by the property's own code${user === undefined ? '' : ` (at ${user.location})`}, not by a lambdasim check or matcher (a handler's errors stay inside the simulation as function errors, so it comes from the test code: the property or its setup). The scenario below is the input it threw on.`;
}

const ANNOTATED = new WeakSet<Error>();

/**
 * Adds to the error of a failed property over scenarios what a lambdasim matcher's report has and
 * fast-check's does not: where the error came from (the property's own code, lambdasim's input
 * validation, a check), the shrunk scenario as a literal, and the exact replay command. Errors of
 * properties over other values, and matcher failures (see {@link fillReplayPlaceholder}), are left
 * as they are.
 */
export function annotatePropertyError(
  error: unknown,
  counterexample: readonly unknown[] | null,
  seed: number,
  path: string,
): void {
  if (!(error instanceof Error) || ANNOTATED.has(error) || error.message.includes(SEED_PATH_PLACEHOLDER))
    return;
  const scenario = counterexample?.find(looksLikeScenario);
  if (scenario === undefined) return;
  ANNOTATED.add(error);
  let literal: string;
  try {
    literal = formatScenario(scenario);
  } catch {
    literal = JSON.stringify(scenario, null, 2) ?? String(scenario);
  }
  if (literal.length > MAX_SCENARIO_CHARS)
    literal = `(${literal.length} characters as a literal, left out here; fast-check's "Counterexample" line has it)`;
  const replay = [replayCommand({ seed, path })];
  if (!(error instanceof ConfigError)) replay.push(...scenarioReplayLines('<the scenario above>'));
  const note = [
    `lambdasim: ${origin(error)}`,
    `Scenario (the shrunk counterexample):\n${indented(literal)}`,
    `Replay:\n${indented(replay.join('\n'))}`,
  ].join('\n\n');
  const head = `${error.name}: ${error.message}`;
  error.message = `${error.message}\n\n${note}`;
  if (error.stack?.startsWith(head) === true)
    error.stack = `${error.name}: ${error.message}${error.stack.slice(head.length)}`;
}

/**
 * A fast-check plugin: when a property fails, writes its seed and path into a lambdasim
 * matcher's failure, or annotates any other error of a property over scenarios
 * ({@link annotatePropertyError}).
 */
const replayPlugin: fc.Plugin<unknown> = () => ({
  onAllRunsComplete: (details) => {
    if (details.failed && details.counterexamplePath !== null) {
      keepCounterexample(details.errorInstance, details.counterexample as readonly unknown[] | null);
      const seedAndPath = { seed: details.seed, path: details.counterexamplePath };
      if (fillReplayPlaceholder(details.errorInstance, details.seed, details.counterexamplePath)) {
        flushTimeline(replayCommand(seedAndPath));
        return;
      }
      annotatePropertyError(
        details.errorInstance,
        details.counterexample as readonly unknown[] | null,
        details.seed,
        details.counterexamplePath,
      );
    }
    discardTimeline();
  },
});

/**
 * With `LAMBDASIM_COUNTEREXAMPLES=<dir>` set, saves the shrunk scenario of a failed property
 * ({@link saveCounterexample}) and says where at the end of its error.
 */
function keepCounterexample(error: unknown, counterexample: readonly unknown[] | null): void {
  const dir = process.env[COUNTEREXAMPLES_ENV];
  const scenario = counterexample?.find(looksLikeScenario);
  if (dir === undefined || dir === '' || scenario === undefined) return;
  let note: string;
  try {
    const file = saveCounterexample(dir, scenario, {
      testFile: currentTestFile(),
      testName: currentTestName(),
    });
    note = `Saved as ${file} (${COUNTEREXAMPLES_ENV})`;
  } catch (saveError) {
    // A report never throws: the failure stays the property's.
    note = `Not saved under ${dir} (${COUNTEREXAMPLES_ENV}): ${saveError instanceof Error ? saveError.message : String(saveError)}`;
  }
  if (error instanceof Error) {
    const head = `${error.name}: ${error.message}`;
    error.message = `${error.message}\n\n${note}`;
    if (error.stack?.startsWith(head) === true)
      error.stack = `${error.name}: ${error.message}${error.stack.slice(head.length)}`;
  }
}

const INSTALLED = Symbol.for('lambdasim.vitest.replayPlugin');

/**
 * Installs the replay plugin in fast-check once per fast-check instance (test files share the
 * externalised fast-check module, and re-evaluate this one).
 */
export function installReplayPlugin(): void {
  const registry = globalThis as { [INSTALLED]?: WeakSet<object> };
  const installed = (registry[INSTALLED] ??= new WeakSet<object>());
  if (installed.has(fc.installGlobalPlugin)) return;
  installed.add(fc.installGlobalPlugin);
  fc.installGlobalPlugin(replayPlugin);
}

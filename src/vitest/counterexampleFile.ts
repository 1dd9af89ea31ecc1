import { join } from 'node:path';
import type { Scenario } from '../scenario/Scenario.js';
import { saveScenario } from '../scenario/scenarioFile.js';
import { contentDigest } from '../sim/contentDigest.js';

/** The variable naming the directory where failing properties save their counterexamples. */
export const COUNTEREXAMPLES_ENV = 'LAMBDASIM_COUNTEREXAMPLES';

/** Where a counterexample was found: the test file and the test's name. */
export interface CounterexampleOrigin {
  readonly testFile: string | undefined;
  readonly testName: string | undefined;
}

/**
 * Saves a property's shrunk counterexample as a scenario file: in `dir`, a folder per test
 * (`<test file>--<test name>`, as slugs) that `regressionTests` can replay, and a file named
 * by the scenario's content digest, so that one counterexample found twice (two seeds, two CI
 * shards) is one file and merging shards' folders never overwrites another counterexample.
 *
 * @example
 * ```ts
 * saveCounterexample('counterexamples', scenario, { testFile: 'test/orders.test.ts', testName: 'charges once' });
 * // 'counterexamples/test-orders-test-ts--charges-once/3f9c0e1a2b4d5c6e.json'
 * ```
 * @returns the path of the file written.
 * @throws ConfigError for an invalid scenario (nothing is written).
 */
export function saveCounterexample(
  dir: string,
  scenario: Scenario<unknown>,
  origin: CounterexampleOrigin,
): string {
  const folder = `${slug(origin.testFile ?? 'tests')}--${slug(origin.testName ?? 'property')}`;
  const file = join(dir, folder, `${contentDigest(JSON.stringify(scenario)).slice(0, 16)}.json`);
  saveScenario(file, scenario);
  return file;
}

/** `charges once` → `charges-once`: a file name for a saved regression scenario. */
export function slug(name: string | undefined): string {
  const s = (name ?? 'scenario')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s.length === 0 ? 'scenario' : s;
}

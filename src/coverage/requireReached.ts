import { ConfigError } from '../errors.js';
import { activeCollector } from './coverageState.js';

/**
 * Makes coverage strict for the running test: when it ends having passed, each name given — a
 * built-in case (`'retryAfterEffect'`, see {@link COVERAGE_CASES}) or a {@link sometimes} label —
 * must have been reached in at least one run, or the test fails with
 * `coverage: <test>: sometimes('<label>') was never reached in N runs`. Call it in the test
 * (before or after the property, or inside it: names accumulate). `LAMBDASIM_COVERAGE=strict`
 * requires every `sometimes` label of every test the same way.
 *
 * @throws ConfigError when no collector is active: outside a vitest test with lambdasim/vitest
 * imported, and outside {@link withCoverage}.
 *
 * @example
 * ```ts
 * test.prop([scenarios.async({ events: orderArb })])('a retry never charges twice', async (s) => {
 *   requireReached(['retryAfterEffect']);
 *   const result = await runScenario(s, setup);
 *   expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf);
 * });
 * ```
 */
export function requireReached(names: readonly string[]): void {
  const collector = activeCollector();
  if (collector === undefined)
    throw new ConfigError(
      'requireReached',
      'call',
      'needs a coverage collector: call it inside a vitest test with lambdasim/vitest imported, or inside withCoverage(collector, …)',
      names,
    );
  collector.require(names);
}

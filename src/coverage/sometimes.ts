import { checkSometimesLabel } from './CoverageCollector.js';
import { activeCollector, enterCurrentRun } from './coverageState.js';

/**
 * Records whether this run of the property reached `label` (as Antithesis' "sometimes"
 * assertions do): the test passes either way, but a label no run reached makes a weak pass, and
 * lambdasim/vitest prints `weak pass: <test>: sometimes('<label>') was never reached in N runs`
 * when the test ends (or fails the test in strict mode, see {@link requireReached}). A run reaches
 * the label when any of its calls had a true condition. Records nothing outside a test or
 * {@link withCoverage} scope (an invalid label throws all the same).
 *
 * Gotchas: a label is counted per run of the property, not per call; labels must not reuse a
 * built-in case name (`retryAfterTimeout`, … see {@link COVERAGE_CASES}).
 *
 * @example
 * ```ts
 * test.prop([scenarios.sqs({ events: orderArb })])('charges each order once', async (s) => {
 *   const result = await runScenario(s, setup);
 *   sometimes('a retry charged again', result.effects('payments').length > s.events.length);
 *   sometimes('more than one order', s.events.length > 1);
 *   expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf);
 * });
 * ```
 */
export function sometimes(label: string, condition: boolean): void {
  checkSometimesLabel(label); // at once, with or without a collector
  const collector = activeCollector();
  if (collector === undefined) return;
  enterCurrentRun(collector);
  collector.sometimes(label, condition);
}

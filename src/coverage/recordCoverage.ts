import type { TracedResult } from './casesReached.js';
import { activeCollector, enterCurrentRun } from './coverageState.js';

/**
 * Feeds a run's result to the active coverage collector (the running vitest test's with
 * lambdasim/vitest, or the one of an enclosing {@link withCoverage}); does nothing, at the cost of
 * one lookup, when there is none. `runScenario` calls it for every result; call it yourself for
 * a raw `sim.run()` result. Inside a fast-check run, every result of the run counts once; outside
 * one, each result is a run by itself, or joins the run begun with `collector.beginRun()`.
 * Returns `result`.
 *
 * @example
 * ```ts
 * test.prop([faultPlanArb({ functions: ['Charge'], services: ['payments'] })])('charges once', async (faults) => {
 *   const sim = createSimulation({ seed: 1, faults });
 *   // … define the function, services and workload on sim …
 *   const result = recordCoverage(await sim.run()); // counts retryAfterEffect & co. for this test
 * });
 * ```
 */
export function recordCoverage<R extends TracedResult>(result: R): R {
  const collector = activeCollector();
  if (collector === undefined) return result;
  // Outside a fast-check run, a result is a run by itself, unless `collector.beginRun()` began one.
  if (!enterCurrentRun(collector) && !collector.runBegun) collector.endRun();
  collector.record(result);
  return result;
}

/**
 * `lambdasim/vitest`: property tests over lambdasim scenarios in vitest.
 *
 * - `test` / `it` / `fc` are @fast-check/vitest's: `test.prop([arb])('name', async (s) => …)`.
 * - Importing this module registers the matchers on vitest's `expect` (`toHaveNoViolations`,
 *   `toHaveEffectsExactlyOnce`, `toHaveNoRepeatAfterSuccess`, `toHaveHonestBatchResponses`,
 *   `toHaveNoLostEvents`) and a fast-check plugin that writes the
 *   failing seed and path into their messages. Registering on import keeps types and runtime in
 *   step: the matcher types come with this module, so do the matchers.
 * - A failing matcher prints the violations, the scenario as a literal, a compact timeline of the
 *   run, its trace hash and the command that replays it
 *   (`FC_SEED=… FC_PATH=… npx vitest run <file> -t '<test>'`, read by {@link configureFromEnv}).
 * - It also writes the failing run's HTML timeline (`timelineHtml`) to
 *   `.lambdasim/<file>--<test>.html` — in a property, once, for the shrunk counterexample — and
 *   attaches it to the test (an annotation with the file: the default reporter prints it with the
 *   failure, @vitest/ui opens it). `LAMBDASIM_HTML=<dir>` writes elsewhere, `LAMBDASIM_HTML=off`
 *   not at all.
 * - Saved scenarios (fixtures/regressions/*.json) replay as plain tests: {@link regressionTests}.
 * - Coverage: each test counts, over its runs, the built-in interesting cases `runScenario`
 *   results reached (`retryAfterTimeout`, `retryAfterEffect`, `deadLettered`, …) and its
 *   {@link sometimes} labels; a label no run reached prints `weak pass: …` when the test passes,
 *   {@link requireReached} or `LAMBDASIM_COVERAGE=strict` make it fail, `LAMBDASIM_COVERAGE=1`
 *   prints every test's table ({@link configureCoverage}).
 *
 * @example
 * ```ts
 * import { fc, test, expect } from 'lambdasim/vitest';
 * import { runScenario, scenarios } from 'lambdasim';
 *
 * test.prop([scenarios.async({ events: fc.array(orderArb, { maxLength: 5 }) })])(
 *   'every order is charged exactly once',
 *   async (scenario) => {
 *     const result = await runScenario(scenario, setup);
 *     expect(result).toHaveEffectsExactlyOnce('payments', (e) => (e.args as Order).orderId);
 *     expect(result).toHaveNoLostEvents();
 *   },
 * );
 * ```
 * @module
 */
// First, before any other module: modules loaded after lambdasim capture the virtual globals.
import '../installAtImport.js';
export { fc, it, test } from '@fast-check/vitest';
export { expect } from 'vitest';
export type { ConfigureFromEnvOptions, EnvConfiguration } from './configureFromEnv.js';
export { configureFromEnv } from './configureFromEnv.js';
export type { FailureReportOptions } from './failureReport.js';
export { formatFailureReport } from './failureReport.js';
export type { LambdasimMatchers } from './matchers.js';
export { regressionTests, replayScenarioFile } from './regressionTests.js';
// --- coverage ("sometimes" labels, built-in cases, weak-pass report per test) ---
export type { CoverageCase } from '../coverage/casesReached.js';
export { requireReached } from '../coverage/requireReached.js';
export { sometimes } from '../coverage/sometimes.js';
export type { CoverageReportOptions } from './coverageReporter.js';
export { configureCoverage } from './coverageReporter.js';
// --- end coverage ---

import { installCoverageReporter } from './coverageReporter.js';
import { installMatchers } from './matchers.js';

installMatchers();
installCoverageReporter();

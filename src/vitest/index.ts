/**
 * `lambdasim/vitest`: property tests over lambdasim scenarios in vitest.
 *
 * - `test` / `it` / `fc` are @fast-check/vitest's: `test.prop([arb])('name', async (s) => …)`.
 * - Importing this module registers the matchers on vitest's `expect` (`toHaveNoViolations`,
 *   `toHaveEffectsExactlyOnce`, `toHaveNoLostEvents`) and a fast-check plugin that writes the
 *   failing seed and path into their messages. Registering on import keeps types and runtime in
 *   step: the matcher types come with this module, so do the matchers.
 * - A failing matcher prints the violations, the scenario as a literal, a compact timeline of the
 *   run, its trace hash and the command that replays it
 *   (`FC_SEED=… FC_PATH=… npx vitest run <file> -t '<test>'`, read by {@link configureFromEnv}).
 * - Saved scenarios (fixtures/regressions/*.json) replay as plain tests: {@link regressionTests}.
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
export { fc, it, test } from '@fast-check/vitest';
export { expect } from 'vitest';
export type { ConfigureFromEnvOptions, EnvConfiguration } from './configureFromEnv.js';
export { configureFromEnv } from './configureFromEnv.js';
export type { FailureReportOptions } from './failureReport.js';
export { formatFailureReport } from './failureReport.js';
export type { LambdasimMatchers } from './matchers.js';
export { installMatchers, lambdasimMatchers } from './matchers.js';
export { regressionTests, replayScenarioFile } from './regressionTests.js';

import { installMatchers } from './matchers.js';

installMatchers();

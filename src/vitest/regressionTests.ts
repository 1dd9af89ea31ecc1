import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { ConfigError } from '../errors.js';
import { runScenario } from '../scenario/runScenario.js';
import type {
  DynamoDbStreamsScenarioSetup,
  KinesisScenarioSetup,
  ScenarioResult,
  ScenarioSetup,
} from '../scenario/Scenario.js';
import { loadScenario } from '../scenario/scenarioFile.js';
import type { Simulation } from '../Simulation.js';

/**
 * Loads a scenario saved with `saveScenario` (fixtures/regressions/*.json) and runs it against
 * `setup`: the same run, trace and trace hash as when it was found, without fast-check.
 *
 * @throws ConfigError naming the file: `loadScenario("…")` for what the file holds, and
 * `replayScenarioFile("…")` for what only the run can check, e.g. a fault aimed at a service the
 * setup does not define (`faults[0].service must name a service of this simulation (defined:
 * payments), got "orders"`) or a handler factory that fails at Init.
 * @example
 * ```ts
 * const result = await replayScenarioFile('fixtures/regressions/double-charge.json', setup);
 * expect(result).toHaveEffectsExactlyOnce('payments', (e) => (e.args as Order).orderId);
 * ```
 */
export async function replayScenarioFile<E = unknown>(
  file: string,
  setup: ScenarioSetup<E>,
): Promise<ScenarioResult<E>>;
/** A kinesis scenario's file: the setup's handler gets a `KinesisStreamEvent`. */
export async function replayScenarioFile<E = unknown>(
  file: string,
  setup: KinesisScenarioSetup,
): Promise<ScenarioResult<E>>;
/** A dynamodb-streams scenario's file: the setup gets the table `HandlerTable`. */
export async function replayScenarioFile<
  E = unknown,
  T extends Record<string, unknown> = Record<string, unknown>,
>(file: string, setup: DynamoDbStreamsScenarioSetup<T>): Promise<ScenarioResult<E>>;
export async function replayScenarioFile<E = unknown>(
  file: string,
  setup: ScenarioSetup<E> | KinesisScenarioSetup | ((sim: Simulation, table: never) => unknown),
): Promise<ScenarioResult<E>> {
  // The file's events are the setup's event type: the scenario was saved from a property over it.
  const scenario = loadScenario<E>(file);
  try {
    return await runScenario(scenario, setup as ScenarioSetup<E>);
  } catch (error) {
    if (!(error instanceof ConfigError) || error.api !== 'runScenario') throw error;
    // What only a run can check (fault targets the setup defines, the factory's Init), named
    // after the file: the same field and rule.
    const named = new ConfigError(
      `replayScenarioFile(${JSON.stringify(file)})`,
      error.field,
      error.rule,
      error.value,
    );
    if (error.cause !== undefined)
      Object.defineProperty(named, 'cause', { value: error.cause, configurable: true, writable: true });
    Error.captureStackTrace(named, replayScenarioFile);
    throw named;
  }
}

/**
 * Registers one plain vitest test per saved scenario in `dir` (`*.json`, in name order): each
 * replays its scenario with {@link replayScenarioFile} and runs `assertions` on the result.
 * A missing directory is a `ConfigError`; an empty one registers a skipped test saying so.
 *
 * Gotcha: call it at the top level of a test file (or in a `describe`), not inside a test:
 * it registers tests.
 *
 * @example
 * ```ts
 * // test/regressions.test.ts
 * import { expect, regressionTests } from 'lambdasim/vitest';
 * regressionTests('fixtures/regressions', setup, (result) => {
 *   expect(result).toHaveEffectsExactlyOnce('payments', (e) => (e.args as Order).orderId);
 *   expect(result).toHaveNoLostEvents();
 * });
 * ```
 */
export function regressionTests<E = unknown>(
  dir: string,
  setup: ScenarioSetup<E>,
  assertions: (result: ScenarioResult<E>) => void | Promise<void>,
): void {
  if (!existsSync(dir)) {
    throw new ConfigError('regressionTests', 'dir', 'must be a directory of saved scenarios (*.json)', dir);
  }
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (files.length === 0) {
    test.skip(`regression: no saved scenarios in ${dir}`, () => {});
    return;
  }
  for (const name of files) {
    const file = join(dir, name);
    test(`regression: ${name}`, async () => {
      await assertions(await replayScenarioFile(file, setup));
    });
  }
}

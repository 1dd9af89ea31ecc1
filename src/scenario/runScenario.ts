import { recordCoverage } from '../coverage/recordCoverage.js';
import { ConfigError } from '../errors.js';
import type { HandlerFactory } from '../lambda/Environment.js';
import type { Simulation, SimulationResult } from '../Simulation.js';
import type { Scenario, ScenarioResult, ScenarioSetup } from './Scenario.js';
import { validateScenario } from './validateScenario.js';
import { asScenarioError, createScenarioSimulation, wireScenario } from './wireScenario.js';

/**
 * The event budget of a scenario run: far above what a scenario of tens of events with retries
 * needs (a few thousand), low enough that a livelock ends as `eventBudget` in about a second.
 */
export const SCENARIO_MAX_EVENTS = 1_000_000;

/**
 * Runs a scenario: a fresh simulation with the scenario's seed, fault plan and delivery
 * behaviours; `setup(sim)` defines the services and returns the handler factory; the function
 * is defined as `Handler` with the scenario's config; the events are sent through the model;
 * the run goes on until quiescent (or {@link SCENARIO_MAX_EVENTS}).
 *
 * How each model sends the events:
 * - `sync`: one caller per event (`event-1`, `event-2`, …), started at its `atMs`, invoking
 *   through `sim.client(fn, { clientTimeoutMs, maxAttempts: clientMaxAttempts })`, so client
 *   timeouts and SDK retries are part of the workload.
 * - `async`: `sim.invokeAsync(fn, body)` at `atMs`. The function gets an on-failure destination,
 *   an SQS sink `Handler-failures`, unless `config.onFailureDestination` is false: a discarded
 *   event with no destination is lost, and noLostEvents says so.
 * - `sqs`: `body` sent to queue `HandlerQueue` (`HandlerQueue.fifo` when `config.fifo`; a
 *   non-string body travels as its JSON text, as with SQS) at `atMs`, redriven to
 *   `HandlerQueue-dlq` (`HandlerQueue-dlq.fifo`) after `maxReceiveCount` receives (default 3),
 *   consumed by a mapping with `batchSize`, `maximumBatchingWindowS` and
 *   `reportBatchItemFailures`. On a FIFO queue an event's `group` is its MessageGroupId
 *   (`"default"` when absent) and its deduplication id is `event-<n>`, so equal bodies are
 *   distinct messages.
 *
 * The result is the simulation's result (its `traceHash` and `messages` stay lazy) plus the
 * scenario, the simulation (to read services after the run) and `rerunFaultFree()`.
 *
 * @example
 * ```ts
 * const result = await runScenario(
 *   { model: 'async', seed: 1, events: [{ atMs: 0, body: { orderId: 'o-1' } }], config: {}, delivery: {},
 *     faults: [{ kind: 'crashAfterCalls', fn: 'Handler', invocation: 1, calls: 1 }] },
 *   (sim) => {
 *     const payments = sim.api('payments');
 *     return () => async (event: { orderId: string }) => { await payments.call('charge', event); };
 *   },
 * );
 * result.effects('payments').length; // 2: the crash after the charge made Lambda retry it
 * ```
 *
 * Gotchas: `setup` is called again by `rerunFaultFree()` (and by every run of a property), so it
 * must build everything it uses from `sim`, never keep state across runs.
 *
 * @throws ConfigError at once for an invalid scenario (a specific message naming the field:
 * `runScenario: config.timeoutS must be an integer between 1 and 900, got 0`), for a setup that
 * does not return a function, or for a fault aimed at a function or service the setup does not
 * define.
 */
export async function runScenario<E>(
  scenario: Scenario<E>,
  setup: ScenarioSetup<E>,
): Promise<ScenarioResult<E>> {
  const api = 'runScenario';
  validateScenario<E>(scenario, api);
  if (typeof setup !== 'function')
    throw new ConfigError(api, 'setup', 'must be a function (sim) => handler factory', setup);
  const sim = createScenarioSimulation(scenario, api);
  const factory: unknown = setup(sim);
  if (typeof factory !== 'function')
    throw new ConfigError(
      api,
      'setup',
      'must return the handler factory, a function (env) => handler (define services on sim first)',
      factory,
    );
  const wiring = wireScenario(sim, scenario, factory as HandlerFactory<unknown>, api);
  let result: SimulationResult;
  try {
    result = await sim.run({ maxEvents: SCENARIO_MAX_EVENTS });
  } catch (error) {
    // sim.run checks the fault plan's targets against what the setup defined.
    asScenarioError(api, () => {
      throw error;
    });
    throw error;
  }
  const refused = wiring.refused[0];
  if (refused !== undefined)
    throw new ConfigError(
      api,
      `events[${refused.index}].body`,
      `was refused by SQS (${refused.error instanceof Error ? refused.error.message : String(refused.error)}); make the event arbitrary produce bodies SQS accepts`,
      scenario.events[refused.index]?.body,
    );
  return recordCoverage(scenarioResult(result, scenario, sim, setup)); // coverage: no-op without a collector
}

/** The scenario with no faults and every at-least-once delivery behaviour off. */
export function faultFree<E>(scenario: Scenario<E>): Scenario<E> {
  return { ...scenario, delivery: {}, faults: [] };
}

function scenarioResult<E>(
  result: SimulationResult,
  scenario: Scenario<E>,
  sim: Simulation,
  setup: ScenarioSetup<E>,
): ScenarioResult<E> {
  // Copy the descriptors, not the values: `traceHash` and `messages` are getters computed on
  // first read, and a spread would compute them now.
  const out = Object.defineProperties({}, Object.getOwnPropertyDescriptors(result));
  return Object.defineProperties(out, {
    scenario: { value: scenario, enumerable: true },
    sim: { value: sim, enumerable: true },
    rerunFaultFree: { value: () => runScenario(faultFree(scenario), setup), enumerable: true },
  }) as ScenarioResult<E>;
}

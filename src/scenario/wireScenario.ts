import { ConfigError } from '../errors.js';
import type { HandlerFactory } from '../lambda/Environment.js';
import type { FunctionOptions } from '../models/FunctionOptions.js';
import type { LambdaFunction } from '../lambda/LambdaFunction.js';
import type { EventSink } from '../models/async/EventSink.js';
import type { SqsQueue } from '../models/sqs/SqsQueue.js';
import { createSimulation, type Simulation, simulationInternals } from '../Simulation.js';
import { compact } from './models/configArbs.js';
import { scenarioModel } from './models/registry.js';
import type { ScenarioModelDescriptor } from './models/ScenarioModelDescriptor.js';
import { SCENARIO_FUNCTION_NAME, type Scenario } from './Scenario.js';

export { DEFAULT_MESSAGE_GROUP, SCENARIO_FAILURES_NAME } from './models/shared.js';
export { DEFAULT_MAX_RECEIVE_COUNT, SCENARIO_DLQ_NAME, SCENARIO_QUEUE_NAME } from './models/sqs.js';
export { SCENARIO_STREAM_NAME } from './models/kinesis.js';
export { SCENARIO_TABLE_NAME } from './models/dynamodbStreams.js';

/** The descriptor of a scenario's model (validateScenario has checked that it names one). */
export function descriptorOf(scenario: Scenario<unknown>): ScenarioModelDescriptor {
  const descriptor = scenarioModel(scenario.model);
  if (descriptor === undefined)
    throw new Error(`lambdasim: no scenario model named ${String(scenario.model)}`);
  return descriptor;
}

/**
 * Runs `action` (a model's own validation) and renames its ConfigError to the scenario's API
 * and field: `fn("Handler"): timeoutS …` becomes `runScenario: config.timeoutS …`, with the
 * model's rule (and AWS's quoted message) kept. A field named as one of the model's config
 * keys is that key (`shards` → `config.shards`; the function's `timeoutS` too), the model's
 * `errorFields` rename the others, and fault plan fields (`faults[…]`) stay as they are.
 */
export function asScenarioError<T>(api: string, model: ScenarioModelDescriptor, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof ConfigError) {
      const field =
        model.errorFields?.[error.field] ??
        ((model.configKeys as readonly string[]).includes(error.field)
          ? `config.${error.field}`
          : undefined) ??
        (error.field.startsWith('faults[') ? error.field : undefined);
      if (field !== undefined) throw new ConfigError(api, field, error.rule, error.value);
    }
    throw error;
  }
}

/** The simulation a scenario runs on: its seed, fault plan and the model's delivery knobs. */
export function createScenarioSimulation(
  scenario: Scenario<unknown>,
  api: string,
  allowDeterminismErrors?: string,
): Simulation {
  const model = descriptorOf(scenario);
  return asScenarioError(api, model, () =>
    createSimulation({
      seed: scenario.seed,
      faults: scenario.faults,
      ...model.simulationOptions?.(scenario.delivery),
      ...(allowDeterminismErrors === undefined ? {} : { allowDeterminismErrors }),
    }),
  );
}

/** What {@link wireScenario} defined, for the runner to read after the run. */
export interface ScenarioWiring {
  readonly fn: LambdaFunction;
  readonly queue: SqsQueue | undefined;
  readonly failures: EventSink | undefined;
  /** Events the model's service refused at run time (index into `events`, the error). */
  readonly refused: { readonly index: number; readonly error: unknown }[];
}

/**
 * Defines the scenario's function, resources and workload on `sim`, through its model's
 * descriptor: the model's `beforeSetup` resources, then `setup(resources)` (the user's setup,
 * returning the handler factory), then the model's `wire`. Every model validates its own part
 * (errors renamed by {@link asScenarioError}).
 */
export function wireScenario(
  sim: Simulation,
  scenario: Scenario<unknown>,
  setup: (resources: unknown) => HandlerFactory<unknown>,
  api: string,
): ScenarioWiring {
  const model = descriptorOf(scenario);
  const c = scenario.config;
  const refused: { index: number; error: unknown }[] = [];
  const eventIndex = simulationInternals(sim).scenarioEventIndex;
  const guard = <T>(action: () => T): T => asScenarioError(api, model, action);
  const resources = model.beforeSetup?.({ sim, scenario, guard });
  const factory = setup(resources);
  const wired = model.wire({
    sim,
    scenario,
    guard,
    resources,
    defineFunction: (extra = {}) =>
      guard(() =>
        sim.fn(
          SCENARIO_FUNCTION_NAME,
          factory,
          compact<FunctionOptions>({
            timeoutS: c.timeoutS,
            memoryMB: c.memoryMB,
            reservedConcurrency: c.reservedConcurrency,
            async: extra.async,
          }),
        ),
      ),
    refuse: (index, error) => refused.push({ index, error }),
    noteEvent: (inputId, index) => eventIndex.set(inputId, index),
  });
  return { fn: wired.fn, queue: wired.queue, failures: wired.failures, refused };
}

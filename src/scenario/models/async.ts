import fc from 'fast-check';
import { type AsyncSimulationOptions, MAX_ASYNC_PAYLOAD_BYTES } from '../../models/async/AsyncConfig.js';
import { SCENARIO_FUNCTION_NAME, type ScenarioConfig } from '../Scenario.js';
import { COMMON_CONFIG_KEYS, commonConfig, compact, fixedOr, record } from './configArbs.js';
import { failureSink } from './shared.js';
import type { ScenarioModelDescriptor } from './ScenarioModelDescriptor.js';

/** Drawn ranges of the async model's own fields. */
const RANGES = {
  maximumRetryAttempts: { min: 0, max: 2 },
  maximumEventAgeS: [21_600, 3_600, 60],
} as const;

/**
 * `async`: `sim.invokeAsync(fn, body)` at each event's `atMs`. The function gets an on-failure
 * destination, the SQS sink `Handler-failures`, unless `config.onFailureDestination` is false.
 */
export const asyncModel: ScenarioModelDescriptor<'async'> = {
  model: 'async',
  configKeys: [...COMMON_CONFIG_KEYS, 'maximumRetryAttempts', 'maximumEventAgeS', 'onFailureDestination'],
  booleanConfigKeys: ['onFailureDestination'],
  deliveryKeys: ['asyncDuplicateProbability', 'asyncReorder'],
  deliveryFaultKinds: ['duplicateDelivery', 'producerDuplicate'],
  faultTargets: { asyncFunctions: [SCENARIO_FUNCTION_NAME] },
  configArb: (c) =>
    record({
      ...commonConfig(c),
      maximumRetryAttempts: fixedOr(c.maximumRetryAttempts, fc.integer(RANGES.maximumRetryAttempts)),
      maximumEventAgeS: fixedOr(c.maximumEventAgeS, fc.constantFrom(...RANGES.maximumEventAgeS)),
      onFailureDestination: fc.constant(c.onFailureDestination),
    }).map((drawn) => compact<ScenarioConfig>(drawn)),
  bodyLimit: {
    bytes: MAX_ASYNC_PAYLOAD_BYTES,
    what: 'Event (asynchronous) invoke payload limit',
    refusal: 'Lambda would answer 413 RequestEntityTooLargeException and never queue the event',
  },
  simulationOptions: (d) => ({
    async: compact<AsyncSimulationOptions>({
      duplicateProbability: d.asyncDuplicateProbability,
      reorder: d.asyncReorder,
    }),
  }),
  errorFields: {
    'async.maximumRetryAttempts': 'config.maximumRetryAttempts',
    'async.maximumEventAgeS': 'config.maximumEventAgeS',
    'async.duplicateProbability': 'delivery.asyncDuplicateProbability',
    'async.reorder': 'delivery.asyncReorder',
  },
  wire({ sim, scenario, defineFunction, noteEvent }) {
    const c = scenario.config;
    const failures = failureSink(sim, c);
    const fn = defineFunction({
      async: compact({
        maximumRetryAttempts: c.maximumRetryAttempts,
        maximumEventAgeS: c.maximumEventAgeS,
        onFailure: failures,
      }),
    });
    scenario.events.forEach((event, i) => {
      sim.at(event.atMs, () => {
        void sim.invokeAsync(fn, event.body).then((response) => noteEvent(response.requestId, i));
      });
    });
    return { fn, failures };
  },
};

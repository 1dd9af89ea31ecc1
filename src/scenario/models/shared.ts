import type { EventSink } from '../../models/async/EventSink.js';
import type { Simulation } from '../../Simulation.js';
import { SCENARIO_FUNCTION_NAME, type ScenarioConfig } from '../Scenario.js';

/** The on-failure destination of an async or stream scenario (an SQS sink). */
export const SCENARIO_FAILURES_NAME = `${SCENARIO_FUNCTION_NAME}-failures`;

/** An event without a `group` goes to this group: a FIFO message group, a Kinesis partition key. */
export const DEFAULT_MESSAGE_GROUP = 'default';

/** The scenario's on-failure destination, unless `config.onFailureDestination` is false. */
export function failureSink(sim: Simulation, c: ScenarioConfig): EventSink | undefined {
  return c.onFailureDestination === false ? undefined : sim.sink(SCENARIO_FAILURES_NAME, { kind: 'sqs' });
}

/**
 * EventScenarioSetup / SqsScenarioSetup: inline handlers need no parameter types (this file
 * compiles under `tsc` with noImplicitAny only if the event parameters are contextually typed),
 * and both are accepted by runScenario.
 */
import { describe, expect, it } from 'vitest';
import {
  type EventScenarioSetup,
  runScenario,
  type Scenario,
  type SqsScenarioSetup,
} from '../../../src/index.js';

interface Order {
  readonly orderId: string;
}

const asyncSetup: EventScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments');
  return () => async (order) => {
    await payments.call('charge', { orderId: order.orderId });
  };
};

const sqsSetup: SqsScenarioSetup = (sim) => {
  const payments = sim.api('payments');
  return () => async (event) => {
    for (const record of event.Records)
      await payments.call('charge', { orderId: (JSON.parse(record.body) as Order).orderId });
  };
};

function scenario(model: 'async' | 'sqs'): Scenario<Order> {
  return {
    model,
    seed: 1,
    events: [{ atMs: 0, body: { orderId: 'o-1' } }],
    config: {},
    delivery: {},
    faults: [],
  };
}

describe('model-specific scenario setups', () => {
  it('an EventScenarioSetup handler gets the body, an SqsScenarioSetup handler the SQS event', async () => {
    for (const [model, setup] of [
      ['async', asyncSetup],
      ['sqs', sqsSetup],
    ] as const) {
      const result = await runScenario(scenario(model), setup);
      expect(result.effects('payments').map((e) => e.args)).toEqual([{ orderId: 'o-1' }]);
    }
  });
});

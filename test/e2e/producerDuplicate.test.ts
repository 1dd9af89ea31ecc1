/**
 * The `producerDuplicate` fault finds a real bug: a handler that deduplicates by the message id
 * (SQS) or the request id (async) is safe against Lambda's own retries and duplicate deliveries,
 * which keep the id, but not against a producer's retry, which sends the same order under a new
 * id. Its twin deduplicates by the order's business key and passes. Both pass the order's id to a
 * payments API that honours idempotency keys: only the key differs.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checks,
  runScenario,
  type Scenario,
  type ScenarioSetup,
  scenarios,
  type Simulation,
} from '../../src/index.js';

interface Order {
  readonly orderId: string;
  readonly amountCents: number;
}
const orderArb = fc.record({
  orderId: fc.integer({ min: 1, max: 1_000_000 }).map((n) => `o-${n}`),
  amountCents: fc.integer({ min: 1, max: 10_000 }),
});

function keyedPayments(sim: Simulation) {
  return sim.api('payments', {
    idempotencyKey: (_op, args) => (args as { idempotencyKey?: string }).idempotencyKey,
  });
}

function charge(payments: ReturnType<typeof keyedPayments>, order: Order, idempotencyKey: string) {
  return payments.call('charge', { orderId: order.orderId, amountCents: order.amountCents, idempotencyKey });
}

const sqsSetup =
  (key: 'messageId' | 'orderId'): ScenarioSetup<Order> =>
  (sim) => {
    const payments = keyedPayments(sim);
    return () => async (event: SQSEvent) => {
      for (const record of event.Records) {
        const order = JSON.parse(record.body) as Order;
        await charge(payments, order, key === 'messageId' ? record.messageId : order.orderId);
      }
    };
  };

const asyncSetup =
  (key: 'requestId' | 'orderId'): ScenarioSetup<Order> =>
  (sim) => {
    const payments = keyedPayments(sim);
    return () => async (order: Order, context: Context) => {
      await charge(payments, order, key === 'requestId' ? context.awsRequestId : order.orderId);
    };
  };

const CASES = [
  {
    model: 'sqs',
    buggy: sqsSetup('messageId'),
    fixed: sqsSetup('orderId'),
    arb: scenarios.sqs({ events: orderArb, uniqueBy: (o) => o.orderId, services: ['payments'] }),
  },
  {
    model: 'async',
    buggy: asyncSetup('requestId'),
    fixed: asyncSetup('orderId'),
    arb: scenarios.async({ events: orderArb, uniqueBy: (o) => o.orderId, services: ['payments'] }),
  },
] as const;

function property(arb: fc.Arbitrary<Scenario<Order>>, setup: ScenarioSetup<Order>) {
  return fc.asyncProperty(arb, async (scenario) => {
    const result = await runScenario(scenario, setup);
    const violations = checks.exactlyOnce(result.effects('payments'), (e) => (e.args as Order).orderId, {
      inputs: result.inputs,
    });
    if (violations.length > 0) throw new Error(violations[0]!.message);
  });
}

describe.each(CASES)('producerDuplicate ($model)', ({ model, buggy, fixed, arb }) => {
  it('catches a handler that deduplicates by its model id, shrunk to one event and the retry', async () => {
    const details = await fc.check(property(arb, buggy), { seed: 7, numRuns: 200 });
    expect(details.failed, `${model}: no failure in 200 runs`).toBe(true);
    const [scenario] = details.counterexample as [Scenario<Order>];
    expect(scenario.faults.map((f) => f.kind)).toContain('producerDuplicate');
    expect(scenario.events).toHaveLength(1);
    expect(scenario.faults).toHaveLength(1);
    // With Lambda's own retries and duplicate deliveries (same id) but no producer retries, the
    // same handler passes: the bug is theirs to find.
    const without = scenarios[model]({
      events: orderArb,
      uniqueBy: (o: Order) => o.orderId,
      services: ['payments'],
      faults: {
        kinds: ['handlerError', 'handlerTimeout', 'crashAfterCalls', 'callTimeout', 'duplicateDelivery'],
      },
    }) as fc.Arbitrary<Scenario<Order>>;
    const blind = await fc.check(property(without, buggy), { seed: 7, numRuns: 200 });
    expect(blind.failed, String(blind.errorInstance)).toBe(false);
  });

  it('passes the twin that deduplicates by the business key', async () => {
    const details = await fc.check(property(arb, fixed), { seed: 7, numRuns: 200 });
    expect(details.failed, String(details.errorInstance)).toBe(false);
  });
});

/**
 * The production handler with zero glue (issue 13 item 6): examples/powertools/checkout.ts (a
 * module-scope DocumentClient, Powertools idempotency + batch + Logger, Middy, `fetch` to a
 * payment provider) loaded per execution environment, under SQS scenarios with AWS faults. The
 * setup below is the README's: tables named as the handler's, the provider's host, the module.
 */
import { describe } from 'vitest';
import {
  type Effect,
  handlerModule,
  runScenario,
  type ScenarioResult,
  scenarios,
  type SqsScenarioSetup,
  type Table,
} from '../../../src/index.js';
import { expect, it, test } from '../../../src/vitest/index.js';
import type { Order } from '../../../examples/powertools/charge.js';
import { paymentOrderArb } from './paymentWorld.js';

let orders: Table<{ orderId: string; status: string; chargeId: string; amountCents: number }> | undefined;

const setup: SqsScenarioSetup = (sim) => {
  orders = sim.table('orders', { key: 'orderId' }); // ORDERS_TABLE
  sim.table('idempotency', { key: 'id' }); // the persistence layer's table, key attribute `id`
  sim.api('payments', {
    host: 'payments.example',
    idempotencyKey: (_op, args) => (args as { headers: Record<string, string> }).headers['idempotency-key'],
    respond: (_op, args) => ({ id: `ch_${(args as { body: Order }).body.orderId}` }),
  });
  return handlerModule(new URL('../../../examples/powertools/checkout.ts', import.meta.url), 'handler');
};

const orderIdOf = (e: Effect) => (e.args as { body: Order }).body.orderId;
const byOrder = { inputKey: (body: unknown) => (body as Order).orderId };

/** Every order whose message was deleted is PAID in the orders table with its charge. */
function paidOrdersMissing(result: ScenarioResult<Order>): string[] {
  const deleted = result.messages.filter((m) => m.status === 'deleted');
  return deleted
    .map((m) => (JSON.parse(m.body) as Order).orderId)
    .filter((id) => orders!.peek(id)?.status !== 'PAID');
}

describe('the production checkout handler, unchanged', () => {
  it('runs: one batch, each order charged, recorded, logged with its request id', async () => {
    const result = await runScenario(
      {
        model: 'sqs',
        seed: 1,
        events: [1, 2, 3].map((n) => ({ atMs: 0, body: { orderId: `o-${n}`, amountCents: n * 100 } })),
        config: { batchSize: 10, maximumBatchingWindowS: 0, reportBatchItemFailures: true },
        delivery: {},
        faults: [],
      },
      setup,
    );
    expect(result.determinismErrors).toEqual([]);
    // BatchProcessor (async) processes a batch's records concurrently.
    expect(result.effects('payments').map(orderIdOf).sort()).toEqual(['o-1', 'o-2', 'o-3']);
    expect(
      orders!
        .snapshot()
        .map((o) => [o.orderId, o.status, o.chargeId])
        .sort(),
    ).toEqual([
      ['o-1', 'PAID', 'ch_o-1'],
      ['o-2', 'PAID', 'ch_o-2'],
      ['o-3', 'PAID', 'ch_o-3'],
    ]);
    const paid = result.logs.filter((l) => l.message.includes('order paid'));
    expect(paid).toHaveLength(3);
    const line = JSON.parse(paid[0]!.message) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'INFO',
      service: 'checkout',
      cold_start: true,
      function_name: 'Handler',
    });
    expect(line.function_request_id).toBe(paid[0]!.requestId);
  });

  const arb = scenarios.sqs({
    events: paymentOrderArb,
    uniqueBy: (o) => o.orderId,
    services: ['payments', 'orders', 'idempotency'],
    config: { reportBatchItemFailures: true, fifo: false },
  });

  test.prop([arb], { numRuns: 60 })(
    'every order charged exactly once, honest batch responses, every deleted order recorded as PAID',
    async (s) => {
      const result = await runScenario(s, setup);
      expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf, byOrder);
      expect(result).toHaveNoRepeatAfterSuccess('payments', orderIdOf, byOrder);
      // Keyed by order: a producer's retry of an order is answered by Powertools from the
      // first message's record, without an effect of its own.
      expect(result).toHaveHonestBatchResponses('payments', orderIdOf, byOrder);
      expect(result).toHaveNoLostEvents();
      expect(paidOrdersMissing(result)).toEqual([]);
    },
  );
});

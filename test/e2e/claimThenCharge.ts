/**
 * The claim-then-charge pair of issue 11: a handler that claims the order with a conditional put
 * on a table, then charges it through an API. The buggy one loses the charge when the charge
 * fails (an error, a timeout, a crash): the retry sees the claim and skips. The fixed one keeps
 * the claim open until the charge landed and charges with an idempotency key the API honours, so
 * a retry charges again safely (the API answers it from the key: no second effect).
 */
import { ConditionalCheckFailedException, type ScenarioSetup, when } from '../../src/index.js';
import fc from 'fast-check';

export interface Order {
  readonly orderId: string;
  readonly amountCents: number;
}

/** Distinct order ids per scenario in practice (fc.uuid), as in the README's flagship property. */
export const orderArb: fc.Arbitrary<Order> = fc.record({
  orderId: fc.uuid(),
  amountCents: fc.integer({ min: 1, max: 10_000 }),
});

export const orderIdOf = (e: { args: unknown }): string => (e.args as Order).orderId;

/** Claims first; when the charge then fails, the retry finds the claim and returns: the charge is lost. */
export const claimThenCharge: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments');
  const claims = sim.table<{ orderId: string }>('claims', { key: 'orderId' });
  return () => async (order: Order) => {
    try {
      await claims.put({ orderId: order.orderId }, { condition: when.notExists('orderId') });
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return; // "already handled"
      throw error;
    }
    await payments.call('charge', { orderId: order.orderId, amountCents: order.amountCents });
  };
};

/**
 * Claims as `charging`, charges with the order's idempotency key, then marks the claim `charged`.
 * A retry that finds a `charging` claim charges again with the same key: the API replays the
 * first charge if it landed, or makes it now if it did not.
 */
export const claimThenChargeFixed: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments', {
    idempotencyKey: (_op, args) => (args as { idempotencyKey?: string }).idempotencyKey,
  });
  const claims = sim.table<{ orderId: string; status: string }>('claims', { key: 'orderId' });
  return () => async (order: Order) => {
    try {
      await claims.put(
        { orderId: order.orderId, status: 'charging' },
        { condition: when.notExists('orderId') },
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const claim = await claims.get(order.orderId);
      if (claim?.status === 'charged') return;
    }
    await payments.call('charge', {
      orderId: order.orderId,
      amountCents: order.amountCents,
      idempotencyKey: `charge-${order.orderId}`,
    });
    await claims.put({ orderId: order.orderId, status: 'charged' });
  };
};

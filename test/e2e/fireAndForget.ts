/**
 * The fire-and-forget pair of issue 11 item 6 (freeze fidelity, R-ENV-4): a handler that starts
 * the charge without awaiting it and returns success. On AWS the environment freezes as the
 * handler returns; a request that had not left yet is suspended with it and lands only if a later
 * invocation reuses (thaws) that environment, never if the environment is reclaimed first. The
 * fixed twin awaits the charge. Both charge with the order's idempotency key, so the `await` is
 * the only difference between them.
 */
import type { ScenarioSetup } from '../../src/index.js';
import type { Order } from './claimThenCharge.js';

function chargeWith(sim: Parameters<ScenarioSetup<Order>>[0]) {
  const payments = sim.api('payments', {
    idempotencyKey: (_op, args) => (args as { idempotencyKey?: string }).idempotencyKey,
  });
  return (order: Order) =>
    payments.call('charge', {
      orderId: order.orderId,
      amountCents: order.amountCents,
      idempotencyKey: `charge-${order.orderId}`,
    });
}

/** Starts the charge and returns at once: the charge may be frozen with the environment and lost. */
export const fireAndForget: ScenarioSetup<Order> = (sim) => {
  const charge = chargeWith(sim);
  return () => async (order: Order) => {
    void charge(order); // not awaited
    return 'accepted';
  };
};

/** Awaits the charge before returning: nothing is left in flight at the freeze. */
export const fireAndForgetFixed: ScenarioSetup<Order> = (sim) => {
  const charge = chargeWith(sim);
  return () => async (order: Order) => {
    await charge(order);
    return 'accepted';
  };
};

/**
 * The simulated world the Powertools examples run against: the idempotency table Powertools'
 * DynamoDB persistence layer writes to (a `sim.table` whose name is the persistence layer's
 * `tableName` and whose key is its default key attribute `id`) and a payment provider answering
 * `fetch('https://payments.example/charges')` that honours an `Idempotency-Key` header.
 */
import fc from 'fast-check';
import type { Effect, Simulation } from '../../../src/index.js';
import type { PaymentOrder } from '../../../examples/powertools/payment.js';

/** The order a charge effect (a `POST /charges` to payments.example) was for. */
export const chargedOrder = (e: Effect): PaymentOrder => (e.args as { body: PaymentOrder }).body;

/** Effect key: the order id of the charge. */
export const orderIdOfCharge = (e: Effect): string => chargedOrder(e).orderId;

/** Which SQS record made a charge: its message id, sent as the charge's `reference`. */
export const referenceOfCharge = (e: Effect): string =>
  (e.args as { body: { reference: string } }).body.reference;

/** Matches SQS inputs to charges by message id (with {@link referenceOfCharge}). */
export const byMessage = { inputKey: (_body: unknown, input: { readonly id: string }) => input.id };

/** Orders with distinct-looking ids from a small range (so shrinking keeps them apart with uniqueBy). */
export const paymentOrderArb: fc.Arbitrary<PaymentOrder> = fc.record({
  orderId: fc.integer({ min: 1, max: 10_000 }).map((n) => `o-${n}`),
  amountCents: fc.integer({ min: 1, max: 10_000 }),
});

/** Defines the idempotency table and the payment provider. */
export function paymentWorld(sim: Simulation) {
  const idempotency = sim.table<Record<string, unknown>>('idempotency', { key: 'id', latencyMs: 10 });
  const payments = sim.api('payments', {
    host: 'payments.example',
    latencyMs: 40,
    idempotencyKey: (_op, args) => (args as { headers: Record<string, string> }).headers['idempotency-key'],
    respond: (_op, args) => ({ id: `ch_${(args as { body: PaymentOrder }).body.orderId}` }),
  });
  return { idempotency, payments };
}

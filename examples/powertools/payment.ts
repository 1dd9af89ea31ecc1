/**
 * A payment handler made idempotent with Powertools for AWS Lambda (TypeScript), the documented
 * way: `makeIdempotent` around the handler, the DynamoDB persistence layer, the key taken from
 * the order id and the amount validated against the stored record. Loaded by the tests with
 * `handlerModule(new URL('./payment.ts', import.meta.url), '<export>')`: every execution
 * environment gets its own instance of this module (its own DynamoDB client and persistence layer),
 * as Lambda loads it once per environment.
 *
 * The failure mode a property test finds (test/e2e/powertools/idempotency.test.ts): **a timeout
 * after the charge**. Powertools writes an INPROGRESS record whose `in_progress_expiration` is the
 * invocation's deadline (`Date.now() + context.getRemainingTimeInMillis()`, the context that
 * `makeIdempotent` registers when it wraps a handler). If the invocation times out after the
 * payment provider charged the card but before Powertools saved the COMPLETED record, that record
 * is never completed; Lambda retries the async event a minute later (or SQS redelivers it after the
 * visibility timeout), the in-progress record has expired, and the retry charges again. Powertools
 * cannot prevent it, and says so: the record only protects what runs after it is COMPLETED. The
 * fix is the payment provider's own idempotency key (`handlerWithKey`: an `Idempotency-Key`
 * header the API honours), so the second charge request is answered with the first charge.
 *
 * Exports, the buggy/fixed twins:
 * - `handler`: the documented usage; charges without a key (double charge after a timeout).
 * - `handlerWithKey`: the same, plus `Idempotency-Key: <orderId>` on the charge (fixed).
 * - `handlerWithoutValidation`: keyed on the order id only, no `payloadValidationJmesPath`: a
 *   second order reusing an id with another amount gets the first order's answer, uncharged.
 * - `chargeOnly`: `makeIdempotent` around an inner function without `registerLambdaContext`: no
 *   in-progress expiry, so after a timeout every retry meets an INPROGRESS record for the whole
 *   record lifetime (one hour) and fails with IdempotencyAlreadyInProgressError.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { charge, type Order, type Receipt } from './charge.js';

/** An order to charge. */
export type PaymentOrder = Order;
export type { Receipt };

// Module scope, as in production: one persistence layer (and its DynamoDB client) per environment.
const persistenceStore = new DynamoDBPersistenceLayer({
  tableName: process.env.IDEMPOTENCY_TABLE ?? 'idempotency',
});

const validated = () =>
  new IdempotencyConfig({ eventKeyJmesPath: 'orderId', payloadValidationJmesPath: 'amountCents' });

/** The documented usage: the order id is the key, the amount is validated. Buggy: the charge has no key. */
export const handler = makeIdempotent(async (order: PaymentOrder, _context: Context) => charge(order), {
  persistenceStore,
  config: validated(),
});

/** Fixed twin: the charge carries the order id as the payment provider's idempotency key. */
export const handlerWithKey = makeIdempotent(
  async (order: PaymentOrder, _context: Context) => charge(order, { idempotencyKey: order.orderId }),
  { persistenceStore, config: validated() },
);

/** Buggy: no payload validation, so an order id reused with another amount is answered from the record. */
export const handlerWithoutValidation = makeIdempotent(
  async (order: PaymentOrder, _context: Context) => charge(order, { idempotencyKey: order.orderId }),
  { persistenceStore, config: new IdempotencyConfig({ eventKeyJmesPath: 'orderId' }) },
);

/** An inner function made idempotent (not the handler): its config needs the context registered. */
function idempotentCharge(config: IdempotencyConfig) {
  return makeIdempotent((order: PaymentOrder) => charge(order, { idempotencyKey: order.orderId }), {
    persistenceStore,
    config,
  });
}

const withoutContext = idempotentCharge(new IdempotencyConfig({ eventKeyJmesPath: 'orderId' }));
/** Buggy: an idempotent inner function whose config never sees the Lambda context. */
export async function chargeOnly(order: PaymentOrder): Promise<Receipt> {
  return withoutContext(order);
}

const contextConfig = new IdempotencyConfig({ eventKeyJmesPath: 'orderId' });
const withContext = idempotentCharge(contextConfig);
/** Fixed twin of `chargeOnly`: registers the context, as Powertools' docs ask for inner functions. */
export async function chargeOnlyWithContext(order: PaymentOrder, context: Context): Promise<Receipt> {
  contextConfig.registerLambdaContext(context);
  return withContext(order);
}

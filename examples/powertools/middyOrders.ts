/**
 * An SQS consumer wrapped in Middy (`@middy/core` 6.x, the line for Node.js 20) with
 * `@middy/sqs-partial-batch-failure`: the handler returns `Promise.allSettled` of its records and
 * the middleware turns the rejected ones into `batchItemFailures`. Middy's early timeout
 * (`timeoutEarlyInMillis`) fires at `context.getRemainingTimeInMillis() - timeoutEarlyInMillis`:
 * under lambdasim that is the virtual remaining time, so it fires at the same virtual instant in
 * every run.
 *
 * The failure mode (test/e2e/powertools/middy.test.ts): **the early timeout reports every record**.
 * When Middy's timeout wins the race, the handler's own answer is gone; its `TimeoutError` goes to
 * the middleware's `onError`, which reports every record of the batch as failed, including those
 * already charged. SQS redelivers them and they are charged again (`handler`: buggy). The fixed
 * twin (`handlerWithinBudget`) stops starting records while less than a charge's budget is left,
 * so Middy's timeout never fires with a charge half done, reports the records it did not start,
 * and sends the order id as the provider's idempotency key (not the message id: a producer's
 * retry sends the same order as a new message), so a charge that was in flight
 * when time ran out is answered with the first charge on redelivery.
 */
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { charge, type Order } from './charge.js';

/** Middy answers this long before Lambda's deadline. */
export const TIMEOUT_EARLY_MS = 200;
/** The fixed twin starts a record only with this much time left (above the early timeout). */
export const CHARGE_BUDGET_MS = 600;

const order = (record: SQSRecord) => JSON.parse(record.body) as Order;

/** Buggy: charges every record at once; when the early timeout wins, every record is reported. */
export const handler = middy<SQSEvent, PromiseSettledResult<unknown>[]>({
  timeoutEarlyInMillis: TIMEOUT_EARLY_MS,
})
  .use(sqsPartialBatchFailure())
  .handler(async (event) =>
    Promise.allSettled(event.Records.map((record) => charge(order(record), { reference: record.messageId }))),
  );

/** Fixed: one record at a time while the budget allows; the rest reported; the charge keyed. */
export const handlerWithinBudget = middy<SQSEvent, PromiseSettledResult<unknown>[], Error, Context>({
  timeoutEarlyInMillis: TIMEOUT_EARLY_MS,
})
  .use(sqsPartialBatchFailure())
  .handler(async (event, context) => {
    const settled: PromiseSettledResult<unknown>[] = [];
    for (const record of event.Records) {
      if (context.getRemainingTimeInMillis() < TIMEOUT_EARLY_MS + CHARGE_BUDGET_MS) {
        settled.push({ status: 'rejected', reason: new Error('not started: out of time') });
        continue;
      }
      // The order id, not the message id, as the key: a producer's retry is a new message.
      const options = { reference: record.messageId, idempotencyKey: order(record).orderId };
      settled.push(
        await charge(order(record), options).then(
          (value) => ({ status: 'fulfilled', value }) as const,
          (reason: unknown) => ({ status: 'rejected', reason }) as const,
        ),
      );
    }
    return settled;
  });

/**
 * An SQS consumer with Powertools batch processing (`@aws-lambda-powertools/batch`), as its docs
 * write it: the processor at module scope, `processPartialResponse` in the handler, a record
 * handler that throws for a record it cannot process. Loaded per execution environment with
 * `handlerModule(new URL('./orderBatch.ts', import.meta.url), '<export>')`, so each environment
 * has its own processor, kept across its warm invocations (Powertools clears it at each
 * `register`), as Lambda keeps module scope per environment.
 *
 * What the tests (test/e2e/powertools/batch.test.ts) show:
 * - **One processor per environment.** A `BatchProcessor` holds the batch being processed
 *   (`register` stores the records, `process` fills the failures, `response` reads them): two
 *   concurrent invocations sharing one processor answer each other's failures. Module scope is
 *   per environment in Lambda, so this only happens when a test hands one imported handler to
 *   every environment (`sim.fn('Orders', () => handler)`): with `handlerModule` it cannot.
 * - **No state leaking into the next warm invocation.** `handlerCollectingFailures` keeps the
 *   failed ids in a module-scope array it never clears: the next warm invocation of the
 *   environment reports a previous batch's records (Lambda fails that whole batch, R-SQS-6).
 * - **FIFO.** `BatchProcessor` on a FIFO queue goes on after a failed record and processes the
 *   records of its group behind it, out of order (`handler` on a FIFO queue: buggy);
 *   `SqsFifoPartialProcessorAsync` (the async variant of `SqsFifoPartialProcessor`, for a record
 *   handler that awaits) stops at the first failure and reports the rest (`fifoHandler`), or with
 *   `skipGroupOnError: true` only the rest of the failed record's group (`fifoHandlerSkipGroup`).
 *   Without `skipGroupOnError` one poison record holds back every group of the batch: each
 *   receive returns it first, every record is received as often as it is and reaches the
 *   queue's maxReceiveCount with it, so the whole batch ends in the DLQ uncharged; with it,
 *   only the poison record's group does.
 */
import {
  BatchProcessor,
  EventType,
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
} from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { charge, type Order } from './charge.js';

/** A message body. `amountCents <= 0` is an order the record handler refuses. */
export type BatchOrder = Order;

/** Charges one order; throws for an invalid order or a failed charge (the record is then reported). */
async function chargeRecord(record: SQSRecord): Promise<void> {
  const order = JSON.parse(record.body) as BatchOrder;
  if (order.amountCents <= 0) throw new Error(`invalid amount for ${order.orderId}`);
  // The message id as the charge's reference: which record made which charge.
  await charge(order, { reference: record.messageId });
}

// Module scope: one of each per execution environment.
const processor = new BatchProcessor(EventType.SQS);
const fifoProcessor = new SqsFifoPartialProcessorAsync();

/** Standard queue: every record processed, the failed ones reported. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, chargeRecord, processor, { context });

/** FIFO queue: stops at the first failed record and reports it and every record after it. */
export const fifoHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, chargeRecord, fifoProcessor, { context });

/** FIFO queue: skips (reports) only the rest of a failed record's message group; other groups go on. */
export const fifoHandlerSkipGroup = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, chargeRecord, fifoProcessor, { context, skipGroupOnError: true });

/** Buggy: failures collected at module scope and never cleared, so they leak into the next warm invocation. */
const failedSoFar: SQSBatchResponse['batchItemFailures'] = [];
export async function handlerCollectingFailures(event: SQSEvent): Promise<SQSBatchResponse> {
  for (const record of event.Records) {
    try {
      await chargeRecord(record);
    } catch {
      failedSoFar.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failedSoFar };
}

/**
 * A production checkout consumer, as written for Lambda and run by lambdasim unchanged (zero glue):
 * an SQS batch of orders, each charged at a payment provider over `fetch` and recorded with a
 * module-scope DynamoDB DocumentClient, made idempotent per order with Powertools
 * (`makeIdempotent`, DynamoDB persistence), batched with Powertools (`BatchProcessor`,
 * `processPartialResponse`), wrapped in Middy with Powertools Logger's `injectLambdaContext`.
 * test/e2e/powertools/checkout.test.ts runs it under property tests; the README's "Powertools,
 * Middy and your production handler" section shows the setup.
 *
 * Every client, processor and persistence layer lives at module scope, so each execution
 * environment (`handlerModule`) has its own, kept across its warm invocations.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { charge, type Order } from './charge.js';

const ORDERS_TABLE = process.env.ORDERS_TABLE ?? 'orders';
const logger = new Logger({ serviceName: 'checkout' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const processor = new BatchProcessor(EventType.SQS);
const idempotencyConfig = new IdempotencyConfig({
  // The order id inside the message body: a redelivery and a producer's retry share it.
  eventKeyJmesPath: 'powertools_json(body).orderId',
  payloadValidationJmesPath: 'powertools_json(body).amountCents',
});

/** Charges one order (keyed at the provider too) and records it as paid. */
const payOrder = makeIdempotent(
  async (record: SQSRecord) => {
    const order = JSON.parse(record.body) as Order;
    const receipt = await charge(order, { idempotencyKey: order.orderId, reference: record.messageId });
    await documents.send(
      new PutCommand({
        TableName: ORDERS_TABLE,
        Item: {
          orderId: order.orderId,
          status: 'PAID',
          chargeId: receipt.chargeId,
          amountCents: order.amountCents,
        },
      }),
    );
    logger.info('order paid', { orderId: order.orderId, chargeId: receipt.chargeId });
    return receipt;
  },
  {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: process.env.IDEMPOTENCY_TABLE ?? 'idempotency',
    }),
    config: idempotencyConfig,
  },
);

const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  idempotencyConfig.registerLambdaContext(context);
  return processPartialResponse(event, payOrder, processor, { context });
};

/** The Lambda handler: `checkout.handler`. */
export const handler = middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true }));

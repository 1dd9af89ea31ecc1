/**
 * Real handlers, part 1 (issue 12): a handler using the published AWS SDK v3 SQS client, created at
 * module scope, runs unchanged; its calls are answered by the simulated queues in virtual time.
 */
import {
  ReceiveMessageCommand,
  DeleteMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  GetQueueUrlCommand,
  ChangeMessageVisibilityCommand,
  QueueDoesNotExist,
  SQSClient,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../../src/index.js';
import { payloadOf } from './payloadOf.js';

/** The handler's return value, from a successful synchronous invoke. */
// Module scope, as production handlers create it (outside any simulation).
const sqs = new SQSClient({});
const ORDERS_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';

describe('SQS through the real @aws-sdk/client-sqs', () => {
  it('a SendMessage from a handler lands in the simulated queue and the trace', async () => {
    const sim = createSimulation({ seed: 1 });
    const orders = sim.sqs('orders');
    const fn = sim.fn('Checkout', () => async (event: { orderId: string }) => {
      const sent = await sqs.send(
        new SendMessageCommand({ QueueUrl: ORDERS_URL, MessageBody: JSON.stringify(event) }),
      );
      return sent.MessageId;
    });
    const response = sim.invoke(fn, { orderId: 'o-1' });
    const result = await sim.run();
    const invoked = await response;
    expect(result.determinismErrors).toEqual([]);
    const messages = result.messages.filter((m) => m.queue === 'orders');
    expect(messages.map((m) => m.body)).toEqual(['{"orderId":"o-1"}']);
    const sent = result.trace.filter((e) => e.kind === 'sqs.sent');
    expect(sent).toHaveLength(1);
    expect(payloadOf(invoked)).toBe(messages[0]!.messageId);
    expect(orders.url).toBe(ORDERS_URL);
    // The call took the queue's latency in virtual time, attributed to the invocation.
    const calls = result.trace.filter((e) => e.kind === 'call.sent' && e.service === 'orders');
    expect(calls).toHaveLength(1);
  });

  it('GetQueueUrl, SendMessageBatch, ReceiveMessage, ChangeMessageVisibility and DeleteMessage', async () => {
    const sim = createSimulation({ seed: 2 });
    sim.sqs('orders');
    const fn = sim.fn('Worker', () => async () => {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
      const batch = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [
            {
              Id: 'a',
              MessageBody: 'one',
              MessageAttributes: { kind: { DataType: 'String', StringValue: 'x' } },
            },
            { Id: 'b', MessageBody: 'two' },
          ],
        }),
      );
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
      );
      const [first, second] = received.Messages ?? [];
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first!.ReceiptHandle }));
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: second!.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      return {
        url: QueueUrl,
        ok: batch.Successful?.map((s) => s.Id),
        bodies: received.Messages?.map((m) => m.Body),
        attribute: first!.MessageAttributes?.kind?.StringValue,
        again: again.Messages?.map((m) => m.Body),
      };
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect(result.determinismErrors).toEqual([]);
    expect(payloadOf(await response)).toEqual({
      url: ORDERS_URL,
      ok: ['a', 'b'],
      bodies: ['one', 'two'],
      attribute: 'x',
      again: ['two'],
    });
    expect(result.messages.map((m) => m.status).sort()).toEqual(['deleted', 'visible']);
  });

  it("an SQS error is the SDK's own exception class", async () => {
    const sim = createSimulation({ seed: 3 });
    sim.sqs('orders');
    const fn = sim.fn('Sender', () => async () => {
      try {
        await sqs.send(new SendMessageCommand({ QueueUrl: ORDERS_URL, MessageBody: 'x', DelaySeconds: 901 }));
        return 'sent';
      } catch (error) {
        return {
          sdk: error instanceof SQSServiceException,
          name: (error as Error).name,
          status: (error as SQSServiceException).$metadata.httpStatusCode,
        };
      }
    });
    const response = sim.invoke(fn, {});
    await sim.run();
    expect(payloadOf(await response)).toEqual({ sdk: true, name: 'InvalidParameterValue', status: 400 });
    expect(QueueDoesNotExist).toBeDefined();
  });
});

describe('routing by the signing name', () => {
  it('a client with a custom endpoint (LocalStack-style) still reaches the simulated queue, never the endpoint', async () => {
    const local = new SQSClient({ endpoint: 'http://localhost:4566' });
    const sim = createSimulation({ seed: 4 });
    sim.sqs('orders');
    const fn = sim.fn('Checkout', () => async () => {
      await local.send(
        new SendMessageCommand({ QueueUrl: 'http://localhost:4566/000000000000/orders', MessageBody: 'x' }),
      );
    });
    void sim.invoke(fn, {});
    const result = await sim.run();
    expect(result.determinismErrors).toEqual([]);
    expect(result.messages.map((m) => m.body)).toEqual(['x']);
  });
});

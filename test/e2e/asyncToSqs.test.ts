import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';

describe('async invocation delivering to real SQS queues', () => {
  it('sends the on-failure record to one queue and the raw event to the DLQ queue, where a mapping consumes it', async () => {
    const sim = createSimulation({ seed: 9 });
    const failures = sim.sqs('order-failures');
    const dlq = sim.sqs('order-dlq');
    const consumed: SQSRecord[] = [];
    const consumer = sim.fn('DlqConsumer', () => async (event: SQSEvent) => {
      consumed.push(...event.Records);
    });
    sim.mapping(dlq, consumer, { batchSize: 1 });
    const fn = sim.fn(
      'ProcessOrder',
      () => async () => {
        throw new Error('payment provider down');
      },
      { async: { maximumRetryAttempts: 0, onFailure: failures, deadLetter: dlq } },
    );
    const accepted = { requestId: '' };
    sim.spawn('producer', async () => {
      const response = await sim.invokeAsync(fn, { orderId: 'o-1' });
      if (response.kind !== 'accepted') throw new Error(`not accepted: ${response.kind}`);
      accepted.requestId = response.requestId;
    });
    const result = await sim.run();
    expect(result.end.kind).toBe('quiescent');
    expect(accepted.requestId).not.toBe('');

    const [record] = failures.messages();
    expect(failures.messages()).toHaveLength(1);
    const body = JSON.parse(record!.body) as {
      requestContext: { requestId: string; condition: string; approximateInvokeCount: number };
      requestPayload: unknown;
      responsePayload: { errorMessage: string };
    };
    expect(body.requestContext).toMatchObject({
      requestId: accepted.requestId,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 1,
    });
    expect(body.requestPayload).toEqual({ orderId: 'o-1' });
    expect(body.responsePayload.errorMessage).toBe('payment provider down');

    expect(consumed).toHaveLength(1);
    expect(JSON.parse(consumed[0]!.body)).toEqual({ orderId: 'o-1' });
    expect(consumed[0]!.messageAttributes.RequestID).toMatchObject({
      stringValue: accepted.requestId,
      dataType: 'String',
    });
    expect(consumed[0]!.messageAttributes.ErrorCode).toMatchObject({
      stringValue: '200',
      dataType: 'Number',
    });
    expect(consumed[0]!.messageAttributes.ErrorMessage).toMatchObject({
      stringValue: 'payment provider down',
    });
    expect(dlq.accounting()).toMatchObject({ sent: 1, deleted: 1 });
    const event = result.asyncEvents.find((e) => e.requestId === accepted.requestId);
    expect(event).toMatchObject({ state: 'discarded', condition: 'RetriesExhausted' });
  });
});

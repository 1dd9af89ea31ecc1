/**
 * Real handlers, part 1 (issue 12): SNS Publish through the published @aws-sdk/client-sns (AWS
 * query protocol) lands on the simulated topic and fans out to its subscribers.
 */
import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../../src/index.js';
import { payloadOf } from './payloadOf.js';

const sns = new SNSClient({});
const ARN = 'arn:aws:sns:us-east-1:123456789012:orders';

describe('SNS through the real @aws-sdk/client-sns', () => {
  it('a Publish lands on the topic, with subject and attributes, and reaches the subscriber', async () => {
    const sim = createSimulation({ seed: 1 });
    const received: string[] = [];
    const ship = sim.fn('Ship', () => async (event: SNSEvent) => {
      for (const r of event.Records)
        received.push(`${r.Sns.Subject}:${r.Sns.Message}:${r.Sns.MessageAttributes.kind?.Value}`);
    });
    const topic = sim.snsTopic('orders').subscribe(ship);
    const fn = sim.fn('Checkout', () => async () => {
      const out = await sns.send(
        new PublishCommand({
          TopicArn: ARN,
          Message: '{"orderId":"o-1"}',
          Subject: 'new',
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } },
        }),
      );
      return out.MessageId;
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect(result.determinismErrors).toEqual([]);
    expect(payloadOf(await response)).toBe(topic.published[0]!.messageId);
    expect(received).toEqual(['new:{"orderId":"o-1"}:order']);
  });

  it("an injected throttle is retried; an exhausted one is the SDK's own class", async () => {
    const sim = createSimulation({
      seed: 1,
      faults: [1, 2, 3, 4].map(
        (call) => ({ kind: 'callError', service: 'orders', call, errorName: 'Throttling' }) as const,
      ),
    });
    sim.snsTopic('orders');
    const fn = sim.fn('Checkout', () => async () => {
      const first = await sns
        .send(new PublishCommand({ TopicArn: ARN, Message: 'a' }))
        .catch((e: unknown) => e);
      const second = await sns.send(new PublishCommand({ TopicArn: ARN, Message: 'b' }));
      return {
        firstIsSdkError: first instanceof SNSServiceException,
        firstName: (first as Error).name,
        secondAttempts: second.$metadata.attempts,
      };
    });
    const response = sim.invoke(fn, {});
    await sim.run();
    expect(payloadOf(await response)).toEqual({
      firstIsSdkError: true,
      firstName: 'Throttling',
      secondAttempts: 2,
    });
  });
});

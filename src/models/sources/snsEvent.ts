import type { SNSEvent, SNSMessageAttributes } from 'aws-lambda';
import { ConfigError } from '../../errors.js';
import { ACCOUNT_ID, REGION } from '../../lambda/FunctionConfig.js';
import { DEFAULT_EVENT_EPOCH_MS } from '../frontDoorEvents.js';
import { hashedUuid, isoMs } from './eventIds.js';

/** What {@link snsEvent} builds an SNS notification event from. */
export interface SnsEventInit {
  /** The message: a string as is, anything else as JSON. */
  readonly message: unknown;
  /** @defaultValue 'arn:aws:sns:us-east-1:123456789012:topic' */
  readonly topicArn?: string;
  readonly subject?: string;
  /** Message attributes, `{ name: { Type: 'String', Value: 'x' } }`. */
  readonly messageAttributes?: SNSMessageAttributes;
  /** @defaultValue derived from a hash of the message */
  readonly messageId?: string;
  /** @defaultValue `${topicArn}:<hash>` */
  readonly subscriptionArn?: string;
  /** @defaultValue {@link DEFAULT_EVENT_EPOCH_MS} */
  readonly timeEpochMs?: number;
}

/**
 * The event SNS sends a subscribed function (asynchronously), one record per notification.
 * @example
 * ```ts
 * sim.invokeAsync(fn, snsEvent({ message: { orderId: 'o-1' }, subject: 'order' }));
 * ```
 */
export function snsEvent(init: SnsEventInit): SNSEvent {
  const topicArn = init.topicArn ?? `arn:aws:sns:${REGION}:${ACCOUNT_ID}:topic`;
  if (!/^arn:aws:sns:[^:]+:\d{12}:[A-Za-z0-9_.-]+$/.test(topicArn))
    throw new ConfigError('snsEvent', 'topicArn', 'must be an SNS topic ARN', topicArn);
  const message = typeof init.message === 'string' ? init.message : JSON.stringify(init.message);
  if (typeof message !== 'string')
    throw new ConfigError('snsEvent', 'message', 'must be JSON-serialisable', init.message);
  const timeEpochMs = init.timeEpochMs ?? DEFAULT_EVENT_EPOCH_MS;
  const messageId = init.messageId ?? hashedUuid('sns', topicArn, message, timeEpochMs);
  const region = topicArn.split(':')[3]!;
  return {
    Records: [
      {
        EventVersion: '1.0',
        EventSubscriptionArn: init.subscriptionArn ?? `${topicArn}:${hashedUuid('sub', topicArn)}`,
        EventSource: 'aws:sns',
        Sns: {
          SignatureVersion: '1',
          Timestamp: isoMs(timeEpochMs),
          Signature: 'EXAMPLE',
          SigningCertUrl: `https://sns.${region}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`,
          MessageId: messageId,
          Message: message,
          MessageAttributes: init.messageAttributes ?? {},
          Type: 'Notification',
          UnsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}`,
          TopicArn: topicArn,
          ...(init.subject === undefined ? {} : { Subject: init.subject }),
        },
      },
    ],
  };
}

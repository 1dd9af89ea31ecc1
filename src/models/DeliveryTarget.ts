/**
 * Something Lambda (or SNS, or a mapping) can hand a message to: an async destination, a
 * dead-letter queue, a queue that a producer sends to. Implemented by the SQS queue, the SNS
 * topic, the event sink and functions-as-targets; models depend on this seam, not on each other.
 */
export interface DeliveryTarget {
  /** The target's ARN, as it appears in records (e.g. `arn:aws:sqs:us-east-1:123456789012:dlq`). */
  readonly arn: string;
  /** What kind of AWS resource this is; decides which uses AWS allows (e.g. no S3 on-success). */
  readonly targetKind: DeliveryTargetKind;
  /**
   * Accepts one message at the current virtual instant. Never throws for a delivery problem:
   * a refusal (FIFO queue as an async destination, payload too large, …) is a result, so the
   * caller can account for it ("a destination that itself fails must not lose the record
   * silently").
   */
  accept(message: DeliveredMessage): DeliveryResult;
}

export type DeliveryTargetKind = 'sqs' | 'sns' | 'lambda' | 'eventbridge' | 's3' | 'sink';

/** SQS-style message attribute. */
export interface DeliveredAttribute {
  readonly dataType: 'String' | 'Number' | 'Binary';
  readonly stringValue: string;
}

export interface DeliveredMessage {
  /** The message body, as text (JSON for invocation records). */
  readonly body: string;
  readonly attributes?: Readonly<Record<string, DeliveredAttribute>>;
  /** Who sent it, for the trace and the timeline: e.g. `ProcessOrder (on-failure destination)`. */
  readonly source: string;
  /** FIFO targets only. */
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
}

export type DeliveryResult =
  { readonly ok: true; readonly messageId: string } | { readonly ok: false; readonly reason: string };

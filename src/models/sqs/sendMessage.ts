import { createHash } from 'node:crypto';
import { jsonTextOf } from '../jsonText.js';
import type { DeliveredAttribute } from '../DeliveryTarget.js';
import { attributesBytes } from './records.js';
import { SqsError } from './SqsError.js';

/** SQS maximum message size (body + attributes), in bytes: 1 MiB since 2025 (was 256 KiB). */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/** Options of one {@link SqsQueue.send}. */
export interface SendMessageOptions {
  /** Per-message `DelaySeconds`, 0–900 (standard queues only). Default: the queue's delay. */
  readonly delayS?: number;
  /** Message attributes (at most 10). */
  readonly messageAttributes?: Readonly<Record<string, DeliveredAttribute>>;
  /** FIFO: required. */
  readonly messageGroupId?: string;
  /** FIFO: required unless the queue has content-based deduplication. */
  readonly messageDeduplicationId?: string;
}

/** What a successful send answers. */
export interface SendMessageResult {
  readonly messageId: string;
  readonly md5OfMessageBody: string;
  /** FIFO only. */
  readonly sequenceNumber?: string;
}

/** One entry of {@link SqsQueue.sendBatch}. */
export interface SendBatchEntry extends SendMessageOptions {
  /** Unique within the batch (1–80 letters, digits, hyphens, underscores). */
  readonly id: string;
  readonly body: unknown;
}

/** What `SendMessageBatch` answers: per-entry successes and failures. */
export interface SendBatchResult {
  readonly successful: readonly (SendMessageResult & { readonly id: string })[];
  readonly failed: readonly {
    readonly id: string;
    readonly code: string;
    readonly message: string;
    readonly senderFault: boolean;
  }[];
}

/** A send's body and settings, checked as SendMessage checks them. */
export interface PreparedMessage {
  readonly body: string;
  readonly attributes: Readonly<Record<string, DeliveredAttribute>>;
  readonly delayS: number;
  readonly groupId: string | undefined;
  readonly dedupId: string | undefined;
}

/** The queue settings a send is checked against (a queue's resolved options). */
export interface SendRules {
  readonly fifo: boolean;
  readonly delayS: number;
  readonly contentBasedDeduplication: boolean;
}

/**
 * A character SQS refuses in a message body (`InvalidMessageContents`): anything outside
 * #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF (the XML 1.0 set; SendMessage
 * API reference). With the `u` flag an unpaired surrogate is one code point, so it matches too.
 */
const INVALID_BODY_CHARACTER = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * Checks a send as SendMessage does (body, attributes, size, delay, FIFO group and deduplication
 * ids) and returns what to store; an SqsError with AWS's code and message when SQS refuses it.
 */
export function prepareMessage(
  queue: SendRules,
  body: unknown,
  options: SendMessageOptions,
): PreparedMessage {
  if (options === null || typeof options !== 'object')
    throw new SqsError('InvalidParameterValue', 'Send options must be an object.');
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    const json = jsonTextOf(body);
    if (json === undefined)
      throw new SqsError(
        'InvalidParameterValue',
        `The message body must be a string or JSON data, got ${typeof body}.`,
      );
    text = json;
  }
  if (text.length === 0)
    throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
  const bad = INVALID_BODY_CHARACTER.exec(text);
  if (bad !== null)
    throw new SqsError(
      'InvalidMessageContents',
      `Invalid binary character '#x${bad[0].codePointAt(0)!.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].`,
    );
  const attributes = options.messageAttributes ?? {};
  const names = Object.keys(attributes);
  if (names.length > 10)
    throw new SqsError(
      'InvalidParameterValue',
      `Number of message attributes [${names.length}] exceeds the allowed maximum [10].`,
    );
  for (const n of names) {
    const a = attributes[n];
    if (
      a === null ||
      typeof a !== 'object' ||
      !['String', 'Number', 'Binary'].includes(a.dataType) ||
      typeof a.stringValue !== 'string'
    )
      throw new SqsError(
        'InvalidParameterValue',
        `The message attribute '${n}' must be { dataType: 'String' | 'Number' | 'Binary', stringValue }.`,
      );
  }
  const size = Buffer.byteLength(text, 'utf8') + attributesBytes(attributes);
  if (size > SQS_MAX_MESSAGE_BYTES)
    throw new SqsError(
      'InvalidParameterValue',
      `One or more parameters are invalid. Reason: Message must be shorter than ${SQS_MAX_MESSAGE_BYTES} bytes.`,
    );
  let delayS = queue.delayS;
  if (options.delayS !== undefined) {
    if (queue.fifo)
      throw new SqsError(
        'InvalidParameterValue',
        `Value ${options.delayS} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`,
      );
    if (
      typeof options.delayS !== 'number' ||
      !Number.isInteger(options.delayS) ||
      options.delayS < 0 ||
      options.delayS > 900
    )
      throw new SqsError(
        'InvalidParameterValue',
        `Value ${String(options.delayS)} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.`,
      );
    delayS = options.delayS;
  }
  let groupId: string | undefined;
  let dedupId: string | undefined;
  if (queue.fifo) {
    groupId = options.messageGroupId;
    if (groupId === undefined || groupId === '')
      throw new SqsError('MissingParameter', 'The request must contain the parameter MessageGroupId.');
    dedupId = options.messageDeduplicationId;
    if (dedupId === undefined) {
      if (!queue.contentBasedDeduplication)
        throw new SqsError(
          'InvalidParameterValue',
          'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      dedupId = sha256(text);
    }
  } else if (options.messageDeduplicationId !== undefined) {
    throw new SqsError(
      'InvalidParameterValue',
      `Value ${options.messageDeduplicationId} for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.`,
    );
  }
  return { body: text, attributes, delayS, groupId, dedupId };
}

/** Content-based deduplication id: the SHA-256 of the body. */
function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

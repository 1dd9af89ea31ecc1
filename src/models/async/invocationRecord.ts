import type { InvocationOutcome } from '../../lambda/Environment.js';
import type { DiscardCondition } from '../../TraceEvent.js';
import type { DeliveredAttribute } from '../DeliveryTarget.js';

/** `requestContext.condition` of an invocation record: `Success` or a discard condition. */
export type RecordCondition = 'Success' | DiscardCondition;

/**
 * The invocation record Lambda sends to an async destination (spec §2.3, R-ASYNC-13), field
 * order as AWS sends it. `responseContext` / `responsePayload` are absent when no attempt ran.
 */
export interface InvocationRecord {
  readonly version: '1.0';
  /** ISO-8601 instant the record was made, e.g. `2026-01-01T00:03:02.400Z`. */
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    /** The function ARN with the invoked qualifier, `...:function:Name:$LATEST`. */
    readonly functionArn: string;
    readonly condition: RecordCondition;
    /** Attempts that actually ran. */
    readonly approximateInvokeCount: number;
  };
  /** The original event. */
  readonly requestPayload: unknown;
  readonly responseContext?: {
    readonly statusCode: 200;
    readonly executedVersion: string;
    readonly functionError?: 'Unhandled';
  };
  /** The return value (success) or the error object (failure) of the last attempt. */
  readonly responsePayload?: unknown;
}

/** What the record is built from. */
export interface RecordInput {
  readonly requestId: string;
  readonly functionArn: string;
  readonly executedVersion: string;
  readonly condition: RecordCondition;
  readonly attempts: number;
  readonly payloadJson: string;
  /** The last attempt's outcome; undefined when none ran. */
  readonly last: InvocationOutcome | undefined;
  readonly timestamp: string;
}

/** Builds the §2.3 record (R-ASYNC-8, R-ASYNC-13). */
export function invocationRecord(input: RecordInput): InvocationRecord {
  const base = {
    version: '1.0' as const,
    timestamp: input.timestamp,
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.attempts,
    },
    requestPayload: JSON.parse(input.payloadJson) as unknown,
  };
  const last = input.last;
  if (last === undefined) return base;
  if (last.kind === 'succeeded') {
    return {
      ...base,
      responseContext: { statusCode: 200, executedVersion: input.executedVersion },
      responsePayload: JSON.parse(last.payloadJson) as unknown,
    };
  }
  return {
    ...base,
    responseContext: { statusCode: 200, executedVersion: input.executedVersion, functionError: 'Unhandled' },
    responsePayload: last.error,
  };
}

/** R-ASYNC-9: `ErrorMessage` carries the first 1 KB of the error message. */
export const DLQ_ERROR_MESSAGE_BYTES = 1024;

/**
 * The message attributes Lambda sets on a dead-letter message (R-ASYNC-9): `RequestID`,
 * `ErrorCode` (`200` when the last attempt ran and failed; `429` when none ran, U) and
 * `ErrorMessage` (first 1 KB of the last error's message; absent when none ran, U).
 */
export function deadLetterAttributes(
  requestId: string,
  last: InvocationOutcome | undefined,
): Record<string, DeliveredAttribute> {
  const attributes: Record<string, DeliveredAttribute> = {
    RequestID: { dataType: 'String', stringValue: requestId },
    ErrorCode: { dataType: 'Number', stringValue: last === undefined ? '429' : '200' },
  };
  if (last !== undefined && last.kind === 'failed')
    attributes.ErrorMessage = {
      dataType: 'String',
      stringValue: firstBytes(last.error.errorMessage, DLQ_ERROR_MESSAGE_BYTES),
    };
  return attributes;
}

/** The longest prefix of `text` that fits in `max` UTF-8 bytes, never splitting a character. */
export function firstBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > max) break;
    bytes += n;
    end += ch.length;
  }
  return text.slice(0, end);
}

import { isoSeconds } from '../sources/eventIds.js';

/**
 * Tumbling windows of a stream mapping (spec §3.2 "Tumbling windows", R-STREAM-12): the pure parts
 * — which window a record falls in, the event Lambda sends, and how it reads the response.
 * The lane bookkeeping (open window, final invoke, checkpoint) lives in StreamEventSourceMapping.
 */

/**
 * "Your state can be a maximum of 1 MB per shard. If it exceeds that size, Lambda terminates the
 * window early." (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html);
 * MB is MiB in Lambda's docs (spec conventions). Measured on the state's JSON text, in UTF-8 bytes.
 */
export const WINDOW_STATE_BYTES_MAX = 1_048_576;

/** Which invoke of a window a batch is, when it is not an aggregation invoke with records. */
export type WindowInvoke = 'final' | 'terminatedEarly';

/**
 * The start, in virtual ms, of the `windowMs` window that holds a record that arrived at
 * `arrivalMs`. Windows are aligned on the Unix epoch (U, spec §10 item 9: the docs' only example, a
 * 120 s window 07:04:00–07:06:00, is epoch-aligned), so they are computed on epoch time.
 */
export function windowStartMs(arrivalMs: number, epochStartMs: number, windowMs: number): number {
  const epochMs = epochStartMs + arrivalMs;
  const intoWindow = ((epochMs % windowMs) + windowMs) % windowMs;
  return arrivalMs - intoWindow;
}

/** What the mapping puts in a windowed event besides the records (spec §3.2, DG "Time windows"). */
export interface WindowEventParts {
  readonly startMs: number;
  readonly endMs: number;
  readonly epochStartMs: number;
  readonly stateJson: string;
  readonly shardId: string;
  readonly eventSourceArn: string;
  readonly invoke: WindowInvoke | undefined;
}

/**
 * The event of one invoke under a tumbling window, as JSON text: `Records`, then `window`
 * (`start`/`end` as ISO-8601 without milliseconds, as the docs' example), `state`, `shardId`,
 * `eventSourceARN`, `isFinalInvokeForWindow`, `isWindowTerminatedEarly`
 * (@types/aws-lambda `KinesisStreamTumblingWindowEvent`).
 */
export function windowEventJson(recordsJson: readonly string[], w: WindowEventParts): string {
  const start = JSON.stringify(isoSeconds(w.epochStartMs + w.startMs));
  const end = JSON.stringify(isoSeconds(w.epochStartMs + w.endMs));
  return (
    `{"Records":[${recordsJson.join(',')}],"window":{"start":${start},"end":${end}},` +
    `"state":${w.stateJson},"shardId":${JSON.stringify(w.shardId)},` +
    `"eventSourceARN":${JSON.stringify(w.eventSourceArn)},` +
    `"isFinalInvokeForWindow":${w.invoke === 'final'},"isWindowTerminatedEarly":${w.invoke === 'terminatedEarly'}}`
  );
}

/** How Lambda reads a windowed response's `state`, keyed by `kind`. */
export type WindowStateReading =
  | { readonly kind: 'state'; readonly stateJson: string; readonly bytes: number }
  | { readonly kind: 'stateMissing'; readonly reason: string };

/**
 * "When using tumbling windows, your Lambda function response must contain a state property. If
 * the response does not contain a state property, Lambda considers this a failed invocation."
 * (DG "Time windows"). Any JSON value under `state` is taken as given (U: the docs show objects).
 */
export function readWindowState(payloadJson: string): WindowStateReading {
  let value: unknown;
  try {
    value = JSON.parse(payloadJson);
  } catch {
    return { kind: 'stateMissing', reason: 'the response is not valid JSON, so it has no state' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('state' in value))
    return {
      kind: 'stateMissing',
      reason: `the response ${truncate(payloadJson)} has no state property (tumbling windows need one in every response)`,
    };
  const stateJson = JSON.stringify((value as { state: unknown }).state);
  return { kind: 'state', stateJson, bytes: Buffer.byteLength(stateJson, 'utf8') };
}

function truncate(text: string): string {
  return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
}

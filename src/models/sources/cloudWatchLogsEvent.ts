import { gunzipSync } from 'node:zlib';
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent, CloudWatchLogsLogEvent } from 'aws-lambda';
import { ConfigError } from '../../errors.js';
import { ACCOUNT_ID } from '../../lambda/FunctionConfig.js';
import { DEFAULT_EVENT_EPOCH_MS } from '../frontDoorEvents.js';
import { storedGzip } from './storedGzip.js';

/** One log line for {@link cloudWatchLogsEvent}. */
export interface LogLineInit {
  readonly message: string;
  /** @defaultValue the event's `timeEpochMs` */
  readonly timestampEpochMs?: number;
  /** @defaultValue a 56-digit id derived from the line's position and timestamp */
  readonly id?: string;
}

/** What {@link cloudWatchLogsEvent} builds a subscription-filter event from. */
export interface CloudWatchLogsEventInit {
  readonly logGroup: string;
  /** @defaultValue '2026/01/01/[$LATEST]0123456789abcdef' */
  readonly logStream?: string;
  readonly logEvents: readonly (LogLineInit | string)[];
  /** @defaultValue ['lambdasim-filter'] */
  readonly subscriptionFilters?: readonly string[];
  /** @defaultValue 'DATA_MESSAGE' */
  readonly messageType?: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  /** @defaultValue {@link DEFAULT_EVENT_EPOCH_MS} */
  readonly timeEpochMs?: number;
}

/**
 * The event a CloudWatch Logs subscription filter sends a function: `awslogs.data` is the
 * gzip-compressed, base64-encoded JSON of {@link CloudWatchLogsDecodedData}. Deterministic: the
 * gzip uses stored blocks, so the same input gives the same bytes everywhere.
 * @example
 * ```ts
 * sim.invokeAsync(fn, cloudWatchLogsEvent({ logGroup: '/aws/lambda/Orders', logEvents: ['ERROR boom'] }));
 * ```
 */
export function cloudWatchLogsEvent(init: CloudWatchLogsEventInit): CloudWatchLogsEvent {
  if (typeof init.logGroup !== 'string' || init.logGroup === '')
    throw new ConfigError('cloudWatchLogsEvent', 'logGroup', 'must be a non-empty string', init.logGroup);
  if (!Array.isArray(init.logEvents))
    throw new ConfigError('cloudWatchLogsEvent', 'logEvents', 'must be an array', init.logEvents);
  const timeEpochMs = init.timeEpochMs ?? DEFAULT_EVENT_EPOCH_MS;
  const logEvents: CloudWatchLogsLogEvent[] = init.logEvents.map((line, i) => {
    const l = typeof line === 'string' ? { message: line } : line;
    const timestamp = l.timestampEpochMs ?? timeEpochMs;
    return { id: l.id ?? logEventId(timestamp, i), timestamp, message: l.message };
  });
  const decoded: CloudWatchLogsDecodedData = {
    owner: ACCOUNT_ID,
    logGroup: init.logGroup,
    logStream: init.logStream ?? '2026/01/01/[$LATEST]0123456789abcdef',
    subscriptionFilters: [...(init.subscriptionFilters ?? ['lambdasim-filter'])],
    messageType: init.messageType ?? 'DATA_MESSAGE',
    logEvents,
  };
  const data = storedGzip(Buffer.from(JSON.stringify(decoded), 'utf8')).toString('base64');
  return { awslogs: { data } };
}

/** Decodes `awslogs.data` as a handler does (base64, gunzip, JSON). */
export function decodeCloudWatchLogsData(event: CloudWatchLogsEvent): CloudWatchLogsDecodedData {
  return JSON.parse(
    gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8'),
  ) as CloudWatchLogsDecodedData;
}

/** CloudWatch Logs event ids are 56-digit decimal strings. */
function logEventId(timestampEpochMs: number, index: number): string {
  return `${String(timestampEpochMs).padStart(20, '0')}${String(index).padStart(36, '0')}`;
}

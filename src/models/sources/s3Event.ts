import type { S3Event, S3EventRecord } from 'aws-lambda';
import { ConfigError } from '../../errors.js';
import { REGION } from '../../lambda/FunctionConfig.js';
import { DEFAULT_EVENT_EPOCH_MS } from '../frontDoorEvents.js';
import { hashedUuid, isoMs } from './eventIds.js';

/** What {@link s3Event} builds one S3 notification record from. */
export interface S3EventInit {
  readonly bucket: string;
  /** The object key as S3 sends it (URL-encoded, spaces as `+`). */
  readonly key: string;
  /** @defaultValue 'ObjectCreated:Put' */
  readonly eventName?: string;
  /** Object size in bytes. @defaultValue 0 */
  readonly size?: number;
  /** @defaultValue derived from a hash of bucket and key */
  readonly eTag?: string;
  readonly versionId?: string;
  /** @defaultValue 'lambdasim' */
  readonly configurationId?: string;
  /** When the event happened, in epoch ms. @defaultValue {@link DEFAULT_EVENT_EPOCH_MS} */
  readonly timeEpochMs?: number;
}

/**
 * An S3 event notification (`s3:ObjectCreated:*`, `s3:ObjectRemoved:*`, …) with one record per
 * init, as S3 invokes a function asynchronously. Deterministic: ids are hashes of the input.
 * @example
 * ```ts
 * sim.invokeAsync(fn, s3Event({ bucket: 'uploads', key: 'a.csv', size: 1024 }));
 * ```
 */
export function s3Event(...inits: readonly S3EventInit[]): S3Event {
  if (inits.length === 0) throw new ConfigError('s3Event', 'records', 'must have at least one record', 0);
  return { Records: inits.map(s3Record) };
}

function s3Record(init: S3EventInit, index: number): S3EventRecord {
  if (typeof init.bucket !== 'string' || init.bucket === '')
    throw new ConfigError('s3Event', 'bucket', 'must be a non-empty string', init.bucket);
  if (typeof init.key !== 'string' || init.key === '')
    throw new ConfigError('s3Event', 'key', 'must be a non-empty string', init.key);
  const timeEpochMs = init.timeEpochMs ?? DEFAULT_EVENT_EPOCH_MS;
  const h = hashedUuid('s3', init.bucket, init.key, timeEpochMs, index).replaceAll('-', '');
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: REGION,
    eventTime: isoMs(timeEpochMs),
    eventName: init.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
    requestParameters: { sourceIPAddress: '198.51.100.7' },
    responseElements: { 'x-amz-request-id': h.slice(0, 16).toUpperCase(), 'x-amz-id-2': h },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: init.configurationId ?? 'lambdasim',
      bucket: {
        name: init.bucket,
        ownerIdentity: { principalId: 'AEXAMPLE' },
        arn: `arn:aws:s3:::${init.bucket}`,
      },
      object: {
        key: init.key,
        size: init.size ?? 0,
        eTag: init.eTag ?? h.slice(0, 32),
        ...(init.versionId === undefined ? {} : { versionId: init.versionId }),
        sequencer: timeEpochMs.toString(16).toUpperCase().padStart(16, '0'),
      },
    },
  };
}

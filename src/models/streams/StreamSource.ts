/** Which stream service a {@link StreamSource} is (also the input ledger's model of its records). */
export type StreamModel = 'kinesis' | 'dynamodb-streams';

/** One record in a shard (of a Kinesis stream or a DynamoDB stream). */
export interface StreamRecord {
  /** The shard's index in the stream. */
  readonly shard: number;
  /** The record's position in its shard. */
  readonly index: number;
  /** Kinesis-shaped decimal string, increasing within the shard. */
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** The data, base64-encoded (as the Lambda event carries it). */
  readonly data: string;
  /** Bytes of the data (before base64). */
  readonly bytes: number;
  /** Virtual time the record arrived (`approximateArrivalTimestamp`). */
  readonly arrivalMs: number;
  /** The first 4 bytes of MD5(partition key), big-endian: picks the lane (R-STREAM-2). */
  readonly keyHash32: number;
}

/** One shard of a stream source: its id and its records, in sequence order. */
export interface SourceShard {
  /** The shard id as the source shows it (`shardId-000000000000`). */
  readonly shardId: string;
  /** The records, in sequence order (index = position in the shard). */
  readonly records: readonly StreamRecord[];
}

/**
 * What a stream event source mapping reads (spec §3.2): a Kinesis stream or a DynamoDB stream.
 * The mapping machinery (batching, checkpoints, retries, bisect, record age, on-failure records)
 * is one for both; a source only says what its records look like in the event, what filters see
 * and how the on-failure record names the discarded range.
 */
export interface StreamSource {
  /** The stream's name (a Kinesis stream's, or a DynamoDB table's). */
  readonly name: string;
  /** The stream ARN the event's `eventSourceARN` and the on-failure record carry. */
  readonly arn: string;
  readonly model: StreamModel;
  /** The shards, in shard id order. */
  readonly shards: readonly SourceShard[];
  /** Retention in virtual milliseconds: a record is gone once this old. */
  readonly retentionMs: number;
  /** Calls `listener(shardIndex)` after each record is stored. @internal */
  onPut(listener: (shard: number) => void): void;
  /** The Lambda event record of `r` as JSON text; `role` is the mapping's execution role. @internal */
  recordJson(r: StreamRecord, role: string): string;
  /** The record's `eventID`, also its id in `result.streamRecords` and `result.inputs`. @internal */
  eventId(r: StreamRecord): string;
  /** What `FilterCriteria` patterns are matched against (R-STREAM-11). @internal */
  filterView(r: StreamRecord): Readonly<Record<string, unknown>>;
  /** The name of the on-failure record's batch info field (`KinesisBatchInfo` / `DDBStreamBatchInfo`). @internal */
  readonly batchInfoField: 'KinesisBatchInfo' | 'DDBStreamBatchInfo';
}

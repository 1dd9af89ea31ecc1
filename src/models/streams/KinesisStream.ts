import { createHash } from 'node:crypto';
import { ConfigError, checkOptions, intInRange, nonNegativeInt } from '../../errors.js';
import { POISON_BODY } from '../../faults/Fault.js';
import { ACCOUNT_ID, REGION } from '../../lambda/FunctionConfig.js';
import type { World } from '../../world/World.js';
import { serviceDoor } from '../../services/callService.js';
import { contentDigest } from '../../sim/contentDigest.js';
import { jsonTextOf } from '../jsonText.js';
import { filterContent } from '../mapping/mappingOptions.js';
import type { StreamRecord, StreamSource } from './StreamSource.js';

export type { StreamRecord } from './StreamSource.js';

/** The most bytes of one record: data plus partition key (Kinesis: 1 MiB). */
export const KINESIS_MAX_RECORD_BYTES = 1_048_576;
/** The highest hash key: 2^128 − 1 (MD5 of a partition key, as an unsigned 128-bit integer). */
const MAX_HASH_KEY = (1n << 128n) - 1n;

/**
 * An error the simulated Kinesis API answers with, as the AWS SDK surfaces it: `code` is the
 * error code (`ValidationException`, `InvalidArgumentException`) and `message` AWS's text.
 *
 * @example
 * ```ts
 * await stream.put('x', { partitionKey: '' }).catch((e: KinesisError) => e.code); // 'ValidationException'
 * ```
 */
export class KinesisError extends Error {
  override readonly name = 'KinesisError';
  constructor(
    /** The Kinesis error code. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Options of {@link Simulation.kinesis}. */
export interface KinesisStreamOptions {
  /** Shards (provisioned mode), each owning an equal slice of the 128-bit hash key space. @defaultValue 1 */
  readonly shards?: number;
  /** Retention period in hours: 24–8,760 (spec §0, [KIN-RET]). @defaultValue 24 */
  readonly retentionH?: number;
  /** Virtual time a `put` from a handler takes (the record lands halfway). @defaultValue 20 */
  readonly latencyMs?: number;
}

/** {@link KinesisStreamOptions} with every default filled in. */
export interface ResolvedKinesisStreamOptions {
  readonly shards: number;
  readonly retentionH: number;
  readonly latencyMs: number;
}

/** What one record put takes: the data and where it goes. */
export interface PutRecordOptions {
  /** `PartitionKey`: 1–256 characters; its MD5 decides the shard. */
  readonly partitionKey: string;
  /** `ExplicitHashKey`: a decimal 128-bit integer that overrides the partition key's hash. */
  readonly explicitHashKey?: string;
}

/** What `PutRecord` answers. */
export interface PutRecordResult {
  readonly shardId: string;
  readonly sequenceNumber: string;
}

/** One entry of {@link KinesisStream.putRecords}. */
export interface PutRecordsEntry extends PutRecordOptions {
  /** The record's data: bytes, a string (UTF-8), or any other value (its JSON). */
  readonly data: unknown;
}

/** What `PutRecords` answers (the simulation never throttles, so `failedRecordCount` is 0). */
export interface PutRecordsResult {
  readonly failedRecordCount: number;
  readonly records: readonly PutRecordResult[];
}

/** One shard: its id, its slice of the hash key space and its records in sequence order. */
export interface Shard {
  /** `shardId-000000000000`. */
  readonly shardId: string;
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
  /** The records, in sequence order (index = position in the shard); read-only for test code. */
  readonly records: StreamRecord[];
}

const KNOWN = new Set(['shards', 'retentionH', 'latencyMs']);
const PUT_KNOWN = new Set(['partitionKey', 'explicitHashKey', 'data']);
const NAME = /^[a-zA-Z0-9_.-]{1,128}$/;

/** Validates `sim.kinesis(name, options)` and fills in the defaults. */
export function resolveKinesisStreamOptions(name: unknown, options: unknown): ResolvedKinesisStreamOptions {
  const api = `sim.kinesis(${JSON.stringify(name)})`;
  if (typeof name !== 'string' || !NAME.test(name))
    throw new ConfigError(
      'sim.kinesis',
      'name',
      'must be 1–128 characters of a-z, A-Z, 0-9, _ . - (Kinesis StreamName)',
      name,
    );
  const o = checkOptions(api, options ?? {}, KNOWN);
  return {
    shards: intInRange(api, 'shards', o.shards ?? 1, 1, 500),
    retentionH: intInRange(api, 'retentionH', o.retentionH ?? 24, 24, 8760),
    latencyMs: nonNegativeInt(api, 'latencyMs', o.latencyMs ?? 20),
  };
}

/**
 * A simulated Kinesis data stream (provisioned shards). `put` / `putRecords` hash the partition
 * key with MD5 to a 128-bit integer and store the record in the shard whose hash key range holds
 * it, with a sequence number that increases within the shard; records stay for the retention
 * period (24 h by default) and expire after it. From a handler a put is a service call with
 * latency, attributed to the invocation; from test or workload code it lands at once.
 * A stream mapping (`sim.mapping(stream, fn, { startingPosition })`) reads it.
 *
 * Gotchas: records of one partition key share a shard and keep their order; records of
 * different keys in different shards have no order between them. Throughput limits (1 MiB/s or
 * 1,000 records/s per shard) are not simulated.
 *
 * @example
 * ```ts
 * const clicks = sim.kinesis('clicks', { shards: 4 });
 * await clicks.put({ page: '/home' }, { partitionKey: 'user-1' });
 * ```
 */
export class KinesisStream implements StreamSource {
  readonly name: string;
  /** The stream service (`result.inputs` model). */
  readonly model = 'kinesis' as const;
  /** The on-failure record's batch info field. @internal */
  readonly batchInfoField = 'KinesisBatchInfo' as const;
  /** `arn:aws:kinesis:us-east-1:123456789012:stream/<name>`. */
  readonly arn: string;
  readonly options: ResolvedKinesisStreamOptions;
  /** The shards, in shard id order. */
  readonly shards: readonly Shard[];
  private readonly prefixes: readonly string[];
  private readonly listeners: Array<(shard: number) => void> = [];

  /** @internal Use {@link Simulation.kinesis}. */
  constructor(
    private readonly world: World,
    name: string,
    options?: KinesisStreamOptions,
  ) {
    this.options = resolveKinesisStreamOptions(name, options);
    this.name = name;
    this.arn = `arn:aws:kinesis:${REGION}:${ACCOUNT_ID}:stream/${name}`;
    const n = BigInt(this.options.shards);
    const space = MAX_HASH_KEY + 1n;
    const shards: Shard[] = [];
    for (let i = 0n; i < n; i++)
      shards.push({
        shardId: `shardId-${String(i).padStart(12, '0')}`,
        startingHashKey: (i * space) / n,
        endingHashKey: ((i + 1n) * space) / n - 1n,
        records: [],
      });
    this.shards = shards;
    // Sequence numbers are 56 digits, as Kinesis shows them: '49', 10 digits of the stream (so two
    // streams never share one), 4 of the shard, 40 of a per-shard counter (equal length, so text
    // order is numeric order).
    const streamTag = String(
      BigInt(`0x${md5(name).toString('hex').slice(0, 12)}`) % 10_000_000_000n,
    ).padStart(10, '0');
    this.prefixes = shards.map((_, i) => `49${streamTag}${String(i).padStart(4, '0')}`);
  }

  /** Retention in virtual milliseconds. */
  get retentionMs(): number {
    return this.options.retentionH * 3_600_000;
  }

  /**
   * `PutRecord`: stores one record in the shard its partition key (or `explicitHashKey`) hashes
   * to. Rejects with a {@link KinesisError} as Kinesis refuses (partition key empty or over 256
   * characters, data plus key over 1 MiB, a bad explicit hash key).
   * @example
   * ```ts
   * const { shardId, sequenceNumber } = await stream.put({ orderId: 'o-1' }, { partitionKey: 'o-1' });
   * ```
   */
  put(data: unknown, options: PutRecordOptions): Promise<PutRecordResult> {
    return serviceDoor(this.world, this.name, 'PutRecord', this.options.latencyMs, (site) => {
      const prepared = prepare(data, options);
      return this.store(prepared, site?.fn ?? site?.by ?? 'workload');
    });
  }

  /**
   * `PutRecords`: 1–500 entries, at most 5 MiB in all, each stored as by {@link put}, in order.
   * A malformed entry rejects the whole request (as Kinesis's request validation does).
   * @example
   * ```ts
   * await stream.putRecords([{ data: 'a', partitionKey: 'k1' }, { data: 'b', partitionKey: 'k2' }]);
   * ```
   */
  putRecords(entries: readonly PutRecordsEntry[]): Promise<PutRecordsResult> {
    return serviceDoor(this.world, this.name, 'PutRecords', this.options.latencyMs, (site) => {
      if (!Array.isArray(entries) || entries.length === 0 || entries.length > 500)
        throw new KinesisError(
          'ValidationException',
          `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length between 1 and 500`,
        );
      const prepared = entries.map((e) => {
        if (e === null || typeof e !== 'object')
          throw new KinesisError('ValidationException', 'Each PutRecords entry must be an object.');
        for (const key of Object.keys(e))
          if (!PUT_KNOWN.has(key))
            throw new KinesisError('ValidationException', `Unknown field ${key} in a PutRecords entry.`);
        return prepare(e.data, e);
      });
      let total = 0;
      for (const p of prepared) total += p.bytes.length + Buffer.byteLength(p.partitionKey, 'utf8');
      if (total > 5 * KINESIS_MAX_RECORD_BYTES)
        throw new KinesisError(
          'InvalidArgumentException',
          `Records size exceeds 5 MB limit: the request holds ${total} bytes.`,
        );
      const by = site?.fn ?? site?.by ?? 'workload';
      return { failedRecordCount: 0, records: prepared.map((p) => this.store(p, by)) };
    });
  }

  /** Calls `listener(shardIndex)` after each record is stored. @internal */
  onPut(listener: (shard: number) => void): void {
    this.listeners.push(listener);
  }

  /** @internal The shard whose hash key range holds `hash`. */
  shardFor(hash: bigint): number {
    for (let i = 0; i < this.shards.length; i++) if (hash <= this.shards[i]!.endingHashKey) return i;
    return this.shards.length - 1;
  }

  /**
   * The Lambda event record of `r` (`KinesisStreamRecord` of `@types/aws-lambda`), as
   * JSON text; `role` is the mapping's function execution role (`invokeIdentityArn`).
   * @internal
   */
  recordJson(r: StreamRecord, role: string): string {
    const shardId = this.shards[r.shard]!.shardId;
    const arrivalS = (this.world.epochStartMs + r.arrivalMs) / 1000;
    return (
      `{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":${JSON.stringify(r.partitionKey)},` +
      `"sequenceNumber":"${r.sequenceNumber}","data":"${r.data}","approximateArrivalTimestamp":${arrivalS}},` +
      `"eventSource":"aws:kinesis","eventVersion":"1.0","eventID":"${shardId}:${r.sequenceNumber}",` +
      `"eventName":"aws:kinesis:record","invokeIdentityArn":${JSON.stringify(role)},` +
      `"awsRegion":"${REGION}","eventSourceARN":"${this.arn}"}`
    );
  }

  /** Filters see the data only ("only support filtering on the data key", spec R-STREAM-11). @internal */
  filterView(r: StreamRecord): Readonly<Record<string, unknown>> {
    return { data: filterContent(Buffer.from(r.data, 'base64').toString('utf8')) };
  }

  /** `shardId-…:seq`, the record's `eventID`. @internal */
  eventId(r: StreamRecord): string {
    return `${this.shards[r.shard]!.shardId}:${r.sequenceNumber}`;
  }

  private store(p: Prepared, by: string): PutRecordResult {
    const kernel = this.world.kernel;
    const shard = this.shardFor(p.hash);
    const records = this.shards[shard]!.records;
    const index = records.length;
    const sequenceNumber = this.prefixes[shard]! + String(index + 1).padStart(40, '0');
    let data = p.bytes.toString('base64');
    const faults = this.world.faults;
    if (!faults.empty)
      for (const fault of faults.nextStreamRecord(this.name))
        if (fault.kind === 'poisonRecord') {
          faults.injected(fault);
          data = POISON_DATA;
        }
    records.push({
      shard,
      index,
      sequenceNumber,
      partitionKey: p.partitionKey,
      data,
      bytes: p.bytes.length,
      arrivalMs: kernel.nowMs,
      keyHash32: p.keyHash32,
    });
    const shardId = this.shards[shard]!.shardId;
    kernel.record({
      kind: 'kinesis.put',
      stream: this.name,
      shardId,
      sequenceNumber,
      partitionKey: p.partitionKey,
      by,
      bytes: p.bytes.length,
      digest: contentDigest(data),
    });
    for (const listener of this.listeners) listener(shard);
    return { shardId, sequenceNumber };
  }
}

/** A `poisonRecord` fault's data: {@link POISON_BODY}, base64-encoded as records carry data. */
const POISON_DATA = Buffer.from(POISON_BODY, 'utf8').toString('base64');

interface Prepared {
  readonly bytes: Buffer;
  readonly partitionKey: string;
  readonly hash: bigint;
  readonly keyHash32: number;
}

function md5(text: string): Buffer {
  return createHash('md5').update(text, 'utf8').digest();
}

/** Validates one record as Kinesis does and computes its hash key. */
function prepare(data: unknown, options: PutRecordOptions): Prepared {
  if (options === null || typeof options !== 'object')
    throw new KinesisError('ValidationException', 'PutRecord needs options with a partitionKey.');
  const { partitionKey, explicitHashKey } = options;
  if (typeof partitionKey !== 'string' || partitionKey.length === 0)
    throw new KinesisError(
      'ValidationException',
      `1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
  if ([...partitionKey].length > 256)
    throw new KinesisError(
      'ValidationException',
      `1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
  let bytes: Buffer;
  if (data instanceof Uint8Array) bytes = Buffer.from(data);
  else if (typeof data === 'string') bytes = Buffer.from(data, 'utf8');
  else {
    const json = jsonTextOf(data);
    if (json === undefined)
      throw new KinesisError(
        'ValidationException',
        `The record data must be bytes, a string or JSON data, got ${typeof data}.`,
      );
    bytes = Buffer.from(json, 'utf8');
  }
  if (bytes.length + Buffer.byteLength(partitionKey, 'utf8') > KINESIS_MAX_RECORD_BYTES)
    throw new KinesisError(
      'ValidationException',
      `1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576`,
    );
  const digest = md5(partitionKey);
  let hash = BigInt(`0x${digest.toString('hex')}`);
  if (explicitHashKey !== undefined) {
    if (typeof explicitHashKey !== 'string' || !/^(0|[1-9]\d{0,38})$/.test(explicitHashKey))
      throw new KinesisError(
        'InvalidArgumentException',
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${String(explicitHashKey)}`,
      );
    hash = BigInt(explicitHashKey);
    if (hash > MAX_HASH_KEY)
      throw new KinesisError(
        'InvalidArgumentException',
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicitHashKey}`,
      );
  }
  return { bytes, partitionKey, hash, keyHash32: digest.readUInt32BE(0) };
}

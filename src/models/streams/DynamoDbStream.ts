import { createHash } from 'node:crypto';
import { itemToWire, valuesEqual } from '../../aws/dynamodb/attributeValue.js';
import { ACCOUNT_ID, REGION } from '../../lambda/FunctionConfig.js';
import type { World } from '../../world/World.js';
import { type StoredItem, valueText } from '../../services/itemValue.js';
import type { StreamViewType, Table } from '../../services/Table.js';
import type { ItemChange } from '../../services/TableStore.js';
import type { TimerHandle } from '../../sim/Kernel.js';
import { isoMs } from '../sources/eventIds.js';
import type { StreamRecord } from './KinesisStream.js';
import type { StreamSource } from './StreamSource.js';

/** DynamoDB Streams keeps records 24 hours (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html). */
const RETENTION_MS = 24 * 3_600_000;

/** The service identity of a TTL deletion's REMOVE record (DynamoDB Streams API, `Record.userIdentity`). */
const TTL_IDENTITY = '{"type":"Service","principalId":"dynamodb.amazonaws.com"}';

/** One record of a table's stream: a {@link StreamRecord} plus the change it carries. */
interface ChangeRecord extends StreamRecord {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** 32 hex digits, as DynamoDB's `eventID`. */
  readonly eventId: string;
  /** The `dynamodb` object of the event record, as JSON text. */
  readonly dynamodbJson: string;
  /** Made by DynamoDB's TTL process (a REMOVE with `userIdentity`). */
  readonly byTtl: boolean;
}

/**
 * A table's DynamoDB stream (`sim.table(name, { key, stream: 'NEW_AND_OLD_IMAGES' })`): every
 * change of an item, made through either door of the table (the typed `sim.table` API, or
 * PutItem / UpdateItem / DeleteItem / BatchWriteItem / TransactWriteItems from a handler's AWS
 * SDK), becomes one record at the instant the write lands: INSERT (the item was absent), MODIFY
 * (it changed) or REMOVE (it was deleted), in write order, with `Keys` and, as the view type says,
 * `NewImage` / `OldImage` in AttributeValue form — `DynamoDBStreamEvent` of `@types/aws-lambda`.
 * A write that changes nothing (a put of an identical item, an update to the same values, a
 * delete of an absent item) makes no record ("If you perform a PutItem or UpdateItem operation
 * that does not change any data in an item, DynamoDB Streams does not write a stream record for
 * that operation", DynamoDB Developer Guide, Change data capture for DynamoDB Streams — quoted
 * from memory: the search index does not hold that page; an observed case agrees: re-putting
 * identical items triggered no stream consumer, tecracer.com/blog/2021/01/why-i-had-to-update-
 * my-mental-model-of-dynamodb-streams.html).
 *
 * TTL: with `ttlAttribute`, DynamoDB's TTL process deletes an expired item `ttlDeletionDelayS`
 * after its expiry (AWS: "typically within two days of expiration", UpdateTimeToLive API
 * reference; lambdasim: exactly that delay, default 0), as a REMOVE record whose `userIdentity`
 * is `{ type: 'Service', principalId: 'dynamodb.amazonaws.com' }` (DynamoDB Streams API,
 * `Record.userIdentity`). A write to an expired item before then deletes it by TTL first (the
 * REMOVE, then an INSERT). Records stay 24 hours.
 *
 * Model (U): one shard per table (AWS splits a stream into shards by partition and time; per
 * item, order is what AWS guarantees and what one shard keeps); `ApproximateCreationDateTime` in
 * whole seconds; `SizeBytes` the UTF-8 length of the record's keys and images as JSON.
 *
 * Gotchas: a REMOVE record has no `NewImage`; an INSERT no `OldImage`; with `KEYS_ONLY` neither.
 * An item with a TTL keeps the run going until its deletion instant (the TTL process is part of
 * the run): give items near TTLs or bound the run with `untilMs`. `seed` makes no records.
 * Built by {@link Simulation.table}; read it with `sim.mapping(table, fn, options)`.
 */
export class DynamoDbStream implements StreamSource {
  readonly model = 'dynamodb-streams' as const;
  /** @internal */
  readonly batchInfoField = 'DDBStreamBatchInfo' as const;
  readonly name: string;
  /** `arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`, the label the creation time. */
  readonly arn: string;
  readonly retentionMs = RETENTION_MS;
  readonly shards: readonly { readonly shardId: string; readonly records: ChangeRecord[] }[];
  readonly viewType: StreamViewType;
  private readonly listeners: Array<(shard: number) => void> = [];
  private readonly keyNames: readonly string[];
  /** The TTL process's pending deletion of each key (at most one: the item as last written). */
  private readonly ttlTimers = new Map<string, TimerHandle>();

  constructor(
    private readonly world: World,
    readonly table: Table,
  ) {
    const { stream, key, sortKey } = table.options;
    this.viewType = stream!;
    this.name = table.name;
    const createdEpochMs = world.epochStartMs + world.kernel.nowMs;
    this.arn = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${table.name}/stream/${isoMs(createdEpochMs).replace(/Z$/, '')}`;
    const tag = md5(table.name).toString('hex').slice(0, 8);
    this.shards = [{ shardId: `shardId-${String(createdEpochMs).padStart(20, '0')}-${tag}`, records: [] }];
    this.keyNames = sortKey === undefined ? [key] : [key, sortKey];
    table.store.watch((change) => this.changed(change));
  }

  /** Calls `listener(shard)` after each record is stored. @internal */
  onPut(listener: (shard: number) => void): void {
    this.listeners.push(listener);
  }

  /** The `DynamoDBRecord` of `r` as JSON text. @internal */
  recordJson(r: StreamRecord, _role: string): string {
    const c = this.shards[0]!.records[r.index]!;
    return (
      `{"eventID":"${c.eventId}","eventName":"${c.eventName}","eventVersion":"1.1",` +
      `"eventSource":"aws:dynamodb","awsRegion":"${REGION}","dynamodb":${c.dynamodbJson},` +
      (c.byTtl ? `"userIdentity":${TTL_IDENTITY},` : '') +
      `"eventSourceARN":${JSON.stringify(this.arn)}}`
    );
  }

  /** The record's `eventID` (32 hex digits). @internal */
  eventId(r: StreamRecord): string {
    return this.shards[0]!.records[r.index]!.eventId;
  }

  /** Filters see the whole record (`eventName`, `dynamodb`, …). @internal */
  filterView(r: StreamRecord): Readonly<Record<string, unknown>> {
    return JSON.parse(this.recordJson(r, '')) as Record<string, unknown>;
  }

  private changed(change: ItemChange): void {
    const { before, after, by } = change;
    this.scheduleTtlDeletion(change.keyId, after);
    if (by === 'seed') return;
    if (before !== undefined && after !== undefined && valuesEqual(before, after)) return;
    const eventName = before === undefined ? 'INSERT' : after === undefined ? 'REMOVE' : 'MODIFY';
    const item = (after ?? before)!;
    const keys: StoredItem = {};
    for (const k of this.keyNames) keys[k] = item[k];
    this.append(eventName, keys, before, after, by === 'ttl');
  }

  private append(
    eventName: ChangeRecord['eventName'],
    keys: StoredItem,
    before: StoredItem | undefined,
    after: StoredItem | undefined,
    byTtl: boolean,
  ): void {
    const kernel = this.world.kernel;
    const records = this.shards[0]!.records;
    const index = records.length;
    const sequenceNumber = `1${String(index + 1).padStart(21, '0')}`;
    const view = this.viewType;
    const keysJson = JSON.stringify(itemToWire(keys));
    const newJson =
      after !== undefined && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES')
        ? JSON.stringify(itemToWire(after))
        : undefined;
    const oldJson =
      before !== undefined && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES')
        ? JSON.stringify(itemToWire(before))
        : undefined;
    const sizeBytes =
      Buffer.byteLength(keysJson, 'utf8') +
      (newJson === undefined ? 0 : Buffer.byteLength(newJson, 'utf8')) +
      (oldJson === undefined ? 0 : Buffer.byteLength(oldJson, 'utf8'));
    const createdS = Math.floor((this.world.epochStartMs + kernel.nowMs) / 1000);
    const dynamodbJson =
      `{"ApproximateCreationDateTime":${createdS},"Keys":${keysJson}` +
      (newJson === undefined ? '' : `,"NewImage":${newJson}`) +
      (oldJson === undefined ? '' : `,"OldImage":${oldJson}`) +
      `,"SequenceNumber":"${sequenceNumber}","SizeBytes":${sizeBytes},"StreamViewType":"${view}"}`;
    const partitionKey = valueText(keys);
    records.push({
      shard: 0,
      index,
      sequenceNumber,
      partitionKey,
      data: `{"eventName":"${eventName}","dynamodb":${dynamodbJson}}`,
      bytes: sizeBytes,
      arrivalMs: kernel.nowMs,
      keyHash32: md5(partitionKey).readUInt32BE(0),
      eventName,
      eventId: md5(`${this.arn}/${sequenceNumber}`).toString('hex'),
      dynamodbJson,
      byTtl,
    });
    kernel.record({
      kind: 'dynamodb.streamRecord',
      table: this.name,
      eventName,
      sequenceNumber,
      keys: partitionKey,
      by: byTtl ? 'ttl' : 'write',
    });
    for (const listener of this.listeners) listener(0);
  }

  /**
   * DynamoDB's TTL process: deletes the item `ttlDeletionDelayS` after it expires, if still the
   * same. Any change of the key replaces its pending deletion: an item deleted or rewritten before
   * its expiry leaves no timer behind to keep the run going until an instant where nothing happens.
   */
  private scheduleTtlDeletion(keyId: string, item: StoredItem | undefined): void {
    const pending = this.ttlTimers.get(keyId);
    if (pending !== undefined) {
      this.world.kernel.cancel(pending);
      this.ttlTimers.delete(keyId);
    }
    if (item === undefined) return;
    const store = this.table.store;
    const expiresAt = store.expiresAtEpochMs(item);
    if (expiresAt === undefined) return;
    const kernel = this.world.kernel;
    const deleteAtEpochMs = expiresAt + this.table.options.ttlDeletionDelayS * 1000;
    const atMs = Math.max(kernel.nowMs, Math.ceil(deleteAtEpochMs - this.world.epochStartMs));
    if (!Number.isSafeInteger(atMs)) return; // beyond any run
    const timer = kernel.at(atMs, () => {
      this.ttlTimers.delete(keyId);
      store.deleteExpired(keyId, item);
    });
    this.ttlTimers.set(keyId, timer);
  }
}

function md5(text: string): Buffer {
  return createHash('md5').update(text, 'utf8').digest();
}

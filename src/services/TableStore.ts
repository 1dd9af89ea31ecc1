import type { StoredItem } from './itemValue.js';

/** A key attribute's value: DynamoDB keys are strings, numbers or binary. */
export type KeyValue = string | number | Uint8Array;

/** The table's key schema: a partition key and an optional sort key. */
export interface KeySchema {
  readonly partition: string;
  readonly sort: string | undefined;
}

/**
 * One change of an item, as the store tells its watcher (a table's DynamoDB stream): the item
 * before (undefined: absent) and after (undefined: deleted). `by` says who made it: a write through
 * either door, a test's `seed`, or DynamoDB's TTL process deleting an expired item.
 */
export interface ItemChange {
  readonly keyId: string;
  readonly before: StoredItem | undefined;
  readonly after: StoredItem | undefined;
  readonly by: 'write' | 'seed' | 'ttl';
}

/**
 * The items of one table, shared by its two doors (the typed `sim.table` API and the DynamoDB
 * protocol door): one map from a key id to the item, in the order keys were first written, and the
 * TTL rule (an expired item is invisible to every read). Synchronous, no latency, no attribution:
 * the doors call it from inside `callService`'s `apply`, at the instant a call lands.
 * @internal
 */
export class TableStore {
  private readonly items = new Map<string, StoredItem>();
  private watcher: ((change: ItemChange) => void) | undefined;

  constructor(
    readonly schema: KeySchema,
    private readonly ttlAttribute: string | undefined,
    /** The virtual clock as epoch milliseconds (what handlers see as `Date.now()`). */
    private readonly nowEpochMs: () => number,
  ) {}

  /** The id of the item with these key values (the sort key's value is ignored without a sort key). */
  keyId(partition: KeyValue, sort?: KeyValue): string {
    const p = keyPart(partition);
    return this.schema.sort === undefined ? p : `${p}\u0000${keyPart(sort!)}`;
  }

  /** The id of a stored item (its key attributes must be present). */
  keyIdOf(item: StoredItem): string {
    const { partition, sort } = this.schema;
    return this.keyId(item[partition] as KeyValue, sort === undefined ? undefined : (item[sort] as KeyValue));
  }

  /** The live item with this id (undefined when absent or expired); the stored object, not a copy. */
  get(keyId: string): StoredItem | undefined {
    const item = this.items.get(keyId);
    return item === undefined || this.expired(item) ? undefined : item;
  }

  /**
   * Tells `watcher` every change of an item, at the instant it happens (both doors write through
   * {@link put} and {@link delete}, so a watcher sees every write of either). One watcher per store.
   */
  watch(watcher: (change: ItemChange) => void): void {
    this.watcher = watcher;
  }

  /**
   * Writes an item; one that replaces an expired item takes a new place in the insertion order
   * (and the expired one is reported deleted by TTL first: its deletion happens no later than
   * the write that replaces it).
   */
  put(keyId: string, item: StoredItem, by: 'write' | 'seed' = 'write'): void {
    let before = this.items.get(keyId);
    if (before !== undefined && this.expired(before)) {
      this.items.delete(keyId);
      this.watcher?.({ keyId, before, after: undefined, by: 'ttl' });
      before = undefined;
    }
    this.items.set(keyId, item);
    this.watcher?.({ keyId, before, after: item, by });
  }

  /** Deletes an item (an expired one is reported deleted by TTL). */
  delete(keyId: string): void {
    const before = this.items.get(keyId);
    if (before === undefined) return;
    this.items.delete(keyId);
    this.watcher?.({ keyId, before, after: undefined, by: this.expired(before) ? 'ttl' : 'write' });
  }

  /**
   * DynamoDB's TTL process: deletes the item with this id if it is still `item` (not rewritten
   * since) and expired; returns whether it did.
   */
  deleteExpired(keyId: string, item: StoredItem): boolean {
    if (this.items.get(keyId) !== item || !this.expired(item)) return false;
    this.delete(keyId);
    return true;
  }

  /** When the item expires, in epoch ms (its TTL attribute, seconds), or undefined if never. */
  expiresAtEpochMs(item: StoredItem): number | undefined {
    const attribute = this.ttlAttribute;
    if (attribute === undefined) return undefined;
    const expiresAtS = item[attribute];
    if (typeof expiresAtS !== 'number' || !Number.isFinite(expiresAtS)) return undefined;
    return expiresAtS * 1000;
  }

  /** Every live item with its id, in the order keys were first written. */
  *live(): Generator<[string, StoredItem]> {
    for (const entry of this.items) if (!this.expired(entry[1])) yield entry;
  }

  /** The live items of one partition, in sort-key order (DynamoDB's Query order). */
  partition(value: KeyValue): StoredItem[] {
    const { partition, sort } = this.schema;
    const want = keyPart(value);
    const out: StoredItem[] = [];
    for (const [, item] of this.live()) if (keyPart(item[partition] as KeyValue) === want) out.push(item);
    if (sort !== undefined) out.sort((a, b) => compareKeys(a[sort] as KeyValue, b[sort] as KeyValue));
    return out;
  }

  private expired(item: StoredItem): boolean {
    // DynamoDB ignores a TTL attribute that is not a number.
    const at = this.expiresAtEpochMs(item);
    return at !== undefined && at <= this.nowEpochMs();
  }
}

function keyPart(value: KeyValue): string {
  if (typeof value === 'string') return `S${value}`;
  if (typeof value === 'number') return `N${value}`;
  return `B${Buffer.from(value).toString('base64')}`;
}

/**
 * DynamoDB's order of key values: numbers numerically, strings and binary by their bytes
 * (UTF-8 for strings). Keys of different types (possible here: lambdasim tables declare no
 * attribute types) order numbers, then strings, then binary.
 */
export function compareKeys(a: KeyValue, b: KeyValue): number {
  const ra = keyRank(a);
  const rb = keyRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number') return a - (b as number);
  const ab = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const bb = typeof b === 'string' ? Buffer.from(b, 'utf8') : (b as Uint8Array);
  return Buffer.compare(ab, bb);
}

function keyRank(value: KeyValue): number {
  return typeof value === 'number' ? 0 : typeof value === 'string' ? 1 : 2;
}

import type { StoredItem } from './itemValue.js';

/** A key attribute's value: DynamoDB keys are strings, numbers or binary. */
export type KeyValue = string | number | Uint8Array;

/** The table's key schema: a partition key and an optional sort key. */
export interface KeySchema {
  readonly partition: string;
  readonly sort: string | undefined;
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

  /** Writes an item; one that replaces an expired item takes a new place in the insertion order. */
  put(keyId: string, item: StoredItem): void {
    const existing = this.items.get(keyId);
    if (existing !== undefined && this.expired(existing)) this.items.delete(keyId);
    this.items.set(keyId, item);
  }

  delete(keyId: string): void {
    this.items.delete(keyId);
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
    const attribute = this.ttlAttribute;
    if (attribute === undefined) return false;
    const expiresAtS = item[attribute];
    // DynamoDB ignores a TTL attribute that is not a number.
    if (typeof expiresAtS !== 'number' || !Number.isFinite(expiresAtS)) return false;
    return expiresAtS * 1000 <= this.nowEpochMs();
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

import { ConfigError, checkName, checkOptions, describe, intInRange } from '../errors.js';
import type { World } from '../world/World.js';
import { type CallReply, type CallSpec, callService, type InFlightFate } from './callService.js';
import { isUpdateAction, type UpdateAction } from './change.js';
import { type Condition, conditionProblem, evaluateCondition } from './conditions.js';
import { copyValue, type StoredItem, valueText } from './itemValue.js';
import { type KeyValue, TableStore } from './TableStore.js';
import { type FittedLatency, type LatencyMs, resolveLatencyMs } from './latency.js';

export type { Condition, ConditionKind } from './conditions.js';
export { when } from './conditions.js';

/**
 * A table key: the value of the key attribute, a string or a number (`'1'` and `1` differ); for a
 * table with a {@link TableOptions.sortKey}, an object holding both key attributes, e.g.
 * `{ pk: 'customer-1', sk: 'order-7' }`.
 */
export type TableKey = string | number | Readonly<Record<string, string | number>>;

/** Options of {@link Simulation.table}. */
export interface TableOptions {
  /** The partition key attribute; every item must carry it as a non-empty string or a finite number. */
  readonly key: string;
  /**
   * The sort key attribute (DynamoDB's range key): items share a partition key and differ by this
   * one, which every item must carry as a non-empty string or a finite number. With a sort key the
   * typed door addresses an item by an object holding both attributes,
   * `orders.get({ customerId: 'c-1', orderId: 'o-7' })`, and the DynamoDB door's Query reads a
   * partition in sort-key order.
   * @defaultValue unset (partition key only)
   */
  readonly sortKey?: string;
  /**
   * Virtual time one call takes, request to response; the call lands halfway. A number is every
   * call's latency; a shape `{ p50, p99 }` draws each call's latency from the run's seeded stream
   * (a lognormal with that median and 99th percentile, see `LatencyShape`), so a slow tail
   * reaches the function's deadline in some runs without a constant picked to hit it.
   * @defaultValue 10
   */
  readonly latencyMs?: LatencyMs;
  /**
   * Attribute that holds an item's expiry time in epoch seconds (a number). An item whose expiry
   * is at or before the virtual clock (`Date.now()` as handlers see it) is treated as absent by
   * every operation, condition, `peek` and `snapshot`. Gotcha: real DynamoDB deletes expired
   * items lazily (often hours later) and may still return them; lambdasim hides them at once,
   * so a handler that must tolerate stale items should also check the attribute itself.
   * @defaultValue unset (items never expire)
   */
  readonly ttlAttribute?: string;
  /** Whether a write in flight when its caller dies (timeout, crash) still lands. @defaultValue 'lands' */
  readonly inFlightAtDeath?: InFlightFate;
  /**
   * Turns on the table's DynamoDB stream (`StreamSpecification.StreamViewType`): every change of
   * an item, made through either door, becomes an INSERT / MODIFY / REMOVE record carrying the
   * key, and the new and/or old image as the view type says. `sim.mapping(table, fn, options)`
   * reads it. See {@link DynamoDbStream}.
   * @defaultValue unset (no stream)
   */
  readonly stream?: StreamViewType;
  /**
   * With a stream and a `ttlAttribute`: seconds after an item expires that DynamoDB's TTL process
   * deletes it (a REMOVE record made by the service). AWS deletes expired items "typically within
   * two days"; lambdasim deletes each one exactly this long after its expiry: 0 to 172,800 (2 days).
   * @defaultValue 0
   */
  readonly ttlDeletionDelayS?: number;
}

/** What a table's stream records carry (DynamoDB's `StreamViewType`). */
export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
const VIEW_TYPES: readonly StreamViewType[] = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'];

/** Options of a conditional table write. */
export interface WriteOptions {
  /** The write happens only if this holds for the item as stored when the write lands. */
  readonly condition?: Condition;
}

/**
 * The attributes an {@link Table.update} sets: like `Partial<TItem>`, and an attribute given as
 * `undefined` is removed from the item (DynamoDB's `REMOVE`); an {@link UpdateAction} built with
 * `change.add(n)` or `change.ifNotExists(value)` is computed from the stored item when the update lands.
 * @example
 * ```ts
 * await orders.update('o-1', { status: 'PAID', lockedBy: undefined, payAttempts: change.add(1) });
 * ```
 */
export type ItemChanges<TItem> = { [K in keyof TItem]?: TItem[K] | undefined | UpdateAction<TItem[K]> };

/** @internal A workload's write of a whole item or a deletion, see {@link Table.writeNow}. */
export type WorkloadWrite =
  { readonly op: 'put'; readonly item: unknown } | { readonly op: 'delete'; readonly key: unknown };

/** {@link TableOptions} with every default filled in. */
export interface ResolvedTableOptions {
  readonly key: string;
  readonly sortKey: string | undefined;
  /** The constant, or the shape with its fitted parameters. */
  readonly latencyMs: number | FittedLatency;
  readonly ttlAttribute: string | undefined;
  readonly inFlightAtDeath: InFlightFate;
  readonly stream: StreamViewType | undefined;
  readonly ttlDeletionDelayS: number;
}

/** DynamoDB's maximum item size (400 KB), measured here as the item's JSON length in UTF-8. */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * A write's condition did not hold: nothing was written. Same `name` (and message) as the AWS
 * SDK's error, so handler code that checks `error.name === 'ConditionalCheckFailedException'`
 * behaves the same against lambdasim and against DynamoDB.
 *
 * @example
 * ```ts
 * try {
 *   await orders.put(order, { condition: when.notExists('orderId') });
 * } catch (error) {
 *   if ((error as Error).name === 'ConditionalCheckFailedException') return { duplicate: true };
 *   throw error;
 * }
 * ```
 */
export class ConditionalCheckFailedException extends Error {
  override readonly name = 'ConditionalCheckFailedException';
  constructor(message = 'The conditional request failed') {
    super(message);
  }
}

/**
 * The table refused a malformed request (missing or invalid key, an item that is not a JSON
 * object, a malformed condition, an item over 400 KB, an update of the key attribute). Same
 * `name` as DynamoDB's error; it reaches the caller after the call's latency, like any service error.
 *
 * @example
 * ```ts
 * await orders.put({ amount: 1 } as Order).catch((e: Error) => e.name); // 'ValidationException'
 * ```
 */
export class ValidationException extends Error {
  override readonly name = 'ValidationException';
}

/** A parsed argument; `text` is the JSON text it was copied through (for the trace digest). */
type Parsed<T> =
  | { readonly ok: true; readonly value: T; readonly text?: string | undefined }
  | { readonly ok: false; readonly error: Error };

/** The reply of a write that returns nothing. */
const NOTHING: CallReply<undefined> = { value: undefined };

const KNOWN_OPTIONS = new Set([
  'key',
  'sortKey',
  'latencyMs',
  'ttlAttribute',
  'inFlightAtDeath',
  'stream',
  'ttlDeletionDelayS',
]);
const FATES: readonly InFlightFate[] = ['lands', 'lost', 'random'];
const INVALID = 'One or more parameter values were invalid';

/** Validates a table's name and options (as DynamoDB's CreateTable would) and fills in every default. */
export function resolveTableOptions(name: unknown, options: unknown): ResolvedTableOptions {
  const tableName = checkName(
    'sim.table',
    'name',
    name,
    /^[a-zA-Z0-9_.-]{3,255}$/,
    'must be 3-255 characters of letters, digits, underscores, hyphens and dots (DynamoDB table name rule)',
  );
  const api = `table(${JSON.stringify(tableName)})`;
  const o = checkOptions(
    api,
    options,
    KNOWN_OPTIONS,
    'must be an object with at least the key attribute name',
  );
  const key = checkAttribute(api, 'key', o.key);
  const sortKey = o.sortKey === undefined ? undefined : checkAttribute(api, 'sortKey', o.sortKey);
  if (sortKey !== undefined && sortKey === key)
    throw new ConfigError(api, 'sortKey', 'must differ from the partition key attribute', sortKey);
  const latencyMs = resolveLatencyMs(api, o.latencyMs, 10);
  const ttlAttribute =
    o.ttlAttribute === undefined ? undefined : checkAttribute(api, 'ttlAttribute', o.ttlAttribute);
  if (ttlAttribute !== undefined && (ttlAttribute === key || ttlAttribute === sortKey))
    throw new ConfigError(
      api,
      'ttlAttribute',
      'must not be the key attribute or the sort key attribute',
      ttlAttribute,
    );
  const inFlightAtDeath = o.inFlightAtDeath ?? 'lands';
  if (!FATES.includes(inFlightAtDeath as InFlightFate))
    throw new ConfigError(api, 'inFlightAtDeath', `must be one of ${FATES.join(', ')}`, inFlightAtDeath);
  if (o.stream !== undefined && !VIEW_TYPES.includes(o.stream as StreamViewType))
    throw new ConfigError(
      api,
      'stream',
      `must be one of ${VIEW_TYPES.join(', ')} (StreamViewType)`,
      o.stream,
    );
  const ttlDeletionDelayS = intInRange(api, 'ttlDeletionDelayS', o.ttlDeletionDelayS ?? 0, 0, 172_800);
  return {
    key,
    sortKey,
    latencyMs,
    ttlAttribute,
    inFlightAtDeath: inFlightAtDeath as InFlightFate,
    stream: o.stream as StreamViewType | undefined,
    ttlDeletionDelayS,
  };
}

function checkAttribute(api: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255)
    throw new ConfigError(api, field, 'must be an attribute name of 1-255 characters', value);
  return value;
}

/**
 * A simulated key-value table (a DynamoDB table: a partition key and an optional sort key).
 * Handlers and simulated callers call `get`, `put`, `update` and `delete`; each call takes `latencyMs` of
 * virtual time, reaches the table after half of it (that is when a write happens and a condition
 * is checked) and is attributed to the invocation that made it, so a call made after its
 * invocation timed out or crashed never lands (see {@link TableOptions.inFlightAtDeath} for one
 * in flight at that moment). Items are copied in and out (a JSON round trip): mutating an item
 * after `put`, or one returned by `get`, never changes what is stored.
 *
 * Test code inspects the table synchronously with `seed`, `peek` and `snapshot` (no latency, not
 * attributed, usable before and after a run).
 *
 * The same items are served over DynamoDB's own protocol (the AWS SDK's `DynamoDBClient` and
 * `DynamoDBDocumentClient` in a handler): one table, two doors. Items written there may hold sets
 * (`Set`) and binary (`Uint8Array`), which `get`, `peek` and `snapshot` hand back as they are.
 *
 * Gotchas: a service method called outside a handler or simulated caller (e.g. from test code
 * after `sim.run()`) throws; use `peek`/`snapshot` there. Only top-level attributes are supported.
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 1 });
 * const orders = sim.table<{ orderId: string; status: string }>('orders', { key: 'orderId' });
 * const fn = sim.fn('Place', () => async (event: { orderId: string }) => {
 *   await orders.put({ orderId: event.orderId, status: 'NEW' }, { condition: when.notExists('orderId') });
 *   return orders.get(event.orderId);
 * });
 * sim.invoke(fn, { orderId: 'o-1' });
 * await sim.run();
 * orders.snapshot(); // [{ orderId: 'o-1', status: 'NEW' }]
 * ```
 */
export class Table<TItem extends Record<string, unknown> = Record<string, unknown>> {
  /** The table's name, unique among the simulation's services. */
  readonly name: string;
  /** The resolved options (defaults filled in). */
  readonly options: ResolvedTableOptions;
  /**
   * The items, shared with the DynamoDB protocol door (`src/aws/dynamodb`): one table, two doors.
   * @internal
   */
  readonly store: TableStore;
  private readonly api: string;

  /** @internal Use {@link Simulation.table}. */
  constructor(
    private readonly world: World,
    name: string,
    options: TableOptions,
  ) {
    this.options = resolveTableOptions(name, options);
    this.name = name;
    this.api = `table(${JSON.stringify(name)})`;
    this.store = new TableStore(
      { partition: this.options.key, sort: this.options.sortKey },
      this.options.ttlAttribute,
      () => world.epochStartMs + world.kernel.nowMs,
    );
  }

  /** The (partition) key attribute's name. */
  get keyAttribute(): string {
    return this.options.key;
  }

  /**
   * The latency, in-flight fate and name a call to this table has, for a door that makes the
   * call itself (the DynamoDB protocol door).
   * @internal
   */
  callSpec<T>(op: string, requestText: string | undefined, apply: CallSpec<T>['apply']): CallSpec<T> {
    return {
      service: this.name,
      op,
      latencyMs: this.options.latencyMs,
      inFlightAtDeath: this.options.inFlightAtDeath,
      requestText,
      apply,
    };
  }

  /**
   * Reads the item with this key: a copy, or undefined when absent (or expired).
   * @example
   * ```ts
   * const order = await orders.get('o-1');
   * ```
   */
  get(key: TableKey): Promise<TItem | undefined> {
    const k = this.parseKey(key);
    return this.call('get', requestText(key), () => {
      const item = this.store.get(unwrap(k));
      if (item === undefined) return NOTHING;
      return { value: copyValue(item) as TItem, text: valueText(item) };
    });
  }

  /**
   * Writes a whole item, replacing any item with the same key; with a condition, only if the
   * condition holds for the stored item (else {@link ConditionalCheckFailedException}).
   * @example
   * ```ts
   * await orders.put({ orderId: 'o-1', status: 'NEW' }, { condition: when.notExists('orderId') });
   * ```
   */
  put(item: TItem, options?: WriteOptions): Promise<void> {
    const parsed = this.parseItem(item);
    const condition = parseCondition(options);
    return this.call('put', requestText(undefined, parsed, condition), () => {
      const { key, item: stored } = unwrap(parsed);
      this.check(unwrap(condition), key);
      this.store.put(key, stored);
      return NOTHING;
    });
  }

  /**
   * Sets the given attributes on the item with this key and returns the whole item as it is
   * afterwards; creates the item (key + changes) when absent, like DynamoDB's UpdateItem.
   * An attribute given as `undefined` is removed. The key attribute cannot be changed
   * (a ValidationException, as in DynamoDB, even when the value is the same).
   *
   * `change.add(n)` and `change.ifNotExists(value)` are computed from the item as stored when the
   * update lands (after the condition holds), in this one call: two handlers adding 1 at the same
   * instant leave +2, where a get-then-update loop would lose one of them.
   * @example
   * ```ts
   * const paid = await orders.update('o-1', { status: 'PAID' }, { condition: when.equals('status', 'NEW') });
   * const { count } = await counters.update('orders', { count: change.add(1), since: change.ifNotExists(Date.now()) });
   * ```
   */
  update(key: TableKey, changes: ItemChanges<TItem>, options?: WriteOptions): Promise<TItem> {
    const k = this.parseKey(key);
    const parsedChanges = this.parseChanges(changes);
    const condition = parseCondition(options);
    return this.call('update', requestText(key, parsedChanges, condition), () => {
      const keyValue = unwrap(k);
      const { set, remove, actions } = unwrap(parsedChanges);
      const current = this.store.get(keyValue);
      this.check(unwrap(condition), keyValue);
      const next: StoredItem = { ...(current ?? this.keyAttributes(key)), ...set };
      for (const attribute of remove) delete next[attribute];
      for (const [attribute, action] of actions) next[attribute] = applyAction(attribute, action, current);
      const text = valueText(next);
      const size = Buffer.byteLength(text, 'utf8');
      if (size > MAX_ITEM_BYTES)
        throw new ValidationException(
          `Item size to update has exceeded the maximum allowed size (${size} bytes)`,
        );
      this.store.put(keyValue, next);
      return { value: copyValue(next) as TItem, text };
    });
  }

  /**
   * Deletes the item with this key (nothing happens when absent); with a condition, only if it
   * holds for the stored item.
   * @example
   * ```ts
   * await orders.delete('o-1', { condition: when.equals('status', 'CANCELLED') });
   * ```
   */
  delete(key: TableKey, options?: WriteOptions): Promise<void> {
    const k = this.parseKey(key);
    const condition = parseCondition(options);
    return this.call('delete', requestText(key, undefined, condition), () => {
      const keyValue = unwrap(k);
      this.check(unwrap(condition), keyValue);
      this.store.delete(keyValue);
      return NOTHING;
    });
  }

  /**
   * A write by a scenario's workload (another application writing the table), made at this
   * instant: no latency, not attributed to any caller, never hit by a call fault (fault plans
   * count the handler's calls only), and recorded by the table's stream like any write. A
   * malformed item or key is returned as the ValidationException the typed door would raise.
   * @internal Used by `applyWrite` (src/scenario/dynamodbStreamsWorkload.ts).
   */
  writeNow(write: WorkloadWrite): Error | undefined {
    if (write.op === 'put') {
      const parsed = this.parseItem(write.item);
      if (!parsed.ok) return parsed.error;
      this.store.put(parsed.value.key, parsed.value.item);
      return undefined;
    }
    const k = this.parseKey(write.key);
    if (!k.ok) return k.error;
    this.store.delete(k.value);
    return undefined;
  }

  // --- inspection for test code: synchronous, no latency, not attributed ------------------------

  /**
   * Stores items at once, as they are (each replaces any item with the same key). For test setup:
   * the table's stream, if any, gets no record for them (only for their TTL deletion).
   * @example
   * ```ts
   * orders.seed([{ orderId: 'o-1', status: 'NEW' }]);
   * ```
   */
  seed(items: readonly TItem[]): void {
    if (!Array.isArray(items))
      throw new ConfigError(`${this.api}.seed`, 'items', 'must be an array of items', items);
    items.forEach((item, i) => {
      const parsed = this.parseItem(item);
      if (!parsed.ok) throw new ConfigError(`${this.api}.seed`, `items[${i}]`, parsed.error.message, item);
      // Setup, not a write: a stream records nothing for it (a seeded item's TTL deletion it does).
      this.store.put(parsed.value.key, parsed.value.item, 'seed');
    });
  }

  /**
   * The item with this key now (a copy), or undefined when absent or expired.
   * @example
   * ```ts
   * expect(orders.peek('o-1')?.status).toBe('PAID');
   * ```
   */
  peek(key: TableKey): TItem | undefined {
    const k = this.parseKey(key);
    if (!k.ok) throw new ConfigError(`${this.api}.peek`, 'key', k.error.message, key);
    const item = this.store.get(k.value);
    return item === undefined ? undefined : (copyValue(item) as TItem);
  }

  /**
   * Every live (not expired) item now, as copies, in the order their keys were first written
   * (a key written again keeps its place; one deleted or expired and written again moves to the end).
   * @example
   * ```ts
   * expect(orders.snapshot()).toEqual([{ orderId: 'o-1', status: 'PAID' }]);
   * ```
   */
  snapshot(): TItem[] {
    const out: TItem[] = [];
    for (const [, item] of this.store.live()) out.push(copyValue(item) as TItem);
    return out;
  }

  // --- internals ----------------------------------------------------------------------------

  private call<T>(op: string, request: string, apply: () => CallReply<T>): Promise<T> {
    return callService(this.world, this.callSpec(op, request, apply));
  }

  /** Throws ConditionalCheckFailedException when the condition fails for the stored item. */
  private check(condition: Condition | undefined, keyId: string): void {
    if (condition === undefined) return;
    if (!evaluateCondition(condition, this.store.get(keyId))) throw new ConditionalCheckFailedException();
  }

  /** The key attributes of a (valid) key, as a new item holds them. */
  private keyAttributes(key: TableKey): StoredItem {
    const { key: partition, sortKey } = this.options;
    if (sortKey === undefined) return { [partition]: key };
    const k = key as Readonly<Record<string, string | number>>;
    return { [partition]: k[partition], [sortKey]: k[sortKey] };
  }

  /** Validates a key given to the typed door and gives its id in the store. */
  private parseKey(key: unknown): Parsed<string> {
    const { key: partition, sortKey } = this.options;
    if (sortKey === undefined) {
      const problem = keyProblem(partition, key);
      return problem === undefined
        ? { ok: true, value: this.store.keyId(key as KeyValue) }
        : invalid(problem);
    }
    if (key === null || typeof key !== 'object' || Array.isArray(key))
      return invalid(
        `${INVALID}: this table has a sort key: a key is an object with ${partition} and ${sortKey}, got ${describe(key)}`,
      );
    const k = key as Record<string, unknown>;
    const extra = Object.keys(k).filter((name) => name !== partition && name !== sortKey);
    if (extra.length > 0)
      return invalid(
        `The provided key element does not match the schema: ${extra.join(', ')} is not a key attribute`,
      );
    const problem = keyProblem(partition, k[partition]) ?? keyProblem(sortKey, k[sortKey]);
    if (problem !== undefined) return invalid(problem);
    return { ok: true, value: this.store.keyId(k[partition] as KeyValue, k[sortKey] as KeyValue) };
  }

  private parseItem(item: unknown): Parsed<{ key: string; item: StoredItem }> {
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      return invalid(`${INVALID}: an item must be an object, got ${describe(item)}`);
    const copied = tryCopy(item);
    if (!copied.ok) return copied;
    if (copied.value === null || typeof copied.value !== 'object' || Array.isArray(copied.value))
      return invalid(`${INVALID}: an item must be a JSON object, got ${describe(copied.value)}`);
    const stored = copied.value as StoredItem;
    for (const keyName of this.keyNames()) {
      if (!Object.hasOwn(stored, keyName))
        return invalid(`${INVALID}: Missing the key ${keyName} in the item`);
      const problem = keyProblem(keyName, stored[keyName]);
      if (problem !== undefined) return invalid(problem);
    }
    const size = Buffer.byteLength(copied.text!, 'utf8');
    if (size > MAX_ITEM_BYTES)
      return invalid(`Item size has exceeded the maximum allowed size (${size} bytes > ${MAX_ITEM_BYTES})`);
    return { ok: true, value: { key: this.store.keyIdOf(stored), item: stored }, text: copied.text };
  }

  private keyNames(): string[] {
    const { key, sortKey } = this.options;
    return sortKey === undefined ? [key] : [key, sortKey];
  }

  private parseChanges(
    changes: unknown,
  ): Parsed<{ set: StoredItem; remove: string[]; actions: [string, UpdateAction][] }> {
    if (changes === null || typeof changes !== 'object' || Array.isArray(changes))
      return invalid(`${INVALID}: changes must be an object of attributes, got ${describe(changes)}`);
    for (const keyName of this.keyNames())
      if (Object.hasOwn(changes, keyName))
        return invalid(`${INVALID}: Cannot update attribute ${keyName}. This attribute is part of the key`);
    const remove: string[] = [];
    for (const [attribute, value] of Object.entries(changes)) if (value === undefined) remove.push(attribute);
    // Atomic actions are taken out (with a copy of their value) before the plain attributes are copied.
    const actions: [string, UpdateAction][] = [];
    for (const [attribute, value] of Object.entries(changes))
      if (isUpdateAction(value)) actions.push([attribute, { ...value, value: copyJson(value.value) }]);
    const plain =
      actions.length === 0
        ? changes
        : Object.fromEntries(Object.entries(changes).filter(([, value]) => !isUpdateAction(value)));
    const copied = tryCopy(plain);
    if (!copied.ok) return copied;
    if (copied.value === null || typeof copied.value !== 'object' || Array.isArray(copied.value))
      return invalid(`${INVALID}: changes must be a JSON object, got ${describe(copied.value)}`);
    // JSON leaves out the removed attributes and the atomic actions: they go into the digest's text after it.
    let text = remove.length === 0 ? copied.text : `${copied.text}\n${JSON.stringify(remove)}`;
    if (actions.length > 0) text = `${text}\n${JSON.stringify(actions)}`;
    return { ok: true, value: { set: copied.value as StoredItem, remove, actions }, text };
  }
}

/**
 * The new value of an attribute changed by an {@link UpdateAction}, from the item as stored before
 * the update (undefined = absent). DynamoDB's ADD on a non-number is a ValidationException.
 */
function applyAction(attribute: string, action: UpdateAction, current: StoredItem | undefined): unknown {
  const present = current !== undefined && Object.hasOwn(current, attribute);
  if (action.kind === 'ifNotExists') return present ? current[attribute] : action.value;
  const base = present ? current[attribute] : 0;
  if (typeof base !== 'number')
    throw new ValidationException(
      `An operand in the update expression has an incorrect data type: ADD ${attribute} needs a number attribute, found ${describe(base)}`,
    );
  const sum = base + (action.value as number);
  if (!Number.isFinite(sum))
    throw new ValidationException(`Number overflow: ADD ${attribute} leaves ${sum}, not a finite number`);
  return sum;
}

function keyProblem(keyName: string, key: unknown): string | undefined {
  if (typeof key === 'string') {
    return key === ''
      ? `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${keyName}`
      : undefined;
  }
  if (typeof key === 'number' && Number.isFinite(key)) return undefined;
  return `${INVALID}: the key ${keyName} must be a non-empty string or a finite number, got ${describe(key)}`;
}

function parseCondition(options: WriteOptions | undefined): Parsed<Condition | undefined> {
  if (options === undefined) return { ok: true, value: undefined };
  if (options === null || typeof options !== 'object')
    return invalid(`${INVALID}: write options must be an object, got ${describe(options)}`);
  if (options.condition === undefined) return { ok: true, value: undefined };
  const copied = tryCopy(options.condition);
  if (!copied.ok) return copied;
  const problem = conditionProblem(copied.value);
  if (problem !== undefined) return invalid(`Invalid ConditionExpression: ${problem}`);
  return { ok: true, value: copied.value as Condition, text: copied.text };
}

/**
 * The text of a table call's arguments for the `call.sent` digest: the key, then the item or
 * changes and the condition as the call copied them (`!` for one that failed to parse: its error
 * is digested when the call lands).
 */
function requestText(key: unknown, body?: Parsed<unknown>, condition?: Parsed<unknown>): string {
  const keyText =
    typeof key === 'string' || typeof key === 'number' || (key !== null && typeof key === 'object')
      ? JSON.stringify(key)
      : typeof key;
  if (body === undefined && condition === undefined) return keyText;
  const bodyText = body === undefined ? '' : body.ok ? (body.text ?? '') : '!';
  const conditionText = condition === undefined ? '' : condition.ok ? (condition.text ?? '') : '!';
  return `${keyText}\n${bodyText}\n${conditionText}`;
}

function invalid(message: string): { ok: false; error: Error } {
  return { ok: false, error: new ValidationException(message) };
}

/** Throws the parse error (inside the service, so it reaches the caller as a service error). */
function unwrap<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function tryCopy(value: unknown): Parsed<unknown> {
  try {
    if (value === undefined) return { ok: true, value: undefined };
    const text = JSON.stringify(value);
    return { ok: true, value: text === undefined ? undefined : JSON.parse(text), text };
  } catch (error) {
    return invalid(`${INVALID}: the value is not JSON data (${(error as Error).message})`);
  }
}

function copyJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

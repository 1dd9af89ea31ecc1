import fc from 'fast-check';
import { ConfigError, checkOptions, intInRange } from '../errors.js';
import type { Table } from '../services/Table.js';
import { type Simulation, simulationInternals } from '../Simulation.js';
import type { WireContext } from './models/ScenarioModelDescriptor.js';
import type { ScenarioEvent } from './Scenario.js';

/**
 * One write of a DynamoDB-streams scenario's workload: another application writing the table
 * the handler's stream mapping reads. Plain data (a scenario literal, JSON in a scenario file).
 *
 * - `put`: the whole item. The stream records an INSERT (the key was absent), a MODIFY (it held
 *   another item) or nothing (it held this very item). With `expiresInS`, the item's TTL
 *   attribute is set to the event's instant plus that many seconds (epoch seconds, rounded
 *   down): DynamoDB's TTL process then deletes it `ttlDeletionDelayS` later, a REMOVE record
 *   whose `userIdentity` is the DynamoDB service, with no `NewImage`.
 * - `delete`: the key (its key attributes). A REMOVE, or nothing when the key is absent.
 */
export type ItemWrite<T> =
  | { readonly op: 'put'; readonly item: T; readonly expiresInS?: number }
  | { readonly op: 'delete'; readonly key: Readonly<Record<string, unknown>> };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Why `body` is not an {@link ItemWrite} (the rule, for a ConfigError on `events[i].body`), or
 * undefined when it is one. Key attributes are checked by the table when the write runs.
 */
export function itemWriteRule(body: unknown): string | undefined {
  const shape =
    "must be an item write: { op: 'put', item: {…}, expiresInS?: seconds } or { op: 'delete', key: {…} }";
  if (!isPlainObject(body)) return shape;
  if (body.op === 'put') {
    if (!isPlainObject(body.item) || Object.keys(body).some((k) => !['op', 'item', 'expiresInS'].includes(k)))
      return shape;
    const s = body.expiresInS;
    if (s !== undefined && (typeof s !== 'number' || !Number.isInteger(s) || s < 1 || s > MAX_INT))
      return `must have expiresInS an integer number of seconds between 1 and ${MAX_INT} (the item's TTL after the write)`;
    return undefined;
  }
  if (body.op === 'delete')
    return isPlainObject(body.key) && Object.keys(body).length === 2 ? undefined : shape;
  return shape;
}

/** TTLs a scenario draws: seconds after the write that the item expires. */
export interface TtlRange {
  readonly minS: number;
  readonly maxS: number;
}

/** Options of {@link itemWritesArb}. */
export interface ItemWritesArbOptions<T> {
  /** The items written (the user's workload). */
  readonly items: fc.Arbitrary<T>;
  /** The table's partition key attribute (as `sim.table(name, { key })`). */
  readonly key: string;
  /** The table's sort key attribute, if any. @defaultValue unset */
  readonly sortKey?: string;
  /**
   * Whether some puts carry a TTL (`expiresInS`): `true` draws 1–3,600 s; a range draws within
   * it (1–2,147,483,647 s). The table then needs a `ttlAttribute`. @defaultValue false
   */
  readonly ttl?: boolean | TtlRange;
  /**
   * Whether some writes delete an item (a REMOVE made by an application). Turn it off for a table
   * whose applications never delete (items leave by TTL only), or a counterexample may stop at
   * a put and a delete of it where the TTL put alone shows the same failure. @defaultValue true
   */
  readonly deletes?: boolean;
  /** Fewest writes. @defaultValue 1 */
  readonly minEvents?: number;
  /** Most writes. @defaultValue 10 */
  readonly maxEvents?: number;
  /** Writes happen at instants drawn in [0, spreadMs], sorted. @defaultValue 1000 */
  readonly spreadMs?: number;
}

const KNOWN = new Set(['items', 'key', 'sortKey', 'ttl', 'deletes', 'minEvents', 'maxEvents', 'spreadMs']);
const DEFAULT_TTL: TtlRange = { minS: 1, maxS: 3_600 };
const MAX_INT = 0x7fffffff;

type Op = 'put' | 'overwrite' | 'delete' | 'ttl';

/**
 * What a drawn op index means; an index shrinks toward 0, a fresh put. Weights: a new key put 4,
 * an earlier key overwritten 2, deleted 1 (with `deletes`), a new item put with a TTL 1 (with `ttl`).
 */
function opsTable(deletes: boolean, ttl: boolean): readonly Op[] {
  const ops: Op[] = ['put', 'put', 'put', 'put', 'overwrite', 'overwrite'];
  if (deletes) ops.push('delete');
  if (ttl) ops.push('ttl');
  return ops;
}

/**
 * The workload of a DynamoDB-streams scenario: item writes at sorted instants, each an
 * {@link ItemWrite} whose `group` is its item's key attributes as JSON, in key-schema order
 * (`{"userId":"u-1"}`), exactly the stream record's partition key, so per-key ordering checks
 * compare like with like.
 *
 * An overwrite or a delete aims at a key written by an earlier event (a drawn index into the
 * keys written so far): an overwrite is a drawn item given that key's attributes, so MODIFY and
 * REMOVE records happen even when the items' own keys never collide (`fc.uuid()`). An op that
 * has no earlier key to aim at is a fresh put.
 *
 * Shrinking goes toward fewer writes, earlier, each a fresh put without TTL (then the shortest
 * TTL), with smaller items. Dropping an event re-aims the later overwrites and deletes (they
 * aim by index among the keys written before them).
 *
 * @example
 * ```ts
 * const writes = itemWritesArb({
 *   items: fc.record({ userId: fc.uuid(), email: fc.emailAddress() }),
 *   key: 'userId',
 *   ttl: true,
 * });
 * ```
 * @throws ConfigError for unknown options or bad bounds.
 */
export function itemWritesArb<T extends object>(
  options: ItemWritesArbOptions<T>,
  api = 'itemWritesArb',
): fc.Arbitrary<ScenarioEvent<ItemWrite<T>>[]> {
  const o = checkOptions(api, options, KNOWN, 'must be an object with items and key');
  if (!(o.items instanceof fc.Arbitrary))
    throw new ConfigError(api, 'items', 'must be a fast-check arbitrary of items', o.items);
  const key = attributeName(api, 'key', o.key);
  const sortKey = o.sortKey === undefined ? undefined : attributeName(api, 'sortKey', o.sortKey);
  if (sortKey === key) throw new ConfigError(api, 'sortKey', 'must differ from the partition key', sortKey);
  const minEvents = intInRange(api, 'minEvents', o.minEvents ?? 1, 0, 10_000);
  const maxEvents = intInRange(api, 'maxEvents', o.maxEvents ?? 10, Math.max(1, minEvents), 10_000);
  const spreadMs = intInRange(api, 'spreadMs', o.spreadMs ?? 1000, 0, MAX_INT);
  const ttl = resolveTtl(api, o.ttl);
  const deletes = o.deletes ?? true;
  if (typeof deletes !== 'boolean') throw new ConfigError(api, 'deletes', 'must be a boolean', deletes);
  const ops = opsTable(deletes, ttl !== undefined);
  const keyNames = sortKey === undefined ? [key] : [key, sortKey];
  const drawn = fc.tuple(
    fc.integer({ min: 0, max: spreadMs }),
    fc.integer({ min: 0, max: ops.length - 1 }),
    o.items as fc.Arbitrary<T>,
    fc.nat({ max: maxEvents }),
    ttl === undefined ? fc.constant(0) : fc.integer({ min: ttl.minS, max: ttl.maxS }),
  );
  // One below minEvents, then filtered: fast-check's array shrinker keeps an array's first item
  // and shrinks the rest down to minLength only, so at minLength it could never drop the last
  // item of [needed, unneeded]; with one to spare it can (the filter keeps minEvents).
  return fc
    .array(drawn, { minLength: Math.max(0, minEvents - 1), maxLength: maxEvents, size: 'max' })
    .filter((tuples) => tuples.length >= minEvents)
    .map((tuples) => toEvents(tuples, ops, keyNames));
}

type Drawn<T> = readonly [atMs: number, op: number, item: T, target: number, expiresInS: number];

/** The drawn tuples as events: sorted (stably) by instant, overwrites and deletes aimed at earlier keys. */
function toEvents<T extends object>(
  tuples: readonly Drawn<T>[],
  ops: readonly Op[],
  keyNames: readonly string[],
): ScenarioEvent<ItemWrite<T>>[] {
  const written: Record<string, unknown>[] = [];
  const writtenText = new Set<string>();
  return [...tuples]
    .sort((a, b) => a[0] - b[0])
    .map(([atMs, opIndex, drawnItem, target, expiresInS]): ScenarioEvent<ItemWrite<T>> => {
      let op = ops[opIndex]!;
      if ((op === 'overwrite' || op === 'delete') && written.length === 0) op = 'put';
      const aimed = written[target % Math.max(1, written.length)];
      if (op === 'delete') return { atMs, group: JSON.stringify(aimed), body: { op: 'delete', key: aimed! } };
      const item = op === 'overwrite' ? ({ ...drawnItem, ...aimed } as T) : drawnItem;
      const keys = keysOf(item as Record<string, unknown>, keyNames);
      const group = JSON.stringify(keys);
      if (!writtenText.has(group)) {
        writtenText.add(group);
        written.push(keys);
      }
      const body: ItemWrite<T> = op === 'ttl' ? { op: 'put', item, expiresInS } : { op: 'put', item };
      return { atMs, group, body };
    });
}

/** The item's key attributes, in key-schema order. */
function keysOf(item: Record<string, unknown>, keyNames: readonly string[]): Record<string, unknown> {
  const keys: Record<string, unknown> = {};
  for (const name of keyNames) keys[name] = item[name];
  return keys;
}

function attributeName(api: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255)
    throw new ConfigError(api, field, 'must be an attribute name of 1-255 characters', value);
  return value;
}

function resolveTtl(api: string, ttl: unknown): TtlRange | undefined {
  if (ttl === undefined || ttl === false) return undefined;
  if (ttl === true) return DEFAULT_TTL;
  const t = checkOptions(api, ttl, new Set(['minS', 'maxS']), 'ttl must be a boolean or { minS, maxS }');
  const minS = intInRange(api, 'ttl.minS', t.minS, 1, MAX_INT);
  const maxS = intInRange(api, 'ttl.maxS', t.maxS, minS, MAX_INT);
  return { minS, maxS };
}

/** What {@link applyWrite} did: how many stream records the write made, or why it was refused. */
export type AppliedWrite =
  { readonly ok: true; readonly records: number } | { readonly ok: false; readonly error: Error };

/**
 * Performs one workload write on `table` now (call it from `sim.at`): through the table's store
 * at this very instant, with no latency, no caller and no call fault (fault plans aim at the
 * handler's calls, and a workload write counted among them would shift every fault behind it).
 * A put with `expiresInS` gets the table's TTL attribute set to now + `expiresInS` (epoch
 * seconds, rounded down). A refused write (an item without its key, a TTL on a table without
 * `ttlAttribute`) is a value, not a throw.
 */
export function applyWrite<I extends Record<string, unknown>>(
  sim: Simulation,
  table: Table<I>,
  write: ItemWrite<unknown>,
): AppliedWrite {
  const stream = simulationInternals(sim).streamsModel.streamOf(table);
  const before = stream?.shards[0]!.records.length ?? 0;
  let error: Error | undefined;
  if (write.op === 'delete') error = table.writeNow({ op: 'delete', key: keyArgument(table, write.key) });
  else if (write.expiresInS === undefined) error = table.writeNow({ op: 'put', item: write.item });
  else {
    const ttlAttribute = table.options.ttlAttribute;
    if (ttlAttribute === undefined)
      return {
        ok: false,
        error: new ConfigError(
          'applyWrite',
          'expiresInS',
          `needs a table with a ttlAttribute (sim.table(${JSON.stringify(table.name)}, { key, ttlAttribute }))`,
          write.expiresInS,
        ),
      };
    const nowS = Math.floor((simulationInternals(sim).world.epochStartMs + sim.nowMs) / 1000);
    error = table.writeNow({
      op: 'put',
      item: { ...(write.item as object), [ttlAttribute]: nowS + write.expiresInS },
    });
  }
  if (error !== undefined) return { ok: false, error };
  return { ok: true, records: (stream?.shards[0]!.records.length ?? 0) - before };
}

/** The typed door's key for key attributes: the partition key's value alone, or the object. */
function keyArgument<I extends Record<string, unknown>>(
  table: Table<I>,
  keys: Readonly<Record<string, unknown>>,
): unknown {
  return table.options.sortKey === undefined ? keys[table.options.key] : keys;
}

/**
 * Schedules a scenario's writes on `table` (each with {@link applyWrite} at its `atMs`) and notes
 * every stream record they cause under their event's index (`notes.noteEvent`, by the record's
 * `eventID`), so the input ledger links each record back to the event that made it: the records
 * a write made at its instant, and the service's TTL REMOVE of an item a write put, unless
 * something else rewrote that key since. Records of the handler's own writes belong to no event.
 * A refused write goes to `notes.refuse` (its event's index and the error) when its instant comes.
 *
 * @throws ConfigError when the table has no stream.
 */
export function scheduleItemWrites<I extends Record<string, unknown>>(
  sim: Simulation,
  table: Table<I>,
  events: readonly ScenarioEvent<ItemWrite<unknown>>[],
  notes: Pick<WireContext, 'noteEvent' | 'refuse'>,
): void {
  const stream = simulationInternals(sim).streamsModel.streamOf(table);
  if (stream === undefined)
    throw new ConfigError(
      'scheduleItemWrites',
      'table',
      "must have a DynamoDB stream: define it with sim.table(name, { key, stream: 'NEW_AND_OLD_IMAGES' })",
      table.name,
    );
  /** The event whose write is being applied right now. */
  let writing: number | undefined;
  /** Per item key (the record's partition key): the event whose write last changed it. */
  const lastWriter = new Map<string, number>();
  stream.onPut((shard) => {
    const record = stream.shards[shard]!.records.at(-1)!;
    const key = record.partitionKey;
    // A TTL deletion belongs to whoever put the expired item (also when a write replaces it).
    const owner = record.byTtl ? lastWriter.get(key) : writing;
    if (owner !== undefined) notes.noteEvent(stream.eventId(record), owner);
    if (writing !== undefined && !record.byTtl) lastWriter.set(key, writing);
    else if (writing === undefined && !record.byTtl) lastWriter.delete(key);
  });
  events.forEach((event, i) => {
    sim.at(event.atMs, () => {
      writing = i;
      try {
        const applied = applyWrite(sim, table, event.body);
        if (!applied.ok) notes.refuse(i, applied.error);
      } finally {
        writing = undefined;
      }
    });
  });
}

/**
 * The values a table stores, shared by its two doors (the typed `sim.table` API and the DynamoDB
 * protocol door): JSON data, plus the DynamoDB types JSON has no form for, in the shapes
 * `DynamoDBDocumentClient` gives them to JavaScript:
 *
 * | DynamoDB | stored as |
 * | --- | --- |
 * | S, N, BOOL, NULL | string, number (a finite JS number), boolean, null |
 * | L, M | array, plain object |
 * | B | `Uint8Array` |
 * | SS, NS, BS | a non-empty `Set` of strings, numbers or `Uint8Array`s |
 *
 * The typed door only ever writes JSON data (it copies items through JSON), so sets and binary
 * appear only in items written by the protocol door; the typed door hands them back as they are.
 */
export type ItemValue =
  | string
  | number
  | boolean
  | null
  | Uint8Array
  | readonly ItemValue[]
  | { readonly [name: string]: ItemValue }
  | ReadonlySet<string>
  | ReadonlySet<number>
  | ReadonlySet<Uint8Array>;

/** A stored item: attribute name to value. */
export type StoredItem = Record<string, unknown>;

/** A deep copy of a stored value (sets, binary, lists and maps copied; scalars shared). */
export function copyValue<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return new Uint8Array(value) as T;
  if (value instanceof Set) return new Set([...value].map(copyValue)) as T;
  if (Array.isArray(value)) return value.map(copyValue) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = copyValue(v);
  return out as T;
}

/**
 * The text of a stored value for trace digests: JSON, where a set is `{"$set":[...]}` and binary
 * `{"$b64":"..."}`. For pure JSON data it is exactly `JSON.stringify`, so digests of items the
 * typed door writes do not depend on the protocol door existing.
 */
export function valueText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return { $b64: Buffer.from(v).toString('base64') };
    if (v instanceof Set) return { $set: [...v] };
    return v;
  });
}

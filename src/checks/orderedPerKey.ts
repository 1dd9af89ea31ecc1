import { withMessage } from './formatViolation.js';
import type { OrderedPerKeyViolation } from './Violation.js';

/**
 * Safety: within each key, items arrived in the order of their sequence numbers (non-decreasing,
 * so an immediate duplicate is fine but a redelivery of an older item after a newer one is not).
 * `items` are in arrival order, e.g. the effects of an API (landing order) keyed by FIFO message
 * group or order id, with the sequence the producer sent them in. Items whose `keyOf` is
 * `undefined` are left out. Numbers compare numerically, strings by code point.
 *
 * Kinesis: key by the record's partition key and order by its sequence number as the string the
 * record carries (`kinesis.sequenceNumber`): within a shard sequence numbers have one length, so
 * text order is their order (as numbers they are past 2^53 and would lose digits).
 *
 * @example
 * ```ts
 * const shipped = result.effects('shipping');
 * checks.orderedPerKey(shipped, (e) => (e.args as Ship).orderId, (e) => (e.args as Ship).version);
 * // a stream consumer whose effects carry the record's partition key and sequence number:
 * checks.orderedPerKey(shipped, (e) => (e.args as Ship).partitionKey, (e) => (e.args as Ship).sequenceNumber);
 * ```
 */
export function orderedPerKey<T>(
  items: readonly T[],
  keyOf: (item: T) => string | undefined,
  seqOf: (item: T) => number | string,
): OrderedPerKeyViolation[] {
  const perKey = new Map<string, (number | string)[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const seqs = perKey.get(key);
    if (seqs === undefined) perKey.set(key, [seqOf(item)]);
    else seqs.push(seqOf(item));
  }
  const out: OrderedPerKeyViolation[] = [];
  for (const [key, actual] of perKey) {
    if (actual.every((s, i) => i === 0 || compare(actual[i - 1]!, s) <= 0)) continue;
    const expected = actual.slice().sort(compare);
    out.push(withMessage({ check: 'orderedPerKey', kind: 'outOfOrder', key, expected, actual }));
  }
  return out;
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

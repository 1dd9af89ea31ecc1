import { ConfigError } from '../errors.js';

/** Marks an {@link UpdateAction} (a symbol, so no JSON item attribute can look like one). */
const UPDATE_ACTION: unique symbol = Symbol.for('lambdasim.updateAction');

/**
 * An attribute change that {@link Table.update} computes from the stored item, atomically, when
 * the update lands (DynamoDB's `ADD` and `SET x = if_not_exists(x, v)`). Build one with
 * {@link change}. `T` is the attribute's type, so `change.add` fits number attributes only.
 */
export interface UpdateAction<T = unknown> {
  readonly kind: 'add' | 'ifNotExists';
  /** The number to add, or the value to set when the attribute is absent (a frozen JSON copy). */
  readonly value: T;
  readonly [UPDATE_ACTION]: true;
}

/**
 * Builders for the atomic attribute changes of {@link Table.update}: one update call reads and
 * writes the item at the instant it lands, so concurrent handlers never lose each other's change
 * and the handler makes one service call (fault plans aimed at call numbers stay aimed).
 *
 * @example
 * ```ts
 * // count every delivery, remember the first one
 * await orders.update(orderId, { deliveries: change.add(1), firstSeenAtMs: change.ifNotExists(Date.now()) });
 * ```
 */
export const change = {
  /**
   * Adds `n` (a finite number, negative to subtract) to a number attribute; an absent attribute
   * or item counts as 0. `ADD name :n`. Adding to an attribute that is not a number is a
   * ValidationException, as in DynamoDB. (Sets are not modelled, so `ADD` to a set is not offered.)
   */
  add(n: number): UpdateAction<number> {
    if (typeof n !== 'number' || !Number.isFinite(n))
      throw new ConfigError('change.add', 'n', 'must be a finite number', n);
    return Object.freeze({ kind: 'add', value: n, [UPDATE_ACTION]: true }) as UpdateAction<number>;
  },
  /**
   * Sets the attribute to `value` (JSON data) only when it is absent; a present attribute keeps
   * its value. `SET name = if_not_exists(name, :value)`
   */
  ifNotExists<T>(value: T): UpdateAction<T> {
    if (value === undefined) throw new ConfigError('change.ifNotExists', 'value', 'must be JSON data', value);
    let copied: unknown;
    try {
      copied = JSON.parse(JSON.stringify(value)) as unknown;
    } catch (error) {
      throw new ConfigError(
        'change.ifNotExists',
        'value',
        `must be JSON data (${(error as Error).message})`,
        value,
      );
    }
    return Object.freeze({ kind: 'ifNotExists', value: copied, [UPDATE_ACTION]: true }) as UpdateAction<T>;
  },
} as const;

/** Whether a value given as an attribute change is an {@link UpdateAction}. */
export function isUpdateAction(value: unknown): value is UpdateAction {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { [UPDATE_ACTION]?: unknown })[UPDATE_ACTION] === true
  );
}

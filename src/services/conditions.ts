import { ConfigError } from '../errors.js';

/**
 * A condition on a table write, checked against the item as it is when the write reaches the
 * table (after half the call's latency). An absent item (never written, deleted, or past its TTL)
 * has no attributes: `attributeNotExists` holds for it and every other kind fails. The same
 * semantics as DynamoDB's `ConditionExpression`, restricted to top-level attribute names.
 * Build conditions with {@link when}.
 *
 * - `attributeExists` / `attributeNotExists`: the attribute is present / absent;
 * - `attributeEquals`: present and deeply equal to `value` (types must match: `1` is not `'1'`);
 * - `attributeLessThan` / `attributeGreaterThan`: both numbers or both strings, compared as
 *   DynamoDB does (strings by code unit); any other pair of types fails;
 * - `and` / `or`: every / at least one of the nested conditions holds.
 *
 * @example
 * ```ts
 * // create-if-absent, the classic idempotency guard
 * await orders.put({ orderId: 'o-1', status: 'NEW' }, { condition: when.notExists('orderId') });
 * ```
 */
export type Condition =
  | { readonly kind: 'attributeExists'; readonly name: string }
  | { readonly kind: 'attributeNotExists'; readonly name: string }
  | { readonly kind: 'attributeEquals'; readonly name: string; readonly value: unknown }
  | { readonly kind: 'attributeLessThan'; readonly name: string; readonly value: number | string }
  | { readonly kind: 'attributeGreaterThan'; readonly name: string; readonly value: number | string }
  | { readonly kind: 'and'; readonly conditions: readonly Condition[] }
  | { readonly kind: 'or'; readonly conditions: readonly Condition[] };

/** The discriminant of {@link Condition}. */
export type ConditionKind = Condition['kind'];

/**
 * Builders for {@link Condition} values. Each validates its arguments at once (a
 * {@link ConfigError} for an empty name, an `undefined` value or an empty list).
 *
 * @example
 * ```ts
 * // Powertools-style idempotency claim: absent, or expired, or a stale INPROGRESS record
 * const claim = when.any(
 *   when.notExists('id'),
 *   when.lessThan('expiration', nowS),
 *   when.all(when.equals('status', 'INPROGRESS'), when.lessThan('inProgressExpiration', nowMs)),
 * );
 * await idempotency.put(record, { condition: claim });
 * ```
 */
export const when = {
  /** The attribute is present. `attribute_exists(name)` */
  exists(name: string): Condition {
    return { kind: 'attributeExists', name: checkAttributeName('when.exists', name) };
  },
  /** The attribute is absent (true for an absent item). `attribute_not_exists(name)` */
  notExists(name: string): Condition {
    return { kind: 'attributeNotExists', name: checkAttributeName('when.notExists', name) };
  },
  /** The attribute is present and equal to `value` (JSON data, compared deeply). `name = :value` */
  equals(name: string, value: unknown): Condition {
    checkAttributeName('when.equals', name);
    if (value === undefined) throw new ConfigError('when.equals', 'value', 'must be JSON data', value);
    return { kind: 'attributeEquals', name, value };
  },
  /** The attribute is less than `value` (same type: number or string). `name < :value` */
  lessThan(name: string, value: number | string): Condition {
    checkAttributeName('when.lessThan', name);
    return { kind: 'attributeLessThan', name, value: checkComparable('when.lessThan', value) };
  },
  /** The attribute is greater than `value` (same type: number or string). `name > :value` */
  greaterThan(name: string, value: number | string): Condition {
    checkAttributeName('when.greaterThan', name);
    return { kind: 'attributeGreaterThan', name, value: checkComparable('when.greaterThan', value) };
  },
  /** Every condition holds. `a AND b AND ...` */
  all(...conditions: Condition[]): Condition {
    if (conditions.length === 0)
      throw new ConfigError('when.all', 'conditions', 'must list at least one condition', conditions);
    return { kind: 'and', conditions };
  },
  /** At least one condition holds. `a OR b OR ...` */
  any(...conditions: Condition[]): Condition {
    if (conditions.length === 0)
      throw new ConfigError('when.any', 'conditions', 'must list at least one condition', conditions);
    return { kind: 'or', conditions };
  },
} as const;

function checkAttributeName(api: string, name: unknown): string {
  if (typeof name !== 'string' || name === '')
    throw new ConfigError(api, 'name', 'must be a non-empty attribute name', name);
  return name;
}

function checkComparable(api: string, value: unknown): number | string {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw new ConfigError(api, 'value', 'must be a finite number or a string', value);
}

/**
 * Why a condition (as sent by user code, possibly not built with {@link when}) is malformed, or
 * undefined when it is well formed. DynamoDB answers such requests with a ValidationException.
 */
export function conditionProblem(condition: unknown, depth = 0): string | undefined {
  if (depth > 32) return 'conditions are nested more than 32 levels deep';
  if (condition === null || typeof condition !== 'object') return 'a condition must be an object';
  const c = condition as { kind?: unknown; name?: unknown; value?: unknown; conditions?: unknown };
  switch (c.kind) {
    case 'attributeExists':
    case 'attributeNotExists':
      return typeof c.name === 'string' && c.name !== ''
        ? undefined
        : `${c.kind} needs a non-empty attribute name`;
    case 'attributeEquals':
      if (typeof c.name !== 'string' || c.name === '') return `${c.kind} needs a non-empty attribute name`;
      return c.value === undefined ? 'attributeEquals needs a value' : undefined;
    case 'attributeLessThan':
    case 'attributeGreaterThan':
      if (typeof c.name !== 'string' || c.name === '') return `${c.kind} needs a non-empty attribute name`;
      return typeof c.value === 'string' || (typeof c.value === 'number' && Number.isFinite(c.value))
        ? undefined
        : `${c.kind} needs a finite number or a string value`;
    case 'and':
    case 'or': {
      if (!Array.isArray(c.conditions) || c.conditions.length === 0)
        return `${c.kind} needs a non-empty list of conditions`;
      for (const nested of c.conditions) {
        const problem = conditionProblem(nested, depth + 1);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return `unknown condition kind ${JSON.stringify(c.kind)}`;
  }
}

/** Evaluates a well-formed condition against an item (undefined = absent). */
export function evaluateCondition(
  condition: Condition,
  item: Readonly<Record<string, unknown>> | undefined,
): boolean {
  switch (condition.kind) {
    case 'attributeExists':
      return item !== undefined && Object.hasOwn(item, condition.name);
    case 'attributeNotExists':
      return item === undefined || !Object.hasOwn(item, condition.name);
    case 'attributeEquals':
      return (
        item !== undefined &&
        Object.hasOwn(item, condition.name) &&
        jsonEqual(item[condition.name], condition.value)
      );
    case 'attributeLessThan':
    case 'attributeGreaterThan': {
      if (item === undefined || !Object.hasOwn(item, condition.name)) return false;
      const actual = item[condition.name];
      if (typeof actual !== typeof condition.value) return false;
      if (typeof actual !== 'number' && typeof actual !== 'string') return false;
      return condition.kind === 'attributeLessThan' ? actual < condition.value : actual > condition.value;
    }
    case 'and':
      return condition.conditions.every((c) => evaluateCondition(c, item));
    case 'or':
      return condition.conditions.some((c) => evaluateCondition(c, item));
    default: {
      const never: never = condition;
      throw new Error(`evaluateCondition: unknown condition ${JSON.stringify(never)}`);
    }
  }
}

/** Deep equality of JSON data (objects compared by their own keys, regardless of order). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((x, i) => jsonEqual(x, bs[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  return keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

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
 * - `attributeNotEquals` (`<>`): absent, of another type, or not deeply equal to `value`: the
 *   exact negation of `attributeEquals`, as in DynamoDB (an absent attribute is "not equal");
 * - `attributeLessThan` / `attributeLessThanOrEqual` / `attributeGreaterThan` /
 *   `attributeGreaterThanOrEqual` / `attributeBetween` (inclusive): both numbers or both strings,
 *   compared as DynamoDB does (strings by code unit); an absent attribute or any other pair of
 *   types fails;
 * - `attributeIn`: present and deeply equal to one of `values` (1 to 100 of them);
 * - `attributeType`: present with this DynamoDB type (`S`, `N`, `BOOL`, `NULL`, `L`, `M`; sets
 *   and binary are not modelled: items are JSON);
 * - `attributeBeginsWith`: a string starting with `prefix`;
 * - `attributeContains`: a string containing the string `value`, or a list with an element
 *   deeply equal to `value`;
 * - `attributeSize`: `size(name) <comparator> value`, where the size of a string is its length in
 *   UTF-8 bytes, of a list its length and of a map its number of attributes; an absent attribute
 *   or one without a size (number, boolean, null) fails every comparison;
 * - `and` / `or` / `not`: every / at least one / not the nested condition(s) holds.
 *
 * Source: DynamoDB's ConditionExpression grammar (comparators `= <> < <= > >=`, `BETWEEN`, `IN`,
 * `attribute_exists`, `attribute_not_exists`, `attribute_type`, `begins_with`, `contains`,
 * `size`, `AND`, `OR`, `NOT`:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html).
 * What the documentation leaves open (an absent attribute is `<>` anything and fails `<`,
 * `BETWEEN`, `IN`; a stored value of another type fails a comparison rather than being an error)
 * follows the behaviour that ScyllaDB's Alternator test suite records against DynamoDB.
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
  | { readonly kind: 'or'; readonly conditions: readonly Condition[] }
  | { readonly kind: 'not'; readonly condition: Condition }
  | { readonly kind: 'attributeNotEquals'; readonly name: string; readonly value: unknown }
  | { readonly kind: 'attributeLessThanOrEqual'; readonly name: string; readonly value: number | string }
  | { readonly kind: 'attributeGreaterThanOrEqual'; readonly name: string; readonly value: number | string }
  | {
      readonly kind: 'attributeBetween';
      readonly name: string;
      readonly low: number | string;
      readonly high: number | string;
    }
  | { readonly kind: 'attributeIn'; readonly name: string; readonly values: readonly unknown[] }
  | { readonly kind: 'attributeType'; readonly name: string; readonly type: AttributeTypeName }
  | { readonly kind: 'attributeBeginsWith'; readonly name: string; readonly prefix: string }
  | { readonly kind: 'attributeContains'; readonly name: string; readonly value: unknown }
  | {
      readonly kind: 'attributeSize';
      readonly name: string;
      readonly comparator: SizeComparator;
      readonly value: number;
    };

/**
 * The DynamoDB attribute types a JSON item can hold, as `attribute_type` names them: string,
 * number, boolean, null, list, map. (Sets and binary have no JSON form, so lambdasim has none.)
 */
export type AttributeTypeName = 'S' | 'N' | 'BOOL' | 'NULL' | 'L' | 'M';

/** The comparators of DynamoDB's condition expressions, as used with `size(name)`. */
export type SizeComparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

const ATTRIBUTE_TYPES: readonly AttributeTypeName[] = ['S', 'N', 'BOOL', 'NULL', 'L', 'M'];
const SIZE_COMPARATORS: readonly SizeComparator[] = ['=', '<>', '<', '<=', '>', '>='];
/** DynamoDB: the IN list holds at most 100 values. */
const MAX_IN_VALUES = 100;

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
    return comparison('when.lessThan', 'attributeLessThan', name, value);
  },
  /** The attribute is greater than `value` (same type: number or string). `name > :value` */
  greaterThan(name: string, value: number | string): Condition {
    return comparison('when.greaterThan', 'attributeGreaterThan', name, value);
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
  /**
   * The condition does not hold. `NOT c`
   * @example
   * ```ts
   * // anything but a finished order (an absent item too)
   * when.not(when.equals('status', 'DONE'));
   * ```
   */
  not(condition: Condition): Condition {
    if (condition === null || typeof condition !== 'object')
      throw new ConfigError('when.not', 'condition', 'must be a condition built with when.*', condition);
    return { kind: 'not', condition };
  },
  /**
   * The attribute is absent, or present with another type or value. `name <> :value`
   * @example
   * ```ts
   * await orders.update(id, { status: 'SHIPPED' }, { condition: when.notEquals('status', 'CANCELLED') });
   * ```
   */
  notEquals(name: string, value: unknown): Condition {
    checkAttributeName('when.notEquals', name);
    if (value === undefined) throw new ConfigError('when.notEquals', 'value', 'must be JSON data', value);
    return { kind: 'attributeNotEquals', name, value };
  },
  /** The attribute is at most `value` (same type: number or string). `name <= :value` */
  lessThanOrEqual(name: string, value: number | string): Condition {
    return comparison('when.lessThanOrEqual', 'attributeLessThanOrEqual', name, value);
  },
  /** The attribute is at least `value` (same type: number or string). `name >= :value` */
  greaterThanOrEqual(name: string, value: number | string): Condition {
    return comparison('when.greaterThanOrEqual', 'attributeGreaterThanOrEqual', name, value);
  },
  /**
   * `low <= attribute <= high`, all three numbers or all three strings. `name BETWEEN :low AND :high`
   * @example
   * ```ts
   * when.between('retries', 1, 3);
   * ```
   */
  between(name: string, low: number | string, high: number | string): Condition {
    const api = 'when.between';
    checkAttributeName(api, name);
    checkComparable(api, low, 'low');
    checkComparable(api, high, 'high');
    const problem = betweenProblem(low, high);
    if (problem !== undefined) throw new ConfigError(api, 'high', problem, high);
    return { kind: 'attributeBetween', name, low, high };
  },
  /**
   * The attribute equals one of `values` (1 to 100 JSON values). `name IN (:a, :b, ...)`
   * @example
   * ```ts
   * when.in('status', ['NEW', 'RETRYING']);
   * ```
   */
  in(name: string, values: readonly unknown[]): Condition {
    checkAttributeName('when.in', name);
    const problem = inValuesProblem(values);
    if (problem !== undefined) throw new ConfigError('when.in', 'values', problem, values);
    return { kind: 'attributeIn', name, values: [...values] };
  },
  /**
   * The attribute is present with this DynamoDB type (`S`, `N`, `BOOL`, `NULL`, `L`, `M`).
   * `attribute_type(name, :type)`
   */
  ofType(name: string, type: AttributeTypeName): Condition {
    checkAttributeName('when.ofType', name);
    if (!ATTRIBUTE_TYPES.includes(type))
      throw new ConfigError(
        'when.ofType',
        'type',
        `must be one of ${ATTRIBUTE_TYPES.join(', ')} (sets and binary are not modelled: items are JSON)`,
        type,
      );
    return { kind: 'attributeType', name, type };
  },
  /** The attribute is a string that starts with `prefix`. `begins_with(name, :prefix)` */
  beginsWith(name: string, prefix: string): Condition {
    checkAttributeName('when.beginsWith', name);
    if (typeof prefix !== 'string')
      throw new ConfigError('when.beginsWith', 'prefix', 'must be a string', prefix);
    return { kind: 'attributeBeginsWith', name, prefix };
  },
  /**
   * The attribute is a string containing the string `value`, or a list with an element equal to
   * `value`. `contains(name, :value)`
   */
  contains(name: string, value: unknown): Condition {
    checkAttributeName('when.contains', name);
    if (value === undefined) throw new ConfigError('when.contains', 'value', 'must be JSON data', value);
    return { kind: 'attributeContains', name, value };
  },
  /**
   * Compares the attribute's size (a string's UTF-8 bytes, a list's length, a map's attribute
   * count) with `value`. `size(name) <comparator> :value`
   * @example
   * ```ts
   * when.size('attempts', '<', 5); // a list of at most 4 attempts (or no list: fails)
   * ```
   */
  size(name: string, comparator: SizeComparator, value: number): Condition {
    checkAttributeName('when.size', name);
    if (!SIZE_COMPARATORS.includes(comparator))
      throw new ConfigError(
        'when.size',
        'comparator',
        `must be one of ${SIZE_COMPARATORS.join(' ')}`,
        comparator,
      );
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new ConfigError('when.size', 'value', 'must be a finite number', value);
    return { kind: 'attributeSize', name, comparator, value };
  },
} as const;

/** The kinds that compare one attribute with one number or string. */
type ComparisonKind =
  'attributeLessThan' | 'attributeGreaterThan' | 'attributeLessThanOrEqual' | 'attributeGreaterThanOrEqual';

/** Builds a comparison condition after checking its attribute name and value. */
function comparison(api: string, kind: ComparisonKind, name: string, value: unknown): Condition {
  return { kind, name: checkAttributeName(api, name), value: checkComparable(api, value) };
}

function checkAttributeName(api: string, name: unknown): string {
  if (typeof name !== 'string' || name === '')
    throw new ConfigError(api, 'name', 'must be a non-empty attribute name', name);
  return name;
}

function checkComparable(api: string, value: unknown, field = 'value'): number | string {
  if (isComparable(value)) return value;
  throw new ConfigError(api, field, 'must be a finite number or a string', value);
}

function isComparable(value: unknown): value is number | string {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** DynamoDB refuses a BETWEEN whose bounds differ in type or are out of order (ValidationException). */
function betweenProblem(low: number | string, high: number | string): string | undefined {
  if (typeof low !== typeof high) return `must have the type of low (${typeof low})`;
  return low > high ? 'must be greater than or equal to low' : undefined;
}

function inValuesProblem(values: unknown): string | undefined {
  if (!Array.isArray(values) || values.length === 0 || values.length > MAX_IN_VALUES)
    return `must be a list of 1 to ${MAX_IN_VALUES} values`;
  return values.some((v) => v === undefined) ? 'must hold JSON data only (no undefined)' : undefined;
}

/**
 * Why a condition (as sent by user code, possibly not built with {@link when}) is malformed, or
 * undefined when it is well formed. DynamoDB answers such requests with a ValidationException.
 */
export function conditionProblem(condition: unknown, depth = 0): string | undefined {
  if (depth > 32) return 'conditions are nested more than 32 levels deep';
  if (condition === null || typeof condition !== 'object') return 'a condition must be an object';
  const c = condition as {
    kind?: unknown;
    name?: unknown;
    value?: unknown;
    conditions?: unknown;
    condition?: unknown;
    low?: unknown;
    high?: unknown;
    values?: unknown;
    type?: unknown;
    prefix?: unknown;
    comparator?: unknown;
  };
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
    case 'not':
      return conditionProblem(c.condition, depth + 1);
    default:
      return attributeConditionProblem(c);
  }
}

/** {@link conditionProblem} for the attribute kinds added with negation (`<>`, `BETWEEN`, functions). */
function attributeConditionProblem(c: {
  kind?: unknown;
  name?: unknown;
  value?: unknown;
  low?: unknown;
  high?: unknown;
  values?: unknown;
  type?: unknown;
  prefix?: unknown;
  comparator?: unknown;
}): string | undefined {
  const known = [
    'attributeNotEquals',
    'attributeLessThanOrEqual',
    'attributeGreaterThanOrEqual',
    'attributeBetween',
    'attributeIn',
    'attributeType',
    'attributeBeginsWith',
    'attributeContains',
    'attributeSize',
  ];
  if (!known.includes(c.kind as string)) return `unknown condition kind ${JSON.stringify(c.kind)}`;
  if (typeof c.name !== 'string' || c.name === '')
    return `${String(c.kind)} needs a non-empty attribute name`;
  switch (c.kind) {
    case 'attributeNotEquals':
    case 'attributeContains':
      return c.value === undefined ? `${c.kind} needs a value` : undefined;
    case 'attributeLessThanOrEqual':
    case 'attributeGreaterThanOrEqual':
      return isComparable(c.value) ? undefined : `${c.kind} needs a finite number or a string value`;
    case 'attributeBetween':
      if (!isComparable(c.low) || !isComparable(c.high))
        return 'attributeBetween needs finite number or string bounds low and high';
      return betweenProblem(c.low, c.high) === undefined
        ? undefined
        : 'attributeBetween needs bounds of one type with low <= high';
    case 'attributeIn': {
      const problem = inValuesProblem(c.values);
      return problem === undefined ? undefined : `attributeIn values ${problem}`;
    }
    case 'attributeType':
      return ATTRIBUTE_TYPES.includes(c.type as AttributeTypeName)
        ? undefined
        : `attributeType needs a type among ${ATTRIBUTE_TYPES.join(', ')}`;
    case 'attributeBeginsWith':
      return typeof c.prefix === 'string' ? undefined : 'attributeBeginsWith needs a string prefix';
    case 'attributeSize':
      if (!SIZE_COMPARATORS.includes(c.comparator as SizeComparator))
        return `attributeSize needs a comparator among ${SIZE_COMPARATORS.join(' ')}`;
      return typeof c.value === 'number' && Number.isFinite(c.value)
        ? undefined
        : 'attributeSize needs a finite number value';
    default:
      return undefined;
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
    case 'not':
      return !evaluateCondition(condition.condition, item);
    case 'attributeNotEquals':
      return !(
        item !== undefined &&
        Object.hasOwn(item, condition.name) &&
        jsonEqual(item[condition.name], condition.value)
      );
    case 'attributeLessThanOrEqual':
    case 'attributeGreaterThanOrEqual': {
      const actual = presentValue(item, condition.name);
      if (!sameComparableType(actual, condition.value)) return false;
      return condition.kind === 'attributeLessThanOrEqual'
        ? actual <= condition.value
        : actual >= condition.value;
    }
    case 'attributeBetween': {
      const actual = presentValue(item, condition.name);
      return sameComparableType(actual, condition.low) && actual >= condition.low && actual <= condition.high;
    }
    case 'attributeIn': {
      if (item === undefined || !Object.hasOwn(item, condition.name)) return false;
      const actual = item[condition.name];
      return condition.values.some((v) => jsonEqual(actual, v));
    }
    case 'attributeType':
      return item !== undefined && Object.hasOwn(item, condition.name)
        ? typeOf(item[condition.name]) === condition.type
        : false;
    case 'attributeBeginsWith': {
      const actual = presentValue(item, condition.name);
      return typeof actual === 'string' && actual.startsWith(condition.prefix);
    }
    case 'attributeContains': {
      const actual = presentValue(item, condition.name);
      if (typeof actual === 'string')
        return typeof condition.value === 'string' && actual.includes(condition.value);
      return Array.isArray(actual) && actual.some((v) => jsonEqual(v, condition.value));
    }
    case 'attributeSize': {
      const size = sizeOf(presentValue(item, condition.name));
      return size !== undefined && compareNumbers(size, condition.comparator, condition.value);
    }
    default: {
      const never: never = condition;
      throw new Error(`evaluateCondition: unknown condition ${JSON.stringify(never)}`);
    }
  }
}

/** The attribute's value, or undefined when the item or the attribute is absent. */
function presentValue(item: Readonly<Record<string, unknown>> | undefined, name: string): unknown {
  return item !== undefined && Object.hasOwn(item, name) ? item[name] : undefined;
}

/** Both numbers or both strings (DynamoDB orders only values of one scalar type). */
function sameComparableType(actual: unknown, value: number | string): actual is typeof value {
  return (typeof actual === 'number' || typeof actual === 'string') && typeof actual === typeof value;
}

/** The DynamoDB type name of a JSON value. */
function typeOf(value: unknown): AttributeTypeName | undefined {
  if (typeof value === 'string') return 'S';
  if (typeof value === 'number') return 'N';
  if (typeof value === 'boolean') return 'BOOL';
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return 'L';
  return typeof value === 'object' ? 'M' : undefined;
}

/** DynamoDB's `size()`: a string's UTF-8 bytes, a list's length, a map's attribute count. */
function sizeOf(value: unknown): number | undefined {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return undefined;
}

function compareNumbers(a: number, comparator: SizeComparator, b: number): boolean {
  switch (comparator) {
    case '=':
      return a === b;
    case '<>':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default: {
      const never: never = comparator;
      throw new Error(`compareNumbers: unknown comparator ${String(never)}`);
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

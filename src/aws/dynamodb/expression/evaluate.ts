import { copyValue, type StoredItem } from '../../../services/itemValue.js';
import { compareValues, typeOf, valuesEqual } from '../../../services/attributeValue.js';
import { validation } from '../DynamoDbError.js';
import type { ConditionNode, Operand, Path, SetValue, UpdateNode } from './parser.js';

/*
 * Evaluation of parsed expressions against stored items (see src/services/itemValue.ts for the
 * value model). Semantics from the AWS documentation pages cited per function; where a page leaves
 * a case open (an absent attribute, a comparison of two types), a comparison is false, and `<>`
 * is the negation of `=` (so an absent attribute is `<>` anything).
 */

/** The value at a document path, or undefined when any step is absent or of the wrong type. */
export function resolvePath(item: Readonly<StoredItem> | undefined, path: Path): unknown {
  let value: unknown = item;
  for (const step of path) {
    if (value === undefined || value === null) return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(value)) return undefined;
      value = value[step];
    } else {
      if (
        typeof value !== 'object' ||
        Array.isArray(value) ||
        value instanceof Set ||
        value instanceof Uint8Array
      )
        return undefined;
      value = Object.hasOwn(value, step) ? (value as StoredItem)[step] : undefined;
    }
  }
  return value;
}

/**
 * Whether a condition holds for an item (undefined = no item).
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 */
export function evaluateCondition(node: ConditionNode, item: Readonly<StoredItem> | undefined): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateCondition(node.left, item) && evaluateCondition(node.right, item);
    case 'or':
      return evaluateCondition(node.left, item) || evaluateCondition(node.right, item);
    case 'not':
      return !evaluateCondition(node.condition, item);
    case 'compare': {
      const left = operandValue(node.left, item);
      const right = operandValue(node.right, item);
      const equal = left !== undefined && right !== undefined && valuesEqual(left, right);
      if (node.op === '=') return equal;
      if (node.op === '<>') return !equal;
      const order = left === undefined || right === undefined ? undefined : compareValues(left, right);
      if (order === undefined) return false;
      return node.op === '<'
        ? order < 0
        : node.op === '<='
          ? order <= 0
          : node.op === '>'
            ? order > 0
            : order >= 0;
    }
    case 'between': {
      const value = operandValue(node.operand, item);
      const low = operandValue(node.low, item);
      const high = operandValue(node.high, item);
      if (value === undefined || low === undefined || high === undefined) return false;
      const fromLow = compareValues(value, low);
      const toHigh = compareValues(value, high);
      return fromLow !== undefined && toHigh !== undefined && fromLow >= 0 && toHigh <= 0;
    }
    case 'in': {
      const value = operandValue(node.operand, item);
      return (
        value !== undefined &&
        node.list.some((o) => {
          const candidate = operandValue(o, item);
          return candidate !== undefined && valuesEqual(value, candidate);
        })
      );
    }
    case 'function':
      return evaluateFunction(node, item);
    default: {
      const never: never = node;
      throw new Error(`evaluateCondition: unknown node ${JSON.stringify(never)}`);
    }
  }
}

function evaluateFunction(
  node: Extract<ConditionNode, { kind: 'function' }>,
  item: Readonly<StoredItem> | undefined,
): boolean {
  const target = operandValue(node.args[0]!, item);
  const arg = node.args[1] === undefined ? undefined : operandValue(node.args[1], item);
  switch (node.name) {
    case 'attribute_exists':
      return target !== undefined;
    case 'attribute_not_exists':
      return target === undefined;
    case 'attribute_type':
      return target !== undefined && typeOf(target) === arg;
    case 'begins_with': {
      if (typeof target === 'string') return typeof arg === 'string' && target.startsWith(arg);
      if (target instanceof Uint8Array && arg instanceof Uint8Array)
        return arg.length <= target.length && Buffer.compare(target.subarray(0, arg.length), arg) === 0;
      return false;
    }
    case 'contains': {
      if (target === undefined || arg === undefined) return false;
      if (typeof target === 'string') return typeof arg === 'string' && target.includes(arg);
      if (target instanceof Set) return [...(target as Set<unknown>)].some((m) => valuesEqual(m, arg));
      if (Array.isArray(target)) return target.some((m) => valuesEqual(m, arg));
      return false;
    }
    default: {
      const never: never = node.name;
      throw new Error(`evaluateFunction: unknown function ${String(never)}`);
    }
  }
}

function operandValue(operand: Operand, item: Readonly<StoredItem> | undefined): unknown {
  switch (operand.kind) {
    case 'value':
      return operand.value;
    case 'path':
      return resolvePath(item, operand.path);
    case 'size':
      return sizeOf(resolvePath(item, operand.path));
    default: {
      const never: never = operand;
      throw new Error(`operandValue: unknown operand ${JSON.stringify(never)}`);
    }
  }
}

/**
 * `size(path)`: a string's length (in UTF-8 bytes, as `sim.table`'s `when.size` counts it), a
 * binary's bytes, a set's, list's or map's number of elements; undefined (every comparison false)
 * for other types and absent attributes.
 * Source: "size (path)", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 */
function sizeOf(value: unknown): number | undefined {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof Set) return value.size;
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return undefined;
}

// --- update expressions -----------------------------------------------------------------------

const WRONG_TYPE = 'An operand in the update expression has an incorrect data type';

/**
 * The item an update expression leaves, from the item before it (undefined = absent, then
 * `keyItem` starts the new item). "DynamoDB evaluates every action against the item's attribute
 * values as they were before the update"; then SET, REMOVE, ADD and DELETE are applied in that
 * order. Never modifies `current`.
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 */
export function applyUpdate(
  update: UpdateNode,
  current: Readonly<StoredItem> | undefined,
  keyItem: StoredItem,
): StoredItem {
  const next = copyValue(current ?? keyItem) as StoredItem;
  const values = update.set.map(({ value }) => setValue(value, current));
  update.set.forEach(({ path }, i) => assign(next, path, values[i]));
  // Removing list elements by descending index keeps the other indexes valid (DynamoDB removes them at once).
  const removals = [...update.remove].sort((a, b) => {
    const ai = a[a.length - 1];
    const bi = b[b.length - 1];
    return typeof ai === 'number' && typeof bi === 'number' ? bi - ai : 0;
  });
  for (const path of removals) remove(next, path);
  // ADD and DELETE read the item as it was before the update too (their paths cannot overlap a SET's).
  for (const { path, value } of update.add) {
    const existing = resolvePath(current, path);
    if (existing === undefined) assign(next, path, copyValue(value));
    else if (typeof value === 'number') {
      if (typeof existing !== 'number') throw validation(WRONG_TYPE);
      assign(next, path, existing + value);
    } else {
      if (typeOf(existing) !== typeOf(value)) throw validation(WRONG_TYPE);
      assign(next, path, union(existing as Set<unknown>, value as Set<unknown>));
    }
  }
  for (const { path, value } of update.delete) {
    const existing = resolvePath(current, path);
    if (existing === undefined) continue;
    if (typeOf(existing) !== typeOf(value)) throw validation(WRONG_TYPE);
    const left = [...(existing as Set<unknown>)].filter(
      (m) => ![...(value as Set<unknown>)].some((d) => valuesEqual(m, d)),
    );
    if (left.length === 0) remove(next, path);
    else assign(next, path, new Set(left));
  }
  return next;
}

function union(a: Set<unknown>, b: Set<unknown>): Set<unknown> {
  const out = [...a];
  for (const m of b) if (!out.some((x) => valuesEqual(x, m))) out.push(copyValue(m));
  return new Set(out);
}

function setValue(value: SetValue, item: Readonly<StoredItem> | undefined): unknown {
  switch (value.kind) {
    case 'value':
      return copyValue(value.value);
    case 'path':
    case 'size': {
      const found = value.kind === 'path' ? resolvePath(item, value.path) : undefined;
      if (found === undefined)
        throw validation('The provided expression refers to an attribute that does not exist in the item');
      return copyValue(found);
    }
    case 'ifNotExists': {
      const found = resolvePath(item, value.path);
      return found === undefined ? setValue(value.fallback, item) : copyValue(found);
    }
    case 'listAppend': {
      const first = setValue(value.first, item);
      const second = setValue(value.second, item);
      if (!Array.isArray(first) || !Array.isArray(second)) throw validation(WRONG_TYPE);
      return [...(first as unknown[]), ...(second as unknown[])];
    }
    case 'arithmetic': {
      const left = setValue(value.left, item);
      const right = setValue(value.right, item);
      if (typeof left !== 'number' || typeof right !== 'number') throw validation(WRONG_TYPE);
      const result = value.op === '+' ? left + right : left - right;
      return result === 0 ? 0 : result;
    }
    default: {
      const never: never = value;
      throw new Error(`setValue: unknown value ${JSON.stringify(never)}`);
    }
  }
}

const INVALID_PATH = 'The document path provided in the update expression is invalid for update';

/** Sets the value at a path; its parent must exist (a list index past the end appends). */
function assign(item: StoredItem, path: Path, value: unknown): void {
  const parent = path.length === 1 ? item : resolvePath(item, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (typeof last === 'number') {
    if (!Array.isArray(parent)) throw validation(INVALID_PATH);
    if (last >= parent.length) parent.push(value);
    else parent[last] = value;
    return;
  }
  if (
    parent === null ||
    typeof parent !== 'object' ||
    Array.isArray(parent) ||
    parent instanceof Set ||
    parent instanceof Uint8Array
  )
    throw validation(INVALID_PATH);
  (parent as StoredItem)[last] = value;
}

function remove(item: StoredItem, path: Path): void {
  const parent = path.length === 1 ? item : resolvePath(item, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (typeof last === 'number') {
    if (Array.isArray(parent) && last < parent.length) parent.splice(last, 1);
    return;
  }
  if (parent !== null && typeof parent === 'object' && !Array.isArray(parent))
    delete (parent as StoredItem)[last];
}

// --- projection ----------------------------------------------------------------------------

/**
 * The item reduced to the given paths (ProjectionExpression, and ReturnValues UPDATED_OLD /
 * UPDATED_NEW): maps keep the named attributes, lists the named elements in index order; a path
 * that does not resolve is left out.
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
 */
export function project(item: Readonly<StoredItem>, paths: readonly Path[]): StoredItem {
  const tree: Selection = new Map();
  for (const path of paths) {
    let node = tree;
    path.forEach((step, i) => {
      if (i === path.length - 1) node.set(step, true);
      else {
        const child = node.get(step);
        if (child === true) return;
        const next: Selection = child ?? new Map();
        node.set(step, next);
        node = next;
      }
    });
  }
  return (select(item, tree) ?? {}) as StoredItem;
}

type Selection = Map<string | number, Selection | true>;

function select(value: unknown, tree: Selection): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    const indexes = [...tree.keys()].filter((k): k is number => typeof k === 'number').sort((a, b) => a - b);
    for (const index of indexes) {
      const picked = pick(value[index], tree.get(index)!);
      if (picked !== undefined) out.push(picked);
    }
    return out.length === 0 ? undefined : out;
  }
  if (value === null || typeof value !== 'object' || value instanceof Set || value instanceof Uint8Array)
    return undefined;
  const out: StoredItem = {};
  for (const [step, sub] of tree) {
    if (typeof step !== 'string' || !Object.hasOwn(value, step)) continue;
    const picked = pick((value as StoredItem)[step], sub);
    if (picked !== undefined) out[step] = picked;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function pick(value: unknown, sub: Selection | true): unknown {
  if (value === undefined) return undefined;
  return sub === true ? copyValue(value) : select(value, sub);
}

import { UnroutedRequestError } from '../UnroutedRequestError.js';
import type { ItemValue, StoredItem } from '../../services/itemValue.js';
import { MAX_ITEM_BYTES, type Table } from '../../services/Table.js';
import type { KeyValue } from '../../services/TableStore.js';
import { fromWire, itemFromWire, itemSize, itemToWire, typeOf } from './attributeValue.js';
import { conditionFailed, validation } from './DynamoDbError.js';
import { evaluateCondition } from './expression/evaluate.js';
import {
  type ConditionNode,
  ExpressionContext,
  type ExpressionLabel,
  parseCondition,
  parseProjection,
  type Path,
} from './expression/parser.js';

/** A request body as the SDK's JSON protocol sends it. */
export type Body = Readonly<Record<string, unknown>>;

const INVALID = 'One or more parameter values were invalid';

/** Request parameters of the legacy (pre-expression) API, which lambdasim does not serve. */
const LEGACY = [
  'Expected',
  'AttributeUpdates',
  'KeyConditions',
  'QueryFilter',
  'ScanFilter',
  'AttributesToGet',
  'ConditionalOperator',
];

/**
 * Refuses the legacy parameters with a message naming the expression parameter to use instead: a
 * request lambdasim cannot answer as DynamoDB would, so not a DynamoDB error the handler could
 * catch but an {@link UnroutedRequestError} (a determinism error; `serve` names operation and table).
 */
export function refuseLegacy(body: Body): void {
  for (const name of LEGACY)
    if (body[name] !== undefined)
      throw new UnroutedRequestError(
        `lambdasim serves DynamoDB's expression parameters only: ${name} is a legacy parameter; use ConditionExpression, UpdateExpression, KeyConditionExpression, FilterExpression or ProjectionExpression`,
      );
}

/** The TableName parameter. */
export function tableName(value: unknown, field = 'tableName'): string {
  if (typeof value !== 'string' || value === '')
    throw validation(
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}

/** The key attribute names of a table: partition key, then sort key when it has one. */
export function keyNames(table: Table): string[] {
  const { key, sortKey } = table.options;
  return sortKey === undefined ? [key] : [key, sortKey];
}

/** A validated key: its id in the store and the key attributes as an item. */
export interface ParsedKey {
  readonly id: string;
  readonly item: StoredItem;
}

/**
 * The `Key` parameter: exactly the table's key attributes, each S, N or B.
 * Source (messages): https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html#API_GetItem_Errors
 */
export function parseKey(table: Table, wire: unknown): ParsedKey {
  const item = itemFromWire(wire ?? null, 'Key');
  const names = keyNames(table);
  const given = Object.keys(item);
  if (given.length !== names.length || !names.every((n) => Object.hasOwn(item, n)))
    throw validation('The provided key element does not match the schema');
  for (const name of names) checkKeyValue(name, item[name]);
  return { id: keyIdOf(table, item), item };
}

/** The `Item` parameter of a write: its key attributes checked, its size at most 400 KB. */
export function parseItem(table: Table, wire: unknown): { id: string; item: StoredItem } {
  const item = itemFromWire(wire ?? null, 'Item');
  for (const name of keyNames(table)) {
    if (!Object.hasOwn(item, name)) throw validation(`${INVALID}: Missing the key ${name} in the item`);
    checkKeyValue(name, item[name]);
  }
  checkSize(item, 'Item size has exceeded the maximum allowed size');
  return { id: keyIdOf(table, item), item };
}

/**
 * Refuses an item over DynamoDB's 400 KB, measured as DynamoDB counts it (see `itemSize`).
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 */
export function checkSize(item: StoredItem, message: string): void {
  if (itemSize(item) > MAX_ITEM_BYTES) throw validation(message);
}

function checkKeyValue(name: string, value: unknown): void {
  const type = typeOf(value);
  if (type !== 'S' && type !== 'N' && type !== 'B')
    throw validation(
      `${INVALID}: Type mismatch for key ${name}: a key attribute must be S, N or B, got ${type}`,
    );
  if ((type === 'S' && value === '') || (type === 'B' && (value as Uint8Array).length === 0))
    throw validation(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${type === 'S' ? 'string' : 'binary'} value. Key: ${name}`,
    );
}

function keyIdOf(table: Table, item: StoredItem): string {
  const { key, sortKey } = table.options;
  return table.store.keyId(
    item[key] as KeyValue,
    sortKey === undefined ? undefined : (item[sortKey] as KeyValue),
  );
}

/** The key attributes of a stored item, as an item (for LastEvaluatedKey). */
export function keyOf(table: Table, item: StoredItem): StoredItem {
  return Object.fromEntries(keyNames(table).map((n) => [n, item[n]]));
}

/**
 * A request's expressions, parsed against its ExpressionAttributeNames and
 * ExpressionAttributeValues; {@link Expressions.finish} refuses names or values no expression used.
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
 */
export class Expressions {
  private readonly context: ExpressionContext;
  private used = false;

  constructor(body: Body) {
    const names = body.ExpressionAttributeNames;
    const values = body.ExpressionAttributeValues;
    if (names !== undefined) {
      if (names === null || typeof names !== 'object' || Object.keys(names).length === 0)
        throw validation('ExpressionAttributeNames must not be empty');
      for (const [k, v] of Object.entries(names))
        if (typeof v !== 'string' || v === '')
          throw validation(
            `ExpressionAttributeNames contains invalid value: The attribute name can not be empty for key ${k}`,
          );
    }
    let decoded: Record<string, ItemValue> | undefined;
    if (values !== undefined) {
      if (values === null || typeof values !== 'object' || Object.keys(values).length === 0)
        throw validation('ExpressionAttributeValues must not be empty');
      decoded = {};
      for (const [k, v] of Object.entries(values)) decoded[k] = fromWire(v);
    }
    this.context = new ExpressionContext(names as Record<string, string> | undefined, decoded);
  }

  /** The condition in `text` (undefined when absent). */
  condition(text: unknown, label: ExpressionLabel): ConditionNode | undefined {
    if (text === undefined) return undefined;
    this.used = true;
    if (typeof text !== 'string') throw validation(`Invalid ${label}: The expression must be a string`);
    return parseCondition(text, label, this.context);
  }

  projection(text: unknown): Path[] | undefined {
    if (text === undefined) return undefined;
    this.used = true;
    if (typeof text !== 'string')
      throw validation('Invalid ProjectionExpression: The expression must be a string');
    return parseProjection(text, this.context);
  }

  /** The context, for an update expression. */
  forUpdate(): ExpressionContext {
    this.used = true;
    return this.context;
  }

  /** Refuses expression attribute names or values that no expression used. */
  finish(): void {
    const { names, values, usedNames, usedValues } = this.context;
    if (!this.used && names !== undefined)
      throw validation('ExpressionAttributeNames can only be specified when using expressions');
    if (!this.used && values !== undefined)
      throw validation('ExpressionAttributeValues can only be specified when using expressions');
    const unusedValues = Object.keys(values ?? {}).filter((k) => !usedValues.has(k));
    if (unusedValues.length > 0)
      throw validation(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
      );
    const unusedNames = Object.keys(names ?? {}).filter((k) => !usedNames.has(k));
    if (unusedNames.length > 0)
      throw validation(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
      );
  }
}

/** `ReturnValues` / `ReturnValuesOnConditionCheckFailure`, checked against the values the operation allows. */
export function returnValues<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field = 'ReturnValues',
): T {
  if (value === undefined) return allowed[0]!;
  if (!allowed.includes(value as T))
    throw validation(
      field === 'ReturnValues' && allowed.length === 2
        ? 'ReturnValues can only be ALL_OLD or NONE'
        : `1 validation error detected: Value '${String(value)}' at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
    );
  return value as T;
}

/**
 * Throws ConditionalCheckFailedException when `condition` fails for the stored item, with the item
 * when the request asked for `ReturnValuesOnConditionCheckFailure: ALL_OLD`.
 */
export function checkCondition(
  condition: ConditionNode | undefined,
  current: StoredItem | undefined,
  onFailure: 'NONE' | 'ALL_OLD',
): void {
  if (condition === undefined || evaluateCondition(condition, current)) return;
  throw conditionFailed(onFailure === 'ALL_OLD' && current !== undefined ? itemToWire(current) : undefined);
}

/** A non-negative-integer-or-undefined parameter such as Limit (at least 1). */
export function limit(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw validation(
      `1 validation error detected: Value '${String(value)}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  return value;
}

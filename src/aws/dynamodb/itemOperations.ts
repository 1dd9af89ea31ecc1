import type { StoredItem } from '../../services/itemValue.js';
import type { Table } from '../../services/Table.js';
import { itemToWire } from '../../services/attributeValue.js';
import { validation } from './DynamoDbError.js';
import { applyUpdate, project } from './expression/evaluate.js';
import {
  type ConditionNode,
  type Path,
  parseUpdate,
  pathText,
  type UpdateNode,
} from './expression/parser.js';
import {
  type Body,
  checkCondition,
  checkSize,
  Expressions,
  keyNames,
  parseItem,
  parseKey,
  refuseLegacy,
  returnValues,
} from './request.js';

/**
 * The single-item operations of the DynamoDB door. Each validates its request at once and returns
 * what happens when the call lands (inside `callService`): a function of the table's store that
 * returns the response body or throws a DynamoDbError.
 * Source (request and response shapes): https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html
 */
export type Landing = () => Record<string, unknown>;

const ON_FAILURE = ['NONE', 'ALL_OLD'] as const;

/** GetItem: the item (projected), or `{}` when absent or expired. */
export function getItem(body: Body, table: Table): Landing {
  refuseLegacy(body);
  const key = parseKey(table, body.Key);
  const expressions = new Expressions(body);
  const projection = expressions.projection(body.ProjectionExpression);
  expressions.finish();
  return () => {
    const item = table.store.get(key.id);
    if (item === undefined) return {};
    return { Item: itemToWire(projection === undefined ? item : project(item, projection)) };
  };
}

/** PutItem: replaces the whole item, if the condition holds; ReturnValues NONE or ALL_OLD. */
export function putItem(body: Body, table: Table): Landing {
  refuseLegacy(body);
  const { id, item } = parseItem(table, body.Item);
  return conditionalWrite(body, table, id, () => table.store.put(id, item));
}

/** DeleteItem: removes the item, if the condition holds; ReturnValues NONE or ALL_OLD. */
export function deleteItem(body: Body, table: Table): Landing {
  refuseLegacy(body);
  const { id } = parseKey(table, body.Key);
  return conditionalWrite(body, table, id, () => table.store.delete(id));
}

/** A PutItem or DeleteItem: `write` happens if the condition holds; ALL_OLD returns the old item. */
function conditionalWrite(body: Body, table: Table, id: string, write: () => void): Landing {
  const { condition, onFailure } = parseConditionRequest(body);
  const rv = returnValues(body.ReturnValues, ON_FAILURE);
  return () => {
    const old = table.store.get(id);
    checkCondition(condition, old, onFailure);
    write();
    return rv === 'ALL_OLD' && old !== undefined ? { Attributes: itemToWire(old) } : {};
  };
}

/** The ConditionExpression (with its names and values) and ReturnValuesOnConditionCheckFailure of a write. */
export function parseConditionRequest(body: Body): {
  condition: ConditionNode | undefined;
  onFailure: 'NONE' | 'ALL_OLD';
} {
  const expressions = new Expressions(body);
  const condition = expressions.condition(body.ConditionExpression, 'ConditionExpression');
  expressions.finish();
  return { condition, onFailure: onConditionFailure(body) };
}

function onConditionFailure(body: Body): 'NONE' | 'ALL_OLD' {
  return returnValues(
    body.ReturnValuesOnConditionCheckFailure,
    ON_FAILURE,
    'ReturnValuesOnConditionCheckFailure',
  );
}

const UPDATE_RETURN_VALUES = ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'] as const;

/**
 * UpdateItem: applies the update expression to the item (creating it from its key when absent),
 * if the condition holds; ReturnValues NONE, ALL_OLD, UPDATED_OLD, ALL_NEW or UPDATED_NEW.
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
 */
export function updateItem(body: Body, table: Table): Landing {
  refuseLegacy(body);
  const key = parseKey(table, body.Key);
  const { update, condition, onFailure } = parseUpdateRequest(body, table);
  const rv = returnValues(body.ReturnValues, UPDATE_RETURN_VALUES);
  const targets = update === undefined ? [] : updateTargets(update);
  return () => {
    const old = table.store.get(key.id);
    checkCondition(condition, old, onFailure);
    const next = update === undefined ? { ...(old ?? key.item) } : applyUpdate(update, old, key.item);
    checkSize(next, 'Item size to update has exceeded the maximum allowed size');
    table.store.put(key.id, next);
    return returnedAttributes(rv, old, next, targets);
  };
}

/** The update and condition of an UpdateItem (or a transaction's Update), validated. */
export function parseUpdateRequest(
  body: Body,
  table: Table,
): {
  update: UpdateNode | undefined;
  condition: ConditionNode | undefined;
  onFailure: 'NONE' | 'ALL_OLD';
} {
  const expressions = new Expressions(body);
  let update: UpdateNode | undefined;
  if (body.UpdateExpression !== undefined) {
    if (typeof body.UpdateExpression !== 'string')
      throw validation('Invalid UpdateExpression: The expression must be a string');
    update = parseUpdate(body.UpdateExpression, expressions.forUpdate());
    checkTargets(update, keyNames(table));
  }
  const condition = expressions.condition(body.ConditionExpression, 'ConditionExpression');
  expressions.finish();
  return { update, condition, onFailure: onConditionFailure(body) };
}

function updateTargets(update: UpdateNode): Path[] {
  return [
    ...update.set.map((a) => a.path),
    ...update.remove,
    ...update.add.map((a) => a.path),
    ...update.delete.map((a) => a.path),
  ];
}

/**
 * Refuses an update of a key attribute and two actions on overlapping paths.
 * Source (messages): "Cannot update attribute … This attribute is part of the key" and "Two document
 * paths overlap with each other", as DynamoDB returns them (quoted in HENNGE/aiodynamo#2).
 */
function checkTargets(update: UpdateNode, keys: readonly string[]): void {
  const targets = updateTargets(update);
  for (const path of targets)
    if (keys.includes(path[0] as string))
      throw validation(
        `One or more parameter values were invalid: Cannot update attribute ${String(path[0])}. This attribute is part of the key`,
      );
  for (let i = 0; i < targets.length; i++)
    for (let j = i + 1; j < targets.length; j++) {
      const [a, b] = [targets[i]!, targets[j]!];
      const shorter = a.length <= b.length ? a : b;
      const longer = shorter === a ? b : a;
      if (shorter.every((step, k) => longer[k] === step))
        throw validation(
          `Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${pathText(a)}, path two: ${pathText(b)}`,
        );
    }
}

function returnedAttributes(
  rv: (typeof UPDATE_RETURN_VALUES)[number],
  old: StoredItem | undefined,
  next: StoredItem,
  targets: readonly Path[],
): Record<string, unknown> {
  let attributes: StoredItem | undefined;
  if (rv === 'ALL_OLD') attributes = old;
  else if (rv === 'ALL_NEW') attributes = next;
  else if (rv === 'UPDATED_OLD') attributes = old === undefined ? undefined : project(old, targets);
  else if (rv === 'UPDATED_NEW') attributes = project(next, targets);
  return attributes === undefined || Object.keys(attributes).length === 0
    ? {}
    : { Attributes: itemToWire(attributes) };
}

import type { StoredItem } from '../../services/itemValue.js';
import type { Table } from '../../services/Table.js';
import { itemToWire } from '../../services/attributeValue.js';
import { DynamoDbError, validation } from './DynamoDbError.js';
import { applyUpdate, evaluateCondition, project } from './expression/evaluate.js';
import type { ConditionNode, UpdateNode } from './expression/parser.js';
import { type Landing, parseConditionRequest, parseUpdateRequest } from './itemOperations.js';
import {
  type Body,
  checkSize,
  Expressions,
  type ParsedKey,
  parseItem,
  parseKey,
  refuseLegacy,
  tableName,
} from './request.js';

/*
 * The operations that may name several tables. Each is one simulated call, carried by the first
 * table the request names (its latency, fault plan and call count): a fault aimed at that table
 * fails the whole batch or transaction, as a throttled request does in DynamoDB.
 */

/** DynamoDB's limits: 100 keys per BatchGetItem, 25 requests per BatchWriteItem, 100 actions per transaction. */
const MAX_BATCH_GET = 100;
const MAX_BATCH_WRITE = 25;
const MAX_TRANSACT = 100;

/** The table names a multi-table request names, in request order. */
export function requestItemTables(body: Body): string[] {
  const requestItems = body.RequestItems;
  if (requestItems === null || typeof requestItems !== 'object' || Object.keys(requestItems).length === 0)
    throw validation(
      "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  return Object.keys(requestItems);
}

export function transactTables(body: Body): string[] {
  const actions = transactItems(body);
  return [...new Set(actions.map((a) => tableName(a.body.TableName, 'transactItems.member.tableName')))];
}

/**
 * BatchGetItem: the items found per table (`UnprocessedKeys` is always empty: no throughput limit).
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
 */
export function batchGetItem(body: Body, tables: ReadonlyMap<string, Table>): Landing {
  const reads: {
    name: string;
    table: Table;
    keys: ParsedKey[];
    projection: ReturnType<Expressions['projection']>;
  }[] = [];
  let count = 0;
  for (const [name, request] of Object.entries(body.RequestItems as Record<string, Body>)) {
    const table = tables.get(name)!;
    refuseLegacy(request);
    if (!Array.isArray(request.Keys) || request.Keys.length === 0)
      throw validation(
        "1 validation error detected: Value null at 'requestItems.member.keys' failed to satisfy constraint: Member must not be null",
      );
    const keys = request.Keys.map((k: unknown) => parseKey(table, k));
    if (new Set(keys.map((k) => k.id)).size !== keys.length)
      throw validation('Provided list of item keys contains duplicates');
    count += keys.length;
    const expressions = new Expressions(request);
    const projection = expressions.projection(request.ProjectionExpression);
    expressions.finish();
    reads.push({ name, table, keys, projection });
  }
  if (count > MAX_BATCH_GET) throw validation('Too many items requested for the BatchGetItem call');
  return () => {
    const responses: Record<string, unknown[]> = {};
    for (const { name, table, keys, projection } of reads) {
      const found: unknown[] = [];
      for (const key of keys) {
        const item = table.store.get(key.id);
        if (item !== undefined)
          found.push(itemToWire(projection === undefined ? item : project(item, projection)));
      }
      responses[name] = found;
    }
    return { Responses: responses, UnprocessedKeys: {} };
  };
}

/**
 * BatchWriteItem: puts and deletes, each unconditional (`UnprocessedItems` is always empty).
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 */
export function batchWriteItem(body: Body, tables: ReadonlyMap<string, Table>): Landing {
  const writes: { table: Table; id: string; item: StoredItem | undefined }[] = [];
  for (const [name, requests] of Object.entries(body.RequestItems as Record<string, unknown>)) {
    const table = tables.get(name)!;
    if (!Array.isArray(requests) || requests.length === 0)
      throw validation(
        "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length greater than or equal to 1]",
      );
    const ids = new Set<string>();
    for (const request of requests as Body[]) {
      const put = request?.PutRequest as Body | undefined;
      const del = request?.DeleteRequest as Body | undefined;
      if ((put === undefined) === (del === undefined))
        throw validation(
          'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
        );
      const write =
        put !== undefined
          ? { table, ...parseItem(table, put.Item) }
          : { table, id: parseKey(table, del!.Key).id, item: undefined };
      if (ids.has(write.id)) throw validation('Provided list of item keys contains duplicates');
      ids.add(write.id);
      writes.push(write);
    }
  }
  if (writes.length > MAX_BATCH_WRITE)
    throw validation(
      "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]",
    );
  return () => {
    for (const { table, id, item } of writes) {
      if (item === undefined) table.store.delete(id);
      else table.store.put(id, item);
    }
    return { UnprocessedItems: {} };
  };
}

type ActionKind = 'ConditionCheck' | 'Put' | 'Update' | 'Delete';
const ACTION_KINDS: readonly ActionKind[] = ['ConditionCheck', 'Put', 'Update', 'Delete'];

function transactItems(body: Body): { kind: ActionKind; body: Body }[] {
  const items = body.TransactItems;
  if (!Array.isArray(items) || items.length === 0)
    throw validation(
      "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
    );
  if (items.length > MAX_TRANSACT)
    throw validation(
      `1 validation error detected: Value '[…]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TRANSACT}`,
    );
  return items.map((item: unknown) => {
    const kinds = ACTION_KINDS.filter((k) => (item as Body | null)?.[k] !== undefined);
    if (kinds.length !== 1)
      throw validation('TransactItems can only contain one of Check, Put, Update or Delete');
    return { kind: kinds[0]!, body: (item as Body)[kinds[0]!] as Body };
  });
}

interface TransactAction {
  readonly table: Table;
  readonly id: string;
  readonly key: StoredItem;
  readonly kind: ActionKind;
  readonly condition: ConditionNode | undefined;
  readonly onFailure: 'NONE' | 'ALL_OLD';
  readonly item?: StoredItem;
  readonly update?: UpdateNode | undefined;
}

/**
 * TransactWriteItems: every action's condition is checked against the items as they are when the
 * call lands, then every write happens, or none does: a failed condition (or an update that
 * cannot apply) cancels the whole transaction with `TransactionCanceledException`, whose
 * `CancellationReasons` hold one entry per action, in order (`None` for the ones that were fine).
 * `ClientRequestToken` idempotency is not simulated.
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
export function transactWriteItems(body: Body, tables: ReadonlyMap<string, Table>): Landing {
  const actions: TransactAction[] = transactItems(body).map(({ kind, body: action }) => {
    const table = tables.get(action.TableName as string)!;
    refuseLegacy(action);
    if (kind === 'Put') {
      const { id, item } = parseItem(table, action.Item);
      return { table, id, key: item, kind, ...parseConditionRequest(action), item };
    }
    const key = parseKey(table, action.Key);
    if (kind === 'Update') {
      const { update, condition, onFailure } = parseUpdateRequest(action, table);
      if (update === undefined)
        throw validation(
          "1 validation error detected: Value null at 'transactItems.member.update.updateExpression' failed to satisfy constraint: Member must not be null",
        );
      return { table, id: key.id, key: key.item, kind, condition, onFailure, update };
    }
    if (kind === 'ConditionCheck' && action.ConditionExpression === undefined)
      throw validation(
        "1 validation error detected: Value null at 'transactItems.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null",
      );
    return { table, id: key.id, key: key.item, kind, ...parseConditionRequest(action) };
  });
  const seen = new Set<string>();
  for (const a of actions) {
    const id = `${a.table.name}\u0000${a.id}`;
    if (seen.has(id)) throw validation('Transaction request cannot include multiple operations on one item');
    seen.add(id);
  }
  return () => {
    const outcomes = actions.map((action) => outcome(action));
    if (outcomes.some((o) => o.reason.Code !== 'None')) {
      const codes = outcomes.map((o) => o.reason.Code);
      throw new DynamoDbError(
        'TransactionCanceledException',
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
        400,
        { CancellationReasons: outcomes.map((o) => o.reason) },
      );
    }
    outcomes.forEach(({ next }, i) => {
      const { table, id, kind } = actions[i]!;
      if (kind === 'Delete') table.store.delete(id);
      else if (next !== undefined) table.store.put(id, next);
    });
    return {};
  };
}

/** One action's cancellation reason and, when it writes, the item it leaves. */
function outcome(action: TransactAction): { reason: Record<string, unknown>; next: StoredItem | undefined } {
  const current = action.table.store.get(action.id);
  if (action.condition !== undefined && !evaluateCondition(action.condition, current))
    return {
      reason: {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        ...(action.onFailure === 'ALL_OLD' && current !== undefined ? { Item: itemToWire(current) } : {}),
      },
      next: undefined,
    };
  if (action.kind === 'Put') return { reason: { Code: 'None' }, next: action.item };
  if (action.kind !== 'Update') return { reason: { Code: 'None' }, next: undefined };
  try {
    const next = applyUpdate(action.update!, current, action.key);
    checkSize(next, 'Item size to update has exceeded the maximum allowed size');
    return { reason: { Code: 'None' }, next };
  } catch (error) {
    if (!(error instanceof DynamoDbError)) throw error;
    return { reason: { Code: 'ValidationError', Message: error.message }, next: undefined };
  }
}

import { UnroutedRequestError } from '../UnroutedRequestError.js';
import type { StoredItem } from '../../services/itemValue.js';
import type { Table } from '../../services/Table.js';
import type { KeyValue } from '../../services/TableStore.js';
import { itemToWire } from './attributeValue.js';
import { validation } from './DynamoDbError.js';
import { evaluateCondition, project } from './expression/evaluate.js';
import type { ConditionNode, Operand } from './expression/parser.js';
import type { Landing } from './itemOperations.js';
import { type Body, Expressions, keyOf, limit, parseKey, refuseLegacy } from './request.js';

const SELECT = ['ALL_ATTRIBUTES', 'COUNT', 'SPECIFIC_ATTRIBUTES'];

/**
 * Query: the items of one partition in sort-key order (reversed with `ScanIndexForward: false`),
 * from after `ExclusiveStartKey`, at most `Limit` evaluated; then the FilterExpression; a
 * `LastEvaluatedKey` whenever `Limit` stopped the read. Secondary indexes are not simulated and
 * the 1 MB page limit is not applied.
 * Sources: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
 */
export function query(body: Body, table: Table): Landing {
  refuseLegacy(body);
  refuseIndex(body);
  const expressions = new Expressions(body);
  const keyCondition = expressions.condition(body.KeyConditionExpression, 'KeyConditionExpression');
  if (keyCondition === undefined)
    throw validation(
      'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.',
    );
  const filter = expressions.condition(body.FilterExpression, 'FilterExpression');
  const projection = expressions.projection(body.ProjectionExpression);
  expressions.finish();
  const { partition, sortCondition } = keyConditionParts(keyCondition, table);
  const forward = body.ScanIndexForward !== false;
  const read = pageReader(body, table, filter, projection);
  return () => {
    let items = table.store.partition(partition);
    if (sortCondition !== undefined) items = items.filter((item) => evaluateCondition(sortCondition, item));
    if (!forward) items.reverse();
    return read(items);
  };
}

/** Scan: every live item in the order keys were first written, paged and filtered as Query is. */
export function scan(body: Body, table: Table): Landing {
  refuseLegacy(body);
  refuseIndex(body);
  if (body.TotalSegments !== undefined && body.TotalSegments !== 1)
    throw new UnroutedRequestError(
      'lambdasim does not simulate parallel scans: TotalSegments must be 1 or absent',
    );
  const expressions = new Expressions(body);
  const filter = expressions.condition(body.FilterExpression, 'FilterExpression');
  const projection = expressions.projection(body.ProjectionExpression);
  expressions.finish();
  const read = pageReader(body, table, filter, projection);
  return () => read([...table.store.live()].map(([, item]) => item));
}

/** A Query or Scan on an index: not simulated, so a determinism error (see `refuseLegacy`). */
function refuseIndex(body: Body): void {
  if (body.IndexName !== undefined)
    throw new UnroutedRequestError(
      `lambdasim does not simulate secondary indexes (GSIs, LSIs): IndexName ${JSON.stringify(body.IndexName)}`,
    );
}

/** Reads one page of `items` (already in order): start key, limit, filter, projection, select. */
function pageReader(
  body: Body,
  table: Table,
  filter: ConditionNode | undefined,
  projection: ReturnType<Expressions['projection']>,
): (items: StoredItem[]) => Record<string, unknown> {
  const max = limit(body.Limit);
  const start = body.ExclusiveStartKey === undefined ? undefined : parseKey(table, body.ExclusiveStartKey);
  const select = body.Select ?? (projection === undefined ? 'ALL_ATTRIBUTES' : 'SPECIFIC_ATTRIBUTES');
  if (!SELECT.includes(select as string))
    throw validation(`lambdasim supports Select ${SELECT.join(', ')}, got ${JSON.stringify(select)}`);
  return (items) => {
    let from = 0;
    if (start !== undefined) {
      const at = items.findIndex((item) => table.store.keyIdOf(item) === start.id);
      from = at < 0 ? items.length : at + 1;
    }
    const evaluated = items.slice(from, max === undefined ? undefined : from + max);
    const matched =
      filter === undefined ? evaluated : evaluated.filter((item) => evaluateCondition(filter, item));
    const out: Record<string, unknown> = { Count: matched.length, ScannedCount: evaluated.length };
    if (select !== 'COUNT')
      out.Items = matched.map((item) =>
        itemToWire(projection === undefined ? item : project(item, projection)),
      );
    if (max !== undefined && evaluated.length === max)
      out.LastEvaluatedKey = itemToWire(keyOf(table, evaluated[evaluated.length - 1]!));
    return out;
  };
}

/**
 * Splits a key condition into the partition key's value and the sort key's condition: `pk = :v`,
 * optionally `AND` one of `sk = :v`, `<`, `<=`, `>`, `>=`, `BETWEEN :a AND :b`, `begins_with(sk, :p)`.
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html
 */
function keyConditionParts(
  condition: ConditionNode,
  table: Table,
): { partition: KeyValue; sortCondition: ConditionNode | undefined } {
  const { key, sortKey } = table.options;
  const parts = condition.kind === 'and' ? [condition.left, condition.right] : [condition];
  let partition: KeyValue | undefined;
  let sortCondition: ConditionNode | undefined;
  for (const part of parts) {
    const attribute = keyAttributeOf(part);
    if (attribute === key && part.kind === 'compare' && part.op === '=' && partition === undefined) {
      partition = (part.right as Extract<Operand, { kind: 'value' }>).value as KeyValue;
    } else if (
      attribute !== undefined &&
      attribute === sortKey &&
      sortCondition === undefined &&
      part.kind !== 'in'
    ) {
      sortCondition = part;
    } else if (attribute !== undefined && attribute !== key && attribute !== sortKey) {
      throw validation(`Query condition missed key schema element: ${sortKey ?? key}`);
    } else {
      throw validation('Invalid operator used in KeyConditionExpression: Query key condition not supported');
    }
  }
  if (partition === undefined) throw validation(`Query condition missed key schema element: ${key}`);
  return { partition, sortCondition };
}

/** The top-level attribute a key condition part constrains, when it has a key condition's shape. */
function keyAttributeOf(part: ConditionNode): string | undefined {
  const isValue = (o: Operand) => o.kind === 'value';
  const attribute = (o: Operand) =>
    o.kind === 'path' && o.path.length === 1 ? (o.path[0] as string) : undefined;
  switch (part.kind) {
    case 'compare':
      return part.op !== '<>' && isValue(part.right) ? attribute(part.left) : undefined;
    case 'between':
      return isValue(part.low) && isValue(part.high) ? attribute(part.operand) : undefined;
    case 'function':
      return part.name === 'begins_with' && isValue(part.args[1]!) ? attribute(part.args[0]!) : undefined;
    default:
      return undefined;
  }
}

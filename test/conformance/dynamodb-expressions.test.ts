/**
 * Conformance of the DynamoDB protocol door's expressions, one test per feature, each naming the
 * AWS documentation page that states the behaviour. Requests are the JSON the AWS SDK v3 sends.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { type Answer, outcome, type Send, withDynamo } from '../unit/aws/dynamodb/serve.js';

const DOCS = 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide';
const OPERATORS = `${DOCS}/Expressions.OperatorsAndFunctions.html`;
const UPDATES = `${DOCS}/Expressions.UpdateExpressions.html`;
const KEY_CONDITIONS = `${DOCS}/Query.KeyConditionExpressions.html`;
const PAGINATION = `${DOCS}/Query.Pagination.html`;
const NAMES = `${DOCS}/Expressions.ExpressionAttributeNames.html`;
const VALUES = `${DOCS}/Expressions.ExpressionAttributeValues.html`;
const PROJECTIONS = `${DOCS}/Expressions.ProjectionExpressions.html`;
const API = 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference';

/** The item the condition tests run against (wire shape). */
const ITEM = {
  pk: { S: 'p-1' },
  price: { N: '10' },
  name: { S: 'Widget' },
  color: { S: 'red' },
  tags: { SS: ['new', 'sale'] },
  sizes: { NS: ['1', '2'] },
  parts: { L: [{ S: 'bolt' }, { N: '7' }] },
  dims: { M: { width: { N: '3' }, depth: { M: { cm: { N: '4' } } } } },
  blob: { B: Buffer.from('abc').toString('base64') },
  gone: { NULL: true },
  ok: { BOOL: true },
};

interface Case {
  readonly expr: string;
  readonly values?: Record<string, unknown>;
  readonly names?: Record<string, string>;
}

/**
 * Evaluates each condition against ITEM with a conditional UpdateItem that changes nothing:
 * 'true' (200), 'false' (ConditionalCheckFailedException) or the ValidationException message.
 */
async function conditions(cases: readonly Case[]): Promise<string[]> {
  const sim = createSimulation({ seed: 1 });
  sim.table('things', { key: 'pk' });
  const out: string[] = [];
  await withDynamo(sim, async (send) => {
    await send('PutItem', { TableName: 'things', Item: ITEM });
    for (const c of cases) {
      const answer = await send('UpdateItem', {
        TableName: 'things',
        Key: { pk: ITEM.pk },
        ConditionExpression: c.expr,
        ...(c.values === undefined ? {} : { ExpressionAttributeValues: c.values }),
        ...(c.names === undefined ? {} : { ExpressionAttributeNames: c.names }),
      });
      const type = outcome(answer);
      out.push(
        type === 'OK'
          ? 'true'
          : type === 'ConditionalCheckFailedException'
            ? 'false'
            : String(answer.body.message),
      );
    }
  });
  return out;
}

const n = (x: string) => ({ N: x });
const s = (x: string) => ({ S: x });

describe(`condition expressions (${OPERATORS})`, () => {
  it('comparators = <> < <= > >= on numbers and strings; another type or an absent attribute is false, and <> true', async () => {
    expect(
      await conditions([
        { expr: 'price = :v', values: { ':v': n('10') } },
        { expr: 'price = :v', values: { ':v': n('10.0') } },
        { expr: 'price = :v', values: { ':v': s('10') } },
        { expr: 'price <> :v', values: { ':v': n('11') } },
        { expr: 'price < :v', values: { ':v': n('10') } },
        { expr: 'price <= :v', values: { ':v': n('10') } },
        { expr: 'price > :v', values: { ':v': n('9.5') } },
        { expr: 'price >= :v', values: { ':v': n('11') } },
        { expr: 'price < :v', values: { ':v': s('zzz') } },
        { expr: '#n < :v', names: { '#n': 'name' }, values: { ':v': s('Wz') } },
        { expr: 'missing = :v', values: { ':v': n('1') } },
        { expr: 'missing <> :v', values: { ':v': n('1') } },
        { expr: 'tags = :v', values: { ':v': { SS: ['sale', 'new'] } } },
      ]),
    ).toEqual([
      'true',
      'true',
      'false',
      'true',
      'false',
      'true',
      'true',
      'false',
      'false',
      'true',
      'false',
      'true',
      'true',
    ]);
  });

  it('BETWEEN is inclusive of both bounds; bounds out of order are a ValidationException', async () => {
    expect(
      await conditions([
        { expr: 'price BETWEEN :a AND :b', values: { ':a': n('10'), ':b': n('20') } },
        { expr: 'price BETWEEN :a AND :b', values: { ':a': n('1'), ':b': n('10') } },
        { expr: 'price BETWEEN :a AND :b', values: { ':a': n('11'), ':b': n('20') } },
        { expr: 'color BETWEEN :a AND :b', values: { ':a': s('a'), ':b': s('s') } },
        { expr: 'price BETWEEN :a AND :b', values: { ':a': n('5'), ':b': n('1') } },
      ]),
    ).toEqual([
      'true',
      'true',
      'false',
      'true',
      'Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}',
    ]);
  });

  it('IN holds when the operand equals any listed value (at most 100)', async () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`:v${i}`, n(String(i))]));
    expect(
      await conditions([
        { expr: 'color IN (:a, :b)', values: { ':a': s('blue'), ':b': s('red') } },
        { expr: 'color IN (:a)', values: { ':a': s('blue') } },
        { expr: 'missing IN (:a)', values: { ':a': s('blue') } },
        { expr: `price IN (${Object.keys(many).join(', ')})`, values: many },
      ]),
    ).toEqual([
      'true',
      'false',
      'false',
      'Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101',
    ]);
  });

  it('attribute_exists / attribute_not_exists take a document path, nested paths included', async () => {
    expect(
      await conditions([
        { expr: 'attribute_exists(price)' },
        { expr: 'attribute_exists(dims.depth.cm)' },
        { expr: 'attribute_exists(parts[1])' },
        { expr: 'attribute_exists(parts[2])' },
        { expr: 'attribute_not_exists(dims.height)' },
        { expr: 'attribute_not_exists(gone)' },
        { expr: 'attribute_exists(:v)', values: { ':v': s('x') } },
      ]),
    ).toEqual([
      'true',
      'true',
      'true',
      'false',
      'true',
      'false',
      'Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists',
    ]);
  });

  it('attribute_type compares the DynamoDB type name (S, SS, N, NS, B, BS, BOOL, NULL, L, M)', async () => {
    const t = (attr: string, type: string) => ({
      expr: `attribute_type(${attr}, :t)`,
      values: { ':t': s(type) },
    });
    expect(
      await conditions([
        t('price', 'N'),
        t('price', 'S'),
        t('tags', 'SS'),
        t('sizes', 'NS'),
        t('blob', 'B'),
        t('gone', 'NULL'),
        t('ok', 'BOOL'),
        t('parts', 'L'),
        t('dims', 'M'),
        t('missing', 'S'),
      ]),
    ).toEqual(['true', 'false', 'true', 'true', 'true', 'true', 'true', 'true', 'true', 'false']);
  });

  it('begins_with takes a string or binary prefix; another operand type is a ValidationException', async () => {
    expect(
      await conditions([
        { expr: 'begins_with(#n, :p)', names: { '#n': 'name' }, values: { ':p': s('Wid') } },
        { expr: 'begins_with(#n, :p)', names: { '#n': 'name' }, values: { ':p': s('wid') } },
        { expr: 'begins_with(blob, :p)', values: { ':p': { B: Buffer.from('ab').toString('base64') } } },
        { expr: 'begins_with(price, :p)', values: { ':p': s('1') } },
        { expr: 'begins_with(color, :p)', values: { ':p': n('1') } },
      ]),
    ).toEqual([
      'true',
      'false',
      'true',
      'false',
      'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
    ]);
  });

  it('contains: a substring of a string, an element of a set or of a list', async () => {
    expect(
      await conditions([
        { expr: 'contains(#n, :v)', names: { '#n': 'name' }, values: { ':v': s('dge') } },
        { expr: 'contains(tags, :v)', values: { ':v': s('sale') } },
        { expr: 'contains(tags, :v)', values: { ':v': s('old') } },
        { expr: 'contains(sizes, :v)', values: { ':v': n('2') } },
        { expr: 'contains(parts, :v)', values: { ':v': n('7') } },
        { expr: 'contains(price, :v)', values: { ':v': n('1') } },
      ]),
    ).toEqual(['true', 'true', 'false', 'true', 'true', 'false']);
  });

  it('size: string length, set/list/map element count, binary bytes; no size for a number', async () => {
    expect(
      await conditions([
        { expr: 'size(#n) = :v', names: { '#n': 'name' }, values: { ':v': n('6') } },
        { expr: 'size(tags) = :v', values: { ':v': n('2') } },
        { expr: 'size(parts) < :v', values: { ':v': n('3') } },
        { expr: 'size(dims) = :v', values: { ':v': n('2') } },
        { expr: 'size(blob) = :v', values: { ':v': n('3') } },
        { expr: 'size(price) >= :v', values: { ':v': n('0') } },
        { expr: 'size(price)' },
      ]),
    ).toEqual([
      'true',
      'true',
      'true',
      'true',
      'true',
      'false',
      'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ")"',
    ]);
  });

  it('precedence: comparisons, then NOT, then AND, then OR; parentheses override', async () => {
    const f = { ':f': s('red') };
    const ft = { ':f': s('red'), ':t': s('x') };
    // color is 'red', so "color = :f" holds. Each case gives another answer under a wrong precedence.
    expect(
      await conditions([
        // a OR b AND c is a OR (b AND c): true (left to right it would be false)
        { expr: 'color = :f OR color = :f AND color <> :f', values: f },
        // parentheses override: false
        { expr: '(color = :f OR color = :f) AND color <> :f', values: f },
        // NOT binds tighter than AND: (NOT false) AND false = false (NOT (false AND false) would be true)
        { expr: 'NOT color <> :f AND color <> :f', values: f },
        // NOT binds tighter than OR: (NOT true) OR true = true (NOT (true OR true) would be false)
        { expr: 'NOT color = :f OR color = :f', values: f },
        { expr: 'NOT (color = :f AND color = :t)', values: ft },
        // keywords are case-insensitive; attribute names are not (COLOR is absent)
        { expr: 'not color = :f or COLOR = :f', values: f },
      ]),
    ).toEqual(['true', 'false', 'false', 'true', 'true', 'false']);
  });

  it("a malformed condition is a ValidationException with DynamoDB's syntax-error text", async () => {
    expect(
      await conditions([
        { expr: 'price = = :v', values: { ':v': n('1') } },
        { expr: 'price = :v AND', values: { ':v': n('1') } },
        { expr: 'unknown_fn(price)' },
        { expr: 'size(price) AND price = :v', values: { ':v': n('1') } },
        { expr: '' },
        { expr: 'begins_with(color)' },
      ]),
    ).toEqual([
      'Invalid ConditionExpression: Syntax error; token: "=", near: "= = :v"',
      'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"',
      'Invalid ConditionExpression: Invalid function name; function: unknown_fn',
      'Invalid ConditionExpression: Syntax error; token: "AND", near: ") AND price"',
      'Invalid ConditionExpression: The expression can not be empty;',
      'Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1',
    ]);
  });
});

describe(`expression attribute names and values (${NAMES}, ${VALUES})`, () => {
  it('#names substitute in paths; an undefined name or value, or an unused one, is a ValidationException', async () => {
    expect(
      await conditions([
        { expr: '#d.#w = :v', names: { '#d': 'dims', '#w': 'width' }, values: { ':v': n('3') } },
        { expr: '#x = :v', values: { ':v': n('3') } },
        { expr: 'price = :nope', values: { ':v': n('3') } },
        { expr: 'price = :v', values: { ':v': n('10'), ':extra': n('1') } },
        { expr: 'price = :v', names: { '#unused': 'x' }, values: { ':v': n('10') } },
      ]),
    ).toEqual([
      'true',
      'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x',
      'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope',
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}',
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}',
    ]);
  });
});

/** Runs update expressions in order against one item; returns each answer and the item afterwards. */
async function updates(
  start: Record<string, unknown>,
  requests: readonly {
    expr: string;
    values?: Record<string, unknown>;
    names?: Record<string, string>;
    rv?: string;
  }[],
): Promise<{ answers: string[]; returned: unknown[]; item: unknown }> {
  const sim = createSimulation({ seed: 1 });
  sim.table('things', { key: 'pk' });
  const answers: string[] = [];
  const returned: unknown[] = [];
  let item: unknown;
  await withDynamo(sim, async (send) => {
    await send('PutItem', { TableName: 'things', Item: { pk: s('p'), ...start } });
    for (const r of requests) {
      const answer = await send('UpdateItem', {
        TableName: 'things',
        Key: { pk: s('p') },
        UpdateExpression: r.expr,
        ...(r.values === undefined ? {} : { ExpressionAttributeValues: r.values }),
        ...(r.names === undefined ? {} : { ExpressionAttributeNames: r.names }),
        ...(r.rv === undefined ? {} : { ReturnValues: r.rv }),
      });
      answers.push(answer.status === 200 ? 'OK' : String(answer.body.message));
      returned.push(answer.body.Attributes);
    }
    item = (await send('GetItem', { TableName: 'things', Key: { pk: s('p') } })).body.Item;
  });
  return { answers, returned, item };
}

describe(`update expressions (${UPDATES})`, () => {
  it('SET adds or replaces attributes, nested map entries and list elements (past the end appends)', async () => {
    const r = await updates({ m: { M: { a: n('1') } }, l: { L: [n('1')] } }, [
      { expr: 'SET x = :x, m.b = :b, l[0] = :b, l[5] = :x', values: { ':x': s('new'), ':b': n('2') } },
    ]);
    expect(r.answers).toEqual(['OK']);
    expect(r.item).toEqual({
      pk: s('p'),
      x: s('new'),
      m: { M: { a: n('1'), b: n('2') } },
      l: { L: [n('2'), s('new')] },
    });
  });

  it('SET with + and - does Number arithmetic; every operand reads the item as it was before the update', async () => {
    const r = await updates({ a: n('10'), b: n('1') }, [
      { expr: 'SET a = a + :one, b = a - :one', values: { ':one': n('1') } },
      { expr: 'SET a = #b + :s', names: { '#b': 'b' }, values: { ':s': s('x') } },
      { expr: 'SET c = missing + :one', values: { ':one': n('1') } },
    ]);
    expect(r.answers).toEqual([
      'OK',
      'An operand in the update expression has an incorrect data type',
      'The provided expression refers to an attribute that does not exist in the item',
    ]);
    expect(r.item).toEqual({ pk: s('p'), a: n('11'), b: n('9') });
  });

  it('if_not_exists evaluates to the attribute when present, else to the operand', async () => {
    const r = await updates({ a: n('1') }, [
      {
        expr: 'SET a = if_not_exists(a, :z), c = if_not_exists(c, :z) + :one',
        values: { ':z': n('0'), ':one': n('1') },
      },
    ]);
    expect(r.item).toEqual({ pk: s('p'), a: n('1'), c: n('1') });
  });

  it('list_append concatenates lists, in either order', async () => {
    const r = await updates({ l: { L: [s('b')] } }, [
      { expr: 'SET l = list_append(l, :end)', values: { ':end': { L: [s('c')] } } },
      { expr: 'SET l = list_append(:start, l)', values: { ':start': { L: [s('a')] } } },
      { expr: 'SET l = list_append(l, :x)', values: { ':x': s('d') } },
    ]);
    expect(r.answers).toEqual(['OK', 'OK', 'An operand in the update expression has an incorrect data type']);
    expect(r.item).toEqual({ pk: s('p'), l: { L: [s('a'), s('b'), s('c')] } });
  });

  it('REMOVE deletes attributes and list elements (the rest shift down); an absent one is fine', async () => {
    const r = await updates({ a: n('1'), l: { L: [s('x'), s('y'), s('z')] } }, [
      { expr: 'REMOVE a, l[0], l[2], nothing' },
    ]);
    expect(r.answers).toEqual(['OK']);
    expect(r.item).toEqual({ pk: s('p'), l: { L: [s('y')] } });
  });

  it('ADD adds to a number (absent counts as 0) and to a set (union); another type is refused', async () => {
    const r = await updates({ n: n('5'), tags: { SS: ['a'] } }, [
      { expr: 'ADD n :d, fresh :d, tags :t', values: { ':d': n('-2'), ':t': { SS: ['a', 'b'] } } },
      { expr: 'ADD n :s', values: { ':s': s('x') } },
      { expr: 'ADD tags :d', values: { ':d': n('1') } },
    ]);
    expect(r.answers).toEqual([
      'OK',
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING',
      'An operand in the update expression has an incorrect data type',
    ]);
    expect(r.item).toEqual({ pk: s('p'), n: n('3'), fresh: n('-2'), tags: { SS: ['a', 'b'] } });
  });

  it('DELETE removes elements from a set; an emptied set is removed', async () => {
    const r = await updates({ tags: { SS: ['a', 'b'] }, ns: { NS: ['1'] } }, [
      { expr: 'DELETE tags :a, ns :one', values: { ':a': { SS: ['a', 'zz'] }, ':one': { NS: ['1'] } } },
      { expr: 'DELETE tags :n', values: { ':n': n('1') } },
    ]);
    expect(r.answers).toEqual([
      'OK',
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER',
    ]);
    expect(r.item).toEqual({ pk: s('p'), tags: { SS: ['b'] } });
  });

  it('each clause at most once, no overlapping paths, no key attribute, DynamoDB syntax-error text', async () => {
    const r = await updates({}, [
      { expr: 'SET a = :v SET b = :v', values: { ':v': n('1') } },
      { expr: 'SET a = :v REMOVE a', values: { ':v': n('1') } },
      { expr: 'SET m.x = :v, m = :v', values: { ':v': n('1') } },
      { expr: 'SET pk = :v', values: { ':v': s('q') } },
      { expr: 'ADD hits : incr', values: { ':incr': n('1') } },
      { expr: 'set a = :v remove b', values: { ':v': n('1') } },
    ]);
    expect(r.answers).toEqual([
      'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
      'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
      'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m, x], path two: [m]',
      'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key',
      'Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr"',
      'OK',
    ]);
  });

  it(`ReturnValues NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW (${API}/API_UpdateItem.html)`, async () => {
    const v = { ':one': n('1') };
    const r = await updates({ a: n('1'), b: n('5') }, [
      { expr: 'SET a = a + :one', values: v, rv: 'NONE' },
      { expr: 'SET a = a + :one', values: v, rv: 'ALL_OLD' },
      { expr: 'SET a = a + :one', values: v, rv: 'UPDATED_OLD' },
      { expr: 'SET a = a + :one', values: v, rv: 'ALL_NEW' },
      { expr: 'SET a = a + :one', values: v, rv: 'UPDATED_NEW' },
    ]);
    expect(r.returned).toEqual([
      undefined,
      { pk: s('p'), a: n('2'), b: n('5') },
      { a: n('3') },
      { pk: s('p'), a: n('5'), b: n('5') },
      { a: n('6') },
    ]);
  });
});

/** A table `orders` keyed by customer (pk) and a numeric sort key (sk), with 5 items. */
async function withOrders(body: (send: Send) => Promise<void>): Promise<void> {
  const sim = createSimulation({ seed: 1 });
  sim.table('orders', { key: 'customer', sortKey: 'sk' });
  await withDynamo(sim, async (send) => {
    for (const sk of [3, 1, 10, 2, 20])
      await send('PutItem', {
        TableName: 'orders',
        Item: { customer: s('c-1'), sk: n(String(sk)), kind: s(sk % 2 ? 'odd' : 'even') },
      });
    await send('PutItem', { TableName: 'orders', Item: { customer: s('c-2'), sk: n('1') } });
    await body(send);
  });
}

const sks = (a: Answer) => (a.body.Items as { sk: { N: string } }[]).map((i) => Number(i.sk.N));

describe(`key condition expressions (${KEY_CONDITIONS})`, () => {
  it('partition key equality, then sort-key =, <, <=, >, >=, BETWEEN; items in sort-key order', async () => {
    const got: number[][] = [];
    await withOrders(async (send) => {
      const q = (expr: string, values: Record<string, unknown>) =>
        send('Query', {
          TableName: 'orders',
          KeyConditionExpression: expr,
          ExpressionAttributeValues: { ':c': s('c-1'), ...values },
        });
      got.push(sks(await q('customer = :c', {})));
      got.push(sks(await q('customer = :c AND sk = :v', { ':v': n('3') })));
      got.push(sks(await q('customer = :c AND sk < :v', { ':v': n('3') })));
      got.push(sks(await q('customer = :c AND sk <= :v', { ':v': n('3') })));
      got.push(sks(await q('sk > :v AND customer = :c', { ':v': n('3') })));
      got.push(sks(await q('customer = :c AND sk >= :v', { ':v': n('10') })));
      got.push(sks(await q('customer = :c AND sk BETWEEN :a AND :b', { ':a': n('2'), ':b': n('10') })));
    });
    expect(got).toEqual([[1, 2, 3, 10, 20], [3], [1, 2], [1, 2, 3], [10, 20], [10, 20], [2, 3, 10]]);
  });

  it('begins_with on a string sort key', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('events', { key: 'pk', sortKey: 'sk' });
    let items: unknown;
    await withDynamo(sim, async (send) => {
      for (const sk of ['ORDER#2', 'ORDER#1', 'PAYMENT#1'])
        await send('PutItem', { TableName: 'events', Item: { pk: s('u'), sk: s(sk) } });
      const a = await send('Query', {
        TableName: 'events',
        KeyConditionExpression: 'pk = :u AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':u': s('u'), ':p': s('ORDER#') },
      });
      items = a.body.Items;
    });
    expect(items).toEqual([
      { pk: s('u'), sk: s('ORDER#1') },
      { pk: s('u'), sk: s('ORDER#2') },
    ]);
  });

  it('a key condition without the partition key, or with OR, <> or a non-key attribute, is refused', async () => {
    const messages: unknown[] = [];
    await withOrders(async (send) => {
      for (const expr of [
        'sk = :v',
        'customer = :c OR sk = :v',
        'customer = :c AND sk <> :v',
        'customer = :c AND kind = :v',
      ])
        messages.push(
          (
            await send('Query', {
              TableName: 'orders',
              KeyConditionExpression: expr,
              ExpressionAttributeValues: { ...(expr.includes(':c') ? { ':c': s('c-1') } : {}), ':v': n('1') },
            })
          ).body.message,
        );
    });
    expect(messages).toEqual([
      'Query condition missed key schema element: customer',
      'Invalid operator used in KeyConditionExpression: Query key condition not supported',
      'Invalid operator used in KeyConditionExpression: Query key condition not supported',
      'Query condition missed key schema element: sk',
    ]);
  });

  it(`Limit, LastEvaluatedKey / ExclusiveStartKey pagination and ScanIndexForward (${PAGINATION})`, async () => {
    const pages: number[][] = [];
    const backwards: number[][] = [];
    await withOrders(async (send) => {
      let start: unknown;
      do {
        const a = await send('Query', {
          TableName: 'orders',
          KeyConditionExpression: 'customer = :c',
          ExpressionAttributeValues: { ':c': s('c-1') },
          Limit: 2,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        });
        pages.push(sks(a));
        start = a.body.LastEvaluatedKey;
      } while (start !== undefined);
      const b = await send('Query', {
        TableName: 'orders',
        KeyConditionExpression: 'customer = :c',
        ExpressionAttributeValues: { ':c': s('c-1') },
        ScanIndexForward: false,
        Limit: 3,
      });
      backwards.push(sks(b));
      expect(b.body.LastEvaluatedKey).toEqual({ customer: s('c-1'), sk: n('3') });
    });
    expect(pages).toEqual([[1, 2], [3, 10], [20]]);
    expect(backwards).toEqual([[20, 10, 3]]);
  });

  it('FilterExpression applies after Limit: Count and ScannedCount differ', async () => {
    let answer: Answer | undefined;
    await withOrders(async (send) => {
      answer = await send('Query', {
        TableName: 'orders',
        KeyConditionExpression: 'customer = :c',
        FilterExpression: 'kind = :k',
        ExpressionAttributeValues: { ':c': s('c-1'), ':k': s('odd') },
        Limit: 4,
      });
    });
    expect(sks(answer!)).toEqual([1, 3]);
    expect(answer!.body).toMatchObject({ Count: 2, ScannedCount: 4 });
  });
});

describe(`projection expressions (${PROJECTIONS})`, () => {
  it('GetItem returns only the projected top-level and nested attributes', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('things', { key: 'pk' });
    let item: unknown;
    await withDynamo(sim, async (send) => {
      await send('PutItem', { TableName: 'things', Item: ITEM });
      item = (
        await send('GetItem', {
          TableName: 'things',
          Key: { pk: ITEM.pk },
          ProjectionExpression: 'price, dims.depth, parts[1], #n',
          ExpressionAttributeNames: { '#n': 'name' },
        })
      ).body.Item;
    });
    expect(item).toEqual({
      price: n('10'),
      dims: { M: { depth: { M: { cm: n('4') } } } },
      parts: { L: [n('7')] },
      name: s('Widget'),
    });
  });
});

describe(`TransactWriteItems (${API}/API_TransactWriteItems.html)`, () => {
  it('all or nothing: one failed condition cancels every action, with a reason per action in order', async () => {
    const sim = createSimulation({ seed: 1 });
    const accounts = sim.table('accounts', { key: 'id' });
    const ledger = sim.table('ledger', { key: 'id' });
    accounts.seed([
      { id: 'a', balance: 5 },
      { id: 'b', balance: 0 },
    ]);
    const answers: Answer[] = [];
    const transfer = (amount: string) => ({
      TransactItems: [
        {
          Update: {
            TableName: 'accounts',
            Key: { id: s('a') },
            UpdateExpression: 'SET balance = balance - :x',
            ConditionExpression: 'balance >= :x',
            ExpressionAttributeValues: { ':x': n(amount) },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Update: {
            TableName: 'accounts',
            Key: { id: s('b') },
            UpdateExpression: 'ADD balance :x',
            ExpressionAttributeValues: { ':x': n(amount) },
          },
        },
        {
          Put: {
            TableName: 'ledger',
            Item: { id: s(`t-${amount}`) },
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
        {
          ConditionCheck: {
            TableName: 'accounts',
            Key: { id: s('frozen') },
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
      ],
    });
    await withDynamo(sim, async (send) => {
      answers.push(await send('TransactWriteItems', transfer('3')));
      answers.push(await send('TransactWriteItems', transfer('3')));
    });
    expect(answers[0]!.body).toEqual({});
    expect(answers[1]!.status).toBe(400);
    expect(answers[1]!.body).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      message:
        'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, ConditionalCheckFailed, None]',
      CancellationReasons: [
        {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          Item: { id: s('a'), balance: n('2') },
        },
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        { Code: 'None' },
      ],
    });
    expect(accounts.snapshot()).toEqual([
      { id: 'a', balance: 2 },
      { id: 'b', balance: 3 },
    ]);
    expect(ledger.snapshot()).toEqual([{ id: 't-3' }]);
  });

  it('two actions on one item are refused', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('accounts', { key: 'id' });
    let answer: Answer | undefined;
    await withDynamo(sim, async (send) => {
      answer = await send('TransactWriteItems', {
        TransactItems: [
          { Put: { TableName: 'accounts', Item: { id: s('a') } } },
          { Delete: { TableName: 'accounts', Key: { id: s('a') } } },
        ],
      });
    });
    expect(answer!.body.message).toBe('Transaction request cannot include multiple operations on one item');
  });
});

describe(`batch operations (${API}/API_BatchWriteItem.html, ${API}/API_BatchGetItem.html)`, () => {
  it('BatchWriteItem puts and deletes across tables; BatchGetItem reads what exists', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('a-table', { key: 'id' }).seed([{ id: 'gone' }]);
    sim.table('b-table', { key: 'id' });
    let got: Answer | undefined;
    let wrote: Answer | undefined;
    await withDynamo(sim, async (send) => {
      wrote = await send('BatchWriteItem', {
        RequestItems: {
          'a-table': [
            { PutRequest: { Item: { id: s('1'), v: n('1') } } },
            { DeleteRequest: { Key: { id: s('gone') } } },
          ],
          'b-table': [{ PutRequest: { Item: { id: s('2') } } }],
        },
      });
      got = await send('BatchGetItem', {
        RequestItems: {
          'a-table': { Keys: [{ id: s('1') }, { id: s('gone') }], ProjectionExpression: 'v' },
          'b-table': { Keys: [{ id: s('2') }] },
        },
      });
    });
    expect(wrote!.body).toEqual({ UnprocessedItems: {} });
    expect(got!.body).toEqual({
      Responses: { 'a-table': [{ v: n('1') }], 'b-table': [{ id: s('2') }] },
      UnprocessedKeys: {},
    });
  });
});

describe('item and number limits', () => {
  it(`an item over 400 KB is refused (${DOCS}/ServiceQuotas.html)`, async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('things', { key: 'pk' });
    const answers: Answer[] = [];
    await withDynamo(sim, async (send) => {
      answers.push(
        await send('PutItem', { TableName: 'things', Item: { pk: s('p'), big: s('x'.repeat(400 * 1024)) } }),
      );
      answers.push(
        await send('PutItem', {
          TableName: 'things',
          Item: { pk: s('p'), big: s('x'.repeat(400 * 1024 - 10)) },
        }),
      );
      answers.push(
        await send('UpdateItem', {
          TableName: 'things',
          Key: { pk: s('p') },
          UpdateExpression: 'SET more = :m',
          ExpressionAttributeValues: { ':m': s('x'.repeat(100)) },
        }),
      );
    });
    expect(answers.map((a) => a.body.message ?? 'OK')).toEqual([
      'Item size has exceeded the maximum allowed size',
      'OK',
      'Item size to update has exceeded the maximum allowed size',
    ]);
  });

  it(`numbers: up to 38 significant digits, returned without exponent; no exact double is refused (${DOCS}/HowItWorks.NamingRulesDataTypes.html)`, async () => {
    const sim = createSimulation({ seed: 1 });
    const things = sim.table('things', { key: 'pk' });
    const answers: Answer[] = [];
    await withDynamo(sim, async (send) => {
      const put = (x: string) => send('PutItem', { TableName: 'things', Item: { pk: s(x), v: n(x) } });
      answers.push(await put('1e21'));
      answers.push(await put('0.000001250'));
      answers.push(await put('1'.repeat(39)));
      answers.push(await put('12345678901234567890'));
      answers.push(await put('1e126'));
      answers.push(await put('abc'));
      answers.push(await send('GetItem', { TableName: 'things', Key: { pk: s('1e21') } }));
    });
    expect(answers.map((a) => a.body.message ?? 'OK')).toEqual([
      'OK',
      'OK',
      'Attempting to store more than 38 significant digits in a Number',
      'lambdasim stores numbers as JavaScript numbers (shared with sim.table): 12345678901234567890 has no exact double value; use at most 15 significant digits',
      'Number overflow. Attempting to store a number with magnitude larger than supported range',
      'The parameter cannot be converted to a numeric value: abc',
      'OK',
    ]);
    expect(answers[6]!.body.Item).toEqual({ pk: s('1e21'), v: n('1000000000000000000000') });
    expect(things.peek('0.000001250')).toEqual({ pk: '0.000001250', v: 0.00000125 });
  });
});

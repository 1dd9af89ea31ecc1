/**
 * Real handlers, part 1 (issue 12): a handler with a module-scope `DynamoDBClient` and
 * `DynamoDBDocumentClient` from the published @aws-sdk/client-dynamodb and @aws-sdk/lib-dynamodb
 * runs unchanged; its calls are answered by the simulated tables (the `sim.table` store) in
 * virtual time, with the SDK's own retries and exception classes.
 */
import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { createSimulation, type Fault, type InvokeResponse } from '../../../src/index.js';

// Module scope, as production handlers create them (outside any simulation).
const client = new DynamoDBClient({});
const ddb = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

function payloadOf(response: InvokeResponse): unknown {
  if (response.kind !== 'ok') throw new Error(`invoke failed: ${JSON.stringify(response)}`);
  return JSON.parse(response.payload) as unknown;
}

/** Runs `body` as the handler of one invocation against tables `orders` (orderId) and `events` (pk, sk). */
async function runHandler(body: () => Promise<unknown>, faults: readonly Fault[] = [], seed = 1) {
  const sim = createSimulation({ seed, faults });
  const orders = sim.table<Record<string, unknown>>('orders', { key: 'orderId', latencyMs: 10 });
  const events = sim.table<Record<string, unknown>>('events', { key: 'pk', sortKey: 'sk' });
  const fn = sim.fn('Checkout', () => body, { timeoutS: 60 });
  const response = sim.invoke(fn, {});
  const result = await sim.run();
  return { sim, orders, events, result, payload: payloadOf(await response) };
}

describe('DynamoDB through the real @aws-sdk/client-dynamodb and lib-dynamodb', () => {
  it('a conditional Put lands in the simulated table and the trace; a second one fails with the SDK class', async () => {
    const { orders, result, payload } = await runHandler(async () => {
      const item = { orderId: 'o-1', status: 'NEW', amount: 12.5, tags: new Set(['a', 'b']) };
      await ddb.send(
        new PutCommand({
          TableName: 'orders',
          Item: item,
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      );
      try {
        await ddb.send(
          new PutCommand({
            TableName: 'orders',
            Item: { ...item, status: 'DUP' },
            ConditionExpression: 'attribute_not_exists(orderId)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'second put succeeded';
      } catch (error) {
        return {
          sdkClass: error instanceof ConditionalCheckFailedException,
          service: error instanceof DynamoDBServiceException,
          name: (error as Error).name,
          status: (error as DynamoDBServiceException).$metadata.httpStatusCode,
          old: (error as ConditionalCheckFailedException).Item?.status,
        };
      }
    });
    expect(result.determinismErrors).toEqual([]);
    expect(payload).toEqual({
      sdkClass: true,
      service: true,
      name: 'ConditionalCheckFailedException',
      status: 400,
      old: { S: 'NEW' },
    });
    expect(orders.peek('o-1')).toEqual({
      orderId: 'o-1',
      status: 'NEW',
      amount: 12.5,
      tags: new Set(['a', 'b']),
    });
    const calls = result.trace.filter((e) => e.kind === 'call.sent' && e.service === 'orders');
    expect(calls.map((e) => ('op' in e ? e.op : ''))).toEqual(['PutItem', 'PutItem']);
  });

  it('Get, Update (SET, ADD, if_not_exists, ReturnValues) and Delete; numbers, sets and binary round-trip', async () => {
    const { orders, result, payload } = await runHandler(async () => {
      await ddb.send(
        new PutCommand({
          TableName: 'orders',
          Item: {
            orderId: 'o-1',
            amount: 10,
            big: 2 ** 53 - 1,
            neg: -0.125,
            blob: new Uint8Array([0, 1, 255]),
            ids: new Set([1, 2]),
            nested: { list: [1, 'two', null, true], map: { deep: 'yes' } },
          },
        }),
      );
      const updated = await ddb.send(
        new UpdateCommand({
          TableName: 'orders',
          Key: { orderId: 'o-1' },
          UpdateExpression:
            'SET #s = :paid, amount = amount + :ten, tries = if_not_exists(tries, :zero) + :one ADD ids :three, visits :one REMOVE neg',
          ConditionExpression: 'amount < :hundred',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':paid': 'PAID',
            ':ten': 10,
            ':zero': 0,
            ':one': 1,
            ':three': new Set([3]),
            ':hundred': 100,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const got = await ddb.send(
        new GetCommand({ TableName: 'orders', Key: { orderId: 'o-1' }, ConsistentRead: true }),
      );
      const item = got.Item!;
      const deleted = await ddb.send(
        new DeleteCommand({ TableName: 'orders', Key: { orderId: 'o-1' }, ReturnValues: 'ALL_OLD' }),
      );
      const gone = await ddb.send(new GetCommand({ TableName: 'orders', Key: { orderId: 'o-1' } }));
      return {
        updated: { ...updated.Attributes, ids: [...(updated.Attributes!.ids as Set<number>)] },
        amount: item.amount,
        big: item.big,
        blob: [...(item.blob as Uint8Array)],
        blobIsBytes: item.blob instanceof Uint8Array,
        ids: [...(item.ids as Set<number>)].sort(),
        nested: item.nested,
        neg: item.neg ?? 'removed',
        deletedStatus: deleted.Attributes?.status,
        gone: gone.Item === undefined,
      };
    });
    expect(result.determinismErrors).toEqual([]);
    expect(payload).toEqual({
      updated: { status: 'PAID', amount: 20, tries: 1, ids: [1, 2, 3], visits: 1 },
      amount: 20,
      big: 2 ** 53 - 1,
      blob: [0, 1, 255],
      blobIsBytes: true,
      ids: [1, 2, 3],
      nested: { list: [1, 'two', null, true], map: { deep: 'yes' } },
      neg: 'removed',
      deletedStatus: 'PAID',
      gone: true,
    });
    expect(orders.snapshot()).toEqual([]);
  });

  it('Query with a sort-key condition, paginated by paginateQuery; BatchWrite and BatchGet', async () => {
    const { events, result, payload } = await runHandler(async () => {
      const puts = Array.from({ length: 7 }, (_, i) => ({
        PutRequest: { Item: { pk: 'u-1', sk: `e#${String(i).padStart(2, '0')}`, n: i } },
      }));
      const written = await ddb.send(
        new BatchWriteCommand({
          RequestItems: {
            events: [...puts, { PutRequest: { Item: { pk: 'u-2', sk: 'e#00', n: 99 } } }],
          },
        }),
      );
      await ddb.send(
        new BatchWriteCommand({
          RequestItems: { events: [{ DeleteRequest: { Key: { pk: 'u-1', sk: 'e#06' } } }] },
        }),
      );
      const pages: number[][] = [];
      for await (const page of paginateQuery(
        { client: ddb, pageSize: 2 },
        {
          TableName: 'events',
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: 'n <> :three',
          ExpressionAttributeValues: { ':pk': 'u-1', ':prefix': 'e#', ':three': 3 },
          ScanIndexForward: false,
        },
      ))
        pages.push((page.Items ?? []).map((item) => item.n as number));
      const between = await ddb.send(
        new BatchGetCommand({
          RequestItems: {
            events: {
              Keys: [
                { pk: 'u-1', sk: 'e#01' },
                { pk: 'u-2', sk: 'e#00' },
                { pk: 'u-9', sk: 'none' },
              ],
              ProjectionExpression: 'n',
            },
          },
        }),
      );
      return {
        unprocessed: written.UnprocessedItems,
        pages,
        batchGet: (between.Responses?.events ?? []).map((item) => item.n as number).sort(),
      };
    });
    expect(result.determinismErrors).toEqual([]);
    expect(payload).toEqual({
      unprocessed: {},
      // 6 items, newest first, 2 per page (the filter runs after Limit, so one page holds one)
      pages: [[5, 4], [2], [1, 0], []],
      batchGet: [1, 99],
    });
    expect(events.snapshot()).toHaveLength(7);
    expect(events.peek({ pk: 'u-2', sk: 'e#00' })).toEqual({ pk: 'u-2', sk: 'e#00', n: 99 });
  });

  it('TransactWrite is all or nothing; a failed condition is a TransactionCanceledException with reasons', async () => {
    const { orders, events, result, payload } = await runHandler(async () => {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: 'orders', Item: { orderId: 'o-1', status: 'NEW', stock: 1 } } },
            { Put: { TableName: 'events', Item: { pk: 'o-1', sk: 'created' } } },
          ],
        }),
      );
      try {
        await ddb.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: 'events', Item: { pk: 'o-1', sk: 'paid' } } },
              {
                Update: {
                  TableName: 'orders',
                  Key: { orderId: 'o-1' },
                  UpdateExpression: 'SET stock = stock - :one',
                  ConditionExpression: 'stock >= :two',
                  ExpressionAttributeValues: { ':one': 1, ':two': 2 },
                },
              },
            ],
          }),
        );
        return 'committed';
      } catch (error) {
        return {
          sdkClass: error instanceof TransactionCanceledException,
          reasons: (error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code),
        };
      }
    });
    expect(result.determinismErrors).toEqual([]);
    expect(payload).toEqual({ sdkClass: true, reasons: ['None', 'ConditionalCheckFailed'] });
    expect(orders.peek('o-1')).toEqual({ orderId: 'o-1', status: 'NEW', stock: 1 });
    expect(events.snapshot()).toEqual([{ pk: 'o-1', sk: 'created' }]); // the 'paid' Put did not land
  });
});

describe('a table or operation the simulation lacks', () => {
  it('a PutItem on a missing table fails the invocation at once, naming the tables, as a determinism error at the handler line', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('payments', { key: 'id', latencyMs: 10 });
    const fn = sim.fn('Checkout', () => async () => {
      await ddb.send(new PutCommand({ TableName: 'orders', Item: { orderId: 'o-1' } })); // the line named
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    const invoked = await response;
    expect(invoked.kind).toBe('functionError');
    expect(JSON.stringify(invoked)).toContain('UnroutedRequestError');
    expect(result.determinismErrors.map((e) => e.message)).toEqual([
      expect.stringContaining(
        'DynamoDB PutItem on table "orders": no table "orders" in this simulation (tables: payments)',
      ),
    ]);
    // The site is the handler's own line (the stack is taken only when the request fails to route).
    const line = /^test\/e2e\/realHandler\/dynamoDbSdk\.test\.ts:(\d+):\d+$/.exec(
      result.determinismErrors[0]!.site,
    )?.[1];
    const source = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
    expect(source[Number(line) - 1]).toContain('// the line named');
    // At once: no call was made, no virtual time passed.
    expect(result.trace.some((e) => e.kind === 'call.sent')).toBe(false);
  });

  it('an operation lambdasim does not serve names it and lists the supported ones', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('orders', { key: 'orderId' });
    const fn = sim.fn('Admin', () => async () => {
      await client.send(new DescribeTableCommand({ TableName: 'orders' }));
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect((await response).kind).toBe('functionError');
    expect(result.determinismErrors.map((e) => e.message)).toEqual([
      expect.stringContaining(
        'DynamoDB DescribeTable: not simulated by lambdasim (DynamoDB operations simulated: GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan, BatchGetItem, BatchWriteItem, TransactWriteItems)',
      ),
    ]);
  });
  it('a Query on a secondary index fails the invocation with a determinism error, even if the handler swallows it', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('orders', { key: 'orderId' });
    const fn = sim.fn('Report', () => async () => {
      const out = await ddb
        .send(
          new QueryCommand({
            TableName: 'orders',
            IndexName: 'byStatus',
            KeyConditionExpression: '#s = :s',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':s': 'NEW' },
          }),
        )
        .catch(() => ({ Items: [] })); // swallowed: the run must still say so
      return out.Items?.length;
    });
    void sim.invoke(fn, {});
    const result = await sim.run();
    expect(result.determinismErrors.map((e) => e.message)).toEqual([
      expect.stringContaining(
        'DynamoDB Query on table "orders": lambdasim does not simulate secondary indexes (GSIs, LSIs): IndexName "byStatus"',
      ),
    ]);
  });
});

describe('endpoints', () => {
  it('an account-based endpoint (<account>.ddb.<region>.amazonaws.com) is routed by its signing name', async () => {
    const withAccount = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        accountIdEndpointMode: 'required',
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret', accountId: '123456789012' },
      }),
    );
    const hosts: string[] = [];
    withAccount.middlewareStack.add(
      (next) => async (args) => {
        hosts.push((args.request as { hostname: string }).hostname);
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
    const { orders, result } = await runHandler(async () => {
      await withAccount.send(new PutCommand({ TableName: 'orders', Item: { orderId: 'o-acct' } }));
    });
    expect(hosts).toEqual(['123456789012.ddb.us-east-1.amazonaws.com']);
    expect(orders.peek('o-acct')).toEqual({ orderId: 'o-acct' });
    expect(result.determinismErrors).toEqual([]);
  });
});

describe('faults reach DynamoDB SDK calls', () => {
  const putOnce = () => async () => {
    const started = Date.now();
    try {
      const out = await ddb.send(new PutCommand({ TableName: 'orders', Item: { orderId: 'o-1' } }));
      return { ok: true, attempts: out.$metadata.attempts, tookMs: Date.now() - started };
    } catch (error) {
      return {
        ok: false,
        name: (error as Error).name,
        sdkClass: error instanceof DynamoDBServiceException,
        attempts: (error as DynamoDBServiceException).$metadata?.attempts,
      };
    }
  };

  it('a throttle (ProvisionedThroughputExceededException, ThrottlingException) is retried transparently and visible in the trace', async () => {
    for (const errorName of ['ProvisionedThroughputExceededException', 'ThrottlingException']) {
      const { orders, result, payload } = await runHandler(putOnce(), [
        { kind: 'callError', service: 'orders', call: 1, errorName },
      ]);
      expect(payload).toMatchObject({ ok: true, attempts: 2 });
      expect((payload as { tookMs: number }).tookMs).toBeGreaterThan(20); // two 10 ms calls + backoff
      expect(orders.peek('o-1')).toEqual({ orderId: 'o-1' });
      const injected = result.trace.filter((e) => e.kind === 'fault.injected');
      expect(injected).toHaveLength(1);
      expect(result.trace.filter((e) => e.kind === 'call.sent' && e.service === 'orders')).toHaveLength(2);
      expect(result.determinismErrors).toEqual([]);
    }
  });

  it("exhausted retries give the SDK's own exception", async () => {
    // The DynamoDB client of this SDK makes 4 attempts by default (its config's maxAttempts default).
    const { payload, orders } = await runHandler(
      putOnce(),
      [1, 2, 3, 4].map(
        (call) => ({ kind: 'callError', service: 'orders', call, errorName: 'ThrottlingException' }) as const,
      ),
    );
    expect(payload).toEqual({ ok: false, name: 'ThrottlingException', sdkClass: true, attempts: 4 });
    expect(orders.snapshot()).toEqual([]);
  });

  it('callTimeout: the socket timeout fires in virtual time; landed or not decides what the retry finds', async () => {
    const patient = DynamoDBDocumentClient.from(
      new DynamoDBClient({ requestHandler: new NodeHttpHandler({ socketTimeout: 1_000 }) }),
    );
    const conditionalPut = () => async () => {
      const started = Date.now();
      try {
        await patient.send(
          new PutCommand({
            TableName: 'orders',
            Item: { orderId: 'o-1' },
            ConditionExpression: 'attribute_not_exists(orderId)',
          }),
        );
        return { ok: true, tookMs: Date.now() - started };
      } catch (error) {
        return { ok: false, name: (error as Error).name, tookMs: Date.now() - started };
      }
    };
    const lost = await runHandler(conditionalPut(), [
      { kind: 'callTimeout', service: 'orders', call: 1, landed: false },
    ]);
    expect(lost.payload).toMatchObject({ ok: true });
    expect((lost.payload as { tookMs: number }).tookMs).toBeGreaterThanOrEqual(1_000);
    expect(lost.orders.peek('o-1')).toEqual({ orderId: 'o-1' });
    // Landed: the first attempt wrote the item, so the SDK's retry fails its own condition.
    const landed = await runHandler(conditionalPut(), [
      { kind: 'callTimeout', service: 'orders', call: 1, landed: true },
    ]);
    expect(landed.payload).toMatchObject({ ok: false, name: 'ConditionalCheckFailedException' });
    expect(landed.orders.peek('o-1')).toEqual({ orderId: 'o-1' });
    expect(landed.result.determinismErrors).toEqual([]);
  });

  it('crashAfterCalls counts SDK calls: the crash comes after the second call landed', async () => {
    const sim = createSimulation({
      seed: 1,
      faults: [{ kind: 'crashAfterCalls', fn: 'Checkout', invocation: 1, calls: 2 }],
    });
    const orders = sim.table<Record<string, unknown>>('orders', { key: 'orderId' });
    const fn = sim.fn('Checkout', () => async () => {
      await ddb.send(new PutCommand({ TableName: 'orders', Item: { orderId: 'o-1' } }));
      await ddb.send(new PutCommand({ TableName: 'orders', Item: { orderId: 'o-2' } }));
      await ddb.send(new PutCommand({ TableName: 'orders', Item: { orderId: 'o-3' } }));
      return 'done';
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect((await response).kind).toBe('functionError');
    expect(orders.snapshot().map((o) => o.orderId)).toEqual(['o-1', 'o-2']);
    expect(result.determinismErrors).toEqual([]);
  });

  it('same seed, same faults: the same trace hash', async () => {
    const plan: Fault[] = [
      { kind: 'callError', service: 'orders', call: 1, errorName: 'ThrottlingException' },
    ];
    const a = await runHandler(putOnce(), plan, 7);
    const b = await runHandler(putOnce(), plan, 7);
    expect(a.result.traceHash).toBe(b.result.traceHash);
    expect(a.payload).toEqual(b.payload);
  });
});

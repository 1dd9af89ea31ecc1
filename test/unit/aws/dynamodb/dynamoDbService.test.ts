import { describe, expect, it } from 'vitest';
import { createSimulation, type TraceEvent, UnroutedRequestError } from '../../../../src/index.js';
import { dynamoDbErrorResponse, dynamoDbFaultType } from '../../../../src/aws/dynamodb/DynamoDbError.js';
import { dynamoDbService } from '../../../../src/aws/dynamodb/dynamoDbService.js';
import { type Answer, dynamoRequest, outcome, resourcesOf, withDynamo } from './serve.js';

const EPOCH_S = 1_767_225_600; // the default startEpochMs / 1000

describe('DynamoDB door: one table, two doors', () => {
  it('a PutItem through the protocol door is what sim.table reads, and the reverse', async () => {
    const sim = createSimulation({ seed: 1 });
    const orders = sim.table<{ orderId: string; status: string; amount?: number }>('orders', {
      key: 'orderId',
    });
    orders.seed([{ orderId: 'o-typed', status: 'NEW', amount: 5 }]);
    let got: Answer | undefined;
    await withDynamo(sim, async (send) => {
      const put = await send('PutItem', {
        TableName: 'orders',
        Item: {
          orderId: { S: 'o-wire' },
          status: { S: 'PAID' },
          amount: { N: '12.50' },
          tags: { SS: ['a', 'b'] },
        },
      });
      expect(put).toMatchObject({ status: 200, body: {} });
      got = await send('GetItem', { TableName: 'orders', Key: { orderId: { S: 'o-typed' } } });
    });
    expect(got!.body).toEqual({
      Item: { orderId: { S: 'o-typed' }, status: { S: 'NEW' }, amount: { N: '5' } },
    });
    expect(orders.peek('o-wire')).toEqual({
      orderId: 'o-wire',
      status: 'PAID',
      amount: 12.5,
      tags: new Set(['a', 'b']),
    });
  });

  it('a call is attributed to the table with the operation name, and takes the table latency', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('orders', { key: 'orderId', latencyMs: 20 });
    const times: number[] = [];
    const result = await withDynamo(sim, async (send) => {
      await send('PutItem', { TableName: 'orders', Item: { orderId: { S: 'o-1' } } });
      times.push(sim.nowMs);
    });
    const calls = (result.trace as readonly TraceEvent[]).filter(
      (e) => e.kind === 'call.sent' || e.kind === 'call.returned',
    );
    expect(calls.map((e) => [e.kind, 'service' in e ? e.service : '', 'op' in e ? e.op : ''])).toEqual([
      ['call.sent', 'orders', 'PutItem'],
      ['call.returned', 'orders', 'PutItem'],
    ]);
    expect(times).toEqual([20]);
  });

  it('TTL: an expired item is invisible to GetItem, Query and Scan, and a condition sees it as absent', async () => {
    const sim = createSimulation({ seed: 1 });
    const sessions = sim.table('sessions', { key: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' });
    sessions.seed([
      { pk: 'u', sk: 1, expiresAt: EPOCH_S - 1 },
      { pk: 'u', sk: 2, expiresAt: EPOCH_S + 3600 },
    ]);
    const answers: Answer[] = [];
    await withDynamo(sim, async (send) => {
      answers.push(await send('GetItem', { TableName: 'sessions', Key: { pk: { S: 'u' }, sk: { N: '1' } } }));
      answers.push(
        await send('Query', {
          TableName: 'sessions',
          KeyConditionExpression: 'pk = :u',
          ExpressionAttributeValues: { ':u': { S: 'u' } },
        }),
      );
      answers.push(await send('Scan', { TableName: 'sessions', Select: 'COUNT' }));
      answers.push(
        await send('PutItem', {
          TableName: 'sessions',
          Item: { pk: { S: 'u' }, sk: { N: '1' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    });
    expect(answers[0]!.body).toEqual({});
    expect((answers[1]!.body.Items as unknown[]).length).toBe(1);
    expect(answers[2]!.body).toEqual({ Count: 1, ScannedCount: 1 });
    expect(outcome(answers[3]!)).toBe('OK');
  });
});

describe('DynamoDB door: wire errors', () => {
  it('ConditionalCheckFailedException in the SDK-parsed shape, with the old item on ALL_OLD', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('orders', { key: 'orderId' }).seed([{ orderId: 'o-1', status: 'NEW' }]);
    let failed: Answer | undefined;
    await withDynamo(sim, async (send) => {
      failed = await send('PutItem', {
        TableName: 'orders',
        Item: { orderId: { S: 'o-1' } },
        ConditionExpression: 'attribute_not_exists(orderId)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    });
    expect(failed).toEqual({
      status: 400,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-errortype': 'ConditionalCheckFailedException',
        'x-amzn-requestid': 'lambdasim-1',
      },
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
        Item: { orderId: { S: 'o-1' }, status: { S: 'NEW' } },
      },
    });
  });

  it('a table the simulation lacks: an UnroutedRequestError at once, naming the tables it has (not a DynamoDB answer)', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('payments', { key: 'id' });
    const empty = createSimulation({ seed: 1 });
    let thrown: unknown;
    let none: unknown;
    await withDynamo(sim, async (send) => {
      thrown = await send('PutItem', { TableName: 'orders', Item: { id: { S: '1' } } }).catch(
        (e: unknown) => e,
      );
      expect(sim.nowMs).toBe(0);
    });
    await withDynamo(empty, async (send) => {
      none = await send('GetItem', { TableName: 'orders', Key: { id: { S: '1' } } }).catch((e: unknown) => e);
    });
    expect(thrown).toBeInstanceOf(UnroutedRequestError);
    expect((thrown as Error).message).toBe(
      'DynamoDB PutItem on table "orders": no table "orders" in this simulation (tables: payments)',
    );
    expect((none as Error).message).toBe(
      'DynamoDB GetItem on table "orders": no table "orders" in this simulation (no tables)',
    );
  });

  it('an unsupported operation is an UnroutedRequestError listing the supported ones; a body that is not JSON is a SerializationException', async () => {
    const sim = createSimulation({ seed: 1 });
    const resources = resourcesOf(sim);
    const unknown = dynamoDbService.serve(dynamoRequest('CreateTable', {}), resources);
    await expect(unknown).rejects.toThrow(UnroutedRequestError);
    await expect(unknown).rejects.toThrow(
      'DynamoDB CreateTable: not simulated by lambdasim (DynamoDB operations simulated: GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan, BatchGetItem, BatchWriteItem, TransactWriteItems)',
    );
    const garbled = await dynamoDbService.serve(dynamoRequest('GetItem', '{not json'), resources);
    expect(garbled.headers['x-amzn-errortype']).toBe('SerializationException');
  });

  it('a feature lambdasim does not simulate (a secondary index, a parallel scan, a legacy parameter) is an UnroutedRequestError naming operation and table', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('orders', { key: 'orderId' });
    const resources = resourcesOf(sim);
    const refused = async (operation: string, body: unknown) => {
      const error = await dynamoDbService
        .serve(dynamoRequest(operation, body), resources)
        .then(() => undefined)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnroutedRequestError);
      return (error as Error).message;
    };
    expect(
      await refused('Query', {
        TableName: 'orders',
        IndexName: 'byStatus',
        KeyConditionExpression: 'orderId = :o',
        ExpressionAttributeValues: { ':o': { S: 'o-1' } },
      }),
    ).toBe(
      'DynamoDB Query on table "orders": lambdasim does not simulate secondary indexes (GSIs, LSIs): IndexName "byStatus"',
    );
    expect(await refused('Scan', { TableName: 'orders', TotalSegments: 4, Segment: 0 })).toBe(
      'DynamoDB Scan on table "orders": lambdasim does not simulate parallel scans: TotalSegments must be 1 or absent',
    );
    expect(
      await refused('PutItem', {
        TableName: 'orders',
        Item: { orderId: { S: 'o-1' } },
        Expected: { orderId: { Exists: false } },
      }),
    ).toBe(
      'DynamoDB PutItem on table "orders": lambdasim serves DynamoDB\'s expression parameters only: Expected is a legacy parameter; use ConditionExpression, UpdateExpression, KeyConditionExpression, FilterExpression or ProjectionExpression',
    );
  });

  it('an injected call fault becomes DynamoDB throttling (400) or a server error (500/503); the write does not land', async () => {
    const sim = createSimulation({
      seed: 1,
      faults: [
        {
          kind: 'callError',
          service: 'orders',
          call: 1,
          errorName: 'ProvisionedThroughputExceededException',
        },
        { kind: 'callError', service: 'orders', call: 2, errorName: 'InternalServerError' },
        { kind: 'callError', service: 'orders', call: 3 },
      ],
    });
    const orders = sim.table('orders', { key: 'orderId' });
    const answers: Answer[] = [];
    await withDynamo(sim, async (send) => {
      for (let i = 0; i < 4; i++)
        answers.push(await send('PutItem', { TableName: 'orders', Item: { orderId: { S: `o-${i}` } } }));
    });
    expect(answers.map((a) => [a.status, outcome(a)])).toEqual([
      [400, 'ProvisionedThroughputExceededException'],
      [500, 'InternalServerError'],
      [503, 'ServiceUnavailable'],
      [200, 'OK'],
    ]);
    expect(orders.snapshot()).toEqual([{ orderId: 'o-3' }]);
  });

  it('dynamoDbFaultType / dynamoDbErrorResponse map fault names to DynamoDB types and statuses', () => {
    expect(dynamoDbFaultType('ThrottlingException')).toEqual({
      type: 'ThrottlingException',
      statusCode: 400,
    });
    expect(dynamoDbFaultType('InternalServerError')).toEqual({
      type: 'InternalServerError',
      statusCode: 500,
    });
    expect(dynamoDbFaultType(undefined)).toEqual({ type: 'ServiceUnavailable', statusCode: 503 });
    const response = dynamoDbErrorResponse(
      Object.assign(new Error('slow down'), { name: 'ThrottlingException' }),
    );
    expect(response).toEqual({
      statusCode: 400,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'ThrottlingException' },
      body: '{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}',
    });
  });

  it('serve outside a simulation scope throws (the interception layer must call it in the handler scope)', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('orders', { key: 'orderId' });
    await expect(
      dynamoDbService.serve(
        dynamoRequest('GetItem', { TableName: 'orders', Key: { orderId: { S: '1' } } }),
        resourcesOf(sim),
      ),
    ).rejects.toThrow(/called outside the simulation/);
  });
});

describe('DynamoDB door: the requests real libraries send', () => {
  it('a Powertools-style idempotency claim: created once, refused with the record while in progress, reclaimable once expired', async () => {
    const sim = createSimulation({ seed: 1 });
    const records = sim.table('idempotency', { key: 'id' });
    const claim = (nowS: number) => ({
      TableName: 'idempotency',
      Item: {
        id: { S: 'fn#hash' },
        expiration: { N: String(nowS + 3600) },
        in_progress_expiration: { N: String(nowS * 1000 + 3000) },
        status: { S: 'INPROGRESS' },
      },
      ConditionExpression:
        'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
      ExpressionAttributeNames: {
        '#id': 'id',
        '#expiry': 'expiration',
        '#in_progress_expiry': 'in_progress_expiration',
        '#status': 'status',
      },
      ExpressionAttributeValues: {
        ':now': { N: String(nowS) },
        ':now_in_millis': { N: String(nowS * 1000) },
        ':inprogress': { S: 'INPROGRESS' },
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    const answers: Answer[] = [];
    await withDynamo(sim, async (send) => {
      answers.push(await send('PutItem', claim(EPOCH_S)));
      answers.push(await send('PutItem', claim(EPOCH_S + 1)));
      answers.push(await send('PutItem', claim(EPOCH_S + 4))); // the in-progress claim expired at +3 s
    });
    expect(answers.map(outcome)).toEqual(['OK', 'ConditionalCheckFailedException', 'OK']);
    expect(answers[1]!.body.Item).toMatchObject({ status: { S: 'INPROGRESS' } });
    expect(records.peek('fn#hash')).toMatchObject({ expiration: EPOCH_S + 4 + 3600 });
  });
});

describe('DynamoDB door: Scan', () => {
  it('reads every item in first-write order, paged by Limit / ExclusiveStartKey, filtered after the limit', async () => {
    const sim = createSimulation({ seed: 1 });
    sim
      .table('orders', { key: 'orderId' })
      .seed(['a', 'b', 'c', 'd', 'e'].map((orderId, i) => ({ orderId, n: i })));
    const pages: unknown[] = [];
    await withDynamo(sim, async (send) => {
      let start: unknown;
      do {
        const page = await send('Scan', {
          TableName: 'orders',
          Limit: 2,
          FilterExpression: 'n <> :one',
          ProjectionExpression: 'orderId',
          ExpressionAttributeValues: { ':one': { N: '1' } },
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        });
        pages.push([page.body.Items, page.body.Count, page.body.ScannedCount]);
        start = page.body.LastEvaluatedKey;
      } while (start !== undefined);
    });
    expect(pages).toEqual([
      [[{ orderId: { S: 'a' } }], 1, 2],
      [[{ orderId: { S: 'c' } }, { orderId: { S: 'd' } }], 2, 2],
      [[{ orderId: { S: 'e' } }], 1, 1],
    ]);
  });
});

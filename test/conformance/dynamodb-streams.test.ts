import { createHash } from 'node:crypto';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  checks,
  ConfigError,
  createSimulation,
  type Simulation,
  type StreamMappingOptions,
  type StreamViewType,
  type Table,
} from '../../src/index.js';
import { withDynamo } from '../unit/aws/dynamodb/serve.js';

const EPOCH_S = 1_767_225_600; // the default start of virtual time, in epoch seconds

type Order = { orderId: string; status?: string; amount?: number; expiresAt?: number };

/** A table with a stream and a consumer that keeps every record it is given, batch by batch. */
function setup(
  view: StreamViewType = 'NEW_AND_OLD_IMAGES',
  mapping: Partial<StreamMappingOptions> = {},
  respond: (e: DynamoDBStreamEvent) => unknown = () => null,
  tableOptions: { ttlAttribute?: string; ttlDeletionDelayS?: number } = {},
) {
  const sim = createSimulation({ seed: 1 });
  const orders = sim.table<Order>('orders', { key: 'orderId', stream: view, ...tableOptions });
  const batches: DynamoDBRecord[][] = [];
  const fn = sim.fn(
    'OnChange',
    () => async (e: DynamoDBStreamEvent) => {
      batches.push(e.Records);
      return respond(e);
    },
    { timeoutS: 5 },
  );
  const m = sim.mapping(orders, fn, { startingPosition: 'TRIM_HORIZON', ...mapping });
  return { sim, orders, batches, fn, mapping: m };
}

/** eventName and key of each record. */
function names(records: readonly DynamoDBRecord[]): string[] {
  return records.map((r) => `${r.eventName} ${r.dynamodb!.Keys!.orderId!.S}`);
}

/** Writes through the typed door from a simulated caller. */
function write(sim: Simulation, body: () => Promise<void>): void {
  sim.spawn('writer', body);
}

describe('DynamoDB Streams on a simulated table, read by the stream mapping (spec §3.2, §8 R-STREAM)', () => {
  it('records are DynamoDBStreamEvent records: INSERT / MODIFY / REMOVE in write order, AttributeValue images, ARN with the stream label', async () => {
    const { sim, orders, batches } = setup('NEW_AND_OLD_IMAGES', { batchSize: 10 });
    write(sim, async () => {
      await orders.put({ orderId: 'o-1', status: 'NEW', amount: 5 });
      await orders.update('o-1', { status: 'PAID' });
      await orders.delete('o-1');
    });
    await sim.run();
    const records = batches.flat();
    expect(names(records)).toEqual(['INSERT o-1', 'MODIFY o-1', 'REMOVE o-1']);
    const [insert, modify, remove] = records as [DynamoDBRecord, DynamoDBRecord, DynamoDBRecord];
    expect(insert).toMatchObject({
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000',
      dynamodb: {
        Keys: { orderId: { S: 'o-1' } },
        NewImage: { orderId: { S: 'o-1' }, status: { S: 'NEW' }, amount: { N: '5' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        ApproximateCreationDateTime: EPOCH_S,
      },
    });
    expect(insert.eventID).toMatch(/^[0-9a-f]{32}$/);
    expect(insert.dynamodb!.OldImage).toBeUndefined();
    expect(modify.dynamodb!.OldImage).toEqual({
      orderId: { S: 'o-1' },
      status: { S: 'NEW' },
      amount: { N: '5' },
    });
    expect(modify.dynamodb!.NewImage).toEqual({
      orderId: { S: 'o-1' },
      status: { S: 'PAID' },
      amount: { N: '5' },
    });
    expect(remove.dynamodb!.NewImage).toBeUndefined();
    expect(remove.dynamodb!.OldImage).toEqual(modify.dynamodb!.NewImage);
    expect(remove.userIdentity).toBeUndefined();
    const seqs = records.map((r) => r.dynamodb!.SequenceNumber!);
    expect([...seqs].sort()).toEqual(seqs);
    expect(new Set(seqs).size).toBe(3);
    for (const r of records) expect(r.dynamodb!.SizeBytes).toBeGreaterThan(0);
  });

  it('the view type decides the images: KEYS_ONLY, NEW_IMAGE, OLD_IMAGE', async () => {
    const seen: Record<string, string[]> = {};
    for (const view of ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE'] as const) {
      const { sim, orders, batches } = setup(view, { batchSize: 10 });
      write(sim, async () => {
        await orders.put({ orderId: 'o-1', status: 'NEW' });
        await orders.update('o-1', { status: 'PAID' });
        await orders.delete('o-1');
      });
      await sim.run();
      seen[view] = batches.flat().map(
        (r) =>
          `${r.eventName}:${Object.keys(r.dynamodb!)
            .filter((k) => k === 'NewImage' || k === 'OldImage')
            .join('+')}:${r.dynamodb!.StreamViewType}`,
      );
    }
    expect(seen).toEqual({
      KEYS_ONLY: ['INSERT::KEYS_ONLY', 'MODIFY::KEYS_ONLY', 'REMOVE::KEYS_ONLY'],
      NEW_IMAGE: ['INSERT:NewImage:NEW_IMAGE', 'MODIFY:NewImage:NEW_IMAGE', 'REMOVE::NEW_IMAGE'],
      OLD_IMAGE: ['INSERT::OLD_IMAGE', 'MODIFY:OldImage:OLD_IMAGE', 'REMOVE:OldImage:OLD_IMAGE'],
    });
  });

  it('a write that changes nothing makes no record: identical put, update to the same values, delete of an absent item; seed makes none', async () => {
    const { sim, orders, batches } = setup('NEW_AND_OLD_IMAGES', { batchSize: 10 });
    orders.seed([{ orderId: 'seeded', status: 'OLD' }]);
    write(sim, async () => {
      await orders.put({ orderId: 'o-1', status: 'NEW', amount: 1 });
      await orders.put({ amount: 1, status: 'NEW', orderId: 'o-1' }); // same item, other attribute order
      await orders.update('o-1', { status: 'NEW' });
      await orders.delete('absent');
      await orders.update('seeded', { status: 'NEW' });
    });
    await sim.run();
    expect(names(batches.flat())).toEqual(['INSERT o-1', 'MODIFY seeded']);
  });

  it('both doors feed the stream: PutItem, UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems', async () => {
    const { sim, batches } = setup('KEYS_ONLY', { batchSize: 100 });
    await withDynamo(sim, async (send) => {
      await send('PutItem', { TableName: 'orders', Item: { orderId: { S: 'a' }, n: { N: '1' } } });
      await send('UpdateItem', {
        TableName: 'orders',
        Key: { orderId: { S: 'a' } },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': { N: '2' } },
      });
      await send('BatchWriteItem', {
        RequestItems: {
          orders: [
            { PutRequest: { Item: { orderId: { S: 'b' } } } },
            { DeleteRequest: { Key: { orderId: { S: 'a' } } } },
          ],
        },
      });
      await send('TransactWriteItems', {
        TransactItems: [
          { Put: { TableName: 'orders', Item: { orderId: { S: 'c' } } } },
          { Delete: { TableName: 'orders', Key: { orderId: { S: 'b' } } } },
        ],
      });
      await send('DeleteItem', { TableName: 'orders', Key: { orderId: { S: 'c' } } });
    });
    expect(names(batches.flat())).toEqual([
      'INSERT a',
      'MODIFY a',
      'INSERT b',
      'REMOVE a',
      'INSERT c',
      'REMOVE b',
      'REMOVE c',
    ]);
  });

  it('TTL: an expired item is deleted ttlDeletionDelayS after its expiry as a REMOVE made by the service; a write to it before then deletes it first', async () => {
    const { sim, orders, batches } = setup('NEW_AND_OLD_IMAGES', { batchSize: 10 }, () => null, {
      ttlAttribute: 'expiresAt',
      ttlDeletionDelayS: 600,
    });
    const arrivals: number[] = [];
    write(sim, async () => {
      await orders.put({ orderId: 'a', expiresAt: EPOCH_S + 60 });
      await orders.put({ orderId: 'b', expiresAt: EPOCH_S + 60 });
      await sim.sleep(120_000); // both expired, neither deleted yet
      await orders.put({ orderId: 'b', status: 'AGAIN' });
    });
    await sim.run();
    const records = batches.flat();
    for (const r of records) arrivals.push(r.dynamodb!.ApproximateCreationDateTime! - EPOCH_S);
    expect(names(records)).toEqual(['INSERT a', 'INSERT b', 'REMOVE b', 'INSERT b', 'REMOVE a']);
    expect(arrivals).toEqual([0, 0, 120, 120, 660]);
    const ttl = records.filter((r) => r.eventName === 'REMOVE');
    for (const r of ttl) {
      expect(r.userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
      expect(r.dynamodb!.OldImage).toBeDefined();
    }
    expect(orders.snapshot()).toEqual([{ orderId: 'b', status: 'AGAIN' }]);
  });

  it('R-STREAM-3: a DynamoDB stream takes TRIM_HORIZON or LATEST only; LATEST skips records written before the mapping', async () => {
    const sim = createSimulation({ seed: 1 });
    const orders = sim.table<Order>('orders', { key: 'orderId', stream: 'KEYS_ONLY' });
    const fn = sim.fn('F', () => async () => null);
    expect(() =>
      sim.mapping(orders, fn, { startingPosition: 'AT_TIMESTAMP', startingPositionAtMs: 0 }),
    ).toThrow(/startingPosition must be one of TRIM_HORIZON, LATEST \(required for a DynamoDB stream/);
    const plain = sim.table('plain', { key: 'id' });
    expect(() => sim.mapping(plain, fn, { startingPosition: 'LATEST' })).toThrow(ConfigError);
    expect(() => sim.mapping(plain, fn, { startingPosition: 'LATEST' })).toThrow(
      /must have a DynamoDB stream/,
    );

    const s2 = setup('KEYS_ONLY', { startingPosition: 'LATEST', batchSize: 10 });
    s2.sim.spawn('w', async () => {
      await s2.orders.put({ orderId: 'after' });
    });
    await s2.sim.run();
    expect(names(s2.batches.flat())).toEqual(['INSERT after']);
  });

  it('R-STREAM-3: LATEST ignores records already in the stream when the mapping is created', async () => {
    const sim = createSimulation({ seed: 1 });
    const orders = sim.table<Order>('orders', { key: 'orderId', stream: 'KEYS_ONLY' });
    const seen: string[] = [];
    const fn = sim.fn('F', () => async (e: DynamoDBStreamEvent) => {
      seen.push(...names(e.Records));
    });
    sim.spawn('w', async () => {
      await orders.put({ orderId: 'before' });
      sim.mapping(orders, fn, { startingPosition: 'LATEST' });
      await orders.put({ orderId: 'after' });
    });
    await sim.run();
    expect(seen).toEqual(['INSERT after']);
  });

  it('R-STREAM-11: filters match the record fields (eventName, dynamodb.NewImage in AttributeValue form); other keys are refused', async () => {
    const { sim, orders, batches } = setup('NEW_AND_OLD_IMAGES', {
      batchSize: 10,
      filters: [{ eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['PAID'] } } } }],
    });
    write(sim, async () => {
      await orders.put({ orderId: 'a', status: 'NEW' });
      await orders.put({ orderId: 'b', status: 'PAID' });
      await orders.update('a', { status: 'PAID' }); // MODIFY: filtered out
    });
    const result = await sim.run();
    expect(names(batches.flat())).toEqual(['INSERT b']);
    expect(result.streamRecords.map((r) => r.fate.state)).toEqual(['filtered', 'processed', 'filtered']);
    const s = createSimulation({ seed: 1 });
    const t = s.table('t1x', { key: 'id', stream: 'KEYS_ONLY' });
    const f = s.fn('F', () => async () => null);
    expect(() => s.mapping(t, f, { startingPosition: 'LATEST', filters: [{ data: { a: [1] } }] })).toThrow(
      /filters\[0\]\.data is not filterable: DynamoDB event source mappings support filtering on the eventID, eventName/,
    );
  });

  it("R-STREAM-13: the on-failure record carries DDBStreamBatchInfo with the stream's ARN", async () => {
    const sim = createSimulation({ seed: 1 });
    const orders = sim.table<Order>('orders', { key: 'orderId', stream: 'NEW_IMAGE' });
    const failures = sim.sqs('failures');
    const fn = sim.fn('F', () => async () => {
      throw new Error('boom');
    });
    sim.mapping(orders, fn, {
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: 1,
      onFailure: failures,
    });
    sim.spawn('w', async () => {
      await orders.put({ orderId: 'a' });
    });
    const result = await sim.run();
    const bodies = result.messages
      .filter((m) => m.queue === 'failures')
      .map((m) => JSON.parse(m.body) as Record<string, unknown>);
    expect(bodies).toHaveLength(1);
    const info = bodies[0]!.DDBStreamBatchInfo as Record<string, unknown>;
    expect(bodies[0]!.KinesisBatchInfo).toBeUndefined();
    expect(info).toMatchObject({
      batchSize: 1,
      streamArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000',
    });
    expect(info.shardId).toMatch(/^shardId-\d{20}-[0-9a-f]{8}$/);
    expect(info.startSequenceNumber).toBe(info.endSequenceNumber);
    expect(bodies[0]!.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 2,
    });
  });

  it('R-STREAM-5 / retention: with the defaults a poison record blocks the stream for 24 h, then the records are gone; the ledger and noLostEvents see them', async () => {
    const { sim, orders, batches } = setup('KEYS_ONLY', { batchSize: 10 }, (e) => {
      if (e.Records.some((r) => r.dynamodb!.Keys!.orderId!.S === 'poison')) throw new Error('poison');
      return null;
    });
    write(sim, async () => {
      await orders.put({ orderId: 'poison' });
      await orders.put({ orderId: 'fine' });
    });
    const result = await sim.run();
    expect(batches.length).toBeGreaterThan(100);
    expect(result.end.atMs).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(result.end.atMs).toBeLessThan(24 * 3_600_000 + 120_000);
    expect(result.streamRecords.map((r) => [r.model, r.fate.state])).toEqual([
      ['dynamodb-streams', 'expired'],
      ['dynamodb-streams', 'expired'],
    ]);
    const inputs = result.inputs;
    expect(inputs.map((i) => [i.model, i.where, i.state])).toEqual([
      ['dynamodb-streams', 'orders', 'discarded'],
      ['dynamodb-streams', 'orders', 'discarded'],
    ]);
    expect(inputs[0]!.body).toMatchObject({
      eventName: 'INSERT',
      dynamodb: { Keys: { orderId: { S: 'poison' } } },
    });
    expect(inputs[0]!.attempts.length).toBe(batches.length);
    const lost = checks.noLostEvents(result);
    expect(lost.map((v) => [v.check, v.model, v.kind])).toEqual([
      ['noLostEvents', 'dynamodb-streams', 'lost'],
      ['noLostEvents', 'dynamodb-streams', 'lost'],
    ]);
    expect(lost[0]!.message).toMatch(/left the stream's retention/);
  });

  it('R-STREAM-2: with parallelizationFactor the lanes follow the partition key; each item keeps its order', async () => {
    const { sim, orders, batches } = setup('KEYS_ONLY', { batchSize: 2, parallelizationFactor: 4 });
    write(sim, async () => {
      for (let round = 0; round < 3; round++)
        for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) await orders.put({ orderId: id, amount: round });
    });
    await sim.run();
    const perItem = new Map<string, string[]>();
    for (const r of batches.flat()) {
      const id = r.dynamodb!.Keys!.orderId!.S!;
      perItem.set(id, [...(perItem.get(id) ?? []), r.dynamodb!.SequenceNumber!]);
    }
    expect(perItem.size).toBe(6);
    for (const seqs of perItem.values()) {
      expect(seqs).toHaveLength(3);
      expect([...seqs].sort()).toEqual(seqs);
    }
    // Each batch is one lane's: its items' keys share MD5(key attributes as JSON) mod 4 (R-STREAM-2, U).
    const laneOf = (id: string) =>
      createHash('md5')
        .update(JSON.stringify({ orderId: id }), 'utf8')
        .digest()
        .readUInt32BE(0) % 4;
    for (const batch of batches)
      expect(new Set(batch.map((r) => laneOf(r.dynamodb!.Keys!.orderId!.S!))).size).toBe(1);
    expect(new Set(batches.map((b) => laneOf(b[0]!.dynamodb!.Keys!.orderId!.S!))).size).toBeGreaterThan(1);
  });

  it('Config: a bad view type or TTL deletion delay fails as a ConfigError naming the field', () => {
    const sim = createSimulation({ seed: 1 });
    expect(() => sim.table('table1', { key: 'id', stream: 'NEW' as StreamViewType })).toThrow(
      /stream must be one of KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES/,
    );
    expect(() => sim.table('table2', { key: 'id', stream: 'KEYS_ONLY', ttlDeletionDelayS: -1 })).toThrow(
      /ttlDeletionDelayS must be an integer between 0 and 172800/,
    );
  });

  it('Determinism: the same seed gives the same trace hash', async () => {
    const hashes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { sim, orders } = setup(
        'NEW_AND_OLD_IMAGES',
        { batchSize: 3, bisectBatchOnFunctionError: true, maximumRetryAttempts: 1 },
        (e) => {
          if (e.Records.some((r) => r.dynamodb!.NewImage?.amount?.N === '3')) throw new Error('bad');
          return null;
        },
      );
      write(sim, async () => {
        for (let n = 0; n < 6; n++) await orders.put({ orderId: `o-${n}`, amount: n });
      });
      hashes.push((await sim.run()).traceHash);
    }
    expect(hashes[0]).toBe(hashes[1]);
  });
});

// The typed door's table type is accepted by sim.mapping.
export type _MappingTakesTypedTables = (t: Table<Order>) => void;

import { streamRetryDelayMs } from '../../src/models/streams/StreamEventSourceMapping.js';
import { createHash } from 'node:crypto';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  checks,
  ConfigError,
  createSimulation,
  formatTimeline,
  type KinesisStream,
  type Simulation,
  type StreamMappingOptions,
} from '../../src/index.js';
import { events } from './helpers.js';

/** The `n` of a record whose data is `{ n }`. */
function nOf(r: KinesisStreamRecord): number {
  return (JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')) as { n: number }).n;
}

function putN(stream: KinesisStream, from: number, to: number, key: (n: number) => string = () => 'k'): void {
  for (let n = from; n <= to; n++) void stream.put({ n }, { partitionKey: key(n) });
}

/** A function that records every batch (as `n` lists) and answers with `respond`. */
function consumer(
  sim: Simulation,
  stream: KinesisStream,
  options: StreamMappingOptions,
  respond: (event: KinesisStreamEvent) => unknown = () => null,
  fnOptions: Parameters<Simulation['fn']>[2] = {},
) {
  const batches: number[][] = [];
  const fn = sim.fn(
    'Consumer',
    () => async (event: KinesisStreamEvent) => {
      batches.push(event.Records.map(nOf));
      return respond(event);
    },
    { timeoutS: 5, ...fnOptions },
  );
  const mapping = sim.mapping(stream, fn, options);
  return { batches, fn, mapping };
}

const poison =
  (...bad: number[]) =>
  (e: KinesisStreamEvent) => {
    if (e.Records.some((r) => bad.includes(nOf(r)))) throw new Error('poison');
    return null;
  };

describe('Kinesis streams and the stream mapping (spec §3.2, §8 R-STREAM)', () => {
  it('Kinesis: partition keys go to the shard whose hash key range holds MD5(key); records are typed as KinesisStreamEvent', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('clicks', { shards: 4 });
    const seen: KinesisStreamRecord[] = [];
    const fn = sim.fn('C', () => async (e: KinesisStreamEvent) => {
      seen.push(...e.Records);
    });
    sim.mapping(stream, fn, { startingPosition: 'TRIM_HORIZON' });
    const results = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k) => stream.put(`data-${k}`, { partitionKey: k })),
    );
    for (const [i, k] of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].entries()) {
      const hash = BigInt(`0x${createHash('md5').update(k).digest('hex')}`);
      const shard = Number(hash / ((1n << 128n) / 4n));
      expect(results[i]!.shardId).toBe(`shardId-00000000000${shard}`);
    }
    await sim.run();
    const r = seen.find((x) => x.kinesis.partitionKey === 'a')!;
    expect(Buffer.from(r.kinesis.data, 'base64').toString()).toBe('data-a');
    expect(r).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'a',
        sequenceNumber: results[0]!.sequenceNumber,
        data: Buffer.from('data-a').toString('base64'),
        approximateArrivalTimestamp: 1_767_225_600,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${results[0]!.shardId}:${results[0]!.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/C-role',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks',
    });
    expect(r.kinesis.sequenceNumber).toMatch(/^\d{56}$/);
  });

  it('Kinesis: bad puts fail as Kinesis fails them; retention is 24–8760 h', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    await expect(stream.put('x', { partitionKey: '' })).rejects.toMatchObject({
      code: 'ValidationException',
    });
    await expect(stream.put('x', { partitionKey: 'k'.repeat(257) })).rejects.toMatchObject({
      code: 'ValidationException',
    });
    await expect(stream.put('x'.repeat(1_048_576), { partitionKey: 'k' })).rejects.toMatchObject({
      code: 'ValidationException',
    });
    await expect(stream.put('x', { partitionKey: 'k', explicitHashKey: '-1' })).rejects.toMatchObject({
      code: 'InvalidArgumentException',
    });
    await expect(stream.putRecords([])).rejects.toMatchObject({ code: 'ValidationException' });
    expect(() => sim.kinesis('t', { retentionH: 23 })).toThrow(ConfigError);
    expect(() => sim.kinesis('u', { retentionH: 8761 })).toThrow(ConfigError);
    const sequence = await stream.putRecords([
      { data: 'a', partitionKey: 'k' },
      { data: 'b', partitionKey: 'k' },
    ]);
    expect(sequence.records[0]!.sequenceNumber < sequence.records[1]!.sequenceNumber).toBe(true);
  });

  it('R-STREAM-1: at most one batch per shard in flight, in sequence order; records put meanwhile wait for it', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s', { shards: 1 });
    const { batches } = consumer(
      sim,
      stream,
      { startingPosition: 'TRIM_HORIZON', batchSize: 3 },
      async () => {
        await sim.sleep(200);
        return null;
      },
    );
    putN(stream, 1, 3, (n) => `key-${n}`);
    // Puts while the first batch is in flight: each wakes the shard, which must still wait.
    sim.at(50, () => putN(stream, 4, 6, (n) => `key-${n}`));
    sim.at(120, () => putN(stream, 7, 10, (n) => `key-${n}`));
    const result = await sim.run();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
    let inFlight = 0;
    let most = 0;
    for (const e of result.trace)
      if (e.kind === 'stream.batchInvoked') most = Math.max(most, ++inFlight);
      else if (e.kind === 'stream.batchSucceeded' || e.kind === 'stream.batchFailed') inFlight--;
    expect(most).toBe(1);
  });

  it('R-STREAM-2: with parallelizationFactor P, one lane per MD5(key) mod P: a failing key blocks only its lane, order kept per key', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s', { shards: 1 });
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const laneOf = (k: string) => createHash('md5').update(k).digest().readUInt32BE(0) % 3;
    const badKey = 'a';
    const { batches } = consumer(
      sim,
      stream,
      { startingPosition: 'TRIM_HORIZON', batchSize: 2, parallelizationFactor: 3, maximumRetryAttempts: 2 },
      (e) => {
        if (e.Records.some((r) => r.kinesis.partitionKey === badKey)) throw new Error('poison');
        return null;
      },
    );
    putN(stream, 0, 17, (n) => keys[n % 6]!);
    const result = await sim.run();
    const blocked = laneOf(badKey);
    const lanes = events(result, 'stream.batchInvoked');
    expect(new Set(lanes.map((e) => e.lane)).size).toBe(new Set(keys.map(laneOf)).size);
    // A record of another lane was processed while the bad lane was still blocked.
    const unblockedAt = events(result, 'stream.shardUnblocked').find((e) => e.lane === blocked)!.atMs;
    expect(lanes.some((e) => e.lane !== blocked && e.atMs > 0 && e.atMs < unblockedAt)).toBe(true);
    // Order per key: every key's n values arrive increasing (first delivery).
    const firstSeen: number[] = [];
    for (const b of batches) for (const n of b) if (!firstSeen.includes(n)) firstSeen.push(n);
    for (const k of keys) {
      const ns = firstSeen.filter((n) => keys[n % 6] === k);
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
    }
    // Each lane's records only: no batch mixes lanes.
    for (const b of batches) expect(new Set(b.map((n) => laneOf(keys[n % 6]!))).size).toBe(1);
  });

  it('R-STREAM-3: TRIM_HORIZON reads from the oldest record, LATEST only records put after the mapping starts, AT_TIMESTAMP from the instant', async () => {
    const run = async (options: StreamMappingOptions) => {
      const sim = createSimulation({ seed: 1 });
      const stream = sim.kinesis('s');
      putN(stream, 1, 2);
      const { batches } = consumer(sim, stream, options);
      sim.at(5_000, () => putN(stream, 3, 3));
      sim.at(9_000, () => putN(stream, 4, 4));
      await sim.run();
      return batches.flat();
    };
    expect(await run({ startingPosition: 'TRIM_HORIZON' })).toEqual([1, 2, 3, 4]);
    expect(await run({ startingPosition: 'LATEST' })).toEqual([3, 4]);
    expect(await run({ startingPosition: 'AT_TIMESTAMP', startingPositionAtMs: 6_000 })).toEqual([4]);
  });

  it('R-STREAM-4: success moves the checkpoint past the last record of the batch', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    consumer(sim, stream, { startingPosition: 'TRIM_HORIZON', batchSize: 3 });
    putN(stream, 1, 5);
    const result = await sim.run();
    const invoked = events(result, 'stream.batchInvoked');
    const checkpoints = events(result, 'stream.checkpointed').map((e) => e.sequenceNumber);
    expect(checkpoints).toEqual(invoked.map((b) => b.sequenceNumbers.at(-1)));
    expect(result.streamRecords.map((r) => r.fate.state)).toEqual(Array(5).fill('processed'));
    expect(result.shards[0]!.checkpoint).toBe(invoked.at(-1)!.sequenceNumbers.at(-1));
  });

  it('R-STREAM-5: a function error retries the same batch with the shard blocked; maximumRetryAttempts N gives N + 1 invocations', async () => {
    for (const max of [1, 2]) {
      const sim = createSimulation({ seed: 1 });
      const stream = sim.kinesis('s');
      const failures = sim.sink('failures', { kind: 'sqs' });
      const { batches } = consumer(
        sim,
        stream,
        { startingPosition: 'TRIM_HORIZON', batchSize: 2, maximumRetryAttempts: max, onFailure: failures },
        poison(1),
      );
      putN(stream, 1, 4);
      const result = await sim.run();
      expect(batches).toEqual([...Array<number[]>(max + 1).fill([1, 2]), [3, 4]]);
      const record = JSON.parse(failures.messages[0]!.body) as {
        requestContext: { approximateInvokeCount: number; condition: string };
      };
      expect(record.requestContext).toMatchObject({
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: max + 1,
      });
      // Retries wait min(0.5 × 1.5^(k−1), 60) s; later records wait for the discard.
      const starts = events(result, 'stream.batchInvoked').map((e) => e.atMs);
      expect(starts.slice(1, 3)).toEqual(max === 1 ? [600, 600] : [600, 1350]);
      expect(events(result, 'stream.shardBlocked')).toHaveLength(1);
    }
    expect([1, 2, 3, 4, 20].map(streamRetryDelayMs)).toEqual([500, 750, 1125, 1688, 60_000]);
  });

  it('R-STREAM-5: with the defaults a poison record blocks its shard until the records leave retention; the shard is a named blocked state', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const { batches } = consumer(sim, stream, { startingPosition: 'TRIM_HORIZON' }, poison(1));
    putN(stream, 1, 2);
    const limited = await sim.run({ untilMs: 3_600_000 });
    expect(limited.shards[0]!.blocked).toEqual({
      sinceMs: 100,
      why: 'functionError',
      records: 2,
      attempts: batches.length,
    });
    expect(limited.streamRecords.map((r) => r.fate.state)).toEqual(['pending', 'pending']);

    const sim2 = createSimulation({ seed: 1 });
    const stream2 = sim2.kinesis('s');
    consumer(sim2, stream2, { startingPosition: 'TRIM_HORIZON' }, poison(1));
    putN(stream2, 1, 2);
    const full = await sim2.run();
    expect(full.end.kind).toBe('quiescent');
    expect(full.streamRecords.map((r) => r.fate.state)).toEqual(['expired', 'expired']);
    expect(events(full, 'stream.recordsSkipped')[0]!.atMs).toBeGreaterThanOrEqual(24 * 3_600_000);
    const lost = checks.noLostEvents(full);
    expect(lost.map((v) => v.kind)).toEqual(['lost', 'lost']);
  });

  it('R-STREAM-6: records older than maximumRecordAgeS are split off before the invoke (RecordAgeExceeded, no responseContext); the function gets the fresh ones', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const failures = sim.sink('failures', { kind: 'sqs' });
    const batches: number[][] = [];
    const fn = sim.fn('C', () => async (e: KinesisStreamEvent) => {
      batches.push(e.Records.map(nOf));
    });
    putN(stream, 0, 0);
    sim.at(61_000, () => {
      putN(stream, 1, 5);
      sim.mapping(stream, fn, {
        startingPosition: 'TRIM_HORIZON',
        maximumRecordAgeS: 60,
        onFailure: failures,
      });
    });
    const result = await sim.run();
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    const record = JSON.parse(failures.messages[0]!.body) as Record<string, unknown>;
    expect(record.requestContext).toMatchObject({
      condition: 'RecordAgeExceeded',
      approximateInvokeCount: 1,
    });
    expect(record).not.toHaveProperty('responseContext');
    expect(record.KinesisBatchInfo).toMatchObject({ batchSize: 1 });
    expect(result.streamRecords[0]!.fate).toEqual({
      state: 'discarded',
      condition: 'RecordAgeExceeded',
      target: failures.arn,
    });
  });

  it('R-STREAM-6: a retried batch loses the records that grew past maximumRecordAgeS: later tries carry only the rest, in the event and the trace', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const failures = sim.sink('failures', { kind: 'sqs' });
    const batches: number[][] = [];
    const fn = sim.fn('C', () => async (e: KinesisStreamEvent) => {
      batches.push(e.Records.map(nOf));
      throw new Error('always');
    });
    putN(stream, 1, 1);
    sim.at(30_000, () => {
      putN(stream, 2, 3);
      sim.mapping(stream, fn, {
        startingPosition: 'TRIM_HORIZON',
        maximumRecordAgeS: 60,
        onFailure: failures,
      });
    });
    const result = await sim.run();
    const firstShort = batches.findIndex((b) => b.length === 2);
    expect(firstShort).toBeGreaterThan(0);
    expect(batches.slice(0, firstShort).every((b) => b.join() === '1,2,3')).toBe(true);
    expect(batches.slice(firstShort).every((b) => b.join() === '2,3')).toBe(true);
    const invoked = events(result, 'stream.batchInvoked').map((e) => e.sequenceNumbers.length);
    expect(invoked).toEqual(batches.map((b) => b.length));
    expect(result.streamRecords.map((r) => r.fate.state)).toEqual(['discarded', 'discarded', 'discarded']);
  });

  it('R-STREAM-6: records past the stream retention are gone without a record; if nothing fresh remains no invoke happens', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const failures = sim.sink('failures', { kind: 'sqs' });
    const fn = sim.fn('C', () => async () => null);
    putN(stream, 1, 3);
    sim.at(24 * 3_600_000, () =>
      sim.mapping(stream, fn, { startingPosition: 'TRIM_HORIZON', onFailure: failures }),
    );
    const result = await sim.run();
    expect(events(result, 'stream.batchInvoked')).toHaveLength(0);
    expect(failures.messages).toHaveLength(0);
    expect(result.streamRecords.map((r) => r.fate.state)).toEqual(['expired', 'expired', 'expired']);
  });

  it('R-STREAM-7: throttles retry without consuming maximumRetryAttempts, bounded by the record age', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const failures = sim.sink('failures', { kind: 'sqs' });
    consumer(
      sim,
      stream,
      {
        startingPosition: 'TRIM_HORIZON',
        maximumRetryAttempts: 0,
        maximumRecordAgeS: 60,
        onFailure: failures,
      },
      () => null,
      { reservedConcurrency: 0 },
    );
    putN(stream, 1, 1);
    const result = await sim.run();
    expect(events(result, 'stream.batchThrottled').length).toBeGreaterThan(1);
    expect(events(result, 'stream.batchInvoked')).toHaveLength(0);
    const record = JSON.parse(failures.messages[0]!.body) as { requestContext: { condition: string } };
    expect(record.requestContext.condition).toBe('RecordAgeExceeded');
  });

  it('R-STREAM-7: throttled tries before a failing invoke do not count: maximumRetryAttempts 1 still gives 2 invocations', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const failures = sim.sink('failures', { kind: 'sqs' });
    let invocations = 0;
    const fn = sim.fn(
      'Busy',
      () => async (event: Partial<KinesisStreamEvent>) => {
        if (event.Records === undefined) {
          await sim.sleep(3_000); // holds the only slot: the stream batch is throttled meanwhile
          return null;
        }
        invocations++;
        throw new Error('poison');
      },
      { timeoutS: 10, reservedConcurrency: 1 },
    );
    sim.mapping(stream, fn, {
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: 1,
      onFailure: failures,
    });
    void sim.invoke(fn, {});
    sim.at(1, () => putN(stream, 1, 1));
    const result = await sim.run();
    expect(events(result, 'stream.batchThrottled').length).toBeGreaterThan(1);
    expect(invocations).toBe(2);
    const record = JSON.parse(failures.messages[0]!.body) as { requestContext: Record<string, unknown> };
    expect(record.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 2,
    });
  });

  it('R-STREAM-8: bisect splits a failing batch (first ⌈n/2⌉ first) down to the poison record, which alone consumes retries', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const failures = sim.sink('failures', { kind: 'sqs' });
    const { batches } = consumer(
      sim,
      stream,
      {
        startingPosition: 'TRIM_HORIZON',
        batchSize: 5,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 0,
        onFailure: failures,
      },
      poison(4),
    );
    putN(stream, 1, 5);
    await sim.run();
    expect(batches).toEqual([[1, 2, 3, 4, 5], [1, 2, 3], [4, 5], [4], [5]]);
    expect(failures.messages).toHaveLength(1);
    const info = (JSON.parse(failures.messages[0]!.body) as { KinesisBatchInfo: { batchSize: number } })
      .KinesisBatchInfo;
    expect(info.batchSize).toBe(1);
  });

  it('R-STREAM-9: RBIF success shapes — "", [], null, {}, {batchItemFailures: []}, {batchItemFailures: null} — each give one invocation (AWS-REC)', async () => {
    for (const answer of ['', [], null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      const sim = createSimulation({ seed: 1 });
      const stream = sim.kinesis('s');
      const { batches } = consumer(
        sim,
        stream,
        { startingPosition: 'TRIM_HORIZON', reportBatchItemFailures: true, maximumRetryAttempts: 2 },
        () => answer,
      );
      putN(stream, 1, 2);
      await sim.run();
      expect(batches, JSON.stringify(answer)).toHaveLength(1);
    }
  });

  it('R-STREAM-9: an itemIdentifier that is not a sequence number of the batch (123) fails the whole batch: MaximumRetryAttempts 2 → 3 invocations, functionError null (AWS-REC)', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const failures = sim.sink('failures', { kind: 'sqs' });
    const { batches } = consumer(
      sim,
      stream,
      {
        startingPosition: 'TRIM_HORIZON',
        reportBatchItemFailures: true,
        maximumRetryAttempts: 2,
        onFailure: failures,
      },
      () => ({ batchItemFailures: [{ itemIdentifier: 123 }] }),
    );
    putN(stream, 1, 2);
    await sim.run();
    expect(batches).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    const record = JSON.parse(failures.messages[0]!.body) as Record<string, Record<string, unknown>>;
    expect(record.responseContext).toEqual({
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: null,
    });
    expect(record.requestContext!.approximateInvokeCount).toBe(3);
  });

  it('R-STREAM-9: the lowest reported sequence number is the checkpoint; the remainder starts a fresh attempt count (AWS-REC: 6 records, batch 3, last always reported, MRA 3)', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const failures = sim.sink('failures', { kind: 'sqs' });
    const { batches } = consumer(
      sim,
      stream,
      {
        startingPosition: 'TRIM_HORIZON',
        batchSize: 3,
        reportBatchItemFailures: true,
        maximumRetryAttempts: 3,
        onFailure: failures,
      },
      (e) => ({
        batchItemFailures: e.Records.filter((r) => nOf(r) === 5).map((r) => ({
          itemIdentifier: r.kinesis.sequenceNumber,
        })),
      }),
    );
    putN(stream, 0, 5);
    await sim.run();
    const counts = [0, 1, 2, 3, 4, 5].map((n) => batches.flat().filter((x) => x === n).length);
    expect(counts).toEqual([1, 1, 1, 1, 1, 5]);
    const record = JSON.parse(failures.messages[0]!.body) as Record<string, Record<string, unknown>>;
    expect(record.requestContext!.approximateInvokeCount).toBe(4);
    expect(record.KinesisBatchInfo!.batchSize).toBe(1);
    expect(record.responseContext!.functionError).toBeNull();
  });

  it('R-STREAM-9: with several failures reported, the LOWEST sequence number is the checkpoint, whatever the list order', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    let first = true;
    const { batches } = consumer(
      sim,
      stream,
      { startingPosition: 'TRIM_HORIZON', batchSize: 6, reportBatchItemFailures: true },
      (e) => {
        if (!first) return null;
        first = false;
        // highest first: Lambda must still take the lowest (n = 2)
        const bad = [4, 2].map((n) => e.Records.find((r) => nOf(r) === n)!.kinesis.sequenceNumber);
        return { batchItemFailures: bad.map((itemIdentifier) => ({ itemIdentifier })) };
      },
    );
    putN(stream, 0, 5);
    await sim.run();
    expect(batches).toEqual([
      [0, 1, 2, 3, 4, 5],
      [2, 3, 4, 5],
    ]);
  });

  it('R-STREAM-9: with reportBatchItemFailures off a returned list is ignored (success)', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const { batches } = consumer(sim, stream, { startingPosition: 'TRIM_HORIZON' }, (e) => ({
      batchItemFailures: [{ itemIdentifier: e.Records[0]!.kinesis.sequenceNumber }],
    }));
    putN(stream, 1, 3);
    await sim.run();
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('R-STREAM-10: bisect + RBIF: a partial response retries only the remainder (no halving); a thrown error bisects', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    let calls = 0;
    const { batches } = consumer(
      sim,
      stream,
      { startingPosition: 'TRIM_HORIZON', reportBatchItemFailures: true, bisectBatchOnFunctionError: true },
      (e) => {
        calls++;
        if (calls === 1)
          return { batchItemFailures: [{ itemIdentifier: e.Records[2]!.kinesis.sequenceNumber }] };
        if (calls === 2) throw new Error('boom');
        return null;
      },
    );
    putN(stream, 1, 6);
    await sim.run();
    expect(batches).toEqual([
      [1, 2, 3, 4, 5, 6],
      [3, 4, 5, 6],
      [3, 4],
      [5, 6],
    ]);
  });

  it('R-STREAM-11: filtered-out records are skipped (checkpoint advances) and stay in the stream; filters take the data key only', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const { batches } = consumer(sim, stream, {
      startingPosition: 'TRIM_HORIZON',
      filters: [{ data: { n: [{ numeric: ['>', 2] }] } }],
    });
    putN(stream, 1, 4);
    const result = await sim.run();
    expect(batches).toEqual([[3, 4]]);
    expect(result.streamRecords.map((r) => r.fate.state)).toEqual([
      'filtered',
      'filtered',
      'processed',
      'processed',
    ]);
    expect(stream.shards[0]!.records).toHaveLength(4);
    const sim2 = createSimulation({ seed: 1 });
    const s2 = sim2.kinesis('s');
    const f2 = sim2.fn('F', () => async () => null);
    expect(() =>
      sim2.mapping(s2, f2, { startingPosition: 'TRIM_HORIZON', filters: [{ partitionKey: ['a'] }] }),
    ).toThrow(/filtering on the data key only/);
  });

  it("R-STREAM-13: the on-failure record has Lambda's fields, KinesisBatchInfo spanning only the discarded records", async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const failures = sim.sink('failures', { kind: 'sqs' });
    consumer(
      sim,
      stream,
      { startingPosition: 'TRIM_HORIZON', batchSize: 2, maximumRetryAttempts: 0, onFailure: failures },
      poison(3),
    );
    const puts = await Promise.all([1, 2, 3, 4].map((n) => stream.put({ n }, { partitionKey: 'k' })));
    const result = await sim.run();
    const invoked = events(result, 'stream.batchInvoked')[1]!;
    expect(JSON.parse(failures.messages[0]!.body)).toEqual({
      requestContext: {
        requestId: invoked.requestId,
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Consumer',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 1,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-01-01T00:00:00.100Z',
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: puts[2]!.sequenceNumber,
        endSequenceNumber: puts[3]!.sequenceNumber,
        approximateArrivalOfFirstRecord: '2026-01-01T00:00:00.000Z',
        approximateArrivalOfLastRecord: '2026-01-01T00:00:00.000Z',
        batchSize: 2,
        streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
      },
    });
  });

  it('Config: out-of-range settings fail as CreateEventSourceMapping fails them', () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const fn = sim.fn('F', () => async () => null);
    const bad: Array<Partial<StreamMappingOptions> & Record<string, unknown>> = [
      {},
      { startingPosition: 'TRIM_HORIZON', batchSize: 0 },
      { startingPosition: 'TRIM_HORIZON', batchSize: 10_001 },
      { startingPosition: 'TRIM_HORIZON', maximumBatchingWindowS: 301 },
      { startingPosition: 'TRIM_HORIZON', parallelizationFactor: 11 },
      { startingPosition: 'TRIM_HORIZON', maximumRetryAttempts: -2 },
      { startingPosition: 'TRIM_HORIZON', maximumRetryAttempts: 10_001 },
      { startingPosition: 'TRIM_HORIZON', maximumRecordAgeS: 59 },
      { startingPosition: 'TRIM_HORIZON', maximumRecordAgeS: 604_801 },
      { startingPosition: 'AT_TIMESTAMP' },
      { startingPosition: 'LATEST', startingPositionAtMs: 5 },
      { startingPosition: 'TRIM_HORIZON', onFailure: sim.sink('l', { kind: 'lambda' }) },
      { startingPosition: 'TRIM_HORIZON', tumblingWindowS: 901 },
    ];
    for (const options of bad)
      expect(() => sim.mapping(stream, fn, options as StreamMappingOptions), JSON.stringify(options)).toThrow(
        ConfigError,
      );
    sim.mapping(stream, fn, {
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: -1,
      maximumRecordAgeS: 60,
    });
  });

  it('Batching window: a batch waits up to maximumBatchingWindowS unless it fills up', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const { batches } = consumer(sim, stream, {
      startingPosition: 'TRIM_HORIZON',
      batchSize: 3,
      maximumBatchingWindowS: 2,
    });
    putN(stream, 1, 1);
    sim.at(1_000, () => putN(stream, 2, 2));
    sim.at(5_000, () => putN(stream, 3, 5));
    const result = await sim.run();
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(events(result, 'stream.batchInvoked').map((e) => e.atMs)).toEqual([2_000, 5_000]);
  });

  it('Input ledger, noLostEvents and timeline: a poison record without limits is lost; with retries bounded and an on-failure destination it is accounted for', async () => {
    const run = async (fixed: boolean) => {
      const sim = createSimulation({ seed: 3 });
      const stream = sim.kinesis('s', { shards: 2 });
      const failures = sim.sink('failures', { kind: 'sqs' });
      consumer(
        sim,
        stream,
        fixed
          ? {
              startingPosition: 'TRIM_HORIZON',
              bisectBatchOnFunctionError: true,
              maximumRetryAttempts: 2,
              onFailure: failures,
            }
          : { startingPosition: 'TRIM_HORIZON' },
        poison(2),
      );
      putN(stream, 1, 6, (n) => `key-${n}`);
      return sim.run();
    };
    const buggy = await run(false);
    expect(checks.noLostEvents(buggy).length).toBeGreaterThan(0);
    expect(buggy.inputs.filter((i) => i.model === 'kinesis' && i.state === 'discarded')).not.toHaveLength(0);
    const fixed = await run(true);
    expect(checks.noLostEvents(fixed)).toEqual([]);
    const states = fixed.inputs.filter((i) => i.model === 'kinesis').map((i) => i.state);
    expect(states.sort()).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
      'completed',
      'sentToDestination',
    ]);
    const poisonInput = fixed.inputs.find((i) => i.state === 'sentToDestination')!;
    expect(poisonInput.attempts.length).toBeGreaterThan(2);
    const timeline = formatTimeline(fixed.trace);
    expect(timeline).toContain('BLOCKED (functionError)');
    expect(timeline).toContain('unblocked (discarded)');
    expect(timeline).toContain('RetryAttemptsExhausted');
  });

  it('Determinism: the same seed gives the same trace hash', async () => {
    const run = async () => {
      const sim = createSimulation({ seed: 9 });
      const stream = sim.kinesis('s', { shards: 3 });
      consumer(
        sim,
        stream,
        {
          startingPosition: 'TRIM_HORIZON',
          parallelizationFactor: 2,
          bisectBatchOnFunctionError: true,
          maximumRetryAttempts: 1,
        },
        poison(7),
      );
      putN(stream, 1, 30, (n) => `k${n % 7}`);
      return (await sim.run()).traceHash;
    };
    expect(await run()).toBe(await run());
  });
});

import type { DynamoDBStreamEvent, KinesisStreamRecord, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  createSimulation,
  formatTimeline,
  type KinesisStream,
  type Simulation,
  type StreamMappingOptions,
} from '../../src/index.js';
import { events } from './helpers.js';

/** What a handler under a tumbling window sees, as @types/aws-lambda types it plus the untyped fields. */
type WindowEvent = KinesisStreamTumblingWindowEvent & { shardId: string; eventSourceARN: string };

/** What one invoke got: the records' `n`, the window, the state and the flags. */
interface Seen {
  readonly ns: number[];
  readonly window: { start: string; end: string };
  readonly state: unknown;
  readonly final: boolean;
  readonly early: boolean;
  readonly shardId: string;
  readonly eventSourceARN: string;
  readonly atMs: number;
}

function nOf(r: KinesisStreamRecord): number {
  return (JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')) as { n: number }).n;
}

function putAt(sim: Simulation, stream: KinesisStream, atMs: number, ...ns: number[]): void {
  sim.at(atMs, () => {
    for (const n of ns) void stream.put({ n }, { partitionKey: 'k' });
  });
}

/** A sum aggregator that keeps its running total in `state` (as AWS means it), recording every invoke. */
function windowed(
  sim: Simulation,
  options: Partial<StreamMappingOptions>,
  respond?: (e: WindowEvent, seen: Seen) => unknown,
  shards = 1,
) {
  const stream = sim.kinesis('s', { shards });
  const seen: Seen[] = [];
  const fn = sim.fn(
    'Agg',
    () => async (e: WindowEvent) => {
      const s: Seen = {
        ns: e.Records.map(nOf),
        window: e.window,
        state: e.state,
        final: e.isFinalInvokeForWindow,
        early: e.isWindowTerminatedEarly,
        shardId: e.shardId,
        eventSourceARN: e.eventSourceARN,
        atMs: sim.nowMs,
      };
      seen.push(s);
      if (respond !== undefined) return respond(e, s);
      const total =
        ((e.state as { total?: number } | undefined)?.total ?? 0) + s.ns.reduce((a, b) => a + b, 0);
      return { state: { total } };
    },
    { timeoutS: 5 },
  );
  const mapping = sim.mapping(stream, fn, {
    startingPosition: 'TRIM_HORIZON',
    tumblingWindowS: 60,
    ...options,
  });
  return { stream, seen, fn, mapping };
}

const iso = (virtualMs: number) => `${new Date(1_767_225_600_000 + virtualMs).toISOString().slice(0, 19)}Z`;

describe('R-STREAM-12: tumbling windows on a stream mapping (spec §3.2 Tumbling windows, §8)', () => {
  it('R-STREAM-12 config: tumblingWindowS takes 0–900 whole seconds (TumblingWindowInSeconds); 0, the default, means no window', async () => {
    const sim = createSimulation({ seed: 1 });
    const stream = sim.kinesis('s');
    const fn = sim.fn('F', () => async () => ({ state: {} }));
    for (const tumblingWindowS of [-1, 901, 1.5, '60'])
      expect(
        () =>
          sim.mapping(stream, fn, {
            startingPosition: 'TRIM_HORIZON',
            tumblingWindowS,
          } as StreamMappingOptions),
        String(tumblingWindowS),
      ).toThrow(/tumblingWindowS must be an integer between 0 and 900/);
    for (const tumblingWindowS of [0, 1, 900]) {
      const ok = sim.fn(`F${tumblingWindowS}`, () => async () => ({ state: {} }));
      expect(() =>
        sim.mapping(stream, ok, { startingPosition: 'TRIM_HORIZON', tumblingWindowS }),
      ).not.toThrow();
    }
    expect(() => sim.mapping(stream, fn, { startingPosition: 'TRIM_HORIZON', tumblingWindowS: 901 })).toThrow(
      ConfigError,
    );
    // 0: a plain stream event, no window fields, and a response without state is a success.
    const sim2 = createSimulation({ seed: 1 });
    const plain = windowed(sim2, { tumblingWindowS: 0 }, () => null);
    putAt(sim2, plain.stream, 0, 1);
    const result = await sim2.run();
    expect(plain.seen).toHaveLength(1);
    expect(plain.seen[0]).toMatchObject({ window: undefined, state: undefined, final: undefined });
    expect(events(result, 'stream.batchSucceeded')).toHaveLength(1);
  });

  it('R-STREAM-12 grouping: records are grouped by arrival time into epoch-aligned windows [kW, (k+1)W); a batch never mixes windows; the event carries window, shardId, eventSourceARN and both flags', async () => {
    const sim = createSimulation({ seed: 1 });
    // 11 s does not divide the epoch instant of virtual 0 (1,767,225,600 s mod 11 = 8): the window
    // holding t = 0 is [−8 s, 3 s) on the epoch grid, [0, 11 s) if lambdasim aligned on virtual 0.
    const { stream, seen } = windowed(sim, { tumblingWindowS: 11, batchSize: 100 });
    putAt(sim, stream, 0, 1, 2);
    putAt(sim, stream, 1_000, 3);
    putAt(sim, stream, 4_000, 4, 5);
    await sim.run();
    const aggregations = seen.filter((s) => !s.final);
    expect(aggregations.map((s) => s.ns)).toEqual([[1, 2], [3], [4, 5]]);
    expect(aggregations[0]!.window).toEqual({ start: iso(-8_000), end: iso(3_000) });
    expect(aggregations[1]!.window).toEqual({ start: iso(-8_000), end: iso(3_000) });
    expect(aggregations[2]!.window).toEqual({ start: iso(3_000), end: iso(14_000) });
    expect(aggregations[0]).toMatchObject({
      final: false,
      early: false,
      shardId: 'shardId-000000000000',
      eventSourceARN: stream.arn,
    });
    // No batch holds records of two windows, even when both are waiting.
    const sim2 = createSimulation({ seed: 1 });
    const two = windowed(sim2, { tumblingWindowS: 11, batchSize: 100, maximumBatchingWindowS: 10 });
    putAt(sim2, two.stream, 0, 1);
    putAt(sim2, two.stream, 4_000, 2);
    await sim2.run();
    expect(two.seen.filter((s) => !s.final).map((s) => s.ns)).toEqual([[1], [2]]);
  });

  it('R-STREAM-12 state: every invoke gets the state the previous invoke of its window returned; the first gets {}', async () => {
    const sim = createSimulation({ seed: 1 });
    const { stream, seen } = windowed(sim, { batchSize: 2 });
    putAt(sim, stream, 0, 1, 2, 3, 4, 5);
    await sim.run();
    expect(seen.map((s) => [s.ns, s.state])).toEqual([
      [[1, 2], {}],
      [[3, 4], { total: 3 }],
      [[5], { total: 10 }],
      [[], { total: 15 }],
    ]);
  });

  it('R-STREAM-12 response: a response without state is a failed invocation, retried like R-STREAM-9b (no bisect, functionError null), and the state is not advanced', async () => {
    const sim = createSimulation({ seed: 1 });
    const failures = sim.sink('failures', { kind: 'sqs' });
    let calls = 0;
    const { stream, seen } = windowed(
      sim,
      { batchSize: 4, maximumRetryAttempts: 1, bisectBatchOnFunctionError: true, onFailure: failures },
      (e) => {
        calls++;
        if (e.isFinalInvokeForWindow) return { state: e.state };
        return e.Records.some((r) => nOf(r) === 3) ? { batchItemFailures: [] } : { state: { got: calls } };
      },
    );
    putAt(sim, stream, 0, 1, 2);
    putAt(sim, stream, 10_000, 3, 4);
    const result = await sim.run();
    expect(seen.map((s) => s.ns)).toEqual([[1, 2], [3, 4], [3, 4], []]);
    // The failed attempts do not move the state: the retry and the final invoke see the first one's.
    expect(seen.map((s) => s.state)).toEqual([{}, { got: 1 }, { got: 1 }, { got: 1 }]);
    const failed = events(result, 'stream.batchFailed');
    expect(failed.map((e) => e.reason)).toEqual(['stateMissing', 'stateMissing']);
    expect(events(result, 'stream.batchBisected')).toEqual([]);
    const record = JSON.parse(failures.messages[0]!.body) as {
      requestContext: { condition: string; approximateInvokeCount: number };
      responseContext: { functionError: string | null };
    };
    expect(record.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 2,
    });
    expect(record.responseContext.functionError).toBeNull();
  });

  it('R-STREAM-12 response with reportBatchItemFailures: batchItemFailures beside state act as R-STREAM-9; a whole-batch failure keeps the earlier state, a partial one takes the new state', async () => {
    const sim = createSimulation({ seed: 1 });
    let bad = true;
    const { stream, seen } = windowed(sim, { batchSize: 3, reportBatchItemFailures: true }, (e, s) => {
      if (e.isFinalInvokeForWindow) return { state: e.state };
      if (s.ns[0] === 1) return { state: { step: 'first' } };
      if (s.ns[0] === 4 && bad) {
        bad = false;
        // Not a sequence number of the batch: the whole batch failed (R-STREAM-9b).
        return { state: { step: 'ignored' }, batchItemFailures: [{ itemIdentifier: '123' }] };
      }
      if (s.ns[0] === 4) {
        const third = e.Records[2]!.kinesis.sequenceNumber;
        return { state: { step: 'partial' }, batchItemFailures: [{ itemIdentifier: third }] };
      }
      return { state: { step: 'rest' } };
    });
    putAt(sim, stream, 0, 1, 2, 3, 4, 5, 6);
    const result = await sim.run();
    expect(seen.map((s) => [s.ns, s.state])).toEqual([
      [[1, 2, 3], {}],
      [[4, 5, 6], { step: 'first' }],
      [[4, 5, 6], { step: 'first' }],
      [[6], { step: 'partial' }],
      [[], { step: 'rest' }],
    ]);
    expect(events(result, 'stream.batchFailed').map((e) => e.reason)).toEqual(['invalidResponse']);
  });

  it('R-STREAM-12 final invoke: once the window end has passed, one separate invoke with isFinalInvokeForWindow, Records [] and the final state; then the checkpoint moves and the state is dropped', async () => {
    const sim = createSimulation({ seed: 1 });
    const { stream, seen } = windowed(sim, {});
    putAt(sim, stream, 5_000, 1, 2);
    putAt(sim, stream, 30_000, 3);
    putAt(sim, stream, 70_000, 4);
    const result = await sim.run();
    expect(seen.map((s) => ({ ns: s.ns, state: s.state, final: s.final }))).toEqual([
      { ns: [1, 2], state: {}, final: false },
      { ns: [3], state: { total: 3 }, final: false },
      { ns: [], state: { total: 6 }, final: true },
      // The next window starts with a fresh state.
      { ns: [4], state: {}, final: false },
      { ns: [], state: { total: 4 }, final: true },
    ]);
    const invoked = events(result, 'stream.batchInvoked');
    expect(invoked.map((e) => [e.atMs, e.windowInvoke])).toEqual([
      [5_000, undefined],
      [30_000, undefined],
      [60_000, 'final'],
      [70_000, undefined],
      [120_000, 'final'],
    ]);
    expect(seen[2]!.window).toEqual({ start: iso(0), end: iso(60_000) });
    // The checkpoint moves once per window, when its final invoke succeeded.
    const checkpoints = events(result, 'stream.checkpointed');
    expect(checkpoints.map((e) => e.atMs)).toEqual([60_000, 120_000]);
    expect(checkpoints[0]!.sequenceNumber).toBe(events(result, 'kinesis.put')[2]!.sequenceNumber);
  });

  it('R-STREAM-12 final failure: a failing final invoke suspends the shard (later windows wait) until it succeeds', async () => {
    const sim = createSimulation({ seed: 1 });
    let finals = 0;
    const { stream, seen } = windowed(sim, {}, (e) => {
      if (e.isFinalInvokeForWindow && e.window.end === iso(60_000) && ++finals <= 2)
        throw new Error('sink down');
      return { state: e.state };
    });
    putAt(sim, stream, 0, 1);
    putAt(sim, stream, 60_000, 2);
    const result = await sim.run();
    expect(seen.map((s) => [s.ns, s.final])).toEqual([
      [[1], false],
      [[], true],
      [[], true],
      [[], true],
      [[2], false],
      [[], true],
    ]);
    expect(seen[4]!.atMs).toBeGreaterThan(60_000);
    expect(events(result, 'stream.shardBlocked').map((e) => e.why)).toEqual(['functionError']);
  });

  it('R-STREAM-12 early termination: a state over 1 MB ends the window early with isWindowTerminatedEarly; the window goes on with a fresh state', async () => {
    const sim = createSimulation({ seed: 1 });
    const big = 'x'.repeat(1_048_576);
    const { stream, seen } = windowed(sim, { batchSize: 1 }, (e) => {
      if (e.isFinalInvokeForWindow || e.isWindowTerminatedEarly) return { state: {} };
      return nOf(e.Records[0]!) === 2 ? { state: { big } } : { state: { n: nOf(e.Records[0]!) } };
    });
    putAt(sim, stream, 0, 1, 2, 3);
    const result = await sim.run();
    expect(
      seen.map((s) => ({
        ns: s.ns,
        final: s.final,
        early: s.early,
        small: s.state === undefined || JSON.stringify(s.state).length < 100,
      })),
    ).toEqual([
      { ns: [1], final: false, early: false, small: true },
      { ns: [2], final: false, early: false, small: true },
      { ns: [], final: false, early: true, small: false },
      { ns: [3], final: false, early: false, small: true },
      { ns: [], final: true, early: false, small: true },
    ]);
    expect(seen[2]!.state).toEqual({ big });
    expect(seen[3]!.state).toEqual({});
    expect(seen[3]!.window).toEqual(seen[0]!.window);
    expect(events(result, 'stream.windowClosed').map((e) => e.how)).toEqual(['terminatedEarly', 'final']);
  });

  it('R-STREAM-12 DynamoDB Streams: the same windows, state and final invoke on a table stream', async () => {
    const sim = createSimulation({ seed: 1 });
    const orders = sim.table<{ orderId: string; amount: number }>('orders', {
      key: 'orderId',
      stream: 'NEW_IMAGE',
    });
    const seen: Array<{ names: string[]; state: unknown; final: boolean; shardId: string; arn: string }> = [];
    const fn = sim.fn('OnChange', () => async (e: DynamoDBStreamEvent & Omit<WindowEvent, 'Records'>) => {
      seen.push({
        names: e.Records.map((r) => r.dynamodb!.Keys!.orderId!.S!),
        state: e.state,
        final: e.isFinalInvokeForWindow,
        shardId: e.shardId,
        arn: e.eventSourceARN,
      });
      return { state: { count: ((e.state as { count?: number }).count ?? 0) + e.Records.length } };
    });
    sim.mapping(orders, fn, { startingPosition: 'TRIM_HORIZON', tumblingWindowS: 30 });
    sim.spawn('writer', async () => {
      await orders.put({ orderId: 'a', amount: 1 });
      await orders.put({ orderId: 'b', amount: 2 });
      await sim.sleep(40_000);
      await orders.put({ orderId: 'c', amount: 3 });
    });
    await sim.run();
    expect(seen.map((s) => [s.names, s.state, s.final])).toEqual([
      [['a'], {}, false],
      [['b'], { count: 1 }, false],
      [[], { count: 2 }, true],
      [['c'], {}, false],
      [[], { count: 1 }, true],
    ]);
    expect(seen[0]!.arn).toMatch(/^arn:aws:dynamodb:[^:]+:\d+:table\/orders\/stream\//);
    expect(seen[0]!.shardId).toMatch(/^shardId-/);
  });

  it('R-STREAM-12 timeline: window opened, final invoke and window closed are shown', async () => {
    const sim = createSimulation({ seed: 1 });
    const { stream } = windowed(sim, {});
    putAt(sim, stream, 0, 1);
    const result = await sim.run();
    const timeline = formatTimeline(result.trace);
    expect(timeline).toContain('window 2026-01-01T00:00:00Z–2026-01-01T00:01:00Z opened');
    expect(timeline).toContain('FINAL invoke for window');
    expect(timeline).toContain('window 2026-01-01T00:00:00Z–2026-01-01T00:01:00Z closed (final)');
    expect(result.shards[0]!.window).toBeUndefined();
    // A run that stops inside a window shows it open in result.shards.
    const sim2 = createSimulation({ seed: 1 });
    const open = windowed(sim2, {});
    putAt(sim2, open.stream, 0, 1);
    const cut = await sim2.run({ untilMs: 30_000 });
    expect(cut.shards[0]!.window).toEqual({
      start: '2026-01-01T00:00:00Z',
      end: '2026-01-01T00:01:00Z',
      stateBytes: JSON.stringify({ total: 1 }).length,
    });
  });
});

describe('R-STREAM-12 usability: an aggregation handler and its buggy twin', () => {
  /**
   * Sums `n` per window and reports the total on the final invoke. The buggy twin keeps the running
   * total in a module variable (per execution environment), the fixed one in the window's `state`.
   * One batch hangs past the timeout the first time it is seen: the environment is reset (R-ENV).
   */
  async function run(kind: 'buggy' | 'fixed') {
    const sim = createSimulation({ seed: 4 });
    const stream = sim.kinesis('payments', { shards: 1 });
    const reported: number[] = [];
    let hung = false;
    const fn = sim.fn(
      'Totals',
      () => {
        let total = 0; // module scope: one per environment
        return async (e: WindowEvent) => {
          const ns = e.Records.map(nOf);
          if (ns.includes(5) && !hung) {
            hung = true;
            await sim.sleep(10_000); // past the 3 s timeout: this environment is gone
          }
          const sum = ns.reduce((a, b) => a + b, 0);
          if (kind === 'buggy') {
            total += sum;
            if (e.isFinalInvokeForWindow) {
              reported.push(total);
              total = 0;
            }
            return { state: {} };
          }
          const state = { total: ((e.state as { total?: number } | undefined)?.total ?? 0) + sum };
          if (e.isFinalInvokeForWindow) reported.push(state.total);
          return { state };
        };
      },
      { timeoutS: 3 },
    );
    sim.mapping(stream, fn, { startingPosition: 'TRIM_HORIZON', tumblingWindowS: 60, batchSize: 2 });
    for (let n = 1; n <= 8; n++) putAt(sim, stream, n * 5_000, n);
    await sim.run();
    return reported;
  }

  it('the buggy twin (running total in module scope) reports a wrong total after the environment is reset; the fixed twin (state) reports the sum of the records put', async () => {
    const put = [1, 2, 3, 4, 5, 6, 7, 8].reduce((a, b) => a + b, 0);
    const fixed = await run('fixed');
    expect(fixed).toEqual([put]);
    const buggy = await run('buggy');
    expect(buggy).toHaveLength(1);
    expect(buggy[0]).not.toBe(put);
  });
});

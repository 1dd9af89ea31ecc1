import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, type Simulation, type SqsQueue } from '../../src/index.js';
import { events, sleep } from './helpers.js';

/** Records each batch a function receives: `n@receiveCount` per record (bodies are `{ n }`). */
function recorder() {
  const batches: SQSRecord[][] = [];
  const seen = () =>
    batches.map((b) =>
      b.map((r) => `${(JSON.parse(r.body) as { n: number }).n}@${r.attributes.ApproximateReceiveCount}`),
    );
  return { batches, seen };
}

function sendN(queue: SqsQueue, count: number, options: (n: number) => object = () => ({})): void {
  for (let n = 1; n <= count; n++) void queue.send({ n }, options(n));
}

function mapped(
  sim: Simulation,
  queue: SqsQueue,
  respond: (event: SQSEvent) => unknown,
  options: Parameters<Simulation['mapping']>[2] = {},
  fnOptions: Parameters<Simulation['fn']>[2] = {},
) {
  const rec = recorder();
  const fn = sim.fn(
    'Consumer',
    () => async (event: SQSEvent) => {
      rec.batches.push(event.Records);
      return respond(event);
    },
    { timeoutS: 5, ...fnOptions },
  );
  sim.mapping(queue, fn, options);
  return rec;
}

function nOf(r: SQSRecord): number {
  return (JSON.parse(r.body) as { n: number }).n;
}

describe('SQS event source mapping (spec §3.1, §8 R-SQS)', () => {
  it('R-SQS-1: a receive hides messages for the visibility timeout; redelivery keeps messageId, new receiptHandle, count 2', async () => {
    const sim = createSimulation({ seed: 1 });
    const q = sim.sqs('orders', { visibilityTimeoutS: 20 });
    const rec = mapped(sim, q, (e) => {
      if (e.Records[0]!.attributes.ApproximateReceiveCount === '1') throw new Error('first time fails');
      return null;
    });
    sendN(q, 1);
    const result = await sim.run();
    expect(rec.batches).toHaveLength(2);
    const [a, b] = [rec.batches[0]![0]!, rec.batches[1]![0]!];
    expect(b.messageId).toBe(a.messageId);
    expect(b.receiptHandle).not.toBe(a.receiptHandle);
    expect([a.attributes.ApproximateReceiveCount, b.attributes.ApproximateReceiveCount]).toEqual(['1', '2']);
    const received = events(result, 'sqs.received').map((e) => e.atMs);
    expect(received).toEqual([0, 20_000]); // not visible before the visibility timeout ends
    expect(b.attributes.ApproximateFirstReceiveTimestamp).toBe(a.attributes.ApproximateFirstReceiveTimestamp);
  });

  it('R-SQS-1: window + function timeout above the visibility timeout makes it window + timeout + 30 s', async () => {
    const sim = createSimulation({ seed: 2 });
    const q = sim.sqs('orders', { visibilityTimeoutS: 30 });
    mapped(
      sim,
      q,
      () => {
        throw new Error('x');
      },
      { maximumBatchingWindowS: 5 },
      { timeoutS: 30 },
    );
    sendN(q, 1);
    const result = await sim.run({ untilMs: 100_000 });
    expect(events(result, 'sqs.reappeared')[0]!.atMs).toBe(65_000);
  });

  it('R-SQS-2: batchSize > 10 without a window fails with AWS message; batches flush at batchSize, window and 6 MB', async () => {
    const sim = createSimulation({ seed: 3 });
    const q = sim.sqs('orders');
    const fn = sim.fn('F', () => async () => null);
    expect(() => sim.mapping(q, fn, { batchSize: 11 })).toThrow(ConfigError);
    expect(() => sim.mapping(q, fn, { batchSize: 11 })).toThrow(
      'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    );
    const fifo = sim.sqs('orders.fifo', { contentBasedDeduplication: true });
    expect(() => sim.mapping(fifo, fn, { batchSize: 11, maximumBatchingWindowS: 1 })).toThrow(/FIFO/);
    const rec = mapped(sim, q, () => null, { batchSize: 25, maximumBatchingWindowS: 2 });
    sendN(q, 30);
    sim.at(10_000, () => {
      for (let i = 0; i < 7; i++) void q.send({ n: 100, pad: 'x'.repeat(900_000) });
    });
    const result = await sim.run();
    const sizes = rec.batches.map((b) => b.length);
    expect(sizes.slice(0, 2)).toEqual([25, 5]); // full batch at once, remainder after the window
    expect(events(result, 'batch.invoked')[1]!.atMs).toBe(2000);
    // 7 messages of ~900 KB: never more than 6 MB in one batch
    expect(sizes.slice(2).every((s) => s <= 6)).toBe(true);
    expect(sizes.slice(2).reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('R-SQS-3: RBIF on: null, "", {}, batchItemFailures null/[] and other JSON mean success; RBIF off: any response', async () => {
    const responses: unknown[] = [
      null,
      undefined,
      '',
      {},
      { batchItemFailures: null },
      { batchItemFailures: [] },
      42,
      [1],
      'ok',
    ];
    for (const [i, response] of responses.entries()) {
      const sim = createSimulation({ seed: 10 + i });
      const q = sim.sqs('orders');
      const rec = mapped(sim, q, () => response, { reportBatchItemFailures: true });
      sendN(q, 3);
      const result = await sim.run();
      expect(rec.batches, JSON.stringify(response)).toHaveLength(1);
      expect(result.queues[0]).toMatchObject({ sent: 3, deleted: 3 });
    }
  });

  it('R-SQS-4: a function error (throw or timeout) deletes nothing; every message reappears after its visibility timeout', async () => {
    for (const mode of ['throw', 'timeout'] as const) {
      const sim = createSimulation({ seed: 20 });
      const q = sim.sqs('orders', { visibilityTimeoutS: 10 });
      const rec = mapped(sim, q, async (e) => {
        if (e.Records[0]!.attributes.ApproximateReceiveCount !== '1') return null;
        if (mode === 'throw') throw new Error('boom');
        await sleep(60_000);
        return null;
      });
      sendN(q, 3);
      const result = await sim.run();
      expect(rec.seen()).toEqual([
        ['1@1', '2@1', '3@1'],
        ['1@2', '2@2', '3@2'],
      ]);
      expect(events(result, 'batch.failed')[0]!.reason).toBe('functionError');
      expect(events(result, 'sqs.reappeared').map((e) => e.atMs)).toEqual([10_000, 10_000, 10_000]);
    }
  });

  it('R-SQS-5: RBIF on with a valid list deletes all but the listed messages; RBIF off ignores the list', async () => {
    for (const rbif of [true, false]) {
      const sim = createSimulation({ seed: 30 });
      const q = sim.sqs('orders', { visibilityTimeoutS: 10 });
      const rec = mapped(
        sim,
        q,
        (e) => ({
          batchItemFailures: e.Records.filter(
            (r) => nOf(r) === 2 && r.attributes.ApproximateReceiveCount === '1',
          ).map((r) => ({ itemIdentifier: r.messageId })),
        }),
        { reportBatchItemFailures: rbif },
      );
      sendN(q, 3);
      await sim.run();
      expect(rec.seen()).toEqual(rbif ? [['1@1', '2@1', '3@1'], ['2@2']] : [['1@1', '2@1', '3@1']]);
    }
  });

  it('R-SQS-6: an invalid entry, a non-array list or a throw fails the whole batch, including handled messages', async () => {
    const bad: Array<(e: SQSEvent) => unknown> = [
      () => ({ batchItemFailures: [{ foo: 'notvalid' }] }),
      () => ({ batchItemFailures: [{ itemIdentifier: '' }] }),
      () => ({ batchItemFailures: [{ itemIdentifier: null }] }),
      () => ({ batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] }),
      (e) => ({
        batchItemFailures: [{ itemIdentifier: e.Records[0]!.messageId }, { itemIdentifier: 'unknown' }],
      }),
      () => ({ batchItemFailures: 'all' }),
      () => {
        throw new Error('boom');
      },
    ];
    for (const [i, respond] of bad.entries()) {
      const sim = createSimulation({ seed: 40 + i });
      const q = sim.sqs('orders', { visibilityTimeoutS: 10 });
      const rec = mapped(
        sim,
        q,
        (e) => (e.Records[0]!.attributes.ApproximateReceiveCount === '1' ? respond(e) : null),
        {
          reportBatchItemFailures: true,
        },
      );
      sendN(q, 3);
      await sim.run();
      expect(rec.seen(), `case ${i}`).toEqual([
        ['1@1', '2@1', '3@1'],
        ['1@2', '2@2', '3@2'],
      ]);
    }
  });

  it('R-SQS-7: past maxReceiveCount a message moves to the DLQ with the same messageId', async () => {
    const sim = createSimulation({ seed: 50 });
    const dlq = sim.sqs('orders-dlq');
    const q = sim.sqs('orders', { visibilityTimeoutS: 10, redrive: { deadLetter: dlq, maxReceiveCount: 3 } });
    const rec = mapped(sim, q, () => {
      throw new Error('poison');
    });
    sendN(q, 1);
    const result = await sim.run();
    expect(rec.seen()).toEqual([['1@1'], ['1@2'], ['1@3']]);
    const moved = events(result, 'sqs.deadLettered');
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ atMs: 30_000, receiveCount: 3, deadLetterQueue: 'orders-dlq' });
    expect(dlq.messages().map((m) => m.messageId)).toEqual([rec.batches[0]![0]!.messageId]);
    expect(dlq.messages()[0]!.deadLetteredFrom).toBe(q.arn);
    expect(q.messages()[0]!.status).toBe('deadLettered');
  });

  it('R-SQS-8: a message older than the retention period is deleted by SQS, processed or not', async () => {
    const sim = createSimulation({ seed: 60 });
    const q = sim.sqs('orders', { visibilityTimeoutS: 25, messageRetentionS: 60 });
    const rec = mapped(sim, q, () => {
      throw new Error('always');
    });
    sendN(q, 1);
    const idle = sim.sqs('idle', { messageRetentionS: 60 });
    void idle.send('never read');
    const result = await sim.run();
    expect(rec.batches).toHaveLength(3); // t = 0, 25, 50; at 75 it is past 60 s
    expect(events(result, 'sqs.expired')).toMatchObject([{ atMs: 75_000 }]);
    expect(result.queues.find((a) => a.queue === 'orders')).toMatchObject({ sent: 1, expired: 1 });
    // an unread message is still on the queue when the run ends before its retention
    expect(result.queues.find((a) => a.queue === 'idle')).toMatchObject({ visible: 0, expired: 1 });
  });

  it('R-SQS-9: a standard queue may deliver duplicates and out of order (seeded); both off by default', async () => {
    const run = async (options: object, seed: number) => {
      const sim = createSimulation({ seed });
      const q = sim.sqs('orders', options);
      const rec = mapped(sim, q, () => null, { batchSize: 1 });
      sendN(q, 20);
      await sim.run();
      return rec.batches.map((b) => nOf(b[0]!));
    };
    const plain = await run({}, 70);
    expect(plain).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const dup = await run({ duplicateRate: 0.5 }, 71);
    expect(dup.length).toBeGreaterThan(20);
    expect(new Set(dup).size).toBe(20);
    const reordered = await run({ reorderWindow: 5 }, 72);
    expect(reordered).not.toEqual(plain);
    expect([...reordered].sort((a, b) => a - b)).toEqual(plain);
    expect(await run({ duplicateRate: 0.5, reorderWindow: 5 }, 73)).toEqual(
      await run({ duplicateRate: 0.5, reorderWindow: 5 }, 73),
    );
  });

  it('R-SQS-10: FIFO: one batch per group in flight, send order per group, a failed group blocks until its messages succeed', async () => {
    const sim = createSimulation({ seed: 80 });
    const q = sim.sqs('orders.fifo', { visibilityTimeoutS: 10, contentBasedDeduplication: true });
    const rec = mapped(
      sim,
      q,
      async (e) => {
        await sleep(1000);
        if (e.Records.some((r) => nOf(r) === 2 && r.attributes.ApproximateReceiveCount === '1'))
          throw new Error('x');
        return null;
      },
      { batchSize: 2 },
    );
    sendN(q, 6, (n) => ({ messageGroupId: n % 2 === 0 ? 'even' : 'odd' }));
    void q.send({ n: 1 }, { messageGroupId: 'odd' }); // deduplicated (same content within 5 minutes)
    const result = await sim.run();
    expect(events(result, 'sqs.deduplicated')).toHaveLength(1);
    const groupOf = (b: SQSRecord[]) => b[0]!.attributes.MessageGroupId;
    const order = (g: string) =>
      rec.batches
        .filter((b) => groupOf(b) === g)
        .flatMap((b) => b.map((r) => `${nOf(r)}@${r.attributes.ApproximateReceiveCount}`));
    expect(order('odd')).toEqual(['1@1', '3@1', '5@1']);
    // the failed batch (2, 4) comes back first, after its visibility timeout; 6 waits for it
    expect(order('even')).toEqual(['2@1', '4@1', '2@2', '4@2', '6@1']);
    const invoked = events(result, 'batch.invoked');
    // 1.1 s: the first batch paid a 100 ms cold start
    expect(invoked.map((e) => e.atMs)).toEqual([0, 0, 1100, 10_000, 11_000]);
  });

  it('R-SQS-11: starts at 5 concurrent batches, grows by 5 per second with a backlog, capped by maximumConcurrency', async () => {
    const peak = async (maximumConcurrency?: number) => {
      const sim = createSimulation({ seed: 90 });
      const q = sim.sqs('orders');
      let running = 0;
      let max = 0;
      let firstSecond = 0;
      const fn = sim.fn('F', () => async () => {
        running++;
        max = Math.max(max, running);
        if (Date.now() - 1_767_225_600_000 < 1000) firstSecond = Math.max(firstSecond, running);
        await sleep(500);
        running--;
        return null;
      });
      sim.mapping(q, fn, maximumConcurrency === undefined ? {} : { maximumConcurrency });
      sendN(q, 2000);
      await sim.run();
      return { max, firstSecond };
    };
    const free = await peak();
    expect(free.firstSecond).toBe(5);
    expect(free.max).toBeGreaterThan(20);
    expect((await peak(3)).max).toBe(3);
  });

  it('R-SQS-11: no growth while nothing is visible (a long batch over an empty queue does not scale the mapping up)', async () => {
    const sim = createSimulation({ seed: 91 });
    const q = sim.sqs('orders', { visibilityTimeoutS: 60 });
    const fn = sim.fn(
      'F',
      () => async () => {
        await sleep(20_000);
        return null;
      },
      { timeoutS: 30 },
    );
    sim.mapping(q, fn);
    sendN(q, 1);
    // 40 s later, one more message: the mapping starts again from where it was (5), not 5 + 5 per idle second.
    sim.at(40_000, () => sendN(q, 1));
    const result = await sim.run();
    const scaled = result.trace.filter((e) => e.kind === 'mapping.scaled');
    expect(scaled).toEqual([]);
  });

  it('R-SQS-12: a throttled batch is retried (1, 2, 4 s) without new receives until its visibility timeout ends', async () => {
    const sim = createSimulation({ seed: 100 });
    const q = sim.sqs('orders', { visibilityTimeoutS: 10 });
    const fn = sim.fn(
      'F',
      () => async (event: unknown) => {
        if (event !== null && typeof event === 'object' && 'hold' in event) await sleep(30_000);
        return null;
      },
      { timeoutS: 10, reservedConcurrency: 1 },
    );
    void sim.invoke(fn, { hold: true });
    sim.mapping(q, fn);
    sim.at(100, () => sendN(q, 1));
    const result = await sim.run();
    const throttled = events(result, 'batch.throttled');
    // received at 0.1 s; retries at 1.1, 3.1, 7.1 s; 15.1 > 10.1: gives up
    expect(throttled.map((e) => e.atMs)).toEqual([100, 1100, 3100, 7100]);
    expect(throttled.at(-1)!.retryAtMs).toBeUndefined();
    const received = events(result, 'sqs.received').map((e) => [e.atMs, e.receiveCount]);
    expect(received[0]).toEqual([100, 1]);
    expect(received[1]![1]).toBe(2); // next receive after the visibility timeout raises the count
    expect(received[1]![0]).toBeGreaterThanOrEqual(10_100);
  });

  it('R-SQS-13: messages that match no filter are deleted without invoking the function', async () => {
    const sim = createSimulation({ seed: 110 });
    const q = sim.sqs('orders');
    const rec = mapped(sim, q, () => null, {
      filters: [{ body: { n: [{ numeric: ['>', 3] }] } }, { body: { n: [1] } }],
    });
    sendN(q, 5);
    const result = await sim.run();
    expect(rec.batches.flatMap((b) => b.map(nOf))).toEqual([1, 4, 5]);
    expect(events(result, 'sqs.filtered')).toHaveLength(2);
    expect(result.queues[0]).toMatchObject({ sent: 5, deleted: 3, filtered: 2 });
  });

  it('R-SQS-13: a filter on anything but the body is a ConfigError (SQS mappings filter on body only)', () => {
    const sim = createSimulation({ seed: 111 });
    const q = sim.sqs('orders');
    const fn = sim.fn('F', () => async () => null);
    for (const key of ['attributes', 'messageAttributes', 'messageId', 'eventSource'])
      expect(() => sim.mapping(q, fn, { filters: [{ [key]: { x: ['y'] } }] }), key).toThrow(
        `sim.mapping("orders" → "F"): filters[0].${key} is not filterable: SQS event source mappings support filtering on the body key only`,
      );
    expect(() =>
      sim.mapping(q, fn, {
        filters: [{ body: { n: [1] } }, { body: { n: [2] }, attributes: { SenderId: ['x'] } }],
      }),
    ).toThrow(/filters\[1\]\.attributes is not filterable/);
    expect(() => sim.mapping(q, fn, { filters: [{ body: { n: [1] } }] })).not.toThrow();
  });

  it('R-SQS-14: a queue visibility timeout below the function timeout fails with AWS message; equal passes', () => {
    const sim = createSimulation({ seed: 120 });
    const fn = sim.fn('F', () => async () => null, { timeoutS: 60 });
    const short = sim.sqs('short', { visibilityTimeoutS: 30 });
    expect(() => sim.mapping(short, fn)).toThrow(ConfigError);
    expect(() => sim.mapping(short, fn)).toThrow(
      'Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds',
    );
    expect(() => sim.mapping(sim.sqs('equal', { visibilityTimeoutS: 60 }), fn)).not.toThrow();
  });

  it('R-SQS-15: a second mapping of the same queue and function is a 409 conflict naming the existing UUID', () => {
    const sim = createSimulation({ seed: 130 });
    const fn = sim.fn('F', () => async () => null);
    const q = sim.sqs('orders');
    const first = sim.mapping(q, fn);
    expect(() => sim.mapping(q, fn)).toThrow(
      `409 ResourceConflictException "An event source mapping with SQS arn (" ${q.arn} ") and function (" F ") already exists. Please update or delete the existing mapping with UUID ${first.uuid}"`,
    );
    expect(() =>
      sim.mapping(
        q,
        sim.fn('G', () => async () => null),
      ),
    ).not.toThrow();
  });
});

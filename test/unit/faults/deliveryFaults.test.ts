import { resolveFaultPlan } from '../../../src/faults/FaultInjector.js';
import { POISON_BODY, REORDER_MAX_HOLD_MS } from '../../../src/faults/Fault.js';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createSimulation, type FaultPlan, formatTimeline, type TraceEvent } from '../../../src/index.js';

/** Async: `n` events sent at t = 0, 10, 20…; the handler records each run's event id. */
async function asyncRun(faults: FaultPlan, n = 3) {
  const sim = createSimulation({ seed: 3, faults, async: { duplicateProbability: 0 } });
  const runs: number[] = [];
  const fn = sim.fn('Notify', () => async (event: { id: number }) => {
    runs.push(event.id);
  });
  for (let id = 1; id <= n; id++) sim.at((id - 1) * 10, () => void sim.invokeAsync(fn, { id }));
  const result = await sim.run();
  return { result, runs, injected: injected(result.trace) };
}

/**
 * SQS standard: `ids` sent at the given instants; a slow handler (`workMs`) records each batch's
 * ids and receive counts; failing parses are counted, not retried within the handler.
 */
async function sqsRun(
  faults: FaultPlan,
  sends: ReadonlyArray<readonly [atMs: number, id: number]>,
  options: { fifo?: boolean; workMs?: number; batchSize?: number; maxReceiveCount?: number } = {},
) {
  const sim = createSimulation({ seed: 4, faults });
  const suffix = options.fifo === true ? '.fifo' : '';
  const dlq = sim.sqs(`orders-dlq${suffix}`);
  const queue = sim.sqs(`orders${suffix}`, {
    visibilityTimeoutS: 30,
    ...(options.fifo === true ? { contentBasedDeduplication: true } : {}),
    redrive: { deadLetter: dlq, maxReceiveCount: options.maxReceiveCount ?? 3 },
  });
  const batches: Array<Array<{ id: number | 'poison'; receiveCount: string }>> = [];
  const fn = sim.fn(
    'Process',
    () => async (event: SQSEvent) => {
      batches.push(
        event.Records.map((r) => ({
          id: r.body === POISON_BODY ? 'poison' : (JSON.parse(r.body) as { id: number }).id,
          receiveCount: r.attributes.ApproximateReceiveCount,
        })),
      );
      for (const r of event.Records) JSON.parse(r.body); // a poison record throws here, as it would in most handlers
      await new Promise((resolve) => setTimeout(resolve, options.workMs ?? 100));
    },
    { timeoutS: 10 },
  );
  sim.mapping(queue, fn, { batchSize: options.batchSize ?? 1 });
  for (const [atMs, id] of sends)
    sim.at(atMs, () => void queue.send({ id }, options.fifo === true ? { messageGroupId: 'g' } : {}));
  const result = await sim.run();
  return { result, batches, queue, dlq, injected: injected(result.trace) };
}

function injected(trace: readonly TraceEvent[]) {
  return trace.flatMap((e) =>
    e.kind === 'fault.injected' ? [{ fault: e.fault, target: e.target, point: e.point, at: e.at }] : [],
  );
}

describe('duplicateDelivery of an async event (R-ASYNC-10)', () => {
  it('delivers exactly the aimed event twice, with the same request id, and records the fault', async () => {
    const { result, runs, injected } = await asyncRun([
      { kind: 'duplicateDelivery', fn: 'Notify', event: 2 },
    ]);
    expect([...runs].sort()).toEqual([1, 2, 2, 3]);
    const second = result.asyncEvents.filter((e) => e.requestId === result.asyncEvents[1]!.requestId);
    expect(second.map((e) => e.duplicate)).toEqual([false, true]);
    expect(second.every((e) => e.state === 'succeeded')).toBe(true);
    expect(result.asyncEvents).toHaveLength(4);
    expect(injected).toEqual([{ fault: 'duplicateDelivery', target: 'Notify', point: 'event', at: 2 }]);
  });

  it('aimed past the last event, it does nothing', async () => {
    const { runs, injected } = await asyncRun([{ kind: 'duplicateDelivery', fn: 'Notify', event: 4 }]);
    expect(runs).toEqual([1, 2, 3]);
    expect(injected).toEqual([]);
  });
});

describe('duplicateDelivery of an SQS delivery (R-SQS-9)', () => {
  it('a copy of the aimed delivery is received again while the first is in flight', async () => {
    const { batches, queue, injected } = await sqsRun(
      [{ kind: 'duplicateDelivery', queue: 'orders', delivery: 1 }],
      [[0, 1]],
      { workMs: 1000 },
    );
    // Two receives of message 1 overlap: the second while the first is still being processed.
    expect(batches).toEqual([[{ id: 1, receiveCount: '1' }], [{ id: 1, receiveCount: '2' }]]);
    expect(queue.messages().map((m) => m.status)).toEqual(['deleted']);
    expect(injected).toEqual([{ fault: 'duplicateDelivery', target: 'orders', point: 'delivery', at: 1 }]);
  });

  it('with room in the batch, the copy still goes to another batch: two concurrent invocations', async () => {
    const { batches, result } = await sqsRun(
      [{ kind: 'duplicateDelivery', queue: 'orders', delivery: 1 }],
      [[0, 1]],
      { workMs: 1000, batchSize: 10 },
    );
    expect(batches).toEqual([[{ id: 1, receiveCount: '1' }], [{ id: 1, receiveCount: '2' }]]);
    const starts = result.trace.filter((e) => e.kind === 'batch.invoked').map((e) => e.atMs);
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBeLessThan(1000); // the second starts while the first still works
  });

  it('without the fault, each message is received once', async () => {
    const { batches } = await sqsRun([], [[0, 1]], { workMs: 1000 });
    expect(batches).toEqual([[{ id: 1, receiveCount: '1' }]]);
  });
});

describe('reorder of an SQS message (R-SQS-9)', () => {
  it('the aimed message is received after the message sent next', async () => {
    const sends = [
      [0, 1],
      [200, 2],
      [400, 3],
    ] as const;
    const { batches, injected } = await sqsRun([{ kind: 'reorder', queue: 'orders', message: 1 }], sends);
    expect(batches.map((b) => b.map((r) => r.id))).toEqual([[2], [1], [3]]);
    expect(injected).toEqual([{ fault: 'reorder', target: 'orders', point: 'message', at: 1 }]);
    const inOrder = await sqsRun([], sends);
    expect(inOrder.batches.map((b) => b.map((r) => r.id))).toEqual([[1], [2], [3]]);
  });

  it('in one batch, the next message comes first', async () => {
    const { batches } = await sqsRun(
      [{ kind: 'reorder', queue: 'orders', message: 1 }],
      [
        [0, 1],
        [0, 2],
      ],
      { batchSize: 10 },
    );
    expect(batches.map((b) => b.map((r) => r.id))).toEqual([[2, 1]]);
  });

  it('with no message after it, it is held at most REORDER_MAX_HOLD_MS, then delivered: nothing is lost', async () => {
    const { result, batches } = await sqsRun([{ kind: 'reorder', queue: 'orders', message: 1 }], [[0, 1]]);
    expect(batches.map((b) => b.map((r) => r.id))).toEqual([[1]]);
    const received = result.trace.find((e) => e.kind === 'sqs.received')!;
    expect(received.atMs).toBe(REORDER_MAX_HOLD_MS);
  });
});

describe('poisonRecord (on request: not an AWS fault)', () => {
  it('the aimed message carries a body no handler parses, fails every receive and is dead-lettered', async () => {
    const { batches, queue, dlq, injected } = await sqsRun(
      [{ kind: 'poisonRecord', queue: 'orders', message: 2 }],
      [
        [0, 1],
        [100, 2],
      ],
      { maxReceiveCount: 2 },
    );
    expect(batches.map((b) => b.map((r) => r.id))).toEqual([[1], ['poison'], ['poison']]);
    expect(queue.messages().map((m) => m.status)).toEqual(['deleted', 'deadLettered']);
    expect(dlq.messages().map((m) => m.body)).toEqual([POISON_BODY]);
    expect(injected).toEqual([{ fault: 'poisonRecord', target: 'orders', point: 'message', at: 2 }]);
  });

  it('on a FIFO queue it blocks its message group until it is dead-lettered', async () => {
    const { batches } = await sqsRun(
      [{ kind: 'poisonRecord', queue: 'orders.fifo', message: 1 }],
      [
        [0, 1],
        [0, 2],
      ],
      { fifo: true, maxReceiveCount: 2 },
    );
    expect(batches.map((b) => b.map((r) => r.id))).toEqual([['poison'], ['poison'], [2]]);
  });
});

describe('producerDuplicate: a producer retry, same body under a new id (on request: not an AWS fault)', () => {
  it('async: the aimed event is accepted again with a new request id and runs as an event of its own', async () => {
    const { result, runs, injected } = await asyncRun([
      { kind: 'producerDuplicate', fn: 'Notify', event: 2 },
    ]);
    expect([...runs].sort()).toEqual([1, 2, 2, 3]);
    const accepted = result.trace.flatMap((e) => (e.kind === 'async.accepted' ? [e] : []));
    expect(accepted).toHaveLength(4);
    const [, original, retry] = accepted;
    expect(retry!.requestId).not.toBe(original!.requestId);
    expect(retry).toMatchObject({ duplicate: false, retryOf: original!.requestId, atMs: original!.atMs });
    expect(accepted.filter((e) => e.retryOf !== undefined)).toHaveLength(1);
    expect(result.asyncEvents.map((e) => e.payloadJson)).toEqual([
      '{"id":1}',
      '{"id":2}',
      '{"id":2}',
      '{"id":3}',
    ]);
    expect(result.asyncEvents.every((e) => e.state === 'succeeded')).toBe(true);
    expect(injected).toEqual([{ fault: 'producerDuplicate', target: 'Notify', point: 'event', at: 2 }]);
    // The retry is itself an accepted event: it is counted, so event 3 is the next one's.
    const next = await asyncRun([
      { kind: 'producerDuplicate', fn: 'Notify', event: 2 },
      { kind: 'duplicateDelivery', fn: 'Notify', event: 3 },
    ]);
    expect([...next.runs].sort()).toEqual([1, 2, 2, 2, 3]);
  });

  it('SQS standard: the aimed message is sent again, a new message id, and both are processed', async () => {
    const { result, batches, queue, injected } = await sqsRun(
      [{ kind: 'producerDuplicate', queue: 'orders', message: 1 }],
      [
        [0, 1],
        [10, 2],
      ],
    );
    const messages = queue.messages();
    expect(messages.map((m) => m.body)).toEqual(['{"id":1}', '{"id":1}', '{"id":2}']);
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(3);
    expect(messages.map((m) => m.status)).toEqual(['deleted', 'deleted', 'deleted']);
    expect(batches.flat().map((b) => b.id)).toEqual([1, 1, 2]);
    const sent = result.trace.flatMap((e) => (e.kind === 'sqs.sent' ? [e] : []));
    expect(sent.map((e) => e.retryOf)).toEqual([undefined, messages[0]!.messageId, undefined]);
    const timeline = formatTimeline(result.trace);
    expect(timeline).toContain('FAULT producerDuplicate (message #1)');
    expect(timeline).toContain(`producer retry of msg ${messages[0]!.messageId.slice(0, 8)}`);
    expect(injected).toEqual([{ fault: 'producerDuplicate', target: 'orders', point: 'message', at: 1 }]);
  });

  it('SQS FIFO: the retry carries the same deduplication id, so SQS accepts it and delivers it once', async () => {
    const { result, batches, queue, injected } = await sqsRun(
      [{ kind: 'producerDuplicate', queue: 'orders.fifo', message: 1 }],
      [[0, 1]],
      { fifo: true },
    );
    expect(queue.messages()).toHaveLength(1);
    expect(batches).toEqual([[{ id: 1, receiveCount: '1' }]]);
    expect(result.trace.filter((e) => e.kind === 'sqs.deduplicated')).toHaveLength(1);
    expect(injected).toEqual([
      { fault: 'producerDuplicate', target: 'orders.fifo', point: 'message', at: 1 },
    ]);
    expect(result.inputs.map((i) => i.faults.map((f) => f.fault))).toEqual([['producerDuplicate']]);
  });

  it('aimed past the last event or message, it does nothing', async () => {
    const { runs, injected } = await asyncRun([{ kind: 'producerDuplicate', fn: 'Notify', event: 4 }]);
    expect(runs).toEqual([1, 2, 3]);
    expect(injected).toEqual([]);
  });
});

describe('delivery faults: bad plans', () => {
  it('duplicates and reordering cannot aim at a FIFO queue', async () => {
    for (const fault of [
      { kind: 'duplicateDelivery', queue: 'orders.fifo', delivery: 1 },
      { kind: 'reorder', queue: 'orders.fifo', message: 1 },
    ] as const)
      await expect(sqsRun([fault], [[0, 1]], { fifo: true })).rejects.toThrow(
        `sim.run: faults[0].queue must name a standard queue: a FIFO queue delivers each message once and in order, so a ${fault.kind} fault cannot happen there, got "orders.fifo"`,
      );
  });

  it('a queue fault must name a queue of the simulation', async () => {
    await expect(sqsRun([{ kind: 'reorder', queue: 'payments', message: 1 }], [[0, 1]])).rejects.toThrow(
      'sim.run: faults[0].queue must name an SQS queue of this simulation (defined: orders-dlq, orders), got "payments"',
    );
  });

  it('resolveFaultPlan names the two shapes of duplicateDelivery and the fields of each', () => {
    expect(() => resolveFaultPlan([{ kind: 'duplicateDelivery', delivery: 1 }])).toThrow(
      'createSimulation: faults[0] must name its target: a duplicateDelivery fault has { fn, event } or { queue, delivery }',
    );
    expect(() => resolveFaultPlan([{ kind: 'duplicateDelivery', fn: 'F', delivery: 1 }])).toThrow(
      'createSimulation: faults[0].delivery is not a field of a duplicateDelivery fault (fields: fn, event)',
    );
    expect(() => resolveFaultPlan([{ kind: 'reorder', queue: 'q', message: 0 }])).toThrow(
      'createSimulation: faults[0].message must be an integer >= 1, got 0',
    );
    expect(() => resolveFaultPlan([{ kind: 'producerDuplicate', message: 1 }])).toThrow(
      'createSimulation: faults[0] must name its target: a producerDuplicate fault has { fn, event } or { queue, message }',
    );
    expect(resolveFaultPlan([{ kind: 'producerDuplicate', fn: 'F', event: 2 }])).toEqual([
      { kind: 'producerDuplicate', fn: 'F', event: 2 },
    ]);
    expect(resolveFaultPlan([{ kind: 'poisonRecord', queue: 'q', message: 3 }])).toEqual([
      { kind: 'poisonRecord', queue: 'q', message: 3 },
    ]);
  });
});

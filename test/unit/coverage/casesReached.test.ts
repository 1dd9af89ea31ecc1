import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  casesReached,
  COVERAGE_CASES,
  type CoverageCase,
  createSimulation,
  type FaultPlan,
  type Simulation,
  type SimulationOptions,
  type SimulationResult,
  type TraceEvent,
} from '../../../src/index.js';

/** Each test builds one tiny simulation; each case has one that reaches it and one that does not. */
async function run(
  build: (sim: Simulation) => void,
  options: Partial<SimulationOptions> = {},
): Promise<SimulationResult> {
  const sim = createSimulation({ seed: 3, ...options });
  build(sim);
  return sim.run();
}

const has = (result: SimulationResult, c: CoverageCase): boolean => casesReached(result).has(c);

/** An async function that charges `payments` then returns; retries and destinations as given. */
function asyncCharge(
  sim: Simulation,
  asyncOptions: NonNullable<Parameters<Simulation['fn']>[2]>['async'] = {},
  handler: 'charge' | 'throw' | 'sleep' = 'charge',
): void {
  const payments = sim.api('payments', { latencyMs: 20 });
  const fn = sim.fn(
    'Charge',
    () => async (event: { orderId: string }) => {
      if (handler === 'throw') throw new Error('boom');
      if (handler === 'sleep') await sim.sleep(100);
      else await payments.call('charge', event);
      return 'ok';
    },
    { async: asyncOptions },
  );
  void sim.invokeAsync(fn, { orderId: 'o-1' });
}

/** An SQS queue (redrive to a DLQ) consumed by `handler`; `bodies` sent at t=0. */
function sqsConsumer(
  sim: Simulation,
  handler: (event: SQSEvent) => Promise<unknown>,
  options: { maxReceiveCount?: number; reportBatchItemFailures?: boolean; bodies?: readonly string[] } = {},
): void {
  const dlq = sim.sqs('orders-dlq');
  const queue = sim.sqs('orders', {
    visibilityTimeoutS: 30,
    redrive: { deadLetter: dlq, maxReceiveCount: options.maxReceiveCount ?? 3 },
  });
  const fn = sim.fn('Consume', () => handler);
  sim.mapping(queue, fn, {
    batchSize: 10,
    ...(options.reportBatchItemFailures === undefined
      ? {}
      : { reportBatchItemFailures: options.reportBatchItemFailures }),
  });
  for (const body of options.bodies ?? ['o-1']) void queue.send(body);
}

const timeoutFirst: FaultPlan = [{ kind: 'handlerTimeout', fn: 'Charge', invocation: 1 }];

describe('casesReached', () => {
  it('reaches nothing in a fault-free run that succeeds at once', async () => {
    const result = await run((sim) => asyncCharge(sim));
    expect([...casesReached(result)]).toEqual([]);
    expect(COVERAGE_CASES).toHaveLength(15);
  });

  describe('retryAfterTimeout', () => {
    it('is reached when an async event is retried after its attempt timed out', async () => {
      const result = await run((sim) => asyncCharge(sim), { faults: timeoutFirst });
      expect(has(result, 'retryAfterTimeout')).toBe(true);
    });

    it('is reached when an SQS message is received and invoked again after its batch timed out', async () => {
      const result = await run((sim) => sqsConsumer(sim, async () => ({})), {
        faults: [{ kind: 'handlerTimeout', fn: 'Consume', invocation: 1 }],
      });
      expect(result.trace.filter((e) => e.kind === 'batch.invoked')).toHaveLength(2);
      expect(has(result, 'retryAfterTimeout')).toBe(true);
      expect(has(result, 'redeliveryWhileInProgress')).toBe(false);
    });

    it('is not reached when the timed-out event is not retried (maximumRetryAttempts 0)', async () => {
      const result = await run((sim) => asyncCharge(sim, { maximumRetryAttempts: 0 }), {
        faults: timeoutFirst,
      });
      expect(result.trace.some((e) => e.kind === 'invoke.failed' && e.cause === 'timeout')).toBe(true);
      expect(has(result, 'retryAfterTimeout')).toBe(false);
    });

    it('is not reached by a retry after a function error', async () => {
      const result = await run((sim) => asyncCharge(sim), {
        faults: [{ kind: 'handlerError', fn: 'Charge', invocation: 1 }],
      });
      expect(result.asyncEvents[0]?.attempts).toBe(2);
      expect(has(result, 'retryAfterTimeout')).toBe(false);
    });

    it('is not reached by a client retry of a sync request (a new request the trace does not link)', async () => {
      const result = await run(
        (sim) => {
          const fn = sim.fn('Slow', () => async () => 'ok');
          const client = sim.client(fn, { maxAttempts: 2, clientTimeoutMs: 1000 });
          sim.spawn('caller', async () => {
            await client.invoke({});
          });
        },
        { faults: [{ kind: 'handlerTimeout', fn: 'Slow', invocation: 1 }] },
      );
      // The client gave up, retried with a new request, and the first invocation timed out.
      expect(result.requests).toHaveLength(2);
      expect(result.trace.some((e) => e.kind === 'invoke.failed' && e.cause === 'timeout')).toBe(true);
      expect(has(result, 'clientTimedOut')).toBe(true);
      expect(has(result, 'retryAfterTimeout')).toBe(false);
    });
  });

  describe('retryAfterEffect', () => {
    it('is reached when an attempt crashes after its charge landed and the event is retried', async () => {
      const result = await run((sim) => asyncCharge(sim), {
        faults: [{ kind: 'crashAfterCalls', fn: 'Charge', invocation: 1, calls: 1 }],
      });
      expect(result.effects('payments')).toHaveLength(2);
      expect(has(result, 'retryAfterEffect')).toBe(true);
      expect(has(result, 'retryAfterTimeout')).toBe(false);
    });

    it('is not reached when the attempt died before any call landed (calls: 0)', async () => {
      const result = await run((sim) => asyncCharge(sim), {
        faults: [{ kind: 'crashAfterCalls', fn: 'Charge', invocation: 1, calls: 0 }],
      });
      expect(result.asyncEvents[0]?.attempts).toBe(2);
      expect(has(result, 'retryAfterEffect')).toBe(false);
    });

    it('is not reached when the call failed at the service (no effect) before the retry', async () => {
      const result = await run((sim) => asyncCharge(sim), {
        faults: [{ kind: 'callError', service: 'payments', call: 1 }],
      });
      expect(result.asyncEvents[0]?.attempts).toBe(2);
      expect(has(result, 'retryAfterEffect')).toBe(false);
    });
  });

  describe('retries of SQS messages', () => {
    /**
     * A run of {@link sqsConsumer} (reportBatchItemFailures on) whose handler charges every record
     * of the batch, then answers as `respond` says (the first batch only; later ones succeed).
     */
    function chargedThen(respond: (event: SQSEvent) => unknown, options: { maxReceiveCount?: number } = {}) {
      return run((sim) => {
        const payments = sim.api('payments', { latencyMs: 20 });
        let batches = 0;
        const handler = async (event: SQSEvent) => {
          for (const r of event.Records) await payments.call('charge', { body: r.body });
          batches++;
          return batches === 1 ? respond(event) : {};
        };
        sqsConsumer(sim, handler, { reportBatchItemFailures: true, ...options });
      });
    }
    const failAll = (event: SQSEvent) => ({
      batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
    });

    it('retryAfterEffect: a crashAfterCalls fault kills the batch (Runtime.ExitError) after its charge; the message is received again', async () => {
      const result = await run(
        (sim) =>
          sqsConsumer(sim, async (event) => {
            const payments = sim.api('payments', { latencyMs: 20 });
            for (const r of event.Records) await payments.call('charge', { body: r.body });
            return {};
          }),
        { faults: [{ kind: 'crashAfterCalls', fn: 'Consume', invocation: 1, calls: 1 }] },
      );
      expect(result.trace.find((e) => e.kind === 'invoke.failed')).toMatchObject({
        errorType: 'Runtime.ExitError',
        cause: 'exit',
      });
      expect(has(result, 'retryAfterEffect')).toBe(true);
      expect(has(result, 'retryAfterTimeout')).toBe(false);
    });

    it('retryAfterEffect: a message the batch reported failed (batchItemFailures) after its charge landed, received again', async () => {
      const result = await chargedThen(failAll);
      expect(result.trace.filter((e) => e.kind === 'invoke.failed')).toEqual([]);
      expect(result.trace.filter((e) => e.kind === 'batch.invoked')).toHaveLength(2);
      expect(has(result, 'retryAfterEffect')).toBe(true);
    });

    it('retryAfterEffect: a batch whose response the mapping refused (unknown itemIdentifier: R-SQS-5) is retried whole', async () => {
      const result = await chargedThen(() => ({
        batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }],
      }));
      expect(result.trace.find((e) => e.kind === 'batch.failed')).toMatchObject({
        reason: 'invalidResponse',
      });
      expect(has(result, 'retryAfterEffect')).toBe(true);
    });

    it('is not reached for a message reported failed that is never received again (dead-lettered at once)', async () => {
      const result = await chargedThen(failAll, { maxReceiveCount: 1 });
      expect(has(result, 'deadLettered')).toBe(true);
      expect(has(result, 'retryAfterEffect')).toBe(false);
    });

    it('a message redriven to its DLQ and consumed there is a new input: no retry of the failed one', async () => {
      const result = await run(
        (sim) => {
          const payments = sim.api('payments', { latencyMs: 20 });
          const dlq = sim.sqs('orders-dlq');
          const queue = sim.sqs('orders', { redrive: { deadLetter: dlq, maxReceiveCount: 1 } });
          const consume = sim.fn('Consume', () => async (event: SQSEvent) => {
            for (const r of event.Records) await payments.call('charge', { body: r.body });
          });
          sim.mapping(queue, consume, { batchSize: 1 });
          sim.mapping(
            dlq,
            sim.fn('Drain', () => async () => ({})),
            { batchSize: 1 },
          );
          void queue.send('o-1');
        },
        // The charge lands, its answer never comes: the batch times out after its effect.
        { faults: [{ kind: 'callTimeout', service: 'payments', call: 1, landed: true }] },
      );
      expect(result.trace.filter((e) => e.kind === 'batch.invoked').map((e) => e.fn)).toEqual([
        'Consume',
        'Drain',
      ]);
      expect(has(result, 'deadLettered')).toBe(true);
      expect(has(result, 'retryAfterTimeout')).toBe(false);
      expect(has(result, 'retryAfterEffect')).toBe(false);
    });
  });

  describe('redeliveryWhileInProgress', () => {
    it('is reached when a duplicateDelivery fault delivers an async event twice, side by side', async () => {
      const result = await run((sim) => asyncCharge(sim, {}, 'sleep'), {
        faults: [{ kind: 'duplicateDelivery', fn: 'Charge', event: 1 }],
      });
      expect(result.trace.filter((e) => e.kind === 'async.accepted' && e.duplicate)).toHaveLength(1);
      expect(has(result, 'redeliveryWhileInProgress')).toBe(true);
      expect(has(result, 'faultInjected')).toBe(true);
    });

    it('is reached when a duplicateDelivery fault hands an SQS message to a second batch while the first runs', async () => {
      const result = await run(
        (sim) => {
          const queue = sim.sqs('orders');
          const fn = sim.fn('Consume', () => async () => {
            await sim.sleep(500);
            return {};
          });
          sim.mapping(queue, fn, { batchSize: 1 });
          void queue.send('o-1');
        },
        { faults: [{ kind: 'duplicateDelivery', queue: 'orders', delivery: 1 }] },
      );
      expect(result.trace.filter((e) => e.kind === 'batch.invoked')).toHaveLength(2);
      expect(has(result, 'redeliveryWhileInProgress')).toBe(true);
    });

    it('is reached when a duplicate async delivery runs alongside the first', async () => {
      const result = await run((sim) => asyncCharge(sim, {}, 'sleep'), {
        async: { duplicateProbability: 1 },
      });
      expect(has(result, 'redeliveryWhileInProgress')).toBe(true);
    });

    it('is reached when a standard queue hands a message to a second receive while the first batch runs', async () => {
      const result = await run((sim) => {
        const queue = sim.sqs('orders', { duplicateRate: 1 });
        const fn = sim.fn('Consume', () => async () => {
          await sim.sleep(500);
          return {};
        });
        sim.mapping(queue, fn, { batchSize: 1 });
        void queue.send('o-1');
      });
      expect(has(result, 'redeliveryWhileInProgress')).toBe(true);
    });

    it('is not reached when the duplicate waits for the first (reserved concurrency 1)', async () => {
      const result = await run(
        (sim) => {
          const fn = sim.fn('Charge', () => async () => sim.sleep(100), { reservedConcurrency: 1 });
          void sim.invokeAsync(fn, { orderId: 'o-1' });
        },
        { async: { duplicateProbability: 1 } },
      );
      expect(result.asyncEvents.filter((e) => e.state === 'succeeded')).toHaveLength(2);
      expect(has(result, 'redeliveryWhileInProgress')).toBe(false);
      expect(has(result, 'throttled')).toBe(true);
    });
  });

  describe('deadLettered', () => {
    it('is reached when an SQS message is redriven to its DLQ', async () => {
      const result = await run((sim) =>
        sqsConsumer(
          sim,
          async () => {
            throw new Error('poison');
          },
          { maxReceiveCount: 1 },
        ),
      );
      expect(has(result, 'deadLettered')).toBe(true);
    });

    it("is reached when an async event's message reaches its dead-letter queue", async () => {
      const result = await run((sim) =>
        asyncCharge(sim, { maximumRetryAttempts: 0, deadLetter: sim.sink('dlq', { kind: 'sqs' }) }, 'throw'),
      );
      expect(has(result, 'deadLettered')).toBe(true);
      expect(has(result, 'onFailureDestination')).toBe(false);
    });

    it('is not reached when every message is processed', async () => {
      const result = await run((sim) => sqsConsumer(sim, async () => ({}), { maxReceiveCount: 1 }));
      expect(has(result, 'deadLettered')).toBe(false);
    });
  });

  describe('onFailureDestination', () => {
    it('is reached when a discarded event goes to its on-failure destination', async () => {
      const result = await run((sim) =>
        asyncCharge(
          sim,
          { maximumRetryAttempts: 0, onFailure: sim.sink('failures', { kind: 'sqs' }) },
          'throw',
        ),
      );
      expect(has(result, 'onFailureDestination')).toBe(true);
      expect(has(result, 'deadLettered')).toBe(false);
    });

    it('is not reached when the event succeeds', async () => {
      const result = await run((sim) =>
        asyncCharge(sim, { maximumRetryAttempts: 0, onFailure: sim.sink('failures', { kind: 'sqs' }) }),
      );
      expect(has(result, 'onFailureDestination')).toBe(false);
    });
  });

  describe('partialBatchFailure', () => {
    const failFirst = async (event: SQSEvent) => ({
      batchItemFailures: event.Records.slice(0, 1).map((r) => ({ itemIdentifier: r.messageId })),
    });

    it('is reached when a batch reports one of its items failed', async () => {
      const result = await run((sim) =>
        sqsConsumer(sim, failFirst, {
          reportBatchItemFailures: true,
          bodies: ['o-1', 'o-2'],
          maxReceiveCount: 1,
        }),
      );
      expect(has(result, 'partialBatchFailure')).toBe(true);
    });

    it('is not reached when the mapping ignores the response (reportBatchItemFailures off)', async () => {
      const result = await run((sim) =>
        sqsConsumer(sim, failFirst, { reportBatchItemFailures: false, bodies: ['o-1', 'o-2'] }),
      );
      expect(has(result, 'partialBatchFailure')).toBe(false);
    });
  });

  describe('throttled', () => {
    it('is reached by a throttle fault', async () => {
      const result = await run((sim) => asyncCharge(sim), {
        faults: [{ kind: 'throttle', fn: 'Charge', invocation: 1 }],
      });
      expect(has(result, 'throttled')).toBe(true);
      expect(has(result, 'faultInjected')).toBe(true);
    });

    it('is not reached when concurrency suffices', async () => {
      const result = await run((sim) => {
        const fn = sim.fn('Charge', () => async () => 'ok', { reservedConcurrency: 1 });
        void sim.invokeAsync(fn, {});
      });
      expect(has(result, 'throttled')).toBe(false);
    });
  });

  describe('clientTimedOut', () => {
    function syncCaller(sim: Simulation, handlerMs: number): void {
      const fn = sim.fn('Slow', () => async () => sim.sleep(handlerMs));
      const client = sim.client(fn, { maxAttempts: 1, clientTimeoutMs: 500 });
      sim.spawn('caller', async () => {
        await client.invoke({});
      });
    }

    it('is reached when the caller stops waiting while the handler still runs', async () => {
      expect(has(await run((sim) => syncCaller(sim, 1000)), 'clientTimedOut')).toBe(true);
    });

    it('is not reached when the answer comes in time', async () => {
      expect(has(await run((sim) => syncCaller(sim, 10)), 'clientTimedOut')).toBe(false);
    });
  });

  describe('faultInjected', () => {
    it('is reached when a fault of the plan fires', async () => {
      const result = await run((sim) => asyncCharge(sim), {
        faults: [{ kind: 'callLatency', service: 'payments', call: 1, addMs: 10 }],
      });
      expect([...casesReached(result)]).toEqual(['faultInjected']);
    });

    it('is not reached when the fault aims at an invocation the run never makes', async () => {
      const result = await run((sim) => asyncCharge(sim), {
        faults: [{ kind: 'handlerError', fn: 'Charge', invocation: 5 }],
      });
      expect(has(result, 'faultInjected')).toBe(false);
    });
  });

  describe('producerRetried', () => {
    it('is reached when a producer retry of an async event becomes an event of its own', async () => {
      const result = await run((sim) => asyncCharge(sim), {
        faults: [{ kind: 'producerDuplicate', fn: 'Charge', event: 1 }],
      });
      expect([...casesReached(result)].sort()).toEqual(['faultInjected', 'producerRetried']);
    });

    it('is reached when a producer retry of a message becomes a message of its own', async () => {
      const result = await run((sim) => sqsConsumer(sim, async () => ({})), {
        faults: [{ kind: 'producerDuplicate', queue: 'orders', message: 1 }],
      });
      expect(has(result, 'producerRetried')).toBe(true);
    });

    it('is not reached when FIFO deduplication drops the retry, nor by a duplicate delivery', async () => {
      const fifo = await run(
        (sim) => {
          const queue = sim.sqs('orders.fifo');
          sim.mapping(
            queue,
            sim.fn('Consume', () => async () => ({})),
          );
          void queue.send('o-1', { messageGroupId: 'g', messageDeduplicationId: 'o-1' });
        },
        { faults: [{ kind: 'producerDuplicate', queue: 'orders.fifo', message: 1 }] },
      );
      expect([...casesReached(fifo)]).toEqual(['faultInjected']);
      const duplicated = await run((sim) => asyncCharge(sim), {
        faults: [{ kind: 'duplicateDelivery', fn: 'Charge', event: 1 }],
      });
      expect(has(duplicated, 'producerRetried')).toBe(false);
    });
  });

  describe('ttlRemoveRead', () => {
    const EPOCH_S = 1_767_225_600; // the default start of virtual time, in epoch seconds
    /** A users table whose stream a function reads; `act` writes it at 0. */
    function users(sim: Simulation, act: (table: ReturnType<typeof usersTable>) => void, window = 0): void {
      const table = usersTable(sim);
      sim.mapping(
        table,
        sim.fn('OnUser', () => async () => ({})),
        { startingPosition: 'TRIM_HORIZON', maximumBatchingWindowS: window },
      );
      sim.at(0, () => act(table));
    }
    const usersTable = (sim: Simulation) =>
      sim.table('users', {
        key: 'userId',
        stream: 'NEW_AND_OLD_IMAGES',
        ttlAttribute: 'expiresAt',
        latencyMs: 1,
      });

    it("is reached when DynamoDB's TTL REMOVE record reaches the handler", async () => {
      const result = await run((sim) =>
        users(sim, (t) => void t.put({ userId: 'u-1', expiresAt: EPOCH_S + 1 })),
      );
      expect(result.trace.some((e) => e.kind === 'dynamodb.streamRecord' && e.by === 'ttl')).toBe(true);
      expect([...casesReached(result)]).toEqual(['ttlRemoveRead']);
    });

    it("is not reached by an application's REMOVE, nor by a TTL REMOVE no invocation has read yet", async () => {
      const deleted = await run((sim) =>
        users(sim, (t) => void t.put({ userId: 'u-1' }).then(() => t.delete('u-1'))),
      );
      expect(deleted.trace.some((e) => e.kind === 'dynamodb.streamRecord' && e.eventName === 'REMOVE')).toBe(
        true,
      );
      expect(has(deleted, 'ttlRemoveRead')).toBe(false);
      const sim = createSimulation({ seed: 3 });
      users(sim, (t) => void t.put({ userId: 'u-1', expiresAt: EPOCH_S + 1 }), 5);
      const unread = await sim.run({ untilMs: 2_000 });
      expect(unread.trace.some((e) => e.kind === 'dynamodb.streamRecord' && e.by === 'ttl')).toBe(true);
      expect(has(unread, 'ttlRemoveRead')).toBe(false);
    });
  });

  it('is deterministic: the same run reaches the same cases', async () => {
    const faults: FaultPlan = [{ kind: 'crashAfterCalls', fn: 'Charge', invocation: 1, calls: 1 }];
    const a = casesReached(await run((sim) => asyncCharge(sim), { faults }));
    const b = casesReached(await run((sim) => asyncCharge(sim), { faults }));
    expect([...a]).toEqual([...b]);
  });
});

describe('redeliveryWhileInProgress for SQS: judged when the batch is handed to Lambda', () => {
  it('counts a message handed to a second batch while the first runs, though the second starts (after Init) once the first ended', () => {
    const trace: TraceEvent[] = [
      {
        atMs: 0,
        kind: 'batch.invoked',
        mapping: 'orders→Process',
        requestId: 'r1',
        fn: 'Process',
        messageIds: ['m1'],
      },
      {
        atMs: 0,
        kind: 'invoke.started',
        requestId: 'r1',
        fn: 'Process',
        env: 'Process#1',
        cold: false,
        attempt: 1,
      },
      {
        atMs: 5,
        kind: 'batch.invoked',
        mapping: 'orders→Process',
        requestId: 'r2',
        fn: 'Process',
        messageIds: ['m1'],
      },
      { atMs: 8, kind: 'invoke.succeeded', requestId: 'r1', env: 'Process#1', bytes: 4 },
      {
        atMs: 105,
        kind: 'invoke.started',
        requestId: 'r2',
        fn: 'Process',
        env: 'Process#2',
        cold: true,
        attempt: 1,
      },
      { atMs: 110, kind: 'invoke.succeeded', requestId: 'r2', env: 'Process#2', bytes: 4 },
    ];
    expect(casesReached({ trace }).has('redeliveryWhileInProgress')).toBe(true);
    const later = trace.map((e) =>
      e.kind === 'batch.invoked' && e.requestId === 'r2' ? { ...e, atMs: 9 } : e,
    );
    later.sort((a, b) => a.atMs - b.atMs);
    expect(casesReached({ trace: later }).has('redeliveryWhileInProgress')).toBe(false);
  });
});

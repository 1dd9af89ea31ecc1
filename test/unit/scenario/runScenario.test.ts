import { simulationInternals } from '../../../src/Simulation.js';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import type { Scenario, ScenarioSetup } from '../../../src/scenario/Scenario.js';
import { runScenario } from '../../../src/scenario/runScenario.js';
import type { TraceEvent } from '../../../src/TraceEvent.js';

interface Order {
  readonly orderId: string;
}

/** Charges through `payments` (20 ms), then waits `workMs`; fails when `fail` says so. */
function chargeSetup(workMs = 0, fail: (orderId: string) => boolean = () => false): ScenarioSetup<Order> {
  return (sim) => {
    const payments = sim.api('payments', { latencyMs: 20 });
    return () => async (event: Order) => {
      await payments.call('charge', { orderId: event.orderId });
      if (workMs > 0) await new Promise((resolve) => setTimeout(resolve, workMs));
      if (fail(event.orderId)) throw new Error(`cannot charge ${event.orderId}`);
      return 'ok';
    };
  };
}

/** The same for SQS: each record's body is the order's JSON text. */
function sqsSetup(fail: (orderId: string) => boolean = () => false): ScenarioSetup<Order> {
  return (sim) => {
    const payments = sim.api('payments', { latencyMs: 20 });
    return () => async (event: { Records: { body: string }[] }) => {
      for (const record of event.Records) {
        const order = JSON.parse(record.body) as Order;
        await payments.call('charge', order);
        if (fail(order.orderId)) throw new Error(`cannot charge ${order.orderId}`);
      }
    };
  };
}

function scenario(overrides: Partial<Scenario<Order>>): Scenario<Order> {
  return {
    model: 'sync',
    seed: 1,
    events: [
      { atMs: 0, body: { orderId: 'o-1' } },
      { atMs: 100, body: { orderId: 'o-2' } },
      { atMs: 250, body: { orderId: 'o-3' } },
    ],
    config: {},
    delivery: {},
    faults: [],
    ...overrides,
  };
}

const ofKind = <K extends TraceEvent['kind']>(trace: readonly TraceEvent[], kind: K) =>
  trace.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);

const orderIds = (effects: readonly { args: unknown }[]) => effects.map((e) => (e.args as Order).orderId);

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('runScenario: sync model', () => {
  it('starts one caller per event at its atMs, through the Handler function', async () => {
    const result = await runScenario(scenario({}), chargeSetup());
    expect(result.end.kind).toBe('quiescent');
    expect(ofKind(result.trace, 'caller.started').map((e) => [e.caller, e.atMs])).toEqual([
      ['event-1', 0],
      ['event-2', 100],
      ['event-3', 250],
    ]);
    expect(result.callers.map((c) => c.status)).toEqual(['finished', 'finished', 'finished']);
    expect(result.requests).toHaveLength(3);
    expect(orderIds(result.effects('payments'))).toEqual(['o-1', 'o-2', 'o-3']);
    expect(result.effects('payments').every((e) => e.fn === 'Handler')).toBe(true);
  });

  it('applies timeoutS, memoryMB, reservedConcurrency and the client policy', async () => {
    // The handler works 2 s; the client gives up after 500 ms and tries twice in all.
    const result = await runScenario(
      scenario({
        events: [{ atMs: 0, body: { orderId: 'o-1' } }],
        config: {
          timeoutS: 5,
          memoryMB: 512,
          reservedConcurrency: 4,
          clientTimeoutMs: 500,
          clientMaxAttempts: 2,
        },
      }),
      chargeSetup(2000),
    );
    const fn = simulationInternals(result.sim).lambda.get('Handler')!;
    expect(fn.config).toMatchObject({ timeoutS: 5, memoryMB: 512, reservedConcurrency: 4 });
    expect(result.requests).toHaveLength(2); // the SDK retry is a second request …
    expect(result.effects('payments')).toHaveLength(2); // … that charged again
  });

  it('applies the fault plan (a throttle is a 429 the client retries)', async () => {
    const result = await runScenario(
      scenario({ faults: [{ kind: 'throttle', fn: 'Handler', invocation: 2 }] }),
      chargeSetup(),
    );
    expect(ofKind(result.trace, 'fault.injected')).toEqual([
      expect.objectContaining({ fault: 'throttle', target: 'Handler', at: 2 }),
    ]);
    expect(result.requests).toHaveLength(4);
    expect(orderIds(result.effects('payments'))).toEqual(['o-1', 'o-2', 'o-3']);
  });
});

describe('runScenario: async model', () => {
  it('invokes asynchronously at each atMs; every event succeeds', async () => {
    const result = await runScenario(scenario({ model: 'async' }), chargeSetup());
    expect(result.end.kind).toBe('quiescent');
    expect(result.asyncEvents.map((e) => [e.source, e.acceptedAtMs, e.state])).toEqual([
      ['invokeAsync', 0, 'succeeded'],
      ['invokeAsync', 100, 'succeeded'],
      ['invokeAsync', 250, 'succeeded'],
    ]);
    expect(orderIds(result.effects('payments'))).toEqual(['o-1', 'o-2', 'o-3']);
  });

  it('applies maximumRetryAttempts and sends discarded events to the Handler-failures destination', async () => {
    const result = await runScenario(
      scenario({
        model: 'async',
        events: [{ atMs: 0, body: { orderId: 'o-1' } }],
        config: { maximumRetryAttempts: 1, maximumEventAgeS: 3600 },
      }),
      chargeSetup(0, () => true),
    );
    const [event] = result.asyncEvents;
    expect(event).toMatchObject({ state: 'discarded', condition: 'RetriesExhausted', attempts: 2 });
    expect(event!.destination).toBeDefined();
    expect(event!.destination!.target).toContain('Handler-failures');
  });

  it('onFailureDestination: false leaves the function without destination (a discarded event is lost)', async () => {
    const result = await runScenario(
      scenario({
        model: 'async',
        events: [{ atMs: 0, body: { orderId: 'o-1' } }],
        config: { maximumRetryAttempts: 0, onFailureDestination: false },
      }),
      chargeSetup(0, () => true),
    );
    expect(result.asyncEvents[0]).toMatchObject({ state: 'discarded', attempts: 1, destination: undefined });
  });

  it('applies faults and the delivery knobs (duplicates)', async () => {
    const crash = await runScenario(
      scenario({
        model: 'async',
        events: [{ atMs: 0, body: { orderId: 'o-1' } }],
        faults: [{ kind: 'crashAfterCalls', fn: 'Handler', invocation: 1, calls: 1 }],
      }),
      chargeSetup(),
    );
    expect(orderIds(crash.effects('payments'))).toEqual(['o-1', 'o-1']);
    const duplicated = await runScenario(
      scenario({ model: 'async', delivery: { asyncDuplicateProbability: 1 } }),
      chargeSetup(),
    );
    expect(duplicated.asyncEvents.filter((e) => e.duplicate)).toHaveLength(3);
  });
});

describe('runScenario: sqs model', () => {
  it('sends each event to HandlerQueue at its atMs and consumes it through the mapping', async () => {
    const result = await runScenario(scenario({ model: 'sqs' }), sqsSetup());
    expect(result.end.kind).toBe('quiescent');
    const messages = result.messages.filter((m) => m.queue === 'HandlerQueue');
    expect(messages.map((m) => [m.sentAtMs, m.status])).toEqual([
      [0, 'deleted'],
      [100, 'deleted'],
      [250, 'deleted'],
    ]);
    expect(orderIds(result.effects('payments'))).toEqual(['o-1', 'o-2', 'o-3']);
  });

  it('applies batchSize, the visibility timeout and redrive to HandlerQueue-dlq after maxReceiveCount', async () => {
    const result = await runScenario(
      scenario({
        model: 'sqs',
        events: [0, 0, 0, 0].map((atMs, i) => ({ atMs, body: { orderId: `o-${i + 1}` } })),
        config: { batchSize: 2, visibilityTimeoutS: 5, maxReceiveCount: 2, reportBatchItemFailures: true },
      }),
      sqsSetup((orderId) => orderId === 'o-4'),
    );
    const batches = ofKind(result.trace, 'batch.invoked');
    expect(batches[0]!.messageIds).toHaveLength(2);
    expect(batches.every((b) => b.messageIds.length <= 2)).toBe(true);
    const poison = result.messages.filter((m) => (JSON.parse(m.body) as Order).orderId === 'o-4');
    const where = poison.map((m) => [m.queue, m.status, m.receiveCount]);
    expect(where.sort()).toEqual([
      ['HandlerQueue', 'deadLettered', 2],
      ['HandlerQueue-dlq', 'visible', 0],
    ]);
    // Received, failed, and visible again when the 5 s visibility timeout ran out.
    const id = poison.find((m) => m.queue === 'HandlerQueue')!.messageId;
    const received = ofKind(result.trace, 'sqs.received').find((e) => e.messageId === id)!;
    const reappeared = ofKind(result.trace, 'sqs.reappeared').find((e) => e.messageId === id)!;
    expect(reappeared.atMs - received.atMs).toBe(5000);
  });

  it('fifo: HandlerQueue.fifo with a FIFO DLQ, each event in its group (default "default")', async () => {
    const result = await runScenario(
      scenario({
        model: 'sqs',
        events: [
          { atMs: 0, group: 'a', body: { orderId: 'o-1' } },
          { atMs: 0, body: { orderId: 'o-2' } },
          { atMs: 0, body: { orderId: 'o-2' } }, // an equal body is still a distinct message
        ],
        config: { fifo: true, batchSize: 1 },
      }),
      sqsSetup(),
    );
    const messages = result.messages.filter((m) => m.queue === 'HandlerQueue.fifo');
    expect(messages.map((m) => [m.messageGroupId, m.status])).toEqual([
      ['a', 'deleted'],
      ['default', 'deleted'],
      ['default', 'deleted'],
    ]);
    expect(result.queues.map((q) => q.queue).sort()).toEqual(['HandlerQueue-dlq.fifo', 'HandlerQueue.fifo']);
  });

  it('applies the standard queue delivery knobs (duplicates)', async () => {
    const result = await runScenario(
      scenario({ model: 'sqs', config: { batchSize: 1 }, delivery: { sqsDuplicateRate: 1 } }),
      sqsSetup(),
    );
    expect(result.effects('payments').length).toBeGreaterThan(3);
  });
});

describe('runScenario: result, rerunFaultFree and determinism', () => {
  const faulty = scenario({
    model: 'async',
    delivery: { asyncDuplicateProbability: 0.5, asyncReorder: true },
    faults: [
      { kind: 'crashAfterCalls', fn: 'Handler', invocation: 1, calls: 1 },
      { kind: 'callTimeout', service: 'payments', call: 3, landed: true },
    ],
  });

  it('keeps traceHash and messages lazy (getters copied, not values)', async () => {
    const result = await runScenario(faulty, chargeSetup());
    expect(Object.getOwnPropertyDescriptor(result, 'traceHash')!.get).toBeTypeOf('function');
    expect(Object.getOwnPropertyDescriptor(result, 'messages')!.get).toBeTypeOf('function');
    expect(result.traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.scenario).toBe(faulty);
    expect(result.seed).toBe(1);
  });

  it('rerunFaultFree runs the same workload with no faults and no delivery knobs', async () => {
    const result = await runScenario(faulty, chargeSetup());
    expect(ofKind(result.trace, 'fault.injected').length).toBeGreaterThan(0);
    const clean = await result.rerunFaultFree();
    expect(clean.scenario).toEqual({ ...faulty, faults: [], delivery: {} });
    expect(ofKind(clean.trace, 'fault.injected')).toEqual([]);
    expect(clean.asyncEvents.filter((e) => e.duplicate)).toEqual([]);
    expect(clean.asyncEvents.map((e) => [e.acceptedAtMs, e.state])).toEqual([
      [0, 'succeeded'],
      [100, 'succeeded'],
      [250, 'succeeded'],
    ]);
    expect(orderIds(clean.effects('payments'))).toEqual(['o-1', 'o-2', 'o-3']);
  });

  it('same scenario, same trace hash, for every model', async () => {
    for (const model of ['sync', 'async', 'sqs'] as const) {
      const s = { ...faulty, model, delivery: {} };
      const setup = model === 'sqs' ? sqsSetup() : chargeSetup();
      const a = await runScenario(s, setup);
      const b = await runScenario(s, setup);
      expect(a.traceHash, model).toBe(b.traceHash);
      const other = await runScenario({ ...s, seed: 2 }, setup);
      expect(other.trace.length, model).toBeGreaterThan(0);
    }
  });
});

describe('runScenario: bad scenarios give a specific ConfigError', () => {
  const cases: [string, Partial<Scenario<Order>> | Record<string, unknown>, RegExp][] = [
    [
      'unsorted events',
      {
        events: [
          { atMs: 10, body: {} },
          { atMs: 5, body: {} },
        ],
      },
      /^runScenario: events\[1\]\.atMs must be >= the previous event's atMs \(10\): events are sorted by time, got 5$/,
    ],
    [
      'negative atMs',
      { events: [{ atMs: -1, body: {} }] },
      /events\[0\]\.atMs must be a non-negative integer/,
    ],
    [
      'fractional atMs',
      { events: [{ atMs: 1.5, body: {} }] },
      /events\[0\]\.atMs must be a non-negative integer/,
    ],
    [
      'unknown model',
      { model: 'mq' },
      /^runScenario: model must be one of sync, async, sqs, kinesis, dynamodb-streams, got "mq"$/,
    ],
    ['unsafe seed', { seed: 0.5 }, /^runScenario: seed must be a safe integer, got 0.5$/],
    [
      'a config field of another model',
      { config: { fifo: true } },
      /^runScenario: config\.fifo applies to the sqs model only, not to a sync scenario/,
    ],
    [
      'timeoutS out of range (the model validates it)',
      { config: { timeoutS: 0 } },
      /^runScenario: config\.timeoutS must be an integer between 1 and 900, got 0$/,
    ],
    [
      'client attempts out of range',
      { config: { clientMaxAttempts: 0 } },
      /^runScenario: config\.clientMaxAttempts must be an integer between 1 and 100, got 0$/,
    ],
    [
      'a visibility timeout below the function timeout',
      { model: 'sqs', config: { timeoutS: 60, visibilityTimeoutS: 30 } },
      /^runScenario: config\.visibilityTimeoutS must be at least the function timeout \(60 s\).*got 30$/,
    ],
    [
      'a FIFO batching window',
      { model: 'sqs', config: { fifo: true, maximumBatchingWindowS: 1 } },
      /^runScenario: config\.maximumBatchingWindowS is not supported for FIFO queues/,
    ],
    [
      'duplicates on a FIFO queue',
      { model: 'sqs', config: { fifo: true }, delivery: { sqsDuplicateRate: 0.1 } },
      /^runScenario: delivery\.sqsDuplicateRate applies to standard queues only/,
    ],
    [
      'an async probability above 1',
      { model: 'async', delivery: { asyncDuplicateProbability: 2 } },
      /^runScenario: delivery\.asyncDuplicateProbability must be a probability between 0 and 1, got 2$/,
    ],
    [
      'an invalid fault',
      { faults: [{ kind: 'handlerError', fn: 'Handler', invocation: 0 }] },
      /^runScenario: faults\[0\]\.invocation must be an integer >= 1, got 0$/,
    ],
    [
      'a fault aimed at an undefined service',
      { faults: [{ kind: 'callError', service: 'orders', call: 1 }] },
      /^runScenario: faults\[0\]\.service must name a service of this simulation \(defined: payments, Handler\), got "orders"$/,
    ],
    ['an unknown field', { retries: 3 }, /^runScenario: retries is not a field of a scenario/],
    [
      'a body over the async payload limit',
      { model: 'async', events: [{ atMs: 0, body: { blob: 'x'.repeat(1_100_000) } }] },
      /^runScenario: events\[0\]\.body is over the async model's Event \(asynchronous\) invoke payload limit of 1048576 bytes \(1 MiB\): .* bound it, e\.g\. fc\.string\(\{ maxLength: 1000 \}\) or fc\.array\(item, \{ maxLength: 100 \}\), got "1100011 bytes \(51435 over\)"$/,
    ],
    [
      'an empty SQS body (SQS refuses it)',
      { model: 'sqs', events: [{ atMs: 0, body: '' }] },
      /^runScenario: events\[0\]\.body must not be empty in an sqs scenario \(SQS refuses an empty MessageBody\); make the event arbitrary produce non-empty strings, e\.g\. fc\.string\(\{ minLength: 1 \}\), got ""$/,
    ],
    [
      'an SQS string body is measured as itself, not as JSON',
      { model: 'sqs', events: [{ atMs: 0, body: '"'.repeat(1_048_577) }] },
      /^runScenario: events\[0\]\.body is over the sqs model's SQS message size limit .*, got "1048577 bytes \(1 over\)"$/,
    ],
    [
      'a fault aimed at a function other than Handler',
      { faults: [{ kind: 'throttle', fn: 'ChargeOrder', invocation: 1 }] },
      /^runScenario: faults\[0\]\.fn must be "Handler": a scenario defines one function, named Handler, got "ChargeOrder"$/,
    ],
    [
      'a body that is not JSON',
      { events: [{ atMs: 0, body: undefined }] },
      /events\[0\]\.body must be a JSON value/,
    ],
  ];
  for (const [name, overrides, message] of cases)
    it(name, async () => {
      const error = await configError(
        runScenario({ ...scenario({}), ...overrides } as Scenario<Order>, chargeSetup()),
      );
      expect(error.message).toMatch(message);
    });

  it("starts the stack of its own ConfigError at the caller's line, not inside lambdasim", async () => {
    const error = await configError(runScenario(scenario({ seed: 0.5 }), chargeSetup()));
    expect(error.stack!.split('\n')[1]).toContain('test/unit/scenario/runScenario.test.ts');
  });

  it("keeps the stack of a ConfigError from the user's own call in setup", async () => {
    const error = await configError(
      runScenario(scenario({}), (sim) => {
        sim.api('payments', { latencyMs: -1 });
        return () => async () => undefined;
      }),
    );
    expect(error.api).toBe('api("payments")');
    expect(error.stack).toContain('src/services/');
  });

  it('a setup that does not return a factory', async () => {
    const error = await configError(
      runScenario(scenario({}), (() => undefined) as unknown as ScenarioSetup<Order>),
    );
    expect(error.message).toMatch(/^runScenario: setup must return the handler factory/);
  });
});

describe('runScenario: Init failures are judged on the scenario function alone', () => {
  const throwsAtInit = () => {
    throw new Error('missing TABLE_NAME');
  };

  it('a handler factory that always throws is a ConfigError, even when another function of the setup initialised', async () => {
    const error = await configError(
      runScenario(scenario({ model: 'async' }), (sim) => {
        const helper = sim.fn('Helper', () => async () => 'ok');
        void sim.invokeAsync(helper, {});
        return throwsAtInit;
      }),
    );
    expect(error.message).toMatch(
      /^runScenario: setup returned a handler factory that threw at Init in every execution environment \(\d+ Inits failed, none finished\)/,
    );
  });

  it("another function's Init failures do not make the handler factory a ConfigError", async () => {
    const result = await runScenario(scenario({ model: 'async', events: [] }), (sim) => {
      const helper = sim.fn('Helper', () => throwsAtInit());
      void sim.invokeAsync(helper, {});
      return () => async () => 'ok';
    });
    expect(ofKind(result.trace, 'env.initFailed').length).toBeGreaterThan(0);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { type FaultPlan, faultPoint } from '../../../src/faults/Fault.js';
import { scenarios } from '../../../src/scenario/arbitraries.js';
import { runScenario } from '../../../src/scenario/runScenario.js';
import type { Scenario, ScenarioModel, ScenarioSetup } from '../../../src/scenario/Scenario.js';
import { validateScenario } from '../../../src/scenario/validateScenario.js';

interface Order {
  readonly orderId: string;
  readonly amountCents: number;
}

const orderArb: fc.Arbitrary<Order> = fc.record({
  orderId: fc.constantFrom('o-1', 'o-2', 'o-3', 'o-4'),
  amountCents: fc.integer({ min: 1, max: 10_000 }),
});
const SERVICES = ['payments', 'orders'];

/** Charges, then records the order: two services for call faults to aim at. */
async function charge(
  payments: { call(op: string, args: unknown): Promise<unknown> },
  orders: { put(item: { orderId: string; amountCents: number }): Promise<unknown> },
  order: Order,
): Promise<void> {
  await payments.call('charge', order);
  await orders.put(order);
}

const setupFor =
  (model: ScenarioModel): ScenarioSetup<Order> =>
  (sim) => {
    const payments = sim.api('payments', { latencyMs: 20 });
    const orders = sim.table<{ orderId: string; amountCents: number }>('orders', { key: 'orderId' });
    if (model !== 'sqs') return () => async (order: Order) => charge(payments, orders, order);
    return () => async (event: { Records: { messageId: string; body: string }[] }) => {
      for (const record of event.Records) await charge(payments, orders, JSON.parse(record.body) as Order);
    };
  };

const arbs = {
  sync: scenarios.sync({ events: orderArb, services: SERVICES }),
  async: scenarios.async({ events: orderArb, services: SERVICES }),
  sqs: scenarios.sqs({ events: orderArb, services: SERVICES, groupOf: (order) => order.orderId }),
} as const;

/** The rules every generated scenario follows, whatever the draw. */
function expectWellFormed(scenario: Scenario<Order>, model: ScenarioModel): void {
  expect(validateScenario(scenario)).toBe(scenario);
  expect(scenario.model).toBe(model);
  expect(scenario.events.length).toBeGreaterThanOrEqual(1);
  expect(scenario.events.length).toBeLessThanOrEqual(10);
  const times = scenario.events.map((e) => e.atMs);
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(times.every((t) => t >= 0 && t <= 1000)).toBe(true);
  for (const fault of scenario.faults) {
    const { target } = faultPoint(fault);
    if ('fn' in fault) expect(target).toBe('Handler');
    else if ('queue' in fault)
      expect(target).toBe(scenario.config.fifo ? 'HandlerQueue.fifo' : 'HandlerQueue');
    else expect(SERVICES).toContain(target);
  }
  // Plain JSON: survives a round trip unchanged.
  expect(JSON.parse(JSON.stringify(scenario))).toEqual(scenario);
  const c = scenario.config;
  if (model === 'sqs') {
    expect(c.visibilityTimeoutS).toBeGreaterThanOrEqual(c.timeoutS!);
    if (c.fifo) {
      expect(scenario.delivery).toEqual({});
      expect(c.maximumBatchingWindowS).toBeUndefined();
    }
    expect(scenario.events.every((e) => e.group === e.body.orderId)).toBe(true);
  }
}

describe('scenarios.<model>: generated scenarios are valid and run quiescent', () => {
  for (const model of ['sync', 'async', 'sqs'] as const)
    it(`${model}: 200 samples`, async () => {
      const samples = fc.sample(arbs[model], { seed: 11, numRuns: 200 });
      const setup = setupFor(model);
      for (const scenario of samples) {
        expectWellFormed(scenario, model);
        const result = await runScenario(scenario, setup);
        expect(result.end.kind, JSON.stringify(scenario)).toBe('quiescent');
        expect(result.determinismErrors).toEqual([]);
      }
    });

  it('is deterministic: same fast-check seed, same scenarios', () => {
    for (const model of ['sync', 'async', 'sqs'] as const)
      expect(fc.sample(arbs[model], { seed: 3, numRuns: 20 })).toEqual(
        fc.sample(arbs[model], { seed: 3, numRuns: 20 }),
      );
  });

  it('draws the config variations and each delivery knob on in some runs, off in others (swarm)', () => {
    const asyncSamples = fc.sample(arbs.async, { seed: 5, numRuns: 300 });
    const sqsSamples = fc.sample(arbs.sqs, { seed: 5, numRuns: 300 });
    const share = (samples: Scenario<Order>[], pick: (s: Scenario<Order>) => boolean) =>
      samples.filter(pick).length / samples.length;
    // Delivery behaviours are faults now: each kind is in some plans and not in others.
    for (const [samples, kind] of [
      [asyncSamples, 'duplicateDelivery'],
      [sqsSamples, 'duplicateDelivery'],
      [sqsSamples, 'reorder'],
    ] as const) {
      const on = share(samples, (s) => s.faults.some((f) => f.kind === kind));
      expect(on, kind).toBeGreaterThan(0.05);
      expect(on, kind).toBeLessThan(0.85);
    }
    expect(asyncSamples.concat(sqsSamples).every((s) => Object.keys(s.delivery).length === 0)).toBe(true);
    expect(share(sqsSamples, (s) => s.config.fifo === true)).toBeGreaterThan(0.2);
    expect(new Set(asyncSamples.map((s) => s.config.maximumRetryAttempts))).toEqual(new Set([0, 1, 2]));
    expect(share(asyncSamples, (s) => s.faults.length > 0)).toBeGreaterThan(0.5);
  });

  it('keeps fixed config fields; faults and delivery "none" give none', () => {
    const arb = scenarios.sqs({
      events: orderArb,
      config: { timeoutS: 10, fifo: false, batchSize: 5 },
      faults: 'none',
      delivery: 'none',
      minEvents: 3,
      maxEvents: 3,
      spreadMs: 0,
    });
    for (const s of fc.sample(arb, { seed: 1, numRuns: 50 })) {
      expect(s.config).toMatchObject({ timeoutS: 10, fifo: false, batchSize: 5 });
      expect(s.config.visibilityTimeoutS).toBeGreaterThanOrEqual(10);
      expect(s.faults).toEqual([]);
      expect(s.delivery).toEqual({});
      expect(s.events.map((e) => e.atMs)).toEqual([0, 0, 0]);
    }
  });

  it('a fixed visibility timeout bounds the drawn function timeout', () => {
    const arb = scenarios.sqs({ events: orderArb, config: { visibilityTimeoutS: 4 } });
    for (const s of fc.sample(arb, { seed: 2, numRuns: 100 }))
      expect(s.config.timeoutS).toBeLessThanOrEqual(4);
  });

  it('passes faultPlanArb options through', () => {
    const arb = scenarios.async({ events: orderArb, faults: { kinds: ['throttle'], maxFaults: 1 } });
    for (const s of fc.sample(arb, { seed: 2, numRuns: 100 })) {
      expect(s.faults.length).toBeLessThanOrEqual(1);
      expect(s.faults.every((f) => f.kind === 'throttle')).toBe(true);
    }
  });
});

describe('scenarios.<model>: bad options give a ConfigError at once', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'a config field of another model',
      () => scenarios.async({ events: orderArb, config: { fifo: true } }),
      /^scenarios\.async: config\.fifo applies to the sqs model only/,
    ],
    [
      'a fixed visibility timeout below a fixed function timeout',
      () => scenarios.sqs({ events: orderArb, config: { timeoutS: 60, visibilityTimeoutS: 30 } }),
      /^scenarios\.sqs: config\.visibilityTimeoutS must be at least the function timeout \(60 s\)/,
    ],
    [
      'maxEvents below minEvents',
      () => scenarios.sync({ events: orderArb, minEvents: 5, maxEvents: 2 }),
      /^scenarios\.sync: maxEvents must be an integer between 5 and 10000, got 2$/,
    ],
    [
      'events that are not an arbitrary',
      () => scenarios.sync({ events: [1, 2] as unknown as fc.Arbitrary<number> }),
      /^scenarios\.sync: events must be a fast-check arbitrary of event bodies/,
    ],
    [
      'an unknown option',
      () => scenarios.sync({ events: orderArb, groupOf: () => 'g' } as never),
      /^scenarios\.sync: groupOf is not a known option/,
    ],
    [
      'a bad faults option',
      () => scenarios.sync({ events: orderArb, faults: 'all' as never }),
      /^scenarios\.sync: faults must be 'aws', 'none' or faultPlanArb options/,
    ],
    [
      'call fault kinds without services',
      () => scenarios.sync({ events: orderArb, faults: { kinds: ['callError'] } }),
      /^faultPlanArb: kinds must hold a kind the targets allow \(call kinds need targets.services/,
    ],
  ];
  for (const [name, make, message] of cases)
    it(name, () => {
      expect(make).toThrow(ConfigError);
      expect(make).toThrow(message);
    });
});

describe('shrinking helps', () => {
  /** A non-idempotent async handler: charges, then records the order (no idempotency key). */
  const nonIdempotent: ScenarioSetup<Order> = (sim) => {
    const payments = sim.api('payments', { latencyMs: 20 });
    const orders = sim.table<{ orderId: string; amountCents: number }>('orders', { key: 'orderId' });
    return () => async (order: Order) => charge(payments, orders, order);
  };

  /** True when no async request charged twice (a retry or a duplicate of the same request id). */
  async function noDuplicateEffect(scenario: Scenario<Order>): Promise<boolean> {
    const result = await runScenario(scenario, nonIdempotent);
    const perRequest = new Map<string | undefined, number>();
    for (const effect of result.effects('payments'))
      perRequest.set(effect.requestId, (perRequest.get(effect.requestId) ?? 0) + 1);
    return [...perRequest.values()].every((n) => n === 1);
  }

  it('a duplicate charge of a non-idempotent async handler shrinks to one event and one fault', async () => {
    const arb = scenarios.async({ events: orderArb, services: SERVICES, delivery: 'none' });
    const details = await fc.check(fc.asyncProperty(arb, noDuplicateEffect), { seed: 42, numRuns: 200 });
    expect(details.failed).toBe(true);
    const [scenario] = details.counterexample!;
    expect(scenario.events.length === 1 && scenario.faults.length === 1).toBe(true);
    expect(scenario.seed).toBe(0);
    expect(scenario.events[0]!.atMs).toBe(0);
    expect(scenario.config.maximumRetryAttempts).toBe(1); // a retry is needed, one is enough
    expect(scenario.config.reservedConcurrency).toBeUndefined();
    const [fault] = scenario.faults as FaultPlan;
    expect(fault).toBeDefined();
    expect(faultPoint(fault!).at).toBe(1);
  });

  it('with AWS delivery behaviours on, a duplicate from AWS itself shrinks to one duplicateDelivery fault', async () => {
    // Duplicates are faults in the plan (data), so they shrink like any other fault.
    const arb = scenarios.async({ events: orderArb, services: SERVICES });
    for (const seed of [1, 2]) {
      const details = await fc.check(fc.asyncProperty(arb, noDuplicateEffect), { seed, numRuns: 200 });
      expect(details.failed).toBe(true);
      const [scenario] = details.counterexample!;
      expect(scenario.events).toHaveLength(1);
      expect(scenario.delivery).toEqual({});
      expect(scenario.faults).toHaveLength(1);
    }
  });

  it('draws async duplicates as duplicateDelivery faults aimed at Handler, never as probabilities', () => {
    const sample = fc.sample(scenarios.async({ events: orderArb }), { seed: 3, numRuns: 300 });
    const duplicates = sample.flatMap((s) => s.faults.filter((f) => f.kind === 'duplicateDelivery'));
    expect(duplicates.length).toBeGreaterThan(0);
    for (const f of duplicates) expect(f).toMatchObject({ fn: 'Handler' });
    expect(sample.every((s) => Object.keys(s.delivery).length === 0)).toBe(true);
    const none = fc.sample(scenarios.async({ events: orderArb, delivery: 'none' }), {
      seed: 3,
      numRuns: 300,
    });
    expect(none.some((s) => s.faults.some((f) => f.kind === 'duplicateDelivery'))).toBe(false);
  });

  it('keeps SQS duplicates and reorders to standard queues; FIFO keeps poison records on HandlerQueue.fifo', () => {
    const sample = fc.sample(
      scenarios.sqs({
        events: orderArb,
        faults: { kinds: ['handlerError', 'poisonRecord', 'duplicateDelivery', 'reorder'] },
      }),
      { seed: 4, numRuns: 400 },
    );
    const standard = sample.filter((s) => s.config.fifo !== true);
    const fifo = sample.filter((s) => s.config.fifo === true);
    const kindsOn = (list: typeof sample) => new Set(list.flatMap((s) => s.faults.map((f) => f.kind)));
    expect(kindsOn(standard)).toEqual(
      new Set(['handlerError', 'poisonRecord', 'duplicateDelivery', 'reorder']),
    );
    expect(kindsOn(fifo)).toEqual(new Set(['handlerError', 'poisonRecord']));
    for (const s of fifo)
      for (const f of s.faults) if ('queue' in f) expect(f.queue).toBe('HandlerQueue.fifo');
  });
});

describe('shrinking drops every event a failure does not need', () => {
  // fast-check's array shrinker keeps an array's first item and shrinks the rest down to
  // minLength only: with minEvents 1, a needed event drawn first kept the one after it.
  it.each(['sqs', 'kinesis', 'async'] as const)(
    'scenarios.%s: a failure that needs one event (drawn first or not) shrinks to that event alone',
    (model) => {
      const arb = scenarios[model]({ events: fc.nat({ max: 9 }), faults: 'none', delivery: 'none' });
      const kept: number[] = [];
      for (let seed = 1; seed <= 40; seed++) {
        const details = fc.check(
          fc.property(arb, (s) => s.events.every((e) => e.body !== 7)),
          { seed, numRuns: 100 },
        );
        if (details.failed) kept.push(details.counterexample![0].events.length);
      }
      expect(kept.length).toBeGreaterThan(30);
      expect(
        kept.filter((n) => n !== 1),
        `events kept per seed: ${kept.join(' ')}`,
      ).toEqual([]);
    },
  );

  it('with uniqueBy too', () => {
    const arb = scenarios.sqs({
      events: fc.nat({ max: 9 }),
      faults: 'none',
      delivery: 'none',
      uniqueBy: (n) => n,
    });
    for (let seed = 1; seed <= 40; seed++) {
      const details = fc.check(
        fc.property(arb, (s) => s.events.every((e) => e.body !== 7)),
        { seed, numRuns: 100 },
      );
      if (details.failed) expect(details.counterexample![0].events, `seed ${seed}`).toHaveLength(1);
    }
  });
});

describe('fault plans aim at points the workload reaches', () => {
  it('folds invocation and call indexes onto 3 attempts per event', async () => {
    const { foldFaultsOntoWorkload } = await import('../../../src/scenario/arbitraries.js');
    expect(
      foldFaultsOntoWorkload(
        [
          { kind: 'handlerError', fn: 'Handler', invocation: 7 },
          { kind: 'callError', service: 'payments', call: 3 },
          { kind: 'throttle', fn: 'Handler', invocation: 1 },
        ],
        1,
      ),
    ).toEqual([
      { kind: 'handlerError', fn: 'Handler', invocation: 1 },
      { kind: 'callError', service: 'payments', call: 3 },
      { kind: 'throttle', fn: 'Handler', invocation: 1 },
    ]);
    const plans = fc.sample(
      scenarios.async({ events: fc.constant({ id: 1 }), minEvents: 1, maxEvents: 2, services: ['payments'] }),
      { numRuns: 300, seed: 5 },
    );
    for (const s of plans) {
      const bound = 3 * s.events.length;
      for (const f of s.faults) expect(faultPoint(f).at).toBeLessThanOrEqual(bound);
    }
    expect(plans.some((s) => s.faults.length > 0)).toBe(true);
  });
});

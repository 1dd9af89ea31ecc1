/**
 * Powertools idempotency (issue 13 item 4), the real `@aws-lambda-powertools/idempotency` with its
 * DynamoDB persistence layer, over a `sim.table` named as the persistence table, the handler
 * loaded per execution environment with `handlerModule`. The example and its failure mode are
 * explained in examples/powertools/payment.ts.
 */
import { describe } from 'vitest';
import {
  checks,
  handlerModule,
  runScenario,
  type Scenario,
  type ScenarioResult,
  scenarios,
  type Simulation,
  type Table,
} from '../../../src/index.js';
import { expect, fc, it, test } from '../../../src/vitest/index.js';
import type { PaymentOrder } from '../../../examples/powertools/payment.js';
import { chargedOrder, orderIdOfCharge, paymentOrderArb, paymentWorld } from './paymentWorld.js';

const MODULE = new URL('../../../examples/powertools/payment.ts', import.meta.url);
type Export =
  'handler' | 'handlerWithKey' | 'handlerWithoutValidation' | 'chargeOnly' | 'chargeOnlyWithContext';

/** The idempotency table of the last run (the setup's, to read what Powertools stored). */
let table: Table<Record<string, unknown>> | undefined;

/** The scenario setup running one export of the payment module. */
const setupOf = (exportName: Export) => (sim: Simulation) => {
  table = paymentWorld(sim).idempotency;
  return handlerModule<PaymentOrder>(MODULE, exportName);
};

const order = (orderId: string, amountCents = 500) => ({ orderId, amountCents });
const asyncScenario = (
  events: readonly PaymentOrder[],
  faults: Scenario<PaymentOrder>['faults'],
  config: Scenario<PaymentOrder>['config'] = {},
  gapMs = 10,
): Scenario<PaymentOrder> => ({
  model: 'async',
  seed: 1,
  events: events.map((body, i) => ({ atMs: i * gapMs, body })),
  config: { timeoutS: 3, ...config },
  delivery: {},
  faults,
});
/** The first charge lands, its answer never comes: the invocation times out after the side effect. */
const timeoutAfterCharge = asyncScenario(
  [order('o-1')],
  [{ kind: 'callTimeout', service: 'payments', call: 1, landed: true }],
);

const idempotencyItems = () => table!.snapshot();
const errorTypes = (result: ScenarioResult<PaymentOrder>) =>
  result.trace.flatMap((e) => (e.kind === 'invoke.failed' ? [e.errorType] : []));

describe('Powertools makeIdempotent + DynamoDBPersistenceLayer on a sim.table', () => {
  it('a timeout after the charge: the in-progress record expires at the deadline and the retry charges again (buggy); the payment key makes the second charge a replay (fixed)', async () => {
    const buggy = await runScenario(timeoutAfterCharge, setupOf('handler'));
    expect(buggy.determinismErrors).toEqual([]);
    expect(buggy.effects('payments').map(orderIdOfCharge)).toEqual(['o-1', 'o-1']);
    expect(errorTypes(buggy)).toEqual(['Sandbox.Timedout']);
    // Powertools' own contract holds: no repeat after a success, only after the timeout.
    expect(buggy).toHaveNoRepeatAfterSuccess('payments', orderIdOfCharge);
    expect(() => expect(buggy).toHaveEffectsExactlyOnce('payments', orderIdOfCharge)).toThrow(
      /payments\.POST \/charges ran 2 times for key o-1/,
    );

    const fixed = await runScenario(timeoutAfterCharge, setupOf('handlerWithKey'));
    expect(fixed.effects('payments')).toHaveLength(1);
    expect(fixed.replays('payments')).toHaveLength(1);
    expect(fixed).toHaveEffectsExactlyOnce('payments', orderIdOfCharge);
    expect(fixed.asyncEvents.map((e) => e.state)).toEqual(['succeeded']);
    // The retry's answer is the COMPLETED record's, stored as Powertools stores it.
    expect(idempotencyItems()).toEqual([
      expect.objectContaining({ status: 'COMPLETED', data: { orderId: 'o-1', chargeId: 'ch_o-1' } }),
    ]);
  });

  it('the in-progress expiry is the invocation deadline, read from the virtual getRemainingTimeInMillis', async () => {
    // No retries: the INPROGRESS record the timed-out invocation left stays in the table.
    const left = await runScenario(
      asyncScenario([order('o-1')], [{ kind: 'callTimeout', service: 'payments', call: 1, landed: true }], {
        maximumRetryAttempts: 0,
        timeoutS: 7,
      }),
      setupOf('handler'),
    );
    // Virtual time 0 is Date.now() = 2026-01-01T00:00:00Z, the simulation's default epoch.
    const started = Date.UTC(2026, 0, 1) + left.trace.find((e) => e.kind === 'invoke.started')!.atMs;
    const [item] = idempotencyItems();
    expect(item).toMatchObject({ status: 'INPROGRESS', in_progress_expiration: started + 7_000 });
    // The record's own expiry (TTL, epoch seconds) is Powertools' default hour, in virtual time.
    expect(item!.expiration).toBe(Math.floor(started / 1000) + 3_600);
  });

  it('an inner function without registerLambdaContext: no in-progress expiry, so after a timeout every retry is refused for the hour (buggy); registering the context lets the retry through (fixed)', async () => {
    const buggy = await runScenario(timeoutAfterCharge, setupOf('chargeOnly'));
    expect(idempotencyItems()[0]).not.toHaveProperty('in_progress_expiration');
    expect(errorTypes(buggy)).toEqual([
      'Sandbox.Timedout',
      'IdempotencyAlreadyInProgressError',
      'IdempotencyAlreadyInProgressError',
    ]);
    expect(buggy.asyncEvents.map((e) => e.state)).toEqual(['discarded']);
    expect(buggy.logs.map((l) => l.message)).toContainEqual(
      expect.stringContaining('Could not determine remaining time left. Did you call registerLambdaContext'),
    );

    const fixed = await runScenario(timeoutAfterCharge, setupOf('chargeOnlyWithContext'));
    expect(errorTypes(fixed)).toEqual(['Sandbox.Timedout']);
    expect(fixed.asyncEvents.map((e) => e.state)).toEqual(['succeeded']);
    expect(fixed).toHaveEffectsExactlyOnce('payments', orderIdOfCharge);
  });

  it('a duplicate delivered to another environment while the first is in progress fails, and its retry gets the stored answer', async () => {
    const result = await runScenario(
      asyncScenario([order('o-1')], [{ kind: 'duplicateDelivery', fn: 'Handler', event: 1 }]),
      setupOf('handlerWithKey'),
    );
    const started = result.trace.flatMap((e) => (e.kind === 'invoke.started' ? [e.env] : []));
    expect(new Set(started.slice(0, 2)).size).toBe(2); // two environments at once
    expect(errorTypes(result)).toEqual(['IdempotencyAlreadyInProgressError']);
    expect(result.effects('payments')).toHaveLength(1);
    expect(result.replays('payments')).toHaveLength(0); // the retry never reached the provider
    expect(result.asyncEvents.map((e) => e.state)).toEqual(['succeeded', 'succeeded']);
    expect(result).toHaveEffectsExactlyOnce('payments', orderIdOfCharge);
  });

  it('a client retry while the record is in progress is refused with IdempotencyAlreadyInProgressError', async () => {
    const result = await runScenario(
      {
        model: 'sync',
        seed: 1,
        events: [{ atMs: 0, body: order('o-1') }],
        config: { timeoutS: 3, clientTimeoutMs: 200, clientMaxAttempts: 2 },
        delivery: {},
        faults: [{ kind: 'callLatency', service: 'payments', call: 1, addMs: 1_000 }],
      },
      setupOf('handlerWithKey'),
    );
    expect(result.trace.filter((e) => e.kind === 'request.clientTimedOut')).toHaveLength(1);
    expect(errorTypes(result)).toEqual(['IdempotencyAlreadyInProgressError']);
    expect(result.effects('payments')).toHaveLength(1);
  });

  it('payload validation: an order id reused with another amount is refused (fixed); without validation it is answered from the record, uncharged (buggy)', async () => {
    const reused = asyncScenario(
      [order('o-1', 500), order('o-1', 900)],
      [],
      { maximumRetryAttempts: 0 },
      5_000,
    );
    const byAmount = {
      inputKey: (body: unknown) => `${(body as PaymentOrder).orderId}:${(body as PaymentOrder).amountCents}`,
    };
    const chargeKey = (e: Parameters<typeof orderIdOfCharge>[0]) =>
      `${chargedOrder(e).orderId}:${chargedOrder(e).amountCents}`;

    const buggy = await runScenario(reused, setupOf('handlerWithoutValidation'));
    expect(buggy.asyncEvents.map((e) => e.state)).toEqual(['succeeded', 'succeeded']);
    expect(
      checks.exactlyOnce(buggy.effects('payments'), chargeKey, { inputs: buggy.inputs, ...byAmount }),
    ).toEqual([expect.objectContaining({ kind: 'acknowledgedWithoutEffect', key: 'o-1:900' })]);

    const fixed = await runScenario(reused, setupOf('handlerWithKey'));
    expect(errorTypes(fixed)).toEqual(['IdempotencyValidationError']);
    expect(fixed.asyncEvents.map((e) => e.state)).toEqual(['succeeded', 'discarded']);
    expect(
      checks.exactlyOnce(fixed.effects('payments'), chargeKey, { inputs: fixed.inputs, ...byAmount }),
    ).toEqual([]);
  });
});

describe('properties over async scenarios with AWS faults (payments and the idempotency table)', () => {
  const arb = scenarios.async({
    events: paymentOrderArb,
    uniqueBy: (o) => o.orderId,
    maxEvents: 5,
    services: ['payments', 'idempotency'],
  });

  test.prop([arb], { numRuns: 60 })(
    'fixed: each order charged exactly once, no repeat after success',
    async (s) => {
      const result = await runScenario(s, setupOf('handlerWithKey'));
      expect(result).toHaveEffectsExactlyOnce('payments', orderIdOfCharge);
      expect(result).toHaveNoRepeatAfterSuccess('payments', orderIdOfCharge);
    },
  );

  test.prop([arb], { numRuns: 60 })(
    "buggy: Powertools' contract holds (no repeat after a success) although charges repeat",
    async (s) => {
      const result = await runScenario(s, setupOf('handler'));
      expect(result).toHaveNoRepeatAfterSuccess('payments', orderIdOfCharge);
    },
  );

  it('buggy: the property finds the double charge, shrunk to one order and a fault that times the charge out', async () => {
    const details = await fc.check(
      fc.asyncProperty(arb, async (s) => {
        const result = await runScenario(s, setupOf('handler'));
        expect(result).toHaveEffectsExactlyOnce('payments', orderIdOfCharge);
      }),
      { seed: 13, numRuns: 100 },
    );
    expect(details.failed).toBe(true);
    const [scenario] = details.counterexample!;
    expect(scenario.events).toHaveLength(1);
    expect(scenario.faults).toEqual([{ kind: 'callTimeout', service: 'payments', call: 1, landed: true }]);
    expect((details.errorInstance as Error).message).toMatch(/ran 2 times for key o-\d+/);
  });
});

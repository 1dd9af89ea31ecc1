/**
 * Middy (issue 13 item 5), the real `@middy/core` 6.x and `@middy/sqs-partial-batch-failure`: the
 * early timeout fires at the virtual `getRemainingTimeInMillis() - timeoutEarlyInMillis`, and when
 * it does the middleware reports every record of the batch. The example is
 * examples/powertools/middyOrders.ts.
 */
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import {
  handlerModule,
  runScenario,
  type Scenario,
  type ScenarioResult,
  scenarios,
  type Simulation,
} from '../../../src/index.js';
import { expect, fc, it, regressionTests, test } from '../../../src/vitest/index.js';
import type { Order } from '../../../examples/powertools/charge.js';
import { TIMEOUT_EARLY_MS } from '../../../examples/powertools/middyOrders.js';
import {
  byMessage,
  orderIdOfCharge,
  paymentOrderArb,
  paymentWorld,
  referenceOfCharge,
} from './paymentWorld.js';

const MODULE = new URL('../../../examples/powertools/middyOrders.ts', import.meta.url);
const INVARIANT_REGRESSIONS = fileURLToPath(
  new URL('../../../fixtures/invariantRegressions/middyOrders/', import.meta.url),
);
const setupOf = (exportName: 'handler' | 'handlerWithinBudget') => (sim: Simulation) => {
  paymentWorld(sim);
  return handlerModule(MODULE, exportName);
};

/** Three orders in one batch; the third charge is 2 s slow, past the 1 s function timeout. */
const slowThird: Scenario<Order> = {
  model: 'sqs',
  seed: 1,
  events: [1, 2, 3].map((n) => ({ atMs: 0, body: { orderId: `o-${n}`, amountCents: 100 } })),
  config: {
    timeoutS: 1,
    batchSize: 10,
    maximumBatchingWindowS: 0,
    reportBatchItemFailures: true,
    maxReceiveCount: 3,
  },
  delivery: {},
  faults: [{ kind: 'callLatency', service: 'payments', call: 3, addMs: 2_000 }],
};
const firstAttempt = (result: ScenarioResult<Order>) => {
  const started = result.trace.find((e) => e.kind === 'invoke.started')!;
  const ended = result.trace.find(
    (e) => (e.kind === 'invoke.succeeded' || e.kind === 'invoke.failed') && e.requestId === started.requestId,
  )!;
  return { started, ended };
};

describe('Middy early timeout and sqs-partial-batch-failure', () => {
  it('the early timeout fires timeoutEarlyInMillis before the virtual deadline, and then every record is reported (buggy)', async () => {
    const result = await runScenario(slowThird, setupOf('handler'));
    expect(result.determinismErrors).toEqual([]);
    const { started, ended } = firstAttempt(result);
    // Middy answered (a successful invocation whose answer reports all three) at deadline - 200 ms.
    expect(ended.kind).toBe('invoke.succeeded');
    expect(ended.atMs - started.atMs).toBe(1_000 - TIMEOUT_EARLY_MS);
    // Every record reported, none deleted, though o-1 and o-2 were charged.
    expect(result.trace.find((e) => e.kind === 'batch.partiallyFailed')).toMatchObject({ deleted: 0 });
    expect(
      result
        .effects('payments')
        .filter((e) => e.atMs < ended.atMs)
        .map(orderIdOfCharge),
    ).toEqual(['o-1', 'o-2']);
    expect(result.logs.map((l) => l.message).join('\n')).toMatch(/TimeoutError/);
    expect(() => expect(result).toHaveHonestBatchResponses('payments', referenceOfCharge, byMessage)).toThrow(
      /reported as a batch item failure .* although that invocation made its effect/,
    );
    expect(() => expect(result).toHaveEffectsExactlyOnce('payments', orderIdOfCharge)).toThrow(/ran 2 times/);
  });

  it('the fixed twin stops starting records before the early timeout, reports only those, and keys its charges', async () => {
    const result = await runScenario(slowThird, setupOf('handlerWithinBudget'));
    expect(result).toHaveHonestBatchResponses('payments', referenceOfCharge, byMessage);
    expect(result).toHaveEffectsExactlyOnce('payments', orderIdOfCharge);
    expect(result).toHaveNoLostEvents();
  });
});

describe('properties over SQS scenarios with AWS faults', () => {
  const arb = scenarios.sqs({
    events: paymentOrderArb,
    uniqueBy: (o) => o.orderId,
    services: ['payments'],
    spreadMs: 0,
    config: { reportBatchItemFailures: true, fifo: false },
  });

  const honestAndOnce = (result: ScenarioResult<Order>) => {
    expect(result).toHaveHonestBatchResponses('payments', referenceOfCharge, byMessage);
    expect(result).toHaveEffectsExactlyOnce('payments', orderIdOfCharge);
  };

  test.prop([arb], { numRuns: 40 })('fixed: honest reports, each order charged once', async (s) => {
    honestAndOnce(await runScenario(s, setupOf('handlerWithinBudget')));
  });

  // Scenarios on which this property once broke one of lambdasim's own invariants (an InvariantError
  // instead of a result): fixtures/invariantRegressions/README.md.
  describe('saved scenarios that once broke a lambdasim invariant', () => {
    regressionTests(INVARIANT_REGRESSIONS, setupOf('handlerWithinBudget'), honestAndOnce);
  });

  it('buggy: the property finds a record reported after its charge', async () => {
    const details = await fc.check(
      fc.asyncProperty(arb, async (s) => {
        const result = await runScenario(s, setupOf('handler'));
        expect(result).toHaveHonestBatchResponses('payments', referenceOfCharge, byMessage);
      }),
      { seed: 3, numRuns: 100 },
    );
    expect(details.failed).toBe(true);
    expect((details.errorInstance as Error).message).toMatch(/although that invocation made its effect/);
  });
});

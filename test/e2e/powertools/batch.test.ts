/**
 * Powertools batch processing (issue 13 item 4), the real `@aws-lambda-powertools/batch`:
 * `processPartialResponse` with `BatchProcessor` (SQS standard) and `SqsFifoPartialProcessorAsync`
 * (FIFO, with and without `skipGroupOnError`), one processor per execution environment through
 * `handlerModule`. The example is examples/powertools/orderBatch.ts.
 */
import { describe } from 'vitest';
import {
  checks,
  type HandlerFactory,
  handlerModule,
  runScenario,
  type Scenario,
  type ScenarioSetup,
  type ScenarioResult,
  scenarios,
  type Simulation,
} from '../../../src/index.js';
import { expect, fc, it, test } from '../../../src/vitest/index.js';
import { type BatchOrder, handler as importedHandler } from '../../../examples/powertools/orderBatch.js';
import { byMessage, orderIdOfCharge, paymentWorld, referenceOfCharge } from './paymentWorld.js';

const MODULE = new URL('../../../examples/powertools/orderBatch.ts', import.meta.url);
type Export = 'handler' | 'fifoHandler' | 'fifoHandlerSkipGroup' | 'handlerCollectingFailures';

const moduleSetup = (exportName: Export) => (sim: Simulation) => {
  paymentWorld(sim);
  return handlerModule(MODULE, exportName);
};
/** Buggy: the handler imported once by the test, handed to every environment (one processor for all). */
const sharedSetup = (sim: Simulation) => {
  paymentWorld(sim);
  return (() => importedHandler) as HandlerFactory;
};

const inputKey = (body: unknown) => (body as BatchOrder).orderId;
/**
 * Which record made a charge: its message id, the charge's `reference`. The honesty check keys on
 * it rather than the order id, since a producer's retry puts two records of one order (two message
 * ids) in a batch, and only one of them may have failed.
 */
const honest = (result: ScenarioResult<BatchOrder>) =>
  checks.honestBatchResponses(result, result.effects('payments'), referenceOfCharge, byMessage);

/** An order with an id from a small range; one in five is invalid (the record handler throws). */
const batchOrderArb: fc.Arbitrary<BatchOrder> = fc.record({
  orderId: fc.integer({ min: 1, max: 10_000 }).map((n) => `o-${n}`),
  amountCents: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 10_000 }) },
    { weight: 1, arbitrary: fc.constant(-1) },
  ),
});

/** `n` orders sent at once (order `o-k` invalid for k in `invalid`), in groups `g<k mod groups>`. */
const batchScenario = (
  n: number,
  invalid: readonly number[],
  config: Scenario<BatchOrder>['config'],
  groups = 1,
): Scenario<BatchOrder> => ({
  model: 'sqs',
  seed: 1,
  events: Array.from({ length: n }, (_, i) => ({
    atMs: 0,
    body: { orderId: `o-${i + 1}`, amountCents: invalid.includes(i + 1) ? -1 : 100 },
    group: `g${(i + 1) % groups}`,
  })),
  config: { reportBatchItemFailures: true, maxReceiveCount: 2, maximumBatchingWindowS: 0, ...config },
  delivery: {},
  faults: [],
});
/** The orders whose messages were dead-lettered, sorted. */
const deadLettered = (result: ScenarioResult<BatchOrder>) =>
  result.messages
    .filter((m) => m.status === 'deadLettered' && m.deadLetteredFrom === undefined)
    .map((m) => (JSON.parse(m.body) as BatchOrder).orderId)
    .sort();
/** Orders charged more than once. */
const duplicates = (result: ScenarioResult<BatchOrder>) =>
  checks
    .exactlyOnce(result.effects('payments'), orderIdOfCharge, { direction: 'duplicatesOnly' })
    .map((v) => v.key);
/** Why Lambda failed whole batches: an answer naming a record not in the batch is `invalidResponse`. */
const invalidResponses = (result: ScenarioResult<BatchOrder>) =>
  result.trace.filter((e) => e.kind === 'batch.failed' && e.reason === 'invalidResponse').length;
const charged = (result: ScenarioResult<BatchOrder>) => result.effects('payments').map(orderIdOfCharge);
const responses = (result: ScenarioResult<BatchOrder>) =>
  result.trace.flatMap((e) => (e.kind === 'batch.invoked' ? [e.messageIds.length] : []));

describe('BatchProcessor on a standard queue', () => {
  it('reports the invalid record only; the others are charged once and deleted', async () => {
    const result = await runScenario(batchScenario(3, [2], { batchSize: 10 }), moduleSetup('handler'));
    expect(result.determinismErrors).toEqual([]);
    expect(charged(result)).toEqual(['o-1', 'o-3']);
    expect(responses(result)).toEqual([3, 1]); // o-2 alone the second time, then to the DLQ
    expect(honest(result)).toEqual([]);
    expect(result).toHaveEffectsExactlyOnce('payments', orderIdOfCharge, { inputKey });
  });

  it('one processor per environment: two concurrent batches sharing the imported handler answer each other’s failures (buggy); handlerModule gives each its own (fixed)', async () => {
    // Two batches of 3 at once, in two environments; o-2 of the first batch is invalid.
    const scenario = batchScenario(6, [2], { batchSize: 3 });
    const fixed = await runScenario(scenario, moduleSetup('handler'));
    expect(honest(fixed)).toEqual([]);
    expect(charged(fixed).sort()).toEqual(['o-1', 'o-3', 'o-4', 'o-5', 'o-6']);

    const shared = await runScenario(scenario, sharedSetup);
    // lambdasim says so as it happens, with the fix.
    expect(shared.warnings).toEqual([
      expect.stringMatching(/serves Handler#1 and Handler#2 at the same time.*handlerModule/),
    ]);
    expect(fixed.warnings).toEqual([]);
    // The second batch answered the first one's failure (o-2's message id): Lambda failed it
    // whole and redelivered it, so its orders were charged again.
    expect(invalidResponses(shared)).toBeGreaterThan(0);
    expect(duplicates(shared)).toEqual(['o-4', 'o-5', 'o-6']);
    expect(duplicates(fixed)).toEqual([]);
  });

  it('state kept at module scope leaks into the next warm invocation (buggy); the processor itself is cleared per batch', async () => {
    // One environment (reserved concurrency 1), batches of 2: o-1 fails in the first.
    const scenario = batchScenario(4, [1], { batchSize: 2, reservedConcurrency: 1 });
    const leaky = await runScenario(scenario, moduleSetup('handlerCollectingFailures'));
    // The next batch of the warm environment reports o-1's message id again: Lambda fails that batch
    // whole (R-SQS-6) and its orders are charged again.
    expect(invalidResponses(leaky)).toBeGreaterThan(0);
    expect(duplicates(leaky)).toEqual(['o-3', 'o-4']);

    const fixed = await runScenario(scenario, moduleSetup('handler'));
    expect(honest(fixed)).toEqual([]);
    expect(charged(fixed).sort()).toEqual(['o-2', 'o-3', 'o-4']);
  });
});

describe('FIFO: SqsFifoPartialProcessorAsync and skipGroupOnError', () => {
  // Six orders in groups g1, g0, g1, g0, g1, g0; o-1 (group g1) is invalid.
  const fifo = batchScenario(6, [1], { batchSize: 10, fifo: true }, 2);

  it('BatchProcessor on a FIFO queue goes on past a failed record of the group (buggy)', async () => {
    const result = await runScenario(fifo, moduleSetup('handler'));
    expect(honest(result).map((v) => [v.kind, v.group])).toContainEqual(['groupNotStopped', 'g1']);
  });

  it('SqsFifoPartialProcessorAsync stops at the first failure and reports the rest of the batch: the poison record takes every group to the DLQ with it', async () => {
    const result = await runScenario(fifo, moduleSetup('fifoHandler'));
    expect(honest(result)).toEqual([]);
    // Each receive returns o-1 first and the processor stops there, so every record is received
    // as often as o-1 and reaches maxReceiveCount with it: honest, and nothing charged.
    expect(charged(result)).toEqual([]);
    expect(deadLettered(result)).toEqual(['o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-6']);
  });

  it('skipGroupOnError: only the failed group stops; the other group is charged in the first batch', async () => {
    const result = await runScenario(fifo, moduleSetup('fifoHandlerSkipGroup'));
    expect(honest(result)).toEqual([]);
    const first = result.trace.find((e) => e.kind === 'batch.invoked')!;
    const byFirst = result.effects('payments').filter((e) => e.atMs < first.atMs + 1_000);
    expect(byFirst.map(orderIdOfCharge)).toEqual(['o-2', 'o-4', 'o-6']);
    // Group g1 stays blocked behind its poison record and goes to the DLQ with it.
    expect(deadLettered(result)).toEqual(['o-1', 'o-3', 'o-5']);
  });
});

describe('properties over SQS scenarios with AWS faults', () => {
  const standard = scenarios.sqs({
    events: batchOrderArb,
    uniqueBy: (o) => o.orderId,
    services: ['payments'],
    spreadMs: 0,
    config: { reportBatchItemFailures: true, fifo: false },
  });
  /** No faults, no duplicates: every repeated charge is the handler's own doing. */
  const faultFree = scenarios.sqs({
    events: batchOrderArb,
    uniqueBy: (o) => o.orderId,
    spreadMs: 0,
    faults: 'none',
    delivery: 'none',
    config: { reportBatchItemFailures: true, fifo: false },
  });
  const fifoArb = scenarios.sqs({
    events: batchOrderArb,
    uniqueBy: (o) => o.orderId,
    services: ['payments'],
    spreadMs: 0,
    config: { reportBatchItemFailures: true, fifo: true },
    groupOf: (o) => `g${o.orderId.length % 3}`,
  });

  test.prop([standard], { numRuns: 40 })(
    'BatchProcessor per environment: honest responses, nothing lost',
    async (s) => {
      const result = await runScenario(s, moduleSetup('handler'));
      expect(result).toHaveHonestBatchResponses('payments', referenceOfCharge, byMessage);
      expect(result).toHaveNoLostEvents();
    },
  );

  test.prop([fifoArb], { numRuns: 40 })(
    'FIFO, with and without skipGroupOnError: honest responses',
    async (s) => {
      for (const exportName of ['fifoHandler', 'fifoHandlerSkipGroup'] as const) {
        const result = await runScenario(s, moduleSetup(exportName));
        expect(result).toHaveHonestBatchResponses('payments', referenceOfCharge, byMessage);
      }
    },
  );

  const chargedOnce = (setup: ScenarioSetup<BatchOrder>) =>
    fc.asyncProperty(faultFree, async (s) => {
      const result = await runScenario(s, setup);
      expect(result).toHaveEffectsExactlyOnce('payments', orderIdOfCharge, { inputKey });
    });

  test.prop([faultFree], { numRuns: 40 })('without faults, each valid order is charged once', async (s) => {
    const result = await runScenario(s, moduleSetup('handler'));
    expect(result).toHaveEffectsExactlyOnce('payments', orderIdOfCharge, { inputKey });
  });

  it.each([
    ['one processor shared by every environment', sharedSetup],
    ['failures kept at module scope', moduleSetup('handlerCollectingFailures')],
  ] as const)('the property catches %s: orders charged twice', async (_name, setup) => {
    const details = await fc.check(chargedOnce(setup), { seed: 5, numRuns: 100 });
    expect(details.failed).toBe(true);
    expect((details.errorInstance as Error).message).toMatch(/ran 2 times for key o-\d+/);
  });

  it('the property catches BatchProcessor on a FIFO queue: a group processed past its failure', async () => {
    const details = await fc.check(
      fc.asyncProperty(fifoArb, async (s) => {
        const result = await runScenario(s, moduleSetup('handler'));
        expect(result).toHaveHonestBatchResponses('payments', referenceOfCharge, byMessage);
      }),
      { seed: 5, numRuns: 100 },
    );
    expect(details.failed).toBe(true);
    expect((details.errorInstance as Error).message).toMatch(/of FIFO message group .* was deleted by/);
  });
});

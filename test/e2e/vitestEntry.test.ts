/**
 * The `lambdasim/vitest` entry end to end: a real `test.prop` over a scenario arbitrary passes
 * for a fixed handler, and for its buggy twin the failure report carries the shrunk scenario as a
 * literal, the timeline of the failing run, its trace hash and the exact replay command.
 */
import { describe } from 'vitest';
import {
  ConditionalCheckFailedException,
  formatScenario,
  runScenario,
  type Scenario,
  type ScenarioSetup,
  scenarios,
  when,
} from '../../src/index.js';
import { expect, fc, it, test } from '../../src/vitest/index.js';

interface Order {
  readonly orderId: string;
  readonly amountCents: number;
}
const orderArb: fc.Arbitrary<Order> = fc.record({
  orderId: fc.integer({ min: 1, max: 1000 }).map((n) => `o-${n}`),
  amountCents: fc.integer({ min: 1, max: 10_000 }),
});
const orderIdOf = (e: { args: unknown }): string => (e.args as Order).orderId;

/** Charges on every attempt: an async retry after a crash or a timeout charges again. */
const buggy: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments', { latencyMs: 50 });
  sim.table('claims', { key: 'orderId' });
  return () => async (event: Order) => {
    await payments.call('charge', { orderId: event.orderId, amountCents: event.amountCents });
  };
};

/**
 * Claims the order as `charging`, charges with the order's idempotency key (which the API
 * honours), then marks the claim `charged`; a retry or duplicate that finds a `charging` claim
 * charges again with the same key (answered from the key: no second charge). (This twin used to
 * return on any claim, which loses the charge when it fails after the claim: the duplicates-only
 * check let that pass; the default check now finds it, see test/e2e/claimThenCharge.test.ts.)
 */
const fixed: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments', {
    latencyMs: 50,
    idempotencyKey: (_op, args) => (args as { idempotencyKey?: string }).idempotencyKey,
  });
  const claims = sim.table<{ orderId: string; status: string }>('claims', { key: 'orderId' });
  return () => async (event: Order) => {
    try {
      await claims.put(
        { orderId: event.orderId, status: 'charging' },
        { condition: when.notExists('orderId') },
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if ((await claims.get(event.orderId))?.status === 'charged') return;
    }
    const idempotencyKey = `charge-${event.orderId}`;
    await payments.call('charge', { orderId: event.orderId, amountCents: event.amountCents, idempotencyKey });
    await claims.put({ orderId: event.orderId, status: 'charged' });
  };
};

const arb = scenarios.async({ events: orderArb, maxEvents: 5, services: ['payments', 'claims'] });
/**
 * Faults only: AWS's duplicate delivery is a per-event seeded draw, so a failure it causes does
 * not shrink to one event; a fault does.
 */
const faultsOnlyArb = scenarios.async({
  events: orderArb,
  maxEvents: 5,
  services: ['payments', 'claims'],
  delivery: 'none',
});

/** Every order charged at most once, nothing lost (for workloads of distinct orders). */
async function chargesEachOrderOnce(scenario: Scenario<Order>, setup: ScenarioSetup<Order>): Promise<void> {
  const ids = scenario.events.map((e) => e.body.orderId);
  fc.pre(new Set(ids).size === ids.length);
  const result = await runScenario(scenario, setup);
  expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf);
  expect(result).toHaveNoLostEvents();
}

describe('lambdasim/vitest', () => {
  test.prop([arb], { numRuns: 200 })(
    'the fixed twin charges every order at most once and loses nothing',
    async (scenario) => {
      await chargesEachOrderOnce(scenario, fixed);
    },
  );

  it('reports the buggy twin with the shrunk scenario, its timeline, trace hash and replay command', async () => {
    const details = await fc.check(
      fc.asyncProperty(faultsOnlyArb, (scenario) => chargesEachOrderOnce(scenario, buggy)),
      { seed: 20261123, numRuns: 200 },
    );
    expect(details.failed).toBe(true);
    const [scenario] = details.counterexample ?? [];
    if (scenario === undefined) throw new Error('no counterexample');
    // Shrinking that helps: one event and one fault show the double charge.
    expect(scenario.events).toHaveLength(1);
    expect(scenario.faults).toHaveLength(1);

    const message = (details.errorInstance as Error).message;
    expect(message).toMatch(
      /^toHaveEffectsExactlyOnce: 1 violation:\n1\. \[exactlyOnce\] payments\.charge ran 2 times for key o-\d/,
    );
    expect(message).toContain(`Scenario:\n  ${formatScenario(scenario).replaceAll('\n', '\n  ')}`);
    expect(message).toMatch(/Timeline of the failing run[^\n]*\n(\s+\+\S+\s+.*\n)+/);
    expect(message).toMatch(/Handler#\d\s+invoke\.started/);
    expect(message).toMatch(
      /payments\s+call\.landed\s+#\d charge applied[\s\S]*payments\s+call\.landed\s+#\d charge applied/,
    );

    // The report's trace hash is the one a fresh run of the printed scenario gives.
    const rerun = await runScenario(scenario, buggy);
    expect(message).toContain(`Trace hash: ${rerun.traceHash}`);

    expect(message).toContain(
      `FC_SEED=20261123 FC_PATH=${details.counterexamplePath} npx vitest run test/e2e/vitestEntry.test.ts -t 'reports the buggy twin with the shrunk scenario, its timeline, trace hash and replay command'`,
    );
    expect(message).toMatch(
      /keep it as a regression test: saveScenario\('fixtures\/regressions\/[a-z0-9-]+\.json', result\.scenario\)/,
    );

    // Replaying by seed and path gives the same counterexample at once.
    const replayed = await fc.check(
      fc.asyncProperty(faultsOnlyArb, (s) => chargesEachOrderOnce(s, buggy)),
      { seed: details.seed, path: details.counterexamplePath ?? '', endOnFailure: true },
    );
    expect(replayed.counterexample).toEqual(details.counterexample);
  });
});

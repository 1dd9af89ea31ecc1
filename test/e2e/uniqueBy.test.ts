/**
 * Distinct business keys under shrinking (`uniqueBy` of the scenario arbitraries): fast-check
 * shrinks every `fc.uuid()` toward the same value, so without it a counterexample of a
 * double-charging handler can collapse into "two identical orders, no fault" (the check then
 * reports a duplicate that is the workload's, not the handler's). With `uniqueBy` no shrunk
 * counterexample has two events with one key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checks, runScenario, type Scenario, type ScenarioSetup, scenarios } from '../../src/index.js';

interface Order {
  readonly orderId: string;
  readonly amountCents: number;
}
const orderArb = fc.record({ orderId: fc.uuid(), amountCents: fc.integer({ min: 1, max: 10_000 }) });

/** Charges on every attempt: a retry after a crash or a timeout charges again. */
const chargesEveryAttempt: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments');
  return () => async (order: Order) => {
    await payments.call('charge', { orderId: order.orderId, amountCents: order.amountCents });
  };
};

/** The shrunk counterexample of the README's property at `seed`. */
async function counterexample(seed: number, unique: boolean): Promise<Scenario<Order>> {
  const arb = scenarios.async({
    events: orderArb,
    services: ['payments'],
    ...(unique ? { uniqueBy: (order: Order) => order.orderId } : {}),
  });
  const details = await fc.check(
    fc.asyncProperty(arb, async (scenario) => {
      const result = await runScenario(scenario, chargesEveryAttempt);
      const violations = checks.exactlyOnce(result.effects('payments'), (e) => (e.args as Order).orderId, {
        inputs: result.inputs,
      });
      if (violations.length > 0) throw new Error(violations[0]!.message);
    }),
    { seed, numRuns: 100 },
  );
  expect(details.failed, `no failure at seed ${seed}`).toBe(true);
  return (details.counterexample as [Scenario<Order>])[0];
}

const hasRepeatedKey = (s: Scenario<Order>) =>
  new Set(s.events.map((e) => e.body.orderId)).size < s.events.length;

const SEEDS = Array.from({ length: 20 }, (_, i) => 1000 + i);

describe('scenarios uniqueBy', () => {
  it('keeps business keys distinct in every shrunk counterexample (and without it they collapse)', async () => {
    let collapsedWithout = 0;
    for (const seed of SEEDS) {
      const withKey = await counterexample(seed, true);
      expect(hasRepeatedKey(withKey), `seed ${seed}: ${JSON.stringify(withKey.events)}`).toBe(false);
      if (hasRepeatedKey(await counterexample(seed, false))) collapsedWithout++;
    }
    console.log(
      `uniqueBy: counterexamples with a repeated key without uniqueBy: ${collapsedWithout}/${SEEDS.length}`,
    );
    // The test means something: without uniqueBy the collapse does happen at these seeds.
    expect(collapsedWithout).toBeGreaterThan(0);
  }, 120_000);

  it('rejects a uniqueBy that is not a function', () => {
    expect(() =>
      scenarios.async({ events: orderArb, uniqueBy: 'orderId' as unknown as (o: Order) => string }),
    ).toThrow(
      /scenarios\.async: uniqueBy must be a function \(body\) => the body's business key, got "orderId"/,
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CheckoutScenario,
  checkoutScenarioArb,
  runCheckout,
} from '../../fixtures/demo/checkoutScenario.js';
import {
  type ChargeOrderFactory,
  chargeOrderBuggy,
  chargeOrderFixed,
} from '../../fixtures/handlers/chargeOrder.js';

function property(factory: ChargeOrderFactory) {
  return fc.asyncProperty(checkoutScenarioArb, async (scenario) => {
    const run = await runCheckout(factory, scenario);
    if (run.violations.length > 0) throw new Error(run.violations.join('; '));
  });
}

describe('checkout example (fixtures/demo/checkoutScenario): ChargeOrder under client timeouts and retries', () => {
  it('finds the double charge in the buggy handler and shrinks it to one order and two attempts', async () => {
    const details = await fc.check(property(chargeOrderBuggy), { numRuns: 200 });
    expect(details.failed).toBe(true);
    const [scenario] = details.counterexample as [CheckoutScenario];
    expect(scenario.orders).toBe(1);
    expect(scenario.maxAttempts).toBe(2);
    // The retry only duplicates work when the client gives up before the answer comes back
    // (Init 100 ms + payment latency + the 10 ms table write).
    expect(scenario.clientTimeoutMs).toBeLessThanOrEqual(100 + scenario.paymentLatencyMs + 10);
    expect(String(details.errorInstance)).toContain('order-1 was charged 2 times');

    // Replaying from the printed seed and path gives the same failure and the same trace.
    const replay = await fc.check(property(chargeOrderBuggy), {
      seed: details.seed,
      path: details.counterexamplePath!,
      numRuns: 1,
    });
    expect(replay.failed).toBe(true);
    expect(replay.counterexample).toEqual(details.counterexample);
    const a = await runCheckout(chargeOrderBuggy, scenario);
    const b = await runCheckout(chargeOrderBuggy, scenario);
    expect(a.result.traceHash).toBe(b.result.traceHash);
  });

  it('passes the fixed twin', async () => {
    const details = await fc.check(property(chargeOrderFixed), { numRuns: 300 });
    expect(details.failed, String(details.errorInstance)).toBe(false);
  });

  it('the fixed twin still charges every order the client was told about', async () => {
    const run = await runCheckout(chargeOrderFixed, {
      orders: 2,
      paymentLatencyMs: 50,
      clientTimeoutMs: 5000,
      maxAttempts: 3,
      seed: 1,
    });
    expect([...run.confirmed].sort()).toEqual(['order-1', 'order-2']);
    expect([...run.charges.entries()].sort()).toEqual([
      ['order-1', 1],
      ['order-2', 1],
    ]);
  });
});

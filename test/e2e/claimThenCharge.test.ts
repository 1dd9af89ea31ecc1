/**
 * Lost effects are caught by default (issue 11 item 2): the README's flagship property, unchanged
 * (`toHaveEffectsExactlyOnce` + `toHaveNoLostEvents`), fails the claim-then-charge handler, whose
 * failed charge is never retried because the retry sees the claim, and passes its fixed twin.
 * `bench/claimThenCharge.ts` measures the same over 50 seeds.
 */
import { describe } from 'vitest';
import { runScenario, type Scenario, type ScenarioSetup, scenarios } from '../../src/index.js';
import { expect, fc, it } from '../../src/vitest/index.js';
import { claimThenCharge, claimThenChargeFixed, type Order, orderArb, orderIdOf } from './claimThenCharge.js';

/** The README's flagship property. */
const arb = scenarios.async({ events: orderArb, services: ['payments'] });
const property = (setup: ScenarioSetup<Order>) =>
  fc.asyncProperty(arb, async (scenario: Scenario<Order>) => {
    const result = await runScenario(scenario, setup);
    expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf);
    expect(result).toHaveNoLostEvents();
  });

describe('claim-then-charge: acknowledged without its effect', () => {
  it('fails the buggy handler, saying the event succeeded but its charge never landed', async () => {
    for (const seed of [1, 2, 3]) {
      const details = await fc.check(property(claimThenCharge), { seed, numRuns: 100 });
      expect(details.failed, `seed ${seed}`).toBe(true);
      const message = (details.errorInstance as Error).message;
      expect(message).toMatch(
        /async event \S+ to Handler \(scenario event \d+\) succeeded \(\d+ attempts?(, faults: [^)]*)?\), but payments(\.charge)? never landed for it: acknowledged without its effect\. Such handlers usually go wrong by claim-then-act/,
      );
    }
  });

  it('passes the fixed twin (claim kept open until the charge landed, idempotency key) for 1,000 runs', async () => {
    const details = await fc.check(property(claimThenChargeFixed), { seed: 11, numRuns: 1_000 });
    expect(details.failed ? String(details.errorInstance) : 'passed').toBe('passed');
    expect(details.numRuns).toBe(1_000);
  });

  it('is the old duplicates-only check that let the buggy handler pass', async () => {
    const scenario: Scenario<Order> = {
      model: 'async',
      seed: 0,
      events: [{ atMs: 0, body: { orderId: 'o-1', amountCents: 1 } }],
      config: {},
      delivery: {},
      faults: [{ kind: 'callError', service: 'payments', call: 1 }],
    };
    const result = await runScenario(scenario, claimThenCharge);
    expect(result.effects('payments')).toEqual([]);
    expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf, { direction: 'duplicatesOnly' });
    expect(result).not.toHaveEffectsExactlyOnce('payments', orderIdOf);
    expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf, { inputKey: () => undefined });
    expect(result).not.toHaveEffectsExactlyOnce('payments', orderIdOf, {
      inputKey: (body) => (body as Order).orderId,
    });
  });
});

/**
 * Freeze fidelity (issue 11 item 6, R-ENV-4): a handler that fires a charge without awaiting it
 * and returns success loses the charge when its environment is frozen before the request left and
 * never thawed again (reclaimed, or simply not reused before the run ends). The README's flagship
 * property (`toHaveEffectsExactlyOnce` + `toHaveNoLostEvents`) catches it as "acknowledged without
 * its effect"; the twin that awaits the charge passes.
 */
import { describe } from 'vitest';
import { runScenario, type Scenario, type ScenarioSetup, scenarios } from '../../src/index.js';
import { expect, fc, it } from '../../src/vitest/index.js';
import { type Order, orderArb, orderIdOf } from './claimThenCharge.js';
import { fireAndForget, fireAndForgetFixed } from './fireAndForget.js';

/** The README's flagship property, over a scenario arbitrary. */
const property = (arb: fc.Arbitrary<Scenario<Order>>, setup: ScenarioSetup<Order>) =>
  fc.asyncProperty(arb, async (scenario: Scenario<Order>) => {
    const result = await runScenario(scenario, setup);
    expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf);
    expect(result).toHaveNoLostEvents();
  });

/** Every AWS fault kind (the default): call errors alone also expose an unawaited call. */
const allFaults = scenarios.async({ events: orderArb, services: ['payments'] });
/**
 * No fault but `reclaimAfterReturn`, no duplicates: nothing but the freeze can lose the charge
 * (under the old always-on-the-wire model the buggy handler passes this one).
 */
const freezeOnly = scenarios.async({
  events: orderArb,
  services: ['payments'],
  faults: { kinds: ['reclaimAfterReturn'] },
  delivery: 'none',
});

const SEEDS = Array.from({ length: 50 }, (_v, i) => i + 1);
const ACKNOWLEDGED_WITHOUT_EFFECT =
  /succeeded \(\d+ attempts?(, faults: [^)]*)?\), but payments(\.charge)? never landed for it: acknowledged without its effect/;

describe('fire and forget: a charge frozen with its environment', () => {
  for (const [name, arb] of [
    ['only the freeze can lose it', freezeOnly],
    ['every AWS fault kind', allFaults],
  ] as const) {
    it(`${name}: fails the handler that does not await its charge at 50 of 50 seeds, as acknowledged without its effect`, async () => {
      const caughtAfter: number[] = [];
      for (const seed of SEEDS) {
        const details = await fc.check(property(arb, fireAndForget), { seed, numRuns: 100 });
        expect(details.failed, `seed ${seed}`).toBe(true);
        expect((details.errorInstance as Error).message, `seed ${seed}`).toMatch(ACKNOWLEDGED_WITHOUT_EFFECT);
        caughtAfter.push(details.numRuns);
      }
      expect(caughtAfter).toHaveLength(SEEDS.length);
    });

    it(`${name}: passes the twin that awaits its charge for 1,000 runs`, async () => {
      const details = await fc.check(property(arb, fireAndForgetFixed), { seed: 11, numRuns: 1_000 });
      expect(details.failed ? String(details.errorInstance) : 'passed').toBe('passed');
      expect(details.numRuns).toBe(1_000);
    });
  }

  it('loses the charge only through the freeze: one event, the environment reclaimed after it returned', async () => {
    const scenario = (landed: boolean): Scenario<Order> => ({
      model: 'async',
      seed: 0,
      events: [{ atMs: 0, body: { orderId: 'o-1', amountCents: 1 } }],
      config: {},
      delivery: {},
      faults: [{ kind: 'reclaimAfterReturn', fn: 'Handler', invocation: 1, landed }],
    });
    const lost = await runScenario(scenario(false), fireAndForget);
    expect(lost.effects('payments')).toEqual([]);
    const first = lost.inputs.find((i) => i.eventIndex === 0)!;
    expect(first).toMatchObject({ state: 'completed', effects: [] });
    expect(first.attempts[0]!.faults.map((f) => f.fault)).toEqual(['reclaimAfterReturn']);
    expect(lost).not.toHaveEffectsExactlyOnce('payments', orderIdOf);
    // The same plan does not hurt the twin, nor the buggy handler when the request had left.
    expect(await runScenario(scenario(false), fireAndForgetFixed)).toHaveEffectsExactlyOnce(
      'payments',
      orderIdOf,
    );
    const onTheWire = await runScenario(scenario(true), fireAndForget);
    expect(onTheWire.effects('payments').map(orderIdOf)).toEqual(['o-1']);
  });
});

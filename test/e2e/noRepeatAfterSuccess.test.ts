/**
 * The idempotency-library contract (issue 11 item 2): `toHaveNoRepeatAfterSuccess` fails the two
 * ways such a library is commonly misused (no in-progress lock; a completed record that expires
 * before a retry comes) and passes the library used right, over random async scenarios with
 * every AWS fault and duplicate deliveries.
 */
import { describe } from 'vitest';
import { checks, runScenario, type Scenario, type ScenarioSetup, scenarios } from '../../src/index.js';
import { expect, fc, it } from '../../src/vitest/index.js';
import { type Order, orderArb, orderIdOf } from './claimThenCharge.js';
import { lockedOnce, shortLivedOnce, unlockedOnce } from './idempotencyLibrary.js';

const arb = scenarios.async({ events: orderArb, services: ['payments', 'idempotency'] });
const property = (setup: ScenarioSetup<Order>) =>
  fc.asyncProperty(arb, async (scenario: Scenario<Order>) => {
    const result = await runScenario(scenario, setup);
    expect(result).toHaveNoRepeatAfterSuccess('payments', orderIdOf);
  });

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

/** At how many of `SEEDS` the property fails within 100 runs, and the messages it failed with. */
async function caughtAt(setup: ScenarioSetup<Order>): Promise<{ caught: number; messages: string[] }> {
  const messages: string[] = [];
  for (const seed of SEEDS) {
    const details = await fc.check(property(setup), { seed, numRuns: 100 });
    if (details.failed) messages.push((details.errorInstance as Error).message);
  }
  return { caught: messages.length, messages };
}

/** One order, delivered twice at once (the duplicate delivery of an async event). */
const duplicated = (faults: Scenario<Order>['faults']): Scenario<Order> => ({
  model: 'async',
  seed: 0,
  events: [{ atMs: 0, body: { orderId: 'o-1', amountCents: 1 } }],
  config: {},
  delivery: {},
  faults: [{ kind: 'duplicateDelivery', fn: 'Handler', event: 1 }, ...faults],
});

describe('noRepeatAfterSuccess: the idempotency-library contract', () => {
  it('no lock: both concurrent deliveries charge and succeed (bothSucceeded)', async () => {
    const result = await runScenario(duplicated([]), unlockedOnce);
    const found = checks.noRepeatAfterSuccess(result.inputs, result.effects('payments'), orderIdOf);
    expect(found).toEqual([expect.objectContaining({ kind: 'bothSucceeded', key: 'o-1' })]);
    expect(found[0]!.message).toMatch(
      /payments\.charge for key o-1 was made by two overlapping attempts that both succeeded: attempt \S+ \(Handler#\d, started [^)]*, succeeded\) of async event \S+ to Handler \(scenario event 0\) and .*no in-progress lock/,
    );
  });

  it('record kept 1 s: the in-progress duplicate is retried a minute later and charges again (repeatedAfterSuccess)', async () => {
    const result = await runScenario(duplicated([]), shortLivedOnce);
    expect(result.effects('payments')).toHaveLength(2);
    const found = checks.noRepeatAfterSuccess(result.inputs, result.effects('payments'), orderIdOf);
    expect(found).toEqual([expect.objectContaining({ kind: 'repeatedAfterSuccess', key: 'o-1' })]);
    expect(found[0]!.message).toMatch(
      /was made again by attempt .* after attempt .* had made it and succeeded at/,
    );
    expect(await runScenario(duplicated([]), lockedOnce)).toHaveNoRepeatAfterSuccess('payments', orderIdOf);
  });

  it('allows what the contract allows: a retry after an attempt that charged and then crashed', async () => {
    const crash = [{ kind: 'crashAfterCalls', fn: 'Handler', invocation: 1, calls: 2 }] as const;
    const result = await runScenario({ ...duplicated([]), faults: [...crash] }, lockedOnce);
    expect(result.effects('payments')).toHaveLength(2);
    expect(result).toHaveNoRepeatAfterSuccess('payments', orderIdOf);
    expect(result).not.toHaveEffectsExactlyOnce('payments', orderIdOf);
  });

  it(`fails both buggy twins within 100 runs at every one of ${SEEDS.length} seeds`, async () => {
    for (const setup of [unlockedOnce, shortLivedOnce]) {
      const { caught, messages } = await caughtAt(setup);
      expect(caught).toBe(SEEDS.length);
      for (const message of messages) expect(message).toMatch(/\[noRepeatAfterSuccess\]/);
    }
  });

  it('passes the library used right for 1,000 runs, its lock turning away a concurrent attempt in many (not a weak pass)', async () => {
    let locked = 0;
    const details = await fc.check(
      fc.asyncProperty(arb, async (scenario: Scenario<Order>) => {
        const result = await runScenario(scenario, lockedOnce);
        const turnedAway = result.inputs.some((i) =>
          i.attempts.some(
            (a) => a.outcome === 'failed' && a.errorType === 'IdempotencyAlreadyInProgressError',
          ),
        );
        if (turnedAway) locked++;
        expect(result).toHaveNoRepeatAfterSuccess('payments', orderIdOf);
      }),
      { seed: 11, numRuns: 1_000 },
    );
    expect(details.failed ? String(details.errorInstance) : 'passed').toBe('passed');
    expect(details.numRuns).toBe(1_000);
    expect(locked).toBeGreaterThanOrEqual(55); // 111 of 1,000 at seed 11: half of it
  });
});

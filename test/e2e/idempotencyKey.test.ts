/**
 * A buggy/fixed twin for sim.api's idempotency keys: a handler that retries its charge after a
 * client-side timeout charges twice when the first attempt landed but its answer was lost
 * (`callTimeout` with `landed: true`); the same handler passing a Stripe-style idempotency key
 * to an API that honours it charges once, whatever the scenario.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checks,
  type ExternalApi,
  runScenario,
  type Scenario,
  type ScenarioResult,
  type ScenarioSetup,
  scenarios,
} from '../../src/index.js';

interface Order {
  readonly orderId: string;
  readonly amountCents: number;
}
interface ChargeArgs extends Order {
  readonly idempotencyKey?: string;
}

/** Orders keyed by id; the amount follows from the id, so two events for one order are one request. */
const orderArb: fc.Arbitrary<Order> = fc
  .integer({ min: 1, max: 50 })
  .map((n) => ({ orderId: `o-${n}`, amountCents: n * 100 }));

/** Charges with up to 3 tries, giving each 1 s before retrying (an SDK-style client timeout). */
async function chargeWithRetries(payments: ExternalApi, args: ChargeArgs): Promise<unknown> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await Promise.race([
        payments.call('charge', args),
        new Promise((_, reject) => setTimeout(() => reject(new Error('charge timed out after 1 s')), 1_000)),
      ]);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Retries without a key: a retry after a lost answer is a second charge. */
const buggy: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments', { latencyMs: 50 });
  return () => async (event: Order) => {
    await chargeWithRetries(payments, { orderId: event.orderId, amountCents: event.amountCents });
  };
};

/** The same retries with one key per order, which the payment API honours. */
const fixed: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments', {
    latencyMs: 50,
    idempotencyKey: (_op, args) => (args as ChargeArgs).idempotencyKey,
  });
  return () => async (event: Order) => {
    await chargeWithRetries(payments, {
      orderId: event.orderId,
      amountCents: event.amountCents,
      idempotencyKey: `charge-${event.orderId}`,
    });
  };
};

const orderIdOf = (e: { args: unknown }) => (e.args as Order).orderId;
/** Distinct orders only: two events for one order are one charge by design (the key dedupes them). */
const distinctOrders = (scenario: Scenario<Order>) =>
  new Set(scenario.events.map((e) => e.body.orderId)).size === scenario.events.length;
const chargedOnce = (result: ScenarioResult<Order>) =>
  checks.exactlyOnce(result.effects('payments'), orderIdOf);

const lostAnswer: Scenario<Order> = {
  model: 'async',
  seed: 1,
  events: [{ atMs: 0, body: { orderId: 'o-1', amountCents: 100 } }],
  config: { timeoutS: 10, maximumRetryAttempts: 0 },
  delivery: {},
  faults: [{ kind: 'callTimeout', service: 'payments', call: 1, landed: true }],
};

const orders = scenarios.async({ events: orderArb, maxEvents: 5, services: ['payments'] });
/** Fixed so the run counts are exact (no flakes). */
const SEED = 20261123;

describe('idempotency keys end to end', () => {
  it('a retry after a lost answer charges twice without a key, once with one (the repeat is a replay)', async () => {
    const bug = await runScenario(lostAnswer, buggy);
    expect(bug.effects('payments')).toHaveLength(2);
    expect(chargedOnce(bug)).toEqual([
      expect.objectContaining({ check: 'exactlyOnce', kind: 'duplicateEffect', key: 'o-1', count: 2 }),
    ]);

    const ok = await runScenario(lostAnswer, fixed);
    expect(ok.effects('payments')).toHaveLength(1);
    expect(ok.replays('payments')).toEqual([
      expect.objectContaining({ callId: 2, replayOf: 1, idempotencyKey: 'charge-o-1', ok: true }),
    ]);
    expect(chargedOnce(ok)).toEqual([]);
    expect(ok.asyncEvents.map((e) => e.state)).toEqual(['succeeded']);
  });

  it('the property finds the buggy twin within 100 runs', async () => {
    const details = await fc.check(
      fc.asyncProperty(orders, async (scenario) => {
        fc.pre(distinctOrders(scenario));
        expect(chargedOnce(await runScenario(scenario, buggy))).toEqual([]);
      }),
      { seed: SEED, numRuns: 100 },
    );
    expect(details.failed).toBe(true);
    const [scenario] = details.counterexample as [Scenario<Order>];
    expect(chargedOnce(await runScenario(scenario, buggy)).length).toBeGreaterThan(0);
  });

  it('the fixed twin passes 200 runs, with keys replayed in many of them (not a weak pass)', async () => {
    let runsWithReplays = 0;
    const details = await fc.check(
      fc.asyncProperty(orders, async (scenario) => {
        fc.pre(distinctOrders(scenario));
        const result = await runScenario(scenario, fixed);
        if (result.replays('payments').length > 0) runsWithReplays++;
        expect(chargedOnce(result)).toEqual([]);
      }),
      { seed: SEED, numRuns: 200 },
    );
    expect(
      details.failed,
      `${String(details.errorInstance)}\n${JSON.stringify(details.counterexample)}`,
    ).toBe(false);
    expect(details.numRuns).toBe(200);
    expect(runsWithReplays).toBeGreaterThanOrEqual(32); // 65 of 200 at SEED: half of it
  });
});

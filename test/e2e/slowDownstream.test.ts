/**
 * A "slow downstream plus remaining time" bug, reachable through a latency shape with no
 * constant picked to hit the deadline: the handler asks a pricing API for a quote (a slow tail:
 * `{ p50: 40, p99: 900 }`), then charges (a 300 ms provider) without looking at the clock. When
 * the quote eats the deadline, the charge is sent, lands, and the function times out before its
 * answer: Lambda retries the event and the order is charged twice. The fixed twin checks
 * `context.getRemainingTimeInMillis()` before the charge and fails early (no effect) instead.
 */
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  casesReached,
  checks,
  type EventScenarioSetup,
  type LatencyMs,
  runScenario,
  type Scenario,
  scenarios,
} from '../../src/index.js';

interface Order {
  readonly orderId: string;
  readonly amountCents: number;
}

const CHARGE_LATENCY_MS = 300;
/** What the fixed twin wants left before it charges: the charge's latency and a margin. */
const CHARGE_BUDGET_MS = CHARGE_LATENCY_MS + 200;

function setup(pricingLatency: LatencyMs, checksClock: boolean): EventScenarioSetup<Order> {
  return (sim) => {
    const pricing = sim.api('pricing', { latencyMs: pricingLatency, respond: () => ({ factor: 1 }) });
    const payments = sim.api('payments', { latencyMs: CHARGE_LATENCY_MS });
    return () => async (order: Order, context: Context) => {
      const { factor } = (await pricing.call('quote', { orderId: order.orderId })) as { factor: number };
      if (checksClock && context.getRemainingTimeInMillis() < CHARGE_BUDGET_MS)
        throw new Error('not enough time left to charge and hear back: failing before the charge');
      await payments.call('charge', { orderId: order.orderId, amountCents: order.amountCents * factor });
    };
  };
}

/** No faults, no at-least-once behaviours: the only retries are the ones the deadline makes. */
const arb = scenarios.async({
  events: fc.record({
    orderId: fc.integer({ min: 1, max: 1_000_000 }).map((n) => `o-${n}`),
    amountCents: fc.integer({ min: 1, max: 10_000 }),
  }),
  uniqueBy: (order) => order.orderId,
  services: ['pricing', 'payments'],
  config: { timeoutS: 1 },
  faults: 'none',
  delivery: 'none',
});

function property(pricingLatency: LatencyMs, checksClock: boolean) {
  return fc.asyncProperty(arb, async (scenario) => {
    const result = await runScenario(scenario, setup(pricingLatency, checksClock));
    const violations = checks.exactlyOnce(result.effects('payments'), (e) => (e.args as Order).orderId, {
      inputs: result.inputs,
    });
    if (violations.length > 0) throw new Error(violations[0]!.message);
  });
}

const SEED = 424242;
const RUNS = 300;

describe('slow downstream plus remaining time', () => {
  it('is unreachable with the shape’s median as a constant latency', async () => {
    const details = await fc.check(property(40, false), { seed: SEED, numRuns: RUNS });
    expect(details.failed, String(details.errorInstance)).toBe(false);
  });

  it('is found with a latency shape, as a charge that landed before a timeout and was retried', async () => {
    const details = await fc.check(property({ p50: 40, p99: 900 }, false), { seed: SEED, numRuns: RUNS });
    expect(details.failed, 'the buggy handler passed every run').toBe(true);
    const [scenario] = details.counterexample as [Scenario<Order>];
    expect(scenario.faults).toEqual([]);
    const result = await runScenario(scenario, setup({ p50: 40, p99: 900 }, false));
    expect(result.trace.some((ev) => ev.kind === 'invoke.failed' && ev.cause === 'timeout')).toBe(true);
    expect(casesReached(result).has('retryAfterEffect')).toBe(true);
    console.log(
      `slow downstream: found after ${details.numRuns} runs, shrunk to ${scenario.events.length} event(s)`,
    );
  });

  it('passes the fixed twin, which checks the remaining time before the charge', async () => {
    const details = await fc.check(property({ p50: 40, p99: 900 }, true), { seed: SEED, numRuns: RUNS });
    expect(details.failed, String(details.errorInstance)).toBe(false);
  });
});

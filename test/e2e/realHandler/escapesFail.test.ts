/**
 * Real handlers, part 1 (issue 12), item 6: a run with a determinism error fails the property by
 * default (runScenario throws, the lambdasim/vitest matchers fail), with an explicit opt-out that
 * prints why; every determinism error names the user's line.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createSimulation,
  DeterminismEscapeError,
  runScenario,
  type Scenario,
  type ScenarioSetup,
} from '../../../src/index.js';
import '../../../src/vitest/index.js';

const scenario: Scenario<{ orderId: string }> = {
  model: 'async',
  seed: 3,
  events: [{ atMs: 0, body: { orderId: 'o-1' } }],
  config: {},
  delivery: {},
  faults: [],
};

/** Buggy: the provider's host is not the one the api was given, and the handler swallows the failure. */
const swallowing: ScenarioSetup<{ orderId: string }> = (sim) => {
  sim.api('payments', { host: 'payments.example' });
  return () => async (order: { orderId: string }) => {
    await fetch('https://payment.example/charges', { method: 'POST', body: JSON.stringify(order) }).catch(
      () => undefined,
    );
  };
};

/** Fixed twin: the host the api answers. */
const routed: ScenarioSetup<{ orderId: string }> = (sim) => {
  sim.api('payments', { host: 'payments.example' });
  return () => async (order: { orderId: string }) => {
    await fetch('https://payments.example/charges', { method: 'POST', body: JSON.stringify(order) });
  };
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('escapes fail the property by default', () => {
  it('runScenario throws for a handler whose request escaped, though it swallowed the error; its twin passes', async () => {
    const thrown = await runScenario(scenario, swallowing).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(DeterminismEscapeError);
    expect((thrown as Error).message).toMatch(/runScenario: the run \(seed 3\) had 1 determinism error/);
    expect((thrown as Error).message).toMatch(
      /no sim\.api for host "payment\.example" .* at test\/e2e\/realHandler\/escapesFail\.test\.ts:\d+:\d+/,
    );
    const fixed = await runScenario(scenario, routed);
    expect(fixed.effects('payments')).toHaveLength(1);
  });

  it('the opt-out lets the run through and prints why', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const why = 'the payment host is deliberately unreachable in this test';
    const result = await runScenario(scenario, swallowing, { allowDeterminismErrors: why });
    expect(result.determinismErrors).toHaveLength(1);
    expect(result.determinismErrorsAllowed).toBe(why);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(why));
    expect(() => createSimulation({ seed: 1, allowDeterminismErrors: '' })).toThrow(/allowDeterminismErrors/);
  });

  it('the vitest matchers fail on a result with determinism errors', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.api('payments', { host: 'payments.example' });
    const fn = sim.fn('Charge', () => async () => {
      await fetch('https://elsewhere.example/').catch(() => undefined);
    });
    void sim.invoke(fn, {});
    const result = await sim.run();
    expect(() => expect(result).toHaveNoLostEvents()).toThrow(
      /toHaveNoLostEvents: the run \(seed 1\) had 1 determinism error/,
    );
    expect(() => expect([]).toHaveNoViolations(result)).toThrow(/elsewhere\.example/);
  });
});

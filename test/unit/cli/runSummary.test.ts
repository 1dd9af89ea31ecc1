import { describe, expect, it } from 'vitest';
import { describeScenario } from '../../../src/cli/describeScenario.js';
import { formatRunSummary, summarizeRun } from '../../../src/cli/runSummary.js';
import { createSimulation, type Scenario } from '../../../src/index.js';

describe('describeScenario', () => {
  const base: Scenario = { model: 'sqs', seed: 9, events: [], config: {}, delivery: {}, faults: [] };

  it('names the model, seed, events (and when) and faults (their kinds)', () => {
    expect(describeScenario(base)).toBe('sqs scenario, seed 9: no events, no faults');
    expect(
      describeScenario({
        ...base,
        events: [
          { atMs: 61_000, body: 'b' },
          { atMs: 500, body: 'a' },
        ],
        faults: [
          { kind: 'handlerError', fn: 'Handler', invocation: 1 },
          { kind: 'handlerError', fn: 'Handler', invocation: 2 },
          { kind: 'callError', service: 'payments', call: 1 },
        ],
      }),
    ).toBe('sqs scenario, seed 9: 2 events from +0.500s to +1m01.000s, 3 faults (handlerError, callError)');
  });

  it('describes a scenario of 130,001 events (no spread into Math.min / Math.max)', () => {
    const events = Array.from({ length: 130_001 }, (_, i) => ({ atMs: (i * 7919) % 130_001, body: i }));
    expect(describeScenario({ ...base, events })).toBe(
      'sqs scenario, seed 9: 130001 events from +0.000s to +2m10.000s, no faults',
    );
    const same = events.map((e) => ({ ...e, atMs: 250 }));
    expect(describeScenario({ ...base, events: same })).toBe(
      'sqs scenario, seed 9: 130001 events at +0.250s, no faults',
    );
  });
});

describe('summarizeRun / formatRunSummary', () => {
  it('counts sync requests by outcome, client timeouts and calls by service.op', async () => {
    const sim = createSimulation({ seed: 1 });
    const payments = sim.api('payments', { latencyMs: 10 });
    const fn = sim.fn(
      'Charge',
      () => async (event: { fail: boolean; slow: boolean }) => {
        await payments.call('charge', {});
        if (event.slow) await new Promise((resolve) => setTimeout(resolve, 2000));
        if (event.fail) throw new Error('declined');
        return 'ok';
      },
      { timeoutS: 5 },
    );
    void sim.invoke(fn, { fail: false, slow: false });
    void sim.invoke(fn, { fail: true, slow: false });
    void sim.invoke(fn, { fail: false, slow: true }, { clientTimeoutMs: 1000 });
    const summary = summarizeRun(await sim.run());
    expect(summary.requests).toEqual({ ok: 2, 'functionError Error': 1 });
    expect(summary.clientTimeouts).toBe(1);
    expect(summary.asyncEvents).toEqual({});
    expect(summary.calls).toEqual({ 'payments.charge': { applied: 3, failed: 0, lost: 0 } });
    expect(summary.faultsInjected).toEqual([]);
    expect(formatRunSummary(summary).split('\n').slice(1)).toEqual([
      '  sync requests    3: 2 ok, 1 functionError Error; 1 caller(s) gave up (client timeout)',
      '  calls            payments.charge: 3 applied',
      '  faults injected  none',
    ]);
  });

  it('lists queues that held messages, by where their messages ended', async () => {
    const sim = createSimulation({ seed: 2 });
    const orders = sim.sqs('orders');
    sim.sqs('unused');
    void orders.send({ orderId: 'o-1' });
    void orders.send({ orderId: 'o-2' });
    const summary = summarizeRun(await sim.run());
    expect(summary.queues.map((q) => q.queue)).toEqual(['orders']);
    expect(formatRunSummary(summary)).toContain('\n  queue            orders: 2 sent → 2 visible\n');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FaultPlan, type Scenario, scenarios } from '../../../src/index.js';
import { foldFaultsOntoWorkload } from '../../../src/scenario/arbitraries.js';
import { reaimAfterEventRemoval } from '../../../src/scenario/workloadShrinker.js';

describe('reaimAfterEventRemoval', () => {
  const plan: FaultPlan = [
    { kind: 'callError', service: 'payments', call: 3 },
    { kind: 'handlerTimeout', fn: 'Handler', invocation: 2 },
    { kind: 'duplicateDelivery', fn: 'Handler', event: 1 },
    { kind: 'producerDuplicate', fn: 'Handler', event: 3 },
  ];

  it('moves each fault back by one point per removed event before it, folding first', () => {
    expect(reaimAfterEventRemoval(plan, [0], 3, foldFaultsOntoWorkload)).toEqual([
      { kind: 'callError', service: 'payments', call: 2 },
      { kind: 'handlerTimeout', fn: 'Handler', invocation: 1 },
      { kind: 'duplicateDelivery', fn: 'Handler', event: 1 },
      { kind: 'producerDuplicate', fn: 'Handler', event: 2 },
    ]);
    expect(reaimAfterEventRemoval(plan, [0, 1], 3, foldFaultsOntoWorkload)).toEqual([
      { kind: 'callError', service: 'payments', call: 1 },
      { kind: 'handlerTimeout', fn: 'Handler', invocation: 1 },
      { kind: 'duplicateDelivery', fn: 'Handler', event: 1 },
      { kind: 'producerDuplicate', fn: 'Handler', event: 1 },
    ]);
    // The last event gone: nothing behind it moves (its own point's fault aims past the events).
    expect(reaimAfterEventRemoval(plan, [2], 3, foldFaultsOntoWorkload)).toEqual(plan);
    // An index past the workload is folded onto it first: event 5 of 3 events is event 2.
    expect(
      reaimAfterEventRemoval(
        [{ kind: 'producerDuplicate', fn: 'Handler', event: 5 }],
        [0],
        3,
        foldFaultsOntoWorkload,
      ),
    ).toEqual([{ kind: 'producerDuplicate', fn: 'Handler', event: 1 }]);
  });
});

describe('scenario shrinking: removing an event re-aims the faults behind it', () => {
  // The failure needs a call fault aimed at the call of the one `bad` event (one call per event):
  // a removal of an event before it moves that call one back, so the plain removal loses it.
  const arb = scenarios.async({
    events: fc.record({ bad: fc.boolean() }),
    services: ['payments'],
    faults: { kinds: ['callError'], maxFaults: 1 },
    delivery: 'none',
  });
  const hitsBad = (s: Scenario<{ bad: boolean }>) =>
    s.faults.some((f) => f.kind === 'callError' && s.events[f.call - 1]?.body.bad === true);

  // Measured at seeds 1-30: 19 of 30 counterexamples are the bad event and its fault (6 of 30
  // without re-aiming). The rest keep a second event: fast-check's array shrinker drops events
  // from the front of the order they were generated in, so an event after the bad one (or before
  // it in generation order) cannot always be dropped alone.
  it('shrinks to the bad event and the one fault aimed at it far more often', () => {
    let failures = 0;
    let oneAndOne = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const details = fc.check(
        fc.property(arb, (s) => !hitsBad(s)),
        { seed, numRuns: 200 },
      );
      if (!details.failed) continue;
      failures++;
      const [s] = details.counterexample!;
      expect(hitsBad(s)).toBe(true);
      if (s.events.length === 1 && s.faults.length === 1) oneAndOne++;
    }
    expect(failures).toBe(30);
    expect(oneAndOne).toBeGreaterThanOrEqual(15);
  });
});

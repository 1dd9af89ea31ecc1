import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  callFaultArb,
  faultPlanArb,
  type FaultTargets,
  invocationFaultArb,
} from '../../../src/faults/arbitraries.js';
import {
  CALL_FAULT_KINDS,
  FAULT_KINDS,
  type Fault,
  type FaultKind,
  type FaultPlan,
  faultPoint,
  INVOCATION_FAULT_KINDS,
} from '../../../src/faults/Fault.js';

const TARGETS = { functions: ['ProcessOrder', 'SendEmail'], services: ['payments', 'orders'] };
const CALL_KINDS: readonly FaultKind[] = CALL_FAULT_KINDS;
/** TARGETS plus async functions and queues: every AWS kind has a target. */
const ALL_TARGETS = { ...TARGETS, asyncFunctions: ['SendEmail'], queues: ['orders-queue'] };

function samplePlans(arb: fc.Arbitrary<FaultPlan>, numRuns = 2000, seed = 7): FaultPlan[] {
  return fc.sample(arb, { seed, numRuns });
}

/** Runs `predicate` (true = passes) with a fixed seed and returns the shrunk counterexample. */
function shrunk(
  arb: fc.Arbitrary<FaultPlan>,
  predicate: (plan: FaultPlan) => boolean,
  seed: number,
): FaultPlan {
  const details = fc.check(fc.property(arb, predicate), { seed, numRuns: 1000 });
  expect(details.failed).toBe(true);
  return details.counterexample![0];
}

/** Every rule a fault must follow whatever the options: the targets, the bounds, the shape. */
function expectWellFormed(
  fault: Fault,
  bounds = { maxInvocation: 10, maxCall: 10, maxCallsBeforeCrash: 3, maxAddedLatencyMs: 30_000 },
) {
  switch (fault.kind) {
    case 'handlerError':
    case 'handlerTimeout':
    case 'coldStart':
    case 'throttle':
    case 'crashAfterCalls':
    case 'reclaimAfterReturn':
      expect(TARGETS.functions).toContain(fault.fn);
      expect(fault.invocation).toBeGreaterThanOrEqual(1);
      expect(fault.invocation).toBeLessThanOrEqual(bounds.maxInvocation);
      if (fault.kind === 'crashAfterCalls') {
        expect(Object.keys(fault)).toEqual(['kind', 'fn', 'invocation', 'calls']);
        expect(fault.calls).toBeGreaterThanOrEqual(0);
        expect(fault.calls).toBeLessThanOrEqual(bounds.maxCallsBeforeCrash);
      } else if (fault.kind === 'reclaimAfterReturn') {
        expect(Object.keys(fault)).toEqual(['kind', 'fn', 'invocation', 'landed']);
        expect(typeof fault.landed).toBe('boolean');
      } else {
        expect(Object.keys(fault)).toEqual(['kind', 'fn', 'invocation']);
      }
      break;
    case 'callError':
    case 'callTimeout':
    case 'callLatency':
      expect(TARGETS.services).toContain(fault.service);
      expect(fault.call).toBeGreaterThanOrEqual(1);
      expect(fault.call).toBeLessThanOrEqual(bounds.maxCall);
      if (fault.kind === 'callTimeout') {
        expect(Object.keys(fault)).toEqual(['kind', 'service', 'call', 'landed']);
        expect(typeof fault.landed).toBe('boolean');
      } else if (fault.kind === 'callLatency') {
        expect(Object.keys(fault)).toEqual(['kind', 'service', 'call', 'addMs']);
        expect(fault.addMs).toBeGreaterThanOrEqual(1);
        expect(fault.addMs).toBeLessThanOrEqual(bounds.maxAddedLatencyMs);
      } else {
        expect(Object.keys(fault)).toEqual(['kind', 'service', 'call']);
      }
      break;
    case 'duplicateDelivery':
    case 'reorder':
    case 'poisonRecord':
    case 'producerDuplicate':
      throw new Error(
        `no delivery fault expected without asyncFunctions or queues: ${JSON.stringify(fault)}`,
      );
    default: {
      const never: never = fault;
      throw new Error(`unexpected fault ${JSON.stringify(never)}`);
    }
  }
}

function kindsOf(plan: FaultPlan): Set<FaultKind> {
  return new Set(plan.map((f) => f.kind));
}

describe('faultPlanArb: values', () => {
  it('generates plain JSON data: arrays of plain objects, no undefined keys, same after a JSON round trip', () => {
    for (const plan of samplePlans(faultPlanArb(TARGETS))) {
      expect(Array.isArray(plan)).toBe(true);
      expect(JSON.parse(JSON.stringify(plan))).toStrictEqual(plan);
      for (const fault of plan) {
        expect(Object.getPrototypeOf(fault)).toBe(Object.prototype);
        expect(Object.values(fault)).not.toContain(undefined);
      }
    }
  });

  it('keeps every fault within the default bounds and at most 3 faults per plan', () => {
    const plans = samplePlans(faultPlanArb(TARGETS));
    for (const plan of plans) {
      expect(plan.length).toBeLessThanOrEqual(3);
      plan.forEach((fault) => expectWellFormed(fault));
    }
    // The bounds are reached, not just respected.
    const faults = plans.flat();
    expect(Math.max(...plans.map((p) => p.length))).toBe(3);
    expect(plans.some((p) => p.length === 0)).toBe(true);
    expect(faults.some((f) => 'invocation' in f && f.invocation === 10)).toBe(true);
    expect(faults.some((f) => f.kind === 'crashAfterCalls' && f.calls === 0)).toBe(true);
    expect(faults.some((f) => f.kind === 'crashAfterCalls' && f.calls === 3)).toBe(true);
    expect(faults.some((f) => f.kind === 'callTimeout' && f.landed)).toBe(true);
    expect(faults.some((f) => f.kind === 'callTimeout' && !f.landed)).toBe(true);
    expect(new Set(faults.map((f) => faultPoint(f).target))).toEqual(
      new Set([...TARGETS.functions, ...TARGETS.services]),
    );
  });

  it('honours custom bounds', () => {
    const bounds = { maxInvocation: 2, maxCall: 3, maxCallsBeforeCrash: 1, maxAddedLatencyMs: 50 };
    const plans = samplePlans(faultPlanArb(TARGETS, { ...bounds, maxFaults: 6 }));
    for (const plan of plans) {
      expect(plan.length).toBeLessThanOrEqual(6);
      plan.forEach((fault) => expectWellFormed(fault, bounds));
    }
    expect(plans.some((p) => p.length === 6)).toBe(true);
  });

  it('gives only empty plans with maxFaults: 0', () => {
    expect(new Set(samplePlans(faultPlanArb(TARGETS, { maxFaults: 0 }), 50).map((p) => p.length))).toEqual(
      new Set([0]),
    );
  });

  it('generates no call faults without services', () => {
    for (const targets of [{ functions: ['ProcessOrder'] }, { functions: ['ProcessOrder'], services: [] }]) {
      const faults = samplePlans(faultPlanArb(targets)).flat();
      expect(faults.length).toBeGreaterThan(0);
      expect(faults.filter((f) => CALL_KINDS.includes(f.kind))).toEqual([]);
    }
  });

  it('generates only the kinds asked for', () => {
    const kinds: FaultKind[] = ['throttle', 'callTimeout'];
    for (const swarm of [true, false]) {
      const seen = new Set(
        samplePlans(faultPlanArb(TARGETS, { kinds, swarm })).flatMap((p) => p.map((f) => f.kind)),
      );
      expect(seen).toEqual(new Set(kinds));
    }
  });

  it('is deterministic: the same seed gives the same plans', () => {
    const arb = faultPlanArb(TARGETS);
    expect(samplePlans(arb, 100, 99)).toEqual(samplePlans(faultPlanArb(TARGETS), 100, 99));
  });
});

describe('faultPlanArb: swarm testing', () => {
  /** Share of the plans with two or more faults that use a single kind. */
  function singleKindShare(plans: readonly FaultPlan[]): number {
    const multi = plans.filter((p) => p.length >= 2);
    return multi.filter((p) => kindsOf(p).size === 1).length / multi.length;
  }

  it('swarm on: single-kind multi-fault plans are common, every kind appears, each on its own too', () => {
    const plans = samplePlans(faultPlanArb(ALL_TARGETS));
    expect(new Set(plans.flatMap((p) => p.map((f) => f.kind)))).toEqual(new Set(FAULT_KINDS));
    // Enabled-set sizes are uniform in 1..10: a 2-fault plan has one kind with probability
    // mean(1/k) ~ 0.29, a 3-fault plan mean(1/k^2) ~ 0.15 (seen: 0.195 at this seed).
    expect(singleKindShare(plans)).toBeGreaterThan(0.15);
    for (const kind of FAULT_KINDS)
      expect(plans.some((p) => p.length >= 2 && p.every((f) => f.kind === kind))).toBe(true);
  });

  it('swarm off: kinds are mixed uniformly, so single-kind multi-fault plans are rare', () => {
    const plans = samplePlans(faultPlanArb(ALL_TARGETS, { swarm: false }));
    expect(new Set(plans.flatMap((p) => p.map((f) => f.kind)))).toEqual(new Set(FAULT_KINDS));
    // A uniform mix of 10 kinds: 1/10 for a 2-fault plan, 1/100 for a 3-fault plan.
    const share = singleKindShare(plans);
    expect(share).toBeLessThan(0.1);
    expect(singleKindShare(samplePlans(faultPlanArb(ALL_TARGETS)))).toBeGreaterThan(3 * share);
  });
});

describe('faultPlanArb: shrinking', () => {
  // Several seeds: the minimal plan must not depend on where the search started.
  const SEEDS = [1, 2, 3, 42, 20261123];

  it.each(SEEDS)(
    'a failure on any handlerTimeout shrinks to one handlerTimeout at invocation 1 (seed %i)',
    (seed) => {
      for (const swarm of [true, false]) {
        const plan = shrunk(
          faultPlanArb(TARGETS, { swarm }),
          (p) => !p.some((f) => f.kind === 'handlerTimeout'),
          seed,
        );
        expect(plan).toStrictEqual([{ kind: 'handlerTimeout', fn: 'ProcessOrder', invocation: 1 }]);
      }
    },
  );

  it.each(SEEDS)(
    'a failure on two or more faults shrinks to two minimal faults of the first kind (seed %i)',
    (seed) => {
      const plan = shrunk(faultPlanArb(TARGETS), (p) => p.length < 2, seed);
      const minimal = { kind: 'handlerError', fn: 'ProcessOrder', invocation: 1 };
      expect(plan).toStrictEqual([minimal, minimal]);
    },
  );

  it.each(SEEDS)(
    'crashAfterCalls shrinks to calls 0, callTimeout to landed false, call 1 (seed %i)',
    (seed) => {
      expect(
        shrunk(faultPlanArb(TARGETS), (p) => !p.some((f) => f.kind === 'crashAfterCalls'), seed),
      ).toStrictEqual([{ kind: 'crashAfterCalls', fn: 'ProcessOrder', invocation: 1, calls: 0 }]);
      expect(
        shrunk(faultPlanArb(TARGETS), (p) => !p.some((f) => f.kind === 'callTimeout'), seed),
      ).toStrictEqual([{ kind: 'callTimeout', service: 'payments', call: 1, landed: false }]);
    },
  );

  it.each(SEEDS)('a threshold on latency or index shrinks to exactly the threshold (seed %i)', (seed) => {
    expect(
      shrunk(faultPlanArb(TARGETS), (p) => !p.some((f) => f.kind === 'callLatency' && f.addMs > 5000), seed),
    ).toStrictEqual([{ kind: 'callLatency', service: 'payments', call: 1, addMs: 5001 }]);
    expect(
      shrunk(
        faultPlanArb(TARGETS),
        (p) => !p.some((f) => f.kind === 'throttle' && f.fn === 'SendEmail' && f.invocation >= 4),
        seed,
      ),
    ).toStrictEqual([{ kind: 'throttle', fn: 'SendEmail', invocation: 4 }]);
  });

  it('a failure needing two kinds together shrinks to one fault of each', () => {
    const plan = shrunk(
      faultPlanArb(TARGETS),
      (p) => !(p.some((f) => f.kind === 'coldStart') && p.some((f) => f.kind === 'callTimeout' && f.landed)),
      5,
    );
    expect([...plan].sort((a, b) => a.kind.localeCompare(b.kind))).toStrictEqual([
      { kind: 'callTimeout', service: 'payments', call: 1, landed: true },
      { kind: 'coldStart', fn: 'ProcessOrder', invocation: 1 },
    ]);
  });
});

describe('invocationFaultArb and callFaultArb', () => {
  it('invocationFaultArb gives every invocation kind and only those', () => {
    const faults = fc.sample(invocationFaultArb(TARGETS.functions), { seed: 3, numRuns: 500 });
    faults.forEach((fault) => expectWellFormed(fault));
    expect(new Set(faults.map((f) => f.kind))).toEqual(new Set(INVOCATION_FAULT_KINDS));
  });

  it('callFaultArb gives every call kind and only those', () => {
    const faults = fc.sample(callFaultArb(TARGETS.services), { seed: 3, numRuns: 500 });
    faults.forEach((fault) => expectWellFormed(fault));
    expect(new Set(faults.map((f) => f.kind))).toEqual(new Set(CALL_FAULT_KINDS));
  });

  it('runs the JSDoc examples as documented', () => {
    const timeouts = fc.sample(
      invocationFaultArb(['ProcessOrder'], { kinds: ['handlerTimeout'], maxInvocation: 2 }),
      { seed: 1, numRuns: 50 },
    );
    expect(new Set(timeouts.map((f) => JSON.stringify(f)))).toEqual(
      new Set(
        [1, 2].map((invocation) =>
          JSON.stringify({ kind: 'handlerTimeout', fn: 'ProcessOrder', invocation }),
        ),
      ),
    );
    const calls = fc.sample(callFaultArb(['payments'], { kinds: ['callTimeout'], maxCall: 3 }), {
      seed: 1,
      numRuns: 50,
    });
    calls.forEach((f) => expect(f).toMatchObject({ kind: 'callTimeout', service: 'payments' }));
    const plans = samplePlans(
      faultPlanArb({ functions: ['ProcessOrder'], services: ['payments'] }, { maxFaults: 2 }),
      50,
    );
    plans.forEach((p) => expect(p.length).toBeLessThanOrEqual(2));
  });

  it('shrink to the first target and smallest values', () => {
    const inv = fc.check(
      fc.property(invocationFaultArb(TARGETS.functions, { kinds: ['crashAfterCalls'] }), () => false),
      {
        seed: 4,
      },
    );
    expect(inv.counterexample).toStrictEqual([
      { kind: 'crashAfterCalls', fn: 'ProcessOrder', invocation: 1, calls: 0 },
    ]);
    const call = fc.check(
      fc.property(callFaultArb(TARGETS.services, { kinds: ['callLatency'] }), () => false),
      {
        seed: 4,
      },
    );
    expect(call.counterexample).toStrictEqual([
      { kind: 'callLatency', service: 'payments', call: 1, addMs: 1 },
    ]);
  });
});

describe('invalid options', () => {
  function configError(fn: () => unknown): ConfigError {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return e as ConfigError;
    }
    throw new Error('expected a ConfigError');
  }

  it.each([
    [
      'empty functions',
      () => faultPlanArb({ functions: [] }),
      'faultPlanArb: targets.functions must be a non-empty array of non-empty strings, got []',
    ],
    [
      'targets that are not an object',
      () => faultPlanArb(['A'] as unknown as FaultTargets),
      'faultPlanArb: targets must be an object { functions, services? }, got ["A"]',
    ],
    [
      'an unknown target',
      () => faultPlanArb({ functions: ['A'], topics: ['q'] } as FaultTargets),
      'faultPlanArb: targets.topics is not a known target (known: functions, services, asyncFunctions, queues, streams), got ["q"]',
    ],
    [
      'a function name that is not a string',
      () => faultPlanArb({ functions: ['A', 3 as unknown as string] }),
      'faultPlanArb: targets.functions[1] must be a non-empty array of non-empty strings, got 3',
    ],
    [
      'an unknown kind',
      () => faultPlanArb(TARGETS, { kinds: ['handlerError', 'explode' as FaultKind] }),
      'faultPlanArb: kinds[1] must be one of the fault kinds (handlerError, handlerTimeout, crashAfterCalls, coldStart, throttle, reclaimAfterReturn, callError, callTimeout, callLatency, duplicateDelivery, reorder, poisonRecord, producerDuplicate), got "explode"',
    ],
    [
      'no kinds',
      () => faultPlanArb(TARGETS, { kinds: [] }),
      'faultPlanArb: kinds must be a non-empty array of fault kinds, got []',
    ],
    [
      'maxFaults < 0',
      () => faultPlanArb(TARGETS, { maxFaults: -1 }),
      'faultPlanArb: maxFaults must be an integer between 0 and 2147483647, got -1',
    ],
    [
      'maxInvocation 0',
      () => faultPlanArb(TARGETS, { maxInvocation: 0 }),
      'faultPlanArb: maxInvocation must be an integer between 1 and 2147483647, got 0',
    ],
    [
      'a fractional latency bound',
      () => faultPlanArb(TARGETS, { maxAddedLatencyMs: 1.5 }),
      'faultPlanArb: maxAddedLatencyMs must be an integer between 1 and 2147483647, got 1.5',
    ],
    [
      'a non-boolean swarm',
      () => faultPlanArb(TARGETS, { swarm: 'yes' as unknown as boolean }),
      'faultPlanArb: swarm must be a boolean, got "yes"',
    ],
    [
      'an unknown option',
      () => faultPlanArb(TARGETS, { maxFault: 2 } as FaultPlanArbOptionsWithTypo),
      'faultPlanArb: maxFault is not a known option (known: kinds, maxFaults, maxInvocation, maxCall, maxCallsBeforeCrash, maxAddedLatencyMs, maxDelivery, swarm), got 2',
    ],
    [
      'only call kinds without services',
      () => faultPlanArb({ functions: ['A'] }, { kinds: ['callError'] }),
      'faultPlanArb: kinds must hold a kind the targets allow (call kinds need targets.services, reorder targets.queues, poisonRecord targets.queues or targets.streams, duplicateDelivery targets.asyncFunctions, targets.queues or targets.streams, producerDuplicate targets.asyncFunctions or targets.queues), got ["callError"]',
    ],
    [
      'a call kind given to invocationFaultArb',
      () => invocationFaultArb(['A'], { kinds: ['callError'] }),
      'invocationFaultArb: kinds[0] must be one of the invocation fault kinds (handlerError, handlerTimeout, crashAfterCalls, coldStart, throttle, reclaimAfterReturn), got "callError"',
    ],
    [
      'empty services given to callFaultArb',
      () => callFaultArb([]),
      'callFaultArb: services must be a non-empty array of non-empty strings, got []',
    ],
  ])('%s throws a ConfigError naming the API, the field and the rule', (_name, fn, message) => {
    const error = configError(fn);
    expect(error.message).toBe(message);
  });
});

type FaultPlanArbOptionsWithTypo = Parameters<typeof faultPlanArb>[1] & { maxFault?: number };

describe('faultPlanArb and resolveFaultPlan agree', () => {
  it('every generated plan is accepted by the validator and survives a JSON round trip', async () => {
    const { resolveFaultPlan } = await import('../../../src/faults/FaultInjector.js');
    const plans = fc.sample(
      faultPlanArb({ functions: ['A', 'B'], services: ['s1', 's2'] }, { maxFaults: 8 }),
      { numRuns: 2000, seed: 11 },
    );
    for (const plan of plans) {
      expect(resolveFaultPlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
    }
  });
});

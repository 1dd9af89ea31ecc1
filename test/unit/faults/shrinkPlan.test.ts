import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultPlanArb } from '../../../src/faults/arbitraries.js';
import {
  ALL_FAULT_KINDS,
  type Fault,
  type FaultKind,
  type FaultPlan,
  shapeOf,
} from '../../../src/faults/Fault.js';
import { resolveFaultPlan } from '../../../src/faults/FaultInjector.js';
import { type PlanTargets, shrinkFaultPlan, withPlanShrinker } from '../../../src/faults/shrinkPlan.js';

const FN = 'Handler';

/** Throttle first: a throttle never turns into the handler error the model looks for. */
const KINDS: readonly FaultKind[] = ['throttle', 'handlerError', 'coldStart'];

/** The fault plans of the model below: one function, two other targets that only add noise. */
const MODEL_TARGETS: PlanTargets = {
  functions: [FN, 'Other'],
  services: [],
  asyncFunctions: [],
  queues: [],
  streams: [],
  kinds: KINDS,
};

function modelPlans(reaim = true): fc.Arbitrary<FaultPlan> {
  const generated = faultPlanArb({ functions: MODEL_TARGETS.functions }, { kinds: [...KINDS], maxFaults: 6 });
  return withPlanShrinker(generated, MODEL_TARGETS, { reaim });
}

/**
 * A model of the index shift: the event's tries are invocations 1, 2, … of `Handler`; a
 * throttled try counts and is tried again, so the event first runs at the first invocation that
 * is not throttled. The bug shows when that run gets a handler error.
 */
function bugShows(plan: FaultPlan): boolean {
  const has = (kind: FaultKind, invocation: number) =>
    plan.some(
      (f) => f.kind === kind && 'fn' in f && f.fn === FN && 'invocation' in f && f.invocation === invocation,
    );
  let invocation = 1;
  while (has('throttle', invocation)) invocation++;
  return has('handlerError', invocation);
}

function shrunkInModel(reaim: boolean, seed: number, examples: FaultPlan[] = []): FaultPlan | undefined {
  const details = fc.check(
    fc.property(modelPlans(reaim), (plan) => !bugShows(plan)),
    { seed, numRuns: 1000, examples: examples.map((p): [FaultPlan] => [p]) },
  );
  return details.failed ? details.counterexample![0] : undefined;
}

const throttle = (invocation: number, fn = FN): Fault => ({ kind: 'throttle', fn, invocation });
const handlerError = (invocation: number, fn = FN): Fault => ({ kind: 'handlerError', fn, invocation });

/** Every target and kind: what the stream must stay within. */
const ALL_TARGETS: PlanTargets = {
  functions: ['A', 'B'],
  services: ['s1', 's2'],
  asyncFunctions: ['A'],
  queues: ['q1', 'q2'],
  streams: ['k1'],
  kinds: ALL_FAULT_KINDS,
};

/** Generated plans with every kind, some with the optional strings a user may write. */
const allPlans: fc.Arbitrary<FaultPlan> = fc
  .tuple(
    faultPlanArb(
      {
        functions: ['A', 'B'],
        services: ['s1', 's2'],
        asyncFunctions: ['A'],
        queues: ['q1', 'q2'],
        streams: ['k1'],
      },
      { kinds: [...ALL_FAULT_KINDS], maxFaults: 6, maxInvocation: 40 },
    ),
    fc.boolean(),
  )
  .map(([plan, strings]) =>
    strings
      ? plan.map((f): Fault => {
          if (f.kind === 'handlerError') return { ...f, message: 'boom' };
          if (f.kind === 'callError') return { ...f, errorName: 'ThrottlingException', message: 'slow down' };
          return f;
        })
      : plan,
  );

/** A plan is smaller when it has fewer faults, or the same faults with one of them smaller. */
function faultRank(f: Fault, targets: PlanTargets): number[] {
  const s = shapeOf(f);
  const values = f as unknown as Record<string, unknown>;
  const rank = [targets.kinds.indexOf(f.kind)];
  for (const [field, type] of Object.entries(s.fields)) {
    const v = values[field];
    if (type === 'name') rank.push(['A', 'B', 's1', 's2', 'q1', 'q2'].indexOf(v as string));
    else if (type === 'boolean') rank.push(v === true ? 1 : 0);
    else if (type === 'string?') rank.push(v === undefined ? 0 : 1);
    else rank.push(v as number);
  }
  return rank;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * True when `candidate` is no fault, `plan` less one fault, or `plan` with one fault replaced by a
 * smaller one (a well-founded order: shrinking ends).
 */
function isSmaller(candidate: FaultPlan, plan: FaultPlan, targets: PlanTargets): boolean {
  if (candidate.length < plan.length) return candidate.length === 0 || candidate.length === plan.length - 1;
  if (candidate.length !== plan.length) return false;
  const changed = plan
    .map((f, i) => i)
    .filter((i) => JSON.stringify(plan[i]) !== JSON.stringify(candidate[i]));
  return (
    changed.length === 1 &&
    compareRanks(faultRank(candidate[changed[0]!]!, targets), faultRank(plan[changed[0]!]!, targets)) < 0
  );
}

describe('shrinkFaultPlan: candidates', () => {
  it('no fault first, then removes each fault with the faults behind it re-aimed, then as is', () => {
    const plan = [throttle(1), handlerError(2), handlerError(3, 'Other')];
    expect([...shrinkFaultPlan(plan, MODEL_TARGETS)].slice(0, 6)).toStrictEqual([
      [],
      [handlerError(1), handlerError(3, 'Other')], // throttle gone, Handler's invocation 2 is now 1
      [handlerError(2), handlerError(3, 'Other')],
      [throttle(1), handlerError(3, 'Other')], // nothing aimed behind invocation 2: removal only
      [throttle(1), handlerError(2)],
      [throttle(1), handlerError(1), handlerError(3, 'Other')], // then simpler forms
    ]);
  });

  it('re-aims only faults on the same target and point field, at a greater index', () => {
    const plan: FaultPlan = [
      { kind: 'callError', service: 's1', call: 2 },
      { kind: 'callTimeout', service: 's1', call: 4, landed: true },
      { kind: 'callTimeout', service: 's1', call: 2, landed: true },
      { kind: 'callTimeout', service: 's1', call: 1, landed: true },
      { kind: 'callLatency', service: 's2', call: 5, addMs: 10 },
      { kind: 'handlerError', fn: 'A', invocation: 5 },
      { kind: 'duplicateDelivery', queue: 'q1', delivery: 5 },
    ];
    const [none, first] = shrinkFaultPlan(plan, ALL_TARGETS);
    expect(none).toStrictEqual([]);
    expect(first).toStrictEqual([
      { kind: 'callTimeout', service: 's1', call: 3, landed: true },
      { kind: 'callTimeout', service: 's1', call: 2, landed: true },
      { kind: 'callTimeout', service: 's1', call: 1, landed: true },
      { kind: 'callLatency', service: 's2', call: 5, addMs: 10 },
      { kind: 'handlerError', fn: 'A', invocation: 5 },
      { kind: 'duplicateDelivery', queue: 'q1', delivery: 5 },
    ]);
  });

  it('simpler forms of a fault: index toward 1, fields toward their minimum, first target, earlier kinds', () => {
    const crash: Fault = { kind: 'crashAfterCalls', fn: 'B', invocation: 9, calls: 2 };
    expect([...shrinkFaultPlan([crash], ALL_TARGETS)]).toStrictEqual([
      [],
      ...[1, 5, 7, 8].map((invocation) => [{ ...crash, invocation }]),
      ...[0, 1].map((calls) => [{ ...crash, calls }]),
      [{ ...crash, fn: 'A' }],
      [{ kind: 'handlerError', fn: 'B', invocation: 9 }],
      [{ kind: 'handlerTimeout', fn: 'B', invocation: 9 }],
    ]);
    const callError: Fault = { kind: 'callError', service: 's2', call: 1, errorName: 'E', message: 'm' };
    expect([...shrinkFaultPlan([callError], ALL_TARGETS)]).toStrictEqual([
      [],
      [{ kind: 'callError', service: 's2', call: 1, message: 'm' }],
      [{ kind: 'callError', service: 's2', call: 1, errorName: 'E' }],
      [{ kind: 'callError', service: 's1', call: 1, errorName: 'E', message: 'm' }],
      // No earlier kind aims at a call: the earlier kinds in their smallest forms.
      [{ kind: 'handlerError', fn: 'A', invocation: 1 }],
      [{ kind: 'handlerTimeout', fn: 'A', invocation: 1 }],
      [{ kind: 'crashAfterCalls', fn: 'A', invocation: 1, calls: 0 }],
      [{ kind: 'coldStart', fn: 'A', invocation: 1 }],
      [{ kind: 'throttle', fn: 'A', invocation: 1 }],
      [{ kind: 'reclaimAfterReturn', fn: 'A', invocation: 1, landed: false }],
    ]);
    const reclaim: Fault = { kind: 'reclaimAfterReturn', fn: 'B', invocation: 3, landed: true };
    expect([...shrinkFaultPlan([reclaim], ALL_TARGETS)]).toStrictEqual([
      [],
      ...[1, 2].map((invocation) => [{ ...reclaim, invocation }]),
      [{ ...reclaim, landed: false }],
      [{ ...reclaim, fn: 'A' }],
      // The earlier kinds at the same point, in kind order.
      [{ kind: 'handlerError', fn: 'B', invocation: 3 }],
      [{ kind: 'handlerTimeout', fn: 'B', invocation: 3 }],
      [{ kind: 'crashAfterCalls', fn: 'B', invocation: 3, calls: 0 }],
      [{ kind: 'coldStart', fn: 'B', invocation: 3 }],
      [{ kind: 'throttle', fn: 'B', invocation: 3 }],
    ]);
  });

  it('gives no candidate twice and none equal to the plan', () => {
    const plan = [handlerError(1), handlerError(1), handlerError(1)];
    // Three removals give one plan; each fault's only simpler form is a throttle (the first kind).
    expect([...shrinkFaultPlan(plan, MODEL_TARGETS)]).toStrictEqual([
      [],
      [handlerError(1), handlerError(1)],
      [throttle(1), handlerError(1), handlerError(1)],
      [handlerError(1), throttle(1), handlerError(1)],
      [handlerError(1), handlerError(1), throttle(1)],
    ]);
  });
});

describe('withPlanShrinker: positional faults', () => {
  it('[throttle #1, handlerError #2] shrinks to [handlerError #1] by re-aiming, and is stuck without it', () => {
    const stuck = [throttle(1), handlerError(2)];
    expect(shrunkInModel(true, 1, [stuck])).toStrictEqual([handlerError(1)]);
    expect(shrunkInModel(false, 1, [stuck])).toStrictEqual(stuck);
  });

  it('with re-aiming every seed shrinks to exactly one fault; without, some stop at two or more', () => {
    const withReaim: number[] = [];
    const without: number[] = [];
    for (let seed = 1; seed <= 100; seed++) {
      const plan = shrunkInModel(true, seed);
      if (plan === undefined) continue;
      withReaim.push(plan.length);
      expect(plan).toStrictEqual([handlerError(1)]);
      without.push(shrunkInModel(false, seed)!.length);
    }
    expect(withReaim.length).toBeGreaterThan(50);
    expect(without.some((n) => n >= 2)).toBe(true);
  });
});

describe('withPlanShrinker: plans given by the user', () => {
  it('a plan given in examples shrinks', () => {
    const user: FaultPlan = [
      handlerError(4, 'Other'),
      { kind: 'coldStart', fn: FN, invocation: 1 },
      throttle(1),
      throttle(2),
      { kind: 'handlerError', fn: FN, invocation: 3, message: 'boom' },
    ];
    // The generator gives only empty plans: the failure and its shrinking start from the example.
    const onlyEmpty = withPlanShrinker(fc.constant<FaultPlan>([]), MODEL_TARGETS);
    const details = fc.check(
      fc.property(onlyEmpty, (plan) => !bugShows(plan)),
      { examples: [[user]], numRuns: 10 },
    );
    expect(details.failed).toBe(true);
    expect(details.counterexample).toStrictEqual([[handlerError(1)]]);
    expect(details.numShrinks).toBeGreaterThan(0);
  });

  it('a plan outside the targets or kinds, or not a valid plan, is kept as given', () => {
    const arb = modelPlans();
    for (const plan of [
      [handlerError(2, 'Unknown')],
      [{ kind: 'crashAfterCalls', fn: FN, invocation: 2, calls: 0 }],
      [{ ...handlerError(2), extra: 1 }],
      [{ ...handlerError(2), invocation: 0 }],
      [{ kind: 'callError', service: 'payments', call: 1 }],
      'not a plan',
    ]) {
      expect(arb.canShrinkWithoutContext(plan)).toBe(false);
    }
    expect(arb.canShrinkWithoutContext([])).toBe(true);
    expect(arb.canShrinkWithoutContext([handlerError(7), throttle(3, 'Other')])).toBe(true);
  });
});

describe('withPlanShrinker: every candidate is a valid, smaller plan within the targets', () => {
  it('each candidate passes resolveFaultPlan, stays within the kinds and targets, and is smaller', () => {
    const arb = withPlanShrinker(allPlans, ALL_TARGETS);
    fc.assert(
      fc.property(allPlans, (plan) => {
        expect(arb.canShrinkWithoutContext(plan)).toBe(true);
        for (const candidate of shrinkFaultPlan(plan, ALL_TARGETS)) {
          expect(resolveFaultPlan(JSON.parse(JSON.stringify(candidate)))).toStrictEqual(candidate);
          expect(arb.canShrinkWithoutContext(candidate)).toBe(true);
          expect(isSmaller(candidate, plan, ALL_TARGETS)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('shrinking ends: any path of accepted candidates is finite, and each stream is', () => {
    fc.assert(
      fc.property(allPlans, fc.infiniteStream(fc.nat()), (plan, choices) => {
        const arb = withPlanShrinker(allPlans, ALL_TARGETS);
        let current = plan;
        let steps = 0;
        const choice = choices[Symbol.iterator]();
        for (;;) {
          const candidates = [...arb.shrink(current, undefined)].map((v) => v.value);
          expect(candidates.length).toBeLessThan(500);
          if (candidates.length === 0) break;
          current = candidates[choice.next().value! % candidates.length]!;
          steps++;
          expect(steps).toBeLessThan(2000);
        }
        expect(current).toStrictEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('generates what the wrapped arbitrary generates', () => {
    expect(fc.sample(withPlanShrinker(allPlans, ALL_TARGETS), { seed: 5, numRuns: 200 })).toStrictEqual(
      fc.sample(allPlans, { seed: 5, numRuns: 200 }),
    );
  });

  it('is deterministic: the same plan gives the same candidates', () => {
    fc.assert(
      fc.property(allPlans, (plan) => {
        expect([...shrinkFaultPlan(plan, ALL_TARGETS)]).toStrictEqual([
          ...shrinkFaultPlan(plan, ALL_TARGETS),
        ]);
      }),
      { numRuns: 100 },
    );
  });
});

import type fc from 'fast-check';
import type { FaultKind, FaultPlan } from './Fault.js';

/** What the plans of a `faultPlanArb` may aim at, each list in shrink order (toward the first). */
export interface PlanTargets {
  readonly functions: readonly string[];
  readonly services: readonly string[];
  /** Functions whose asynchronous events `duplicateDelivery` may aim at. */
  readonly asyncFunctions: readonly string[];
  /** Standard SQS queues (and, for `poisonRecord`, any queue). */
  readonly queues: readonly string[];
  /** The kinds the arbitrary generates, in shrink order. */
  readonly kinds: readonly FaultKind[];
}

/** Placeholder: the plan arbitrary as is (a plan shrinker comes next). */
export function withPlanShrinker(
  arb: fc.Arbitrary<FaultPlan>,
  _targets: PlanTargets,
): fc.Arbitrary<FaultPlan> {
  return arb;
}

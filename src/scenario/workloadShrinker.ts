import fc from 'fast-check';
import { type Fault, type FaultPlan, faultPoint } from '../faults/Fault.js';
import type { ScenarioEvent } from './Scenario.js';

/** A scenario's events and its fault plan as generated, before the plan is folded onto the events. */
export type EventsAndFaults<E> = readonly [events: ScenarioEvent<E>[], faults: FaultPlan];

/**
 * The events and the fault plan of a scenario as one arbitrary: generated as `fc.tuple(events,
 * faults)` would (same draws, so the same scenarios at the same seed), shrunk as a tuple too, with
 * one more candidate. When a shrink of the events removes some of them, the plan is first tried
 * with its faults re-aimed by `fold` (see {@link reaimAfterEventRemoval}), then as is: a fault
 * aimed at the n-th invocation, call, event, message or delivery of a run keeps aiming at the same
 * event's when an event before it goes. Without that, removing an earlier event moves every fault
 * behind it onto the next event's points, the failure goes, the removal is refused, and
 * counterexamples keep events they do not need.
 *
 * The plan arbitrary must shrink from values alone (the fault arbitraries do, see
 * `withPlanShrinker`): a re-aimed plan has no context.
 */
export function eventsAndFaultsArb<E>(
  events: fc.Arbitrary<ScenarioEvent<E>[]>,
  faults: fc.Arbitrary<FaultPlan>,
  fold: (plan: FaultPlan, events: number) => FaultPlan,
): fc.Arbitrary<EventsAndFaults<E>> {
  return new EventsAndFaultsArbitrary(events, faults, fold);
}

interface PairContext {
  readonly events: unknown;
  readonly faults: unknown;
}

class EventsAndFaultsArbitrary<E> extends fc.Arbitrary<EventsAndFaults<E>> {
  constructor(
    private readonly events: fc.Arbitrary<ScenarioEvent<E>[]>,
    private readonly faults: fc.Arbitrary<FaultPlan>,
    private readonly fold: (plan: FaultPlan, events: number) => FaultPlan,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<EventsAndFaults<E>> {
    const events = this.events.generate(mrng, biasFactor);
    const faults = this.faults.generate(mrng, biasFactor);
    const context: PairContext = { events: events.context, faults: faults.context };
    return new fc.Value([events.value, faults.value] as const, context);
  }

  canShrinkWithoutContext(value: unknown): value is EventsAndFaults<E> {
    return (
      Array.isArray(value) &&
      value.length === 2 &&
      this.events.canShrinkWithoutContext(value[0]) &&
      this.faults.canShrinkWithoutContext(value[1])
    );
  }

  shrink(value: EventsAndFaults<E>, context: unknown): fc.Stream<fc.Value<EventsAndFaults<E>>> {
    const [events, plan] = value;
    const ctx = context as PairContext | undefined;
    const pair = (e: fc.Value<ScenarioEvent<E>[]>, p: FaultPlan, pCtx: unknown) =>
      new fc.Value([e.value, p] as const, { events: e.context, faults: pCtx } satisfies PairContext);
    const byEvents = this.events.shrink(events, ctx?.events).flatMap((e) => {
      const plain = pair(e, plan, ctx?.faults);
      const removed = plan.length === 0 ? undefined : removedIndexes(events, e.value);
      if (removed === undefined || removed.length === 0) return fc.Stream.of(plain);
      const reaimed = reaimAfterEventRemoval(plan, removed, events.length, this.fold);
      if (samePlan(this.fold(reaimed, e.value.length), this.fold(plan, e.value.length)))
        return fc.Stream.of(plain);
      // The plain removal first (where it keeps the failure, shrinking goes as it always did),
      // then re-aimed. The re-aimed plan has no context: the plan arbitrary shrinks it from the value.
      return fc.Stream.of(plain, pair(e, reaimed, undefined));
    });
    const byFaults = this.faults
      .shrink(plan, ctx?.faults)
      .map((p) => pair(new fc.Value(events, ctx?.events), p.value, p.context));
    return byEvents.join(byFaults);
  }
}

/**
 * The positions (0-based, ascending) of the events of `before` missing from `after`, when `after`
 * is `before` with some events removed and the rest unchanged; undefined otherwise (an event
 * shrunk in place).
 */
function removedIndexes<E>(
  before: readonly ScenarioEvent<E>[],
  after: readonly ScenarioEvent<E>[],
): number[] | undefined {
  if (after.length >= before.length) return undefined;
  const removed: number[] = [];
  let j = 0;
  for (let i = 0; i < before.length; i++) {
    if (j < after.length && sameEvent(before[i]!, after[j]!)) j++;
    else removed.push(i);
  }
  return j === after.length ? removed : undefined;
}

function sameEvent<E>(a: ScenarioEvent<E>, b: ScenarioEvent<E>): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * `plan` for the events left after removing those at `removed` (0-based positions among `count`
 * events): each fault is first folded onto the `count` events as the run would see it, then moved
 * back by one point per removed event before its point, counting one point per event (the n-th
 * event makes the n-th async event or sent message, and its first attempt is about the n-th
 * invocation and call when each event makes one). A fault aimed at a removed event's own point moves
 * onto the next event's.
 */
export function reaimAfterEventRemoval(
  plan: FaultPlan,
  removed: readonly number[],
  count: number,
  fold: (plan: FaultPlan, events: number) => FaultPlan,
): FaultPlan {
  return fold(plan, count).map((f): Fault => {
    const { point, at } = faultPoint(f);
    const before = removed.filter((r) => r + 1 < at).length;
    return before === 0 ? f : ({ ...f, [point]: at - before } as Fault);
  });
}

function samePlan(a: FaultPlan, b: FaultPlan): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

import fc from 'fast-check';
import {
  FAULT_SHAPES,
  type Fault,
  type FaultFieldType,
  type FaultKind,
  type FaultPlan,
  type FaultShape,
  faultPoint,
  shapeOf,
} from './Fault.js';

/** What the plans of a `faultPlanArb` may aim at, each list in shrink order (toward the first). */
export interface PlanTargets {
  readonly functions: readonly string[];
  readonly services: readonly string[];
  /** Functions whose asynchronous events `duplicateDelivery` may aim at. */
  readonly asyncFunctions: readonly string[];
  /** Standard SQS queues (and, for `poisonRecord`, any queue). */
  readonly queues: readonly string[];
  /** Streams (`duplicateDelivery` of a batch, `poisonRecord` of a record). */
  readonly streams: readonly string[];
  /** The kinds the arbitrary generates, in shrink order. */
  readonly kinds: readonly FaultKind[];
}

/** Options of {@link withPlanShrinker}. */
export interface PlanShrinkerOptions {
  /**
   * Try each removal first with the faults behind it re-aimed (see {@link shrinkFaultPlan}).
   * Off only to measure what re-aiming buys. @defaultValue true
   */
  readonly reaim?: boolean;
}

/**
 * `arb` with a shrinker that works from the plan alone: generation is `arb`'s, shrinking is
 * {@link shrinkFaultPlan}'s. Plans are plain data, so a plan given in fast-check's `examples`
 * shrinks like a generated one, as long as its faults are valid and aimed within `targets`.
 *
 * Gotchas: a plan with a kind outside `targets.kinds` or a target outside its list is not
 * shrunk at all (fast-check keeps it as given). Shrinking reads the plan as given: a caller that
 * rewrites plans after generation (the scenario arbitraries fold indexes onto the workload)
 * shrinks the plan before the rewrite.
 */
export function withPlanShrinker(
  arb: fc.Arbitrary<FaultPlan>,
  targets: PlanTargets,
  options: PlanShrinkerOptions = {},
): fc.Arbitrary<FaultPlan> {
  return new PlanShrinkerArbitrary(arb, targets, options);
}

class PlanShrinkerArbitrary extends fc.Arbitrary<FaultPlan> {
  constructor(
    private readonly arb: fc.Arbitrary<FaultPlan>,
    private readonly targets: PlanTargets,
    private readonly options: PlanShrinkerOptions,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<FaultPlan> {
    // The context is dropped: shrinking reads the value only.
    return new fc.Value(this.arb.generate(mrng, biasFactor).value, undefined);
  }

  canShrinkWithoutContext(value: unknown): value is FaultPlan {
    return isPlanWithin(value, this.targets);
  }

  shrink(value: FaultPlan, _context: unknown): fc.Stream<fc.Value<FaultPlan>> {
    if (!isPlanWithin(value, this.targets)) return fc.Stream.nil();
    return new fc.Stream(shrinkFaultPlan(value, this.targets, this.options)).map(
      (plan) => new fc.Value(plan, undefined),
    );
  }
}

/**
 * The shrink candidates of `plan`, lazily, each strictly smaller than `plan` (so shrinking
 * ends), each valid and within `targets`, none repeated:
 *
 * 1. no fault (for two faults or more: a failure that needs none drops them at once), then one
 *    fault fewer, each fault in plan order: first with every other fault on the same target and
 *    point field whose index is greater moved back by one (the removed fault may have used up a
 *    try, a call or a delivery: a throttle at invocation 1 made the next try invocation 2), then
 *    as is;
 * 2. each fault, in plan order, in a simpler form: its point index toward 1 (1, then halfway,
 *    then one less, as fast-check shrinks integers), `count` fields toward 0, `ms` fields toward
 *    1, booleans to `false`, optional strings removed, its target toward the first of its list,
 *    then an earlier kind of `targets.kinds` at the same target and point (`crashAfterCalls` →
 *    `handlerError` at the same invocation), then an earlier kind of another shape in its
 *    smallest form (first target, index 1).
 */
export function* shrinkFaultPlan(
  plan: FaultPlan,
  targets: PlanTargets,
  options: PlanShrinkerOptions = {},
): Generator<FaultPlan, void, undefined> {
  const reaim = options.reaim ?? true;
  const seen = new Set<string>([planKey(plan)]);
  function* fresh(candidate: FaultPlan): Generator<FaultPlan, void, undefined> {
    const key = planKey(candidate);
    if (seen.has(key)) return;
    seen.add(key);
    yield candidate;
  }
  // As fast-check's arrays do. Measured on the doneMarkerFirst example: 21/50 seeds end with no
  // fault with it, 6/50 without (events shrink first, and may come to need the fault meanwhile).
  if (plan.length > 1) yield* fresh([]);
  for (let i = 0; i < plan.length; i++) {
    const rest = plan.filter((_f, j) => j !== i);
    if (reaim) yield* fresh(reaimAfterRemoval(rest, plan[i]!));
    yield* fresh(rest);
  }
  for (let i = 0; i < plan.length; i++) {
    for (const simpler of simplerFaults(plan[i]!, targets)) {
      yield* fresh(plan.map((f, j) => (j === i ? simpler : f)));
    }
  }
}

/** `rest` with the faults aimed behind `removed` (same target, same point field) moved back by one. */
function reaimAfterRemoval(rest: FaultPlan, removed: Fault): FaultPlan {
  const gone = shapeOf(removed);
  const { target, at } = faultPoint(removed);
  return rest.map((f) => {
    const s = shapeOf(f);
    if (s.target !== gone.target || s.point !== gone.point) return f;
    const p = faultPoint(f);
    if (p.target !== target || p.at <= at) return f;
    return build(s, { ...fieldsOf(f), [s.point]: p.at - 1 });
  });
}

/** The simpler forms of one fault, in the order {@link shrinkFaultPlan} gives. */
function* simplerFaults(fault: Fault, targets: PlanTargets): Generator<Fault, void, undefined> {
  const s = shapeOf(fault);
  const fields = fieldsOf(fault);
  const withField = (field: string, value: unknown) => build(s, { ...fields, [field]: value });
  for (const n of toward(fields[s.point] as number, 1)) yield withField(s.point, n);
  for (const [field, type] of Object.entries(s.fields)) {
    const value = fields[field];
    if (type === 'count' || type === 'ms')
      for (const n of toward(value as number, FIELD_MIN[type])) yield withField(field, n);
    else if (type === 'boolean' && value === true) yield withField(field, false);
    else if (type === 'string?' && value !== undefined) yield withField(field, undefined);
  }
  const names = namesOf(s, targets);
  for (const name of names.slice(0, names.indexOf(fields[s.target] as string)))
    yield withField(s.target, name);

  const earlier = targets.kinds.slice(0, targets.kinds.indexOf(fault.kind));
  const sameAim = (other: FaultShape) => other.target === s.target && other.point === s.point;
  for (const kind of earlier) {
    for (const other of shapesWithin(kind, targets)) {
      if (!sameAim(other)) continue;
      // The target and point are kept, a field of the same name and type too; the rest is at its minimum.
      const carried: Record<string, unknown> = {};
      for (const [field, type] of Object.entries(other.fields))
        carried[field] = s.fields[field] === type ? fields[field] : minimumOf(type);
      yield build(other, carried);
    }
  }
  for (const kind of earlier) {
    for (const other of shapesWithin(kind, targets)) {
      if (sameAim(other)) continue;
      const smallest: Record<string, unknown> = {};
      for (const [field, type] of Object.entries(other.fields))
        smallest[field] = type === 'name' ? namesOf(other, targets)[0] : minimumOf(type);
      yield build(other, smallest);
    }
  }
}

/** Smallest value of each numeric field type. */
const FIELD_MIN = { index: 1, count: 0, ms: 1 } as const;

/** A field's smallest value (`undefined` for an optional string: left out). */
function minimumOf(type: FaultFieldType): unknown {
  switch (type) {
    case 'index':
    case 'count':
    case 'ms':
      return FIELD_MIN[type];
    case 'boolean':
      return false;
    case 'string?':
    case 'name':
      return undefined;
    default: {
      const never: never = type;
      return never;
    }
  }
}

/**
 * The integers between `target` (included) and `current` (excluded), as fast-check's integer
 * shrinker gives them: `target` first, then halfway, then ever closer to `current`.
 */
function* toward(current: number, target: number): Generator<number, void, undefined> {
  const gap = current - target;
  if (gap <= 0) return;
  yield target;
  for (let remove = Math.floor(gap / 2); remove > 0; remove = Math.floor(remove / 2)) yield current - remove;
}

/** The names a shape's target field may hold. */
function namesOf(s: FaultShape, targets: PlanTargets): readonly string[] {
  switch (s.target) {
    case 'fn':
      return s.point === 'event' ? targets.asyncFunctions : targets.functions;
    case 'service':
      return targets.services;
    case 'queue':
      return targets.queues;
    case 'stream':
      return targets.streams;
    default: {
      const never: never = s.target;
      return never;
    }
  }
}

/** The shapes of `kind` that have a target in `targets`. */
function shapesWithin(kind: FaultKind, targets: PlanTargets): readonly FaultShape[] {
  return FAULT_SHAPES.filter((s) => s.kind === kind && namesOf(s, targets).length > 0);
}

function fieldsOf(fault: Fault): Readonly<Record<string, unknown>> {
  return fault as unknown as Readonly<Record<string, unknown>>;
}

/** A fault of shape `s` from `values`: `kind` first, then the shape's fields in order, `undefined` left out. */
function build(s: FaultShape, values: Readonly<Record<string, unknown>>): Fault {
  const out: Record<string, unknown> = { kind: s.kind };
  for (const field of Object.keys(s.fields)) if (values[field] !== undefined) out[field] = values[field];
  return out as unknown as Fault;
}

/** The same key for the same plan, whatever the order of each fault's fields. */
function planKey(plan: FaultPlan): string {
  return JSON.stringify(
    plan.map((f) =>
      Object.keys(f)
        .sort()
        .map((k) => [k, fieldsOf(f)[k]]),
    ),
  );
}

/**
 * True when `value` is a plan whose every fault is valid (the rules of `resolveFaultPlan`) with
 * a kind in `targets.kinds` and a target in its list.
 */
function isPlanWithin(value: unknown, targets: PlanTargets): value is FaultPlan {
  return Array.isArray(value) && value.every((fault: unknown) => isFaultWithin(fault, targets));
}

function isFaultWithin(value: unknown, targets: PlanTargets): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const fault = value as Record<string, unknown>;
  if (!targets.kinds.includes(fault.kind as FaultKind)) return false;
  const s = shapesWithin(fault.kind as FaultKind, targets).find((sh) => sh.target in fault);
  if (s === undefined) return false;
  for (const key of Object.keys(fault)) if (key !== 'kind' && !(key in s.fields)) return false;
  return Object.entries(s.fields).every(([field, type]) => {
    const v = fault[field];
    switch (type) {
      case 'name':
        return typeof v === 'string' && namesOf(s, targets).includes(v);
      case 'index':
      case 'count':
      case 'ms':
        return typeof v === 'number' && Number.isSafeInteger(v) && v >= FIELD_MIN[type];
      case 'boolean':
        return typeof v === 'boolean';
      case 'string?':
        return v === undefined || typeof v === 'string';
      default: {
        const never: never = type;
        return never;
      }
    }
  });
}

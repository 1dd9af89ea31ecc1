import fc from 'fast-check';
import { ConfigError, checkBoolean, checkOptions, intInRange } from '../errors.js';
import {
  ALL_FAULT_KINDS,
  CALL_FAULT_KINDS,
  type CallFault,
  type DeliveryFault,
  FAULT_KINDS,
  type Fault,
  type FaultKind,
  type FaultPlan,
  INVOCATION_FAULT_KINDS,
  type InvocationFault,
} from './Fault.js';
import { withPlanShrinker } from './shrinkPlan.js';

/** What a fault plan may aim at: the simulation's functions and, optionally, its services. */
export interface FaultTargets {
  /** Function names (at least one); invocation faults aim at these. */
  readonly functions: readonly string[];
  /** Service names (tables, external APIs, queues); call faults aim at these. None: no call faults. */
  readonly services?: readonly string[];
  /**
   * Functions invoked asynchronously: `duplicateDelivery` and `producerDuplicate` of an accepted
   * event aim at these. None: no async duplicates.
   */
  readonly asyncFunctions?: readonly string[];
  /**
   * SQS queue names: `duplicateDelivery` (by delivery), `reorder`, `poisonRecord` and
   * `producerDuplicate` (by sent message) aim at these. Name standard queues only, unless the
   * plan asks for `poisonRecord` or `producerDuplicate` alone (a FIFO queue neither duplicates nor
   * reorders). None: no queue faults.
   */
  readonly queues?: readonly string[];
  /**
   * Stream names (Kinesis): `duplicateDelivery` (by batch) and `poisonRecord` (by record put) aim
   * at these. None: no stream faults.
   */
  readonly streams?: readonly string[];
}

/** Options of {@link invocationFaultArb}. */
export interface InvocationFaultArbOptions {
  /** The invocation fault kinds that may appear. @defaultValue every invocation fault kind */
  readonly kinds?: readonly FaultKind[];
  /** Highest `invocation` index aimed at (indexes are 1-based). @defaultValue 10 */
  readonly maxInvocation?: number;
  /** Highest `calls` of a `crashAfterCalls` fault (0 kills before the handler starts). @defaultValue 3 */
  readonly maxCallsBeforeCrash?: number;
}

/** Options of {@link callFaultArb}. */
export interface CallFaultArbOptions {
  /** The call fault kinds that may appear. @defaultValue every call fault kind */
  readonly kinds?: readonly FaultKind[];
  /** Highest `call` index aimed at (indexes are 1-based). @defaultValue 10 */
  readonly maxCall?: number;
  /** Highest `addMs` of a `callLatency` fault (the lowest is 1). @defaultValue 30000 */
  readonly maxAddedLatencyMs?: number;
}

/** Options of {@link faultPlanArb}. */
export interface FaultPlanArbOptions {
  /**
   * The fault kinds that may appear. Call kinds are left out when there are no services.
   * @defaultValue `FAULT_KINDS` (every kind; all are faults AWS itself can produce)
   */
  readonly kinds?: readonly FaultKind[];
  /** Most faults in one plan (0 gives only empty plans). @defaultValue 3 */
  readonly maxFaults?: number;
  /** Highest `invocation` index aimed at (indexes are 1-based). @defaultValue 10 */
  readonly maxInvocation?: number;
  /** Highest `call` index aimed at (indexes are 1-based). @defaultValue 10 */
  readonly maxCall?: number;
  /** Highest `calls` of a `crashAfterCalls` fault (0 kills before the handler starts). @defaultValue 3 */
  readonly maxCallsBeforeCrash?: number;
  /** Highest `addMs` of a `callLatency` fault (the lowest is 1). @defaultValue 30000 */
  readonly maxAddedLatencyMs?: number;
  /** Highest `event`, `delivery` or `message` index of a delivery fault (indexes are 1-based). @defaultValue 10 */
  readonly maxDelivery?: number;
  /**
   * Swarm testing, as TigerBeetle's VOPR does: each plan first enables a random non-empty subset
   * of `kinds` and uses only those, so plans made of one or two kinds (and the rare
   * combinations they reach) come up far more often than under a uniform mix.
   * @defaultValue true
   */
  readonly swarm?: boolean;
}

/** {@link FaultPlanArbOptions} with every default filled in and `kinds` deduplicated. */
interface ResolvedFaultArbOptions {
  readonly kinds: readonly FaultKind[];
  readonly maxFaults: number;
  readonly maxInvocation: number;
  readonly maxCall: number;
  readonly maxCallsBeforeCrash: number;
  readonly maxAddedLatencyMs: number;
  readonly maxDelivery: number;
  readonly swarm: boolean;
}

/** Every default, in one place. */
const DEFAULTS: ResolvedFaultArbOptions = {
  kinds: FAULT_KINDS,
  maxFaults: 3,
  maxInvocation: 10,
  maxCall: 10,
  maxCallsBeforeCrash: 3,
  maxAddedLatencyMs: 30_000,
  maxDelivery: 10,
  swarm: true,
};

/** fast-check's integer arbitraries stop at 2^31 - 1. */
const MAX_INT = 0x7fffffff;

const INVOCATION_OPTIONS = new Set(['kinds', 'maxInvocation', 'maxCallsBeforeCrash']);
const CALL_OPTIONS = new Set(['kinds', 'maxCall', 'maxAddedLatencyMs']);
const PLAN_OPTIONS = new Set(Object.keys(DEFAULTS));
const TARGET_KEYS = new Set(['functions', 'services', 'asyncFunctions', 'queues', 'streams']);

/**
 * Validates an option bag against `known` and fills in every default. `allowedKinds` is what
 * `kinds` may contain for this API, and its default.
 */
function resolveOptions(
  api: string,
  options: unknown,
  known: ReadonlySet<string>,
  allowedKinds: readonly FaultKind[],
  allowedKindsName: string,
): ResolvedFaultArbOptions {
  const o = checkOptions(api, options, known);
  return {
    kinds: o.kinds === undefined ? allowedKinds : checkKinds(api, o.kinds, allowedKinds, allowedKindsName),
    maxFaults: intInRange(api, 'maxFaults', o.maxFaults ?? DEFAULTS.maxFaults, 0, MAX_INT),
    maxInvocation: intInRange(api, 'maxInvocation', o.maxInvocation ?? DEFAULTS.maxInvocation, 1, MAX_INT),
    maxCall: intInRange(api, 'maxCall', o.maxCall ?? DEFAULTS.maxCall, 1, MAX_INT),
    maxCallsBeforeCrash: intInRange(
      api,
      'maxCallsBeforeCrash',
      o.maxCallsBeforeCrash ?? DEFAULTS.maxCallsBeforeCrash,
      0,
      MAX_INT,
    ),
    maxAddedLatencyMs: intInRange(
      api,
      'maxAddedLatencyMs',
      o.maxAddedLatencyMs ?? DEFAULTS.maxAddedLatencyMs,
      1,
      MAX_INT,
    ),
    maxDelivery: intInRange(api, 'maxDelivery', o.maxDelivery ?? DEFAULTS.maxDelivery, 1, MAX_INT),
    swarm: checkBoolean(api, 'swarm', o.swarm ?? DEFAULTS.swarm),
  };
}

/** A non-empty array of kinds from `allowed`, deduplicated, in the order given. */
function checkKinds(
  api: string,
  kinds: unknown,
  allowed: readonly FaultKind[],
  allowedName: string,
): readonly FaultKind[] {
  if (!Array.isArray(kinds) || kinds.length === 0)
    throw new ConfigError(api, 'kinds', `must be a non-empty array of ${allowedName}`, kinds);
  kinds.forEach((kind: unknown, i) => {
    if (!allowed.includes(kind as FaultKind))
      throw new ConfigError(
        api,
        `kinds[${i}]`,
        `must be one of the ${allowedName} (${allowed.join(', ')})`,
        kind,
      );
  });
  return [...new Set(kinds as FaultKind[])];
}

/** A non-empty (unless `mayBeEmpty`) array of non-empty names, deduplicated, in the order given. */
function checkNames(api: string, field: string, names: unknown, mayBeEmpty: boolean): readonly string[] {
  const rule = `must be ${mayBeEmpty ? 'an' : 'a non-empty'} array of non-empty strings`;
  if (!Array.isArray(names) || (!mayBeEmpty && names.length === 0))
    throw new ConfigError(api, field, rule, names);
  names.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || name.length === 0)
      throw new ConfigError(api, `${field}[${i}]`, rule, name);
  });
  return [...new Set(names as string[])];
}

/**
 * `fc.record` with plain objects only: by default fast-check also generates null-prototype
 * objects, which print and compare differently from the literals and JSON of saved plans.
 */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true });
}

/** One arbitrary per invocation fault kind; each shrinks toward the first function and index 1. */
function invocationKindArbs(
  functions: readonly string[],
  o: ResolvedFaultArbOptions,
): { readonly [K in InvocationFault['kind']]: fc.Arbitrary<Extract<InvocationFault, { kind: K }>> } {
  const fn = fc.constantFrom(...functions);
  const invocation = fc.integer({ min: 1, max: o.maxInvocation });
  return {
    handlerError: record({ kind: fc.constant('handlerError'), fn, invocation }),
    handlerTimeout: record({ kind: fc.constant('handlerTimeout'), fn, invocation }),
    crashAfterCalls: record({
      kind: fc.constant('crashAfterCalls'),
      fn,
      invocation,
      calls: fc.integer({ min: 0, max: o.maxCallsBeforeCrash }),
    }),
    coldStart: record({ kind: fc.constant('coldStart'), fn, invocation }),
    throttle: record({ kind: fc.constant('throttle'), fn, invocation }),
    reclaimAfterReturn: record({
      kind: fc.constant('reclaimAfterReturn'),
      fn,
      invocation,
      landed: fc.boolean(),
    }),
  };
}

/** One arbitrary per call fault kind; each shrinks toward the first service, call 1, `landed: false`, 1 ms. */
function callKindArbs(
  services: readonly string[],
  o: ResolvedFaultArbOptions,
): { readonly [K in CallFault['kind']]: fc.Arbitrary<Extract<CallFault, { kind: K }>> } {
  const service = fc.constantFrom(...services);
  const call = fc.integer({ min: 1, max: o.maxCall });
  return {
    callError: record({ kind: fc.constant('callError'), service, call }),
    callTimeout: record({ kind: fc.constant('callTimeout'), service, call, landed: fc.boolean() }),
    callLatency: record({
      kind: fc.constant('callLatency'),
      service,
      call,
      addMs: fc.integer({ min: 1, max: o.maxAddedLatencyMs }),
    }),
  };
}

/**
 * One arbitrary per delivery fault kind (those with a target), each shrinking toward the first
 * target and index 1. A kind with several target types picks one of those the targets hold with
 * equal odds (shrinking toward the first): `duplicateDelivery` an async event, a queue delivery or
 * a stream batch; `producerDuplicate` an async event or a sent message; `poisonRecord` a sent
 * message or a stream record put.
 */
function deliveryKindArbs(
  asyncFunctions: readonly string[],
  queues: readonly string[],
  streams: readonly string[],
  o: ResolvedFaultArbOptions,
): { readonly [K in DeliveryFault['kind']]?: fc.Arbitrary<DeliveryFault> } {
  const index = fc.integer({ min: 1, max: o.maxDelivery });
  const duplicates: fc.Arbitrary<DeliveryFault>[] = [];
  const retries: fc.Arbitrary<DeliveryFault>[] = [];
  const poisons: fc.Arbitrary<DeliveryFault>[] = [];
  const out: { -readonly [K in DeliveryFault['kind']]?: fc.Arbitrary<DeliveryFault> } = {};
  if (asyncFunctions.length > 0) {
    const fn = fc.constantFrom(...asyncFunctions);
    duplicates.push(record({ kind: fc.constant('duplicateDelivery'), fn, event: index }));
    retries.push(record({ kind: fc.constant('producerDuplicate'), fn, event: index }));
  }
  if (queues.length > 0) {
    const queue = fc.constantFrom(...queues);
    duplicates.push(record({ kind: fc.constant('duplicateDelivery'), queue, delivery: index }));
    retries.push(record({ kind: fc.constant('producerDuplicate'), queue, message: index }));
    out.reorder = record({ kind: fc.constant('reorder'), queue, message: index });
    poisons.push(record({ kind: fc.constant('poisonRecord'), queue, message: index }));
  }
  if (streams.length > 0) {
    const stream = fc.constantFrom(...streams);
    duplicates.push(record({ kind: fc.constant('duplicateDelivery'), stream, batch: index }));
    poisons.push(record({ kind: fc.constant('poisonRecord'), stream, record: index }));
  }
  const either = (arbs: readonly fc.Arbitrary<DeliveryFault>[]) =>
    arbs.length === 1 ? arbs[0]! : fc.oneof(...arbs);
  if (duplicates.length > 0) out.duplicateDelivery = either(duplicates);
  if (retries.length > 0) out.producerDuplicate = either(retries);
  if (poisons.length > 0) out.poisonRecord = either(poisons);
  return out;
}

/**
 * Faults aimed at the invocations of `functions`: handler errors, handler timeouts, crashes
 * after the N-th landed service call, cold starts, throttles and environments reclaimed after the
 * invocation returned. The invocation subsystem's part of {@link faultPlanArb}. Values shrink
 * toward the first function, `invocation: 1`, `calls: 0` and `landed: false`; optional fields (`message`) are never set, so the runtime's defaults apply.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * fc.sample(invocationFaultArb(['ProcessOrder'], { kinds: ['handlerTimeout'], maxInvocation: 2 }), 2);
 * // e.g. [{ kind: 'handlerTimeout', fn: 'ProcessOrder', invocation: 1 },
 * //       { kind: 'handlerTimeout', fn: 'ProcessOrder', invocation: 2 }]
 * ```
 *
 * @throws ConfigError on an empty `functions`, a `kinds` entry that is not an invocation fault
 * kind, or an out-of-range bound.
 */
export function invocationFaultArb(
  functions: readonly string[],
  options: InvocationFaultArbOptions = {},
): fc.Arbitrary<InvocationFault> {
  const api = 'invocationFaultArb';
  const fns = checkNames(api, 'functions', functions, false);
  const o = resolveOptions(
    api,
    options,
    INVOCATION_OPTIONS,
    INVOCATION_FAULT_KINDS,
    'invocation fault kinds',
  );
  const arbs = invocationKindArbs(fns, o);
  return fc.oneof(...o.kinds.map((kind) => arbs[kind as InvocationFault['kind']]));
}

/**
 * Faults aimed at the calls made to `services`: call errors (no effect), call timeouts with or
 * without the effect landing, and added latency. The service subsystem's part of
 * {@link faultPlanArb}. Values shrink toward the first service, `call: 1`, `landed: false` and
 * `addMs: 1`; optional fields (`errorName`, `message`) are never set, so the runtime's defaults
 * apply.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * fc.sample(callFaultArb(['payments'], { kinds: ['callTimeout'], maxCall: 3 }), 2);
 * // e.g. [{ kind: 'callTimeout', service: 'payments', call: 3, landed: false },
 * //       { kind: 'callTimeout', service: 'payments', call: 2, landed: true }]
 * ```
 *
 * @throws ConfigError on an empty `services`, a `kinds` entry that is not a call fault kind, or
 * an out-of-range bound.
 */
export function callFaultArb(
  services: readonly string[],
  options: CallFaultArbOptions = {},
): fc.Arbitrary<CallFault> {
  const api = 'callFaultArb';
  const svcs = checkNames(api, 'services', services, false);
  const o = resolveOptions(api, options, CALL_OPTIONS, CALL_FAULT_KINDS, 'call fault kinds');
  const arbs = callKindArbs(svcs, o);
  return fc.oneof(...o.kinds.map((kind) => arbs[kind as CallFault['kind']]));
}

/** Least common multiple of 1..n: a pick in [0, lcm) modulo any k <= n is uniform over k. */
function lcmUpTo(n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let lcm = 1;
  for (let k = 2; k <= n; k++) lcm = (lcm * k) / gcd(lcm, k);
  return lcm;
}

/**
 * Fault plans for a run: up to `maxFaults` faults aimed at `targets.functions` (invocation
 * faults, see {@link invocationFaultArb}) and `targets.services` (call faults, see
 * {@link callFaultArb}), composed into one plan. A plan is plain JSON data: it prints as a literal
 * and saves as JSON, and optional fields are omitted rather than set to `undefined`.
 *
 * With `swarm` (the default), each plan first enables a random non-empty subset of the kinds
 * and uses only those, so single-kind plans and rare combinations are reached often.
 *
 * Shrinking goes toward fewer faults, then toward each fault's smallest form: the first kind
 * of `kinds` (as far as the property still fails), the first function or service, `invocation: 1`, `call: 1`, `calls: 0`,
 * `landed: false`, `addMs: 1`. A property failing whenever a plan holds a handler timeout shrinks
 * to `[{ kind: 'handlerTimeout', fn: <first function>, invocation: 1 }]`.
 *
 * Shrinking works on the plan itself (see `withPlanShrinker`): removing a fault re-aims the
 * faults behind it on the same target, so positional faults do not leave local minima, and a
 * hand-written plan given in fast-check's `examples` shrinks too.
 *
 * Gotchas: kinds without a target are dropped (call kinds without `services`, queue kinds
 * without `queues`, `duplicateDelivery` and `producerDuplicate` without either `asyncFunctions` or `queues`); asking
 * only for such kinds throws.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * const plans = faultPlanArb({ functions: ['ProcessOrder'], services: ['payments'] }, { maxFaults: 2 });
 * fc.sample(plans, 3);
 * // e.g. [[],
 * //       [{ kind: 'callTimeout', service: 'payments', call: 1, landed: true }],
 * //       [{ kind: 'handlerError', fn: 'ProcessOrder', invocation: 4 },
 * //        { kind: 'handlerError', fn: 'ProcessOrder', invocation: 2 }]]
 * ```
 *
 * @throws ConfigError on an empty `targets.functions`, an unknown kind, `maxFaults < 0`, any
 * other out-of-range bound, or an unknown option.
 */
export function faultPlanArb(
  targets: FaultTargets,
  options: FaultPlanArbOptions = {},
): fc.Arbitrary<FaultPlan> {
  const api = 'faultPlanArb';
  if (targets === null || typeof targets !== 'object' || Array.isArray(targets))
    throw new ConfigError(api, 'targets', 'must be an object { functions, services? }', targets);
  const t = targets as unknown as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (!TARGET_KEYS.has(key))
      throw new ConfigError(
        api,
        `targets.${key}`,
        'is not a known target (known: functions, services, asyncFunctions, queues, streams)',
        t[key],
      );
  }
  const functions = checkNames(api, 'targets.functions', t.functions, false);
  const services = checkNames(api, 'targets.services', t.services ?? [], true);
  const asyncFunctions = checkNames(api, 'targets.asyncFunctions', t.asyncFunctions ?? [], true);
  const queues = checkNames(api, 'targets.queues', t.queues ?? [], true);
  const streams = checkNames(api, 'targets.streams', t.streams ?? [], true);
  const o = resolveOptions(api, options, PLAN_OPTIONS, ALL_FAULT_KINDS, 'fault kinds');
  // The default is the AWS kinds; the workload's (poisonRecord, producerDuplicate) only when asked for.
  const asked = (options as FaultPlanArbOptions).kinds === undefined ? FAULT_KINDS : o.kinds;

  const byKind: { readonly [K in FaultKind]?: fc.Arbitrary<Fault> } = {
    ...invocationKindArbs(functions, o),
    ...(services.length > 0 ? callKindArbs(services, o) : {}),
    ...deliveryKindArbs(asyncFunctions, queues, streams, o),
  };
  // Kinds without a target (call kinds without services, queue kinds without queues) are dropped.
  const kinds = asked.filter((kind) => byKind[kind] !== undefined);
  if (kinds.length === 0)
    throw new ConfigError(
      api,
      'kinds',
      'must hold a kind the targets allow (call kinds need targets.services, reorder targets.queues, poisonRecord targets.queues or targets.streams, duplicateDelivery targets.asyncFunctions, targets.queues or targets.streams, producerDuplicate targets.asyncFunctions or targets.queues)',
      o.kinds,
    );
  const kindArbs = kinds.map((kind) => byKind[kind]!);

  // Design (no `chain`: it regenerates the plan whenever the kind subset shrinks). The swarm draw
  // is the set of *disabled* kinds (never all of them), so it shrinks toward "none disabled".
  // Each slot of the plan carries one candidate fault of every kind plus a `pick`, and
  // `pick % enabled.length` chooses the enabled kind the slot becomes. All of it is
  // tuple/array/subarray/record, so shrinking drops slots, re-enables kinds while the property
  // still fails, moves `pick` toward the first kind, then shrinks the chosen fault's fields.
  // `pick` ranges over [0, lcm(1..kinds.length)) so that the choice is uniform for every subset
  // size.
  const indexes = kinds.map((_kind, i) => i);
  const disabledArb = o.swarm
    ? fc.subarray(indexes, { maxLength: kinds.length - 1 })
    : fc.constant<number[]>([]);
  const pickRange = lcmUpTo(kinds.length);
  const slot = fc.tuple(fc.integer({ min: 0, max: pickRange - 1 }), fc.tuple(...kindArbs));
  const plans = fc
    .tuple(disabledArb, fc.array(slot, { maxLength: o.maxFaults, size: 'max' }))
    .map(([disabled, slots]): FaultPlan => {
      const enabled = indexes.filter((i) => !disabled.includes(i));
      return slots.map(([pick, candidates]) => candidates[enabled[pick % enabled.length]!]!);
    });
  return withPlanShrinker(plans, { functions, services, asyncFunctions, queues, streams, kinds });
}

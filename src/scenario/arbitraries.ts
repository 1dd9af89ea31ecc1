import fc from 'fast-check';
import { ConfigError, checkOptions, intInRange } from '../errors.js';
import { faultPlanArb, type FaultPlanArbOptions } from '../faults/arbitraries.js';
import {
  CALL_FAULT_KINDS,
  type Fault,
  type FaultKind,
  type FaultPlan,
  faultPoint,
  INVOCATION_FAULT_KINDS,
} from '../faults/Fault.js';
import type { TtlRange } from './dynamodbStreamsWorkload.js';
import type { ItemWrite } from './dynamodbStreamsWorkload.js';
import { asyncModel } from './models/async.js';
import { record } from './models/configArbs.js';
import { dynamodbStreamsModel } from './models/dynamodbStreams.js';
import { kinesisModel } from './models/kinesis.js';
import type { EventBounds, ScenarioModelDescriptor } from './models/ScenarioModelDescriptor.js';
import { sqsModel } from './models/sqs.js';
import { syncModel } from './models/sync.js';
import {
  SCENARIO_FUNCTION_NAME,
  type Scenario,
  type ScenarioConfig,
  type ScenarioEvent,
  type ScenarioModel,
} from './Scenario.js';
import { validateScenario } from './validateScenario.js';
import { createScenarioSimulation, wireScenario } from './wireScenario.js';
import { eventsAndFaultsArb } from './workloadShrinker.js';

/** Options of `scenarios.sync`, `scenarios.async` and `scenarios.sqs`. */
export interface ScenarioArbOptions<E> {
  /** The event bodies (the user's workload). */
  readonly events: fc.Arbitrary<E>;
  /** Fewest events in a scenario. @defaultValue 1 */
  readonly minEvents?: number;
  /** Most events in a scenario. @defaultValue 10 */
  readonly maxEvents?: number;
  /** Events are sent at instants drawn in [0, spreadMs], sorted. @defaultValue 1000 */
  readonly spreadMs?: number;
  /**
   * The fault plan: `'aws'` is `faultPlanArb` (swarm, every invocation and call fault kind, up to
   * 6 faults: denser plans find bugs in fewer runs — 50/50 seeds within 100 runs for the
   * retried-email example against 49/50 with 3 — and shrinking removes the faults a failure
   * does not need) aimed at the function `Handler` and at `services`; an options object tunes
   * that `faultPlanArb` (e.g. `{ kinds: ['handlerTimeout', 'poisonRecord'] }`: given `kinds` are
   * the plan's kinds, `delivery` adds none); `'none'` gives no invocation or call faults.
   * Delivery faults come with `delivery`. @defaultValue 'aws'
   */
  readonly faults?: 'none' | 'aws' | FaultPlanArbOptions;
  /** Services the setup defines (tables, APIs) that call faults may aim at, e.g. `['payments']`. @defaultValue [] */
  readonly services?: readonly string[];
  /**
   * Fixed configuration: these fields are used as given; every other field the model reads is
   * drawn from a realistic range that AWS accepts (e.g. an SQS visibility timeout at least the
   * function timeout). @defaultValue {}
   */
  readonly config?: ScenarioConfig;
  /**
   * At-least-once behaviours, as faults in the plan (data, so they shrink and replay like any
   * fault): `'aws'` adds the ones the model has — async: `duplicateDelivery` of an event; SQS
   * standard: `duplicateDelivery` of a delivery and `reorder` of a message (none on FIFO) — and a
   * producer's retry (`producerDuplicate`: the same body sent again under a new request or message
   * id, as the AWS SDKs retry a send whose answer was lost; async and SQS standard) to the plan's
   * kinds; `'none'` leaves them out. @defaultValue 'aws'
   */
  readonly delivery?: 'aws' | 'none';
  /**
   * The business key of an event body (an order id, a user id): no two events of a scenario share
   * it, when generated and while shrinking (a `fc.uniqueArray` selector). Without it, shrinking
   * moves every `fc.uuid()` toward the same value and a counterexample can collapse into two
   * identical orders and no fault; with it, a shrunk counterexample keeps one event per key. Return
   * a string or a number (keys are compared with `Object.is`). Events may still carry equal keys on
   * purpose: leave it unset, or give the workload duplicates through `producerDuplicate` faults.
   * @defaultValue unset (bodies may repeat)
   */
  readonly uniqueBy?: (body: E) => string | number;
}

/** Options of `scenarios.sqs`: {@link ScenarioArbOptions} plus the message group of an event. */
export interface SqsScenarioArbOptions<E> extends ScenarioArbOptions<E> {
  /**
   * The message group of an event body, stored as the event's `group`: its MessageGroupId on a
   * FIFO queue, a label for ordering checks on a standard one. Without it, FIFO events share
   * the group `"default"`.
   */
  readonly groupOf?: (body: E) => string;
}

/** Options of `scenarios.kinesis`: {@link ScenarioArbOptions} plus the partition key of an event. */
export interface KinesisScenarioArbOptions<E> extends ScenarioArbOptions<E> {
  /**
   * The partition key of an event body, stored as the event's `group`. Without it, each event's
   * key is drawn from {@link KINESIS_PARTITION_KEYS} (a small pool, so keys collide: records of one
   * key share a shard and a batch, which is where ordering and retry bugs live).
   */
  readonly partitionKeyOf?: (body: E) => string;
}

/**
 * Options of `scenarios.dynamodbStreams`: the items other applications write and the table's key
 * schema. No `uniqueBy`: writes to one key (MODIFY, REMOVE) are the point.
 */
export interface DynamoDbStreamsScenarioArbOptions<T> extends Omit<
  ScenarioArbOptions<T>,
  'events' | 'uniqueBy'
> {
  /** The items written (whole items, key attributes included). */
  readonly events: fc.Arbitrary<T>;
  /** The table's partition key attribute (`config.key`). */
  readonly key: string;
  /** The table's sort key attribute (`config.sortKey`). @defaultValue unset */
  readonly sortKey?: string;
  /**
   * Whether some puts carry a TTL (`expiresInS`): `true` draws 1-3,600 s, a range within it. The
   * table gets `config.ttlAttribute` (`'expiresAt'` unless given). @defaultValue false
   */
  readonly ttl?: boolean | TtlRange;
  /**
   * Whether some writes delete an item (a REMOVE made by an application). Turn it off when no
   * application deletes (items leave by TTL only): a counterexample then cannot stop at a put and
   * its delete where a TTL put alone shows the failure. @defaultValue true
   */
  readonly deletes?: boolean;
}

export { KINESIS_PARTITION_KEYS } from './models/kinesis.js';

const KNOWN = new Set([
  'events',
  'minEvents',
  'maxEvents',
  'spreadMs',
  'faults',
  'services',
  'config',
  'delivery',
  'uniqueBy',
]);

/** fast-check's integer arbitraries stop at 2^31 - 1. */
const MAX_INT = 0x7fffffff;

interface Resolved<E> {
  readonly events: fc.Arbitrary<E>;
  /** A model's own workload (see `ModelWorkload`): the events, drawn its way. */
  readonly ownEvents: fc.Arbitrary<ScenarioEvent<E>[]> | undefined;
  readonly minEvents: number;
  readonly maxEvents: number;
  readonly spreadMs: number;
  readonly faults: fc.Arbitrary<FaultPlan>;
  readonly config: ScenarioConfig;
  readonly groupOf: ((body: E) => string) | undefined;
  /** A model with a key pool (kinesis) and no group option given: each event's key is drawn from it. */
  readonly keyPool: readonly string[] | undefined;
  readonly uniqueBy: ((body: E) => string | number) | undefined;
}

function resolve<E>(descriptor: ScenarioModelDescriptor, options: ScenarioArbOptions<E>): Resolved<E> {
  // A model registered at run time (not a built-in) is a ScenarioModel only by this cast.
  const model = descriptor.model as ScenarioModel;
  // scenarios.dynamodbStreams for model 'dynamodb-streams'.
  const api = `scenarios.${model.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}`;
  const group = descriptor.groupOption;
  const workload = descriptor.workload;
  const known =
    workload !== undefined
      ? new Set([...[...KNOWN].filter((k) => k !== 'uniqueBy'), ...workload.options])
      : group === undefined
        ? KNOWN
        : new Set([...KNOWN, group.name]);
  const o = checkOptions(api, options, known);
  if (!(o.events instanceof fc.Arbitrary))
    throw new ConfigError(api, 'events', 'must be a fast-check arbitrary of event bodies', o.events);
  const minEvents = intInRange(api, 'minEvents', o.minEvents ?? 1, 0, 10_000);
  const maxEvents = intInRange(api, 'maxEvents', o.maxEvents ?? 10, minEvents, 10_000);
  const spreadMs = intInRange(api, 'spreadMs', o.spreadMs ?? 1000, 0, MAX_INT);
  const services = o.services ?? [];
  if (!Array.isArray(services) || services.some((s) => typeof s !== 'string' || s === ''))
    throw new ConfigError(api, 'services', 'must be an array of service names', services);
  const faults = o.faults ?? 'aws';
  if (
    faults !== 'none' &&
    faults !== 'aws' &&
    (faults === null || typeof faults !== 'object' || Array.isArray(faults))
  )
    throw new ConfigError(api, 'faults', "must be 'aws', 'none' or faultPlanArb options", faults);
  const delivery = o.delivery ?? 'aws';
  if (delivery !== 'aws' && delivery !== 'none')
    throw new ConfigError(api, 'delivery', "must be 'aws' or 'none'", delivery);
  // The plan's kinds: the AWS invocation and call kinds (or the ones asked for), plus, with
  // delivery 'aws', the at-least-once behaviours this model has (as faults: data that shrinks).
  const planOptions: FaultPlanArbOptions =
    faults === 'aws' || faults === 'none' ? {} : (faults as FaultPlanArbOptions);
  const asked: readonly FaultKind[] =
    faults === 'none' ? [] : (planOptions.kinds ?? [...INVOCATION_FAULT_KINDS, ...CALL_FAULT_KINDS]);
  const deliveryKinds: readonly FaultKind[] = delivery === 'none' ? [] : descriptor.deliveryFaultKinds;
  // Kinds given explicitly are the plan's kinds, as given.
  const kinds = planOptions.kinds !== undefined ? asked : [...new Set([...asked, ...deliveryKinds])];
  const faultArb =
    kinds.length === 0
      ? fc.constant<FaultPlan>([])
      : faultPlanArb(
          {
            functions: [SCENARIO_FUNCTION_NAME],
            services: services as string[],
            ...descriptor.faultTargets,
          },
          { maxFaults: DEFAULT_MAX_FAULTS, ...planOptions, kinds },
        );
  const groupOf = group === undefined ? undefined : o[group.name];
  if (group !== undefined && groupOf !== undefined && typeof groupOf !== 'function')
    throw new ConfigError(api, group.name, `must be a function (body) => ${group.what}`, groupOf);
  const uniqueBy = o.uniqueBy;
  if (uniqueBy !== undefined && typeof uniqueBy !== 'function')
    throw new ConfigError(api, 'uniqueBy', "must be a function (body) => the body's business key", uniqueBy);

  // The fixed config: fields of this model only, valid as the models check them.
  const userConfig = (o.config ?? {}) as ScenarioConfig;
  const config = workload === undefined ? userConfig : workload.config(o, userConfig, api);
  const probe = { model, seed: 0, events: [], config, delivery: {}, faults: [] };
  validateScenario(probe, api);
  // The fixed fields together, checked by the models themselves (drawn fields are valid by
  // construction; see each descriptor's probeConfig).
  const probeConfig = descriptor.probeConfig?.(config) ?? config;
  const sim = createScenarioSimulation({ ...probe, config: probeConfig }, api);
  wireScenario(sim, { ...probe, config: probeConfig }, () => () => async () => undefined, api);

  const bounds: EventBounds = { minEvents, maxEvents, spreadMs };
  return {
    events: o.events as fc.Arbitrary<E>,
    ownEvents: workload?.events(o, bounds, api) as fc.Arbitrary<ScenarioEvent<E>[]> | undefined,
    minEvents,
    maxEvents,
    spreadMs,
    faults: faultArb,
    config,
    groupOf: groupOf as ((body: E) => string) | undefined,
    keyPool: groupOf === undefined ? group?.keyPool : undefined,
    uniqueBy: uniqueBy as ((body: E) => string | number) | undefined,
  };
}

/** Sorted events: shrinks toward fewer events, earlier instants and smaller bodies. */
function eventsArb<E>(r: Resolved<E>): fc.Arbitrary<ScenarioEvent<E>[]> {
  if (r.ownEvents !== undefined) return r.ownEvents;
  const pool = r.keyPool;
  const key = pool === undefined ? fc.constant(undefined) : fc.constantFrom(...pool);
  const timed = fc.tuple(fc.integer({ min: 0, max: r.spreadMs }), r.events, key);
  // One below minEvents, then filtered: fast-check's array shrinker keeps an array's first item and
  // shrinks the rest down to minLength only, so at minLength it never drops the last item of
  // [needed, unneeded] (with minEvents 1, most one-event failures kept a second event); with
  // one to spare it can, and the filter keeps minEvents.
  const bounds = { minLength: Math.max(0, r.minEvents - 1), maxLength: r.maxEvents, size: 'max' } as const;
  const uniqueBy = r.uniqueBy;
  const minEvents = r.minEvents;
  // uniqueArray drops a shrink candidate whose keys collide, so shrinking keeps keys distinct.
  return (
    uniqueBy === undefined
      ? fc.array(timed, bounds)
      : fc.uniqueArray(timed, { ...bounds, selector: ([, body]) => uniqueBy(body) })
  )
    .filter((drawn) => drawn.length >= minEvents)
    .map((drawn) =>
      drawn
        .map(([atMs, body, drawnKey]): ScenarioEvent<E> => {
          if (drawnKey !== undefined) return { atMs, group: drawnKey, body };
          if (r.groupOf === undefined) return { atMs, body };
          return { atMs, group: r.groupOf(body), body };
        })
        // Array.prototype.sort is stable: events drawn at the same instant keep their order.
        .sort((a, b) => a.atMs - b.atMs),
    );
}

const seedArb = fc.integer({ min: 0, max: MAX_INT });

/** The scenarios of one model: `scenarios.<model>` for any descriptor. */
export function scenarioArbitrary<E>(
  descriptor: ScenarioModelDescriptor,
  options: ScenarioArbOptions<E>,
): fc.Arbitrary<Scenario<E>> {
  const r = resolve(descriptor, options);
  const config = descriptor.configArb(r.config);
  const adjust = descriptor.adjustFaults;
  // Record order is shrink priority: events and faults first, the seed last (a seed shrunk first
  // fixes the random choices of the run, and the events could then no longer shrink).
  // Events and faults shrink together: removing an event re-aims the faults behind it.
  return record({
    workload: eventsAndFaultsArb(eventsArb(r), r.faults, foldFaultsOntoWorkload),
    config,
    seed: seedArb,
  }).map(({ workload: [events, faults], ...s }): Scenario<E> => ({
    model: descriptor.model as ScenarioModel,
    seed: s.seed,
    events,
    config: s.config,
    delivery: {},
    faults: foldFaultsOntoWorkload(adjust === undefined ? faults : adjust(faults, s.config), events.length),
  }));
}

/** Faults per generated plan (scenario default; faultPlanArb's own default is 3). */
const DEFAULT_MAX_FAULTS = 6;

/** Attempts per event a fault index may reach (an async event runs up to 3 times, a sync client retries up to 3). */
const ATTEMPTS_PER_EVENT = 3;

/**
 * Aims every fault at a point the workload can reach: with n events there are at most about
 * 3n invocation tries, 3n calls per service and 3n queue deliveries or stream batches worth aiming
 * at (and n async events, sent messages or stream records put), so an index k becomes
 * `1 + ((k - 1) mod 3n)` (`mod n` for events, messages and records). Without this, a fault at invocation 7 of a 1-event scenario hits
 * nothing and most generated plans are no-ops. The fold is monotone near 1, so shrinking still
 * moves indexes toward 1.
 */
export function foldFaultsOntoWorkload(plan: FaultPlan, events: number): FaultPlan {
  if (plan.length === 0) return plan;
  const perAttempt = Math.max(1, events * ATTEMPTS_PER_EVENT);
  const perEvent = Math.max(1, events);
  return plan.map((f): Fault => {
    const { point, at } = faultPoint(f);
    const bound = point === 'event' || point === 'message' || point === 'record' ? perEvent : perAttempt;
    return { ...f, [point]: 1 + ((at - 1) % bound) } as Fault;
  });
}

/**
 * Scenario arbitraries per invocation model: a workload drawn from your arbitrary of event
 * bodies, configuration variations (timeouts, retries, batch sizes, concurrency) and a fault
 * plan, as one serialisable {@link Scenario}. Run one with `runScenario(scenario, setup)`.
 *
 * Shrinking goes toward fewer events sent earlier with smaller bodies (removing an event also
 * re-aims the faults behind it, see `eventsAndFaultsArb`; with `uniqueBy`, bodies keep distinct
 * keys), fewer and simpler faults,
 * at-least-once delivery behaviours off, smaller config values (fewer retries and attempts, no
 * client timeout, no reserved concurrency, batch size 1, the shortest valid visibility timeout)
 * and seed 0. A property that fails on any duplicate charge of a non-idempotent async handler
 * shrinks to one event and one fault.
 *
 * Drawn ranges (fields not fixed in `config`): `timeoutS` 1-30; `reservedConcurrency` unset or
 * 1-10; sync `clientTimeoutMs` unset or 100-10,000, `clientMaxAttempts` 1-3; async
 * `maximumRetryAttempts` 0-2, `maximumEventAgeS` 21,600 / 3,600 / 60; sqs `fifo`, `batchSize`
 * 1-10, `maximumBatchingWindowS` 0-5 (standard only), `visibilityTimeoutS` = timeout + 0-60,
 * `maxReceiveCount` 1-5, `reportBatchItemFailures`; kinesis `shards` 1-3, `batchSize` 1-10,
 * `maximumBatchingWindowS` 0-5, `parallelizationFactor` 1-3, `maximumRetryAttempts` 0-3 or -1,
 * `maximumRecordAgeS` -1 / 60 / 3,600, `bisectBatchOnFunctionError`, `reportBatchItemFailures`
 * (each a value AWS accepts; AWS's own defaults -1 / -1 / off block a shard on a poison record
 * until the records expire, 24 h of virtual time). `memoryMB` is never drawn (no memory
 * model). Delivery `'aws'`: `duplicateDelivery` (async, SQS standard), `reorder` (SQS
 * standard) and `producerDuplicate` (async, SQS standard) faults in the plan, `duplicateDelivery`
 * of a batch (kinesis). With `kinds` including `poisonRecord`, a kinesis plan may aim one at a
 * record put to the stream. The scenario's `delivery` probabilities are never drawn (they
 * are seeded, not data, so they would not shrink); set them in a hand-written scenario.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * const orders = scenarios.async({
 *   events: fc.record({ orderId: fc.uuid(), amountCents: fc.integer({ min: 1, max: 10_000 }) }),
 *   services: ['payments'],
 * });
 * await fc.assert(
 *   fc.asyncProperty(orders, async (scenario) => {
 *     const result = await runScenario(scenario, setup);
 *     // … checks on result
 *   }),
 * );
 * ```
 *
 * Gotchas: fault plans aim at `Handler` and at the `services` you name, which your setup must
 * define (a fault aimed at an undefined service is a ConfigError when the scenario runs). On a
 * FIFO scenario, duplicates and reordering are dropped from the plan and a `poisonRecord` aims at
 * `HandlerQueue.fifo`.
 *
 * @throws ConfigError at once for unknown options, a bad bound, or a fixed `config` that a model
 * refuses or that does not apply to the model.
 */
export const scenarios = {
  /** Synchronous invokes, one SDK-like caller per event. */
  sync: <E>(options: ScenarioArbOptions<E>): fc.Arbitrary<Scenario<E>> =>
    scenarioArbitrary(syncModel, options),
  /** Asynchronous invokes (`Event`), with Lambda's retries and an on-failure destination. */
  async: <E>(options: ScenarioArbOptions<E>): fc.Arbitrary<Scenario<E>> =>
    scenarioArbitrary(asyncModel, options),
  /** Messages through an SQS queue (standard or FIFO) and an event source mapping. */
  sqs: <E>(options: SqsScenarioArbOptions<E>): fc.Arbitrary<Scenario<E>> =>
    scenarioArbitrary(sqsModel, options),
  /**
   * Records put to a Kinesis stream (`HandlerStream`) with partition keys, read by a stream
   * mapping: shards blocked on failure, retries, bisection, record age, partial batch responses.
   */
  kinesis: <E>(options: KinesisScenarioArbOptions<E>): fc.Arbitrary<Scenario<E>> =>
    scenarioArbitrary(kinesisModel, options),
  /**
   * Writes by other applications to a DynamoDB table (`HandlerTable`) whose stream a mapping reads:
   * each event an {@link ItemWrite} (a put, a put with a TTL, a delete; overwrites and deletes aim
   * at keys written before), so INSERT, MODIFY, REMOVE and DynamoDB's TTL REMOVE records reach the
   * handler, with the kinesis model's mapping behaviours (blocked shard, retries, bisection).
   */
  dynamodbStreams: <T>(options: DynamoDbStreamsScenarioArbOptions<T>): fc.Arbitrary<Scenario<ItemWrite<T>>> =>
    scenarioArbitrary(dynamodbStreamsModel, options as unknown as ScenarioArbOptions<ItemWrite<T>>),
} as const;

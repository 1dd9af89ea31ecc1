import type { DynamoDBStreamEvent, KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import type { FaultPlan } from '../faults/Fault.js';
import type { HandlerFactory } from '../lambda/Environment.js';
import type { StreamViewType, Table } from '../services/Table.js';
import type { Simulation, SimulationResult } from '../Simulation.js';

/**
 * Which invocation model drives the handler: one per descriptor of `src/scenario/models/registry.ts`
 * (written out here so that the declarations name no descriptor; the registry checks at compile
 * time that this union and its descriptors are the same set).
 */
export type ScenarioModel = 'sync' | 'async' | 'sqs' | 'kinesis' | 'dynamodb-streams';

/** One input event of the workload, sent at a virtual instant. */
export interface ScenarioEvent<E = unknown> {
  readonly atMs: number;
  readonly body: E;
  /**
   * sqs: the event's message group (`groupOf` of `scenarios.sqs`). On a FIFO queue it is the
   * `MessageGroupId` (absent: every event is in group `"default"`); on a standard queue it is
   * only a label for checks such as orderedPerKey. kinesis: the record's partition key (absent:
   * `"default"`). dynamodb-streams: the written item's key attributes as JSON, in key-schema
   * order (`{"userId":"u-1"}`), which is its stream records' partition key (a label for checks;
   * the table takes the key from the item). Ignored by the sync and async models.
   */
  readonly group?: string;
}

/** Configuration variations a scenario applies (plain data; every field optional). */
export interface ScenarioConfig {
  readonly timeoutS?: number;
  readonly memoryMB?: number;
  readonly reservedConcurrency?: number;
  /** sync: the caller's client timeout and attempts (SDK-like retries). */
  readonly clientTimeoutMs?: number;
  readonly clientMaxAttempts?: number;
  /** async (0-2), kinesis and dynamodb-streams (-1 or 0-10,000) */
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeS?: number;
  /**
   * async, kinesis, dynamodb-streams: give the function (async) or the stream mapping an on-failure
   * destination (an SQS sink named `Handler-failures`). A discarded event or record with no
   * destination is lost, and noLostEvents says so when this is off. @defaultValue true
   */
  readonly onFailureDestination?: boolean;
  /** sqs */
  readonly fifo?: boolean;
  /** sqs, kinesis, dynamodb-streams */
  readonly batchSize?: number;
  readonly maximumBatchingWindowS?: number;
  /** sqs */
  readonly visibilityTimeoutS?: number;
  readonly maxReceiveCount?: number;
  /** sqs, kinesis, dynamodb-streams */
  readonly reportBatchItemFailures?: boolean;
  /** kinesis: the stream's shard count. @defaultValue 1 */
  readonly shards?: number;
  /** kinesis, dynamodb-streams: the mapping's ParallelizationFactor (1-10). @defaultValue 1 */
  readonly parallelizationFactor?: number;
  /** kinesis, dynamodb-streams: BisectBatchOnFunctionError. @defaultValue false */
  readonly bisectBatchOnFunctionError?: boolean;
  /** kinesis, dynamodb-streams: MaximumRecordAgeInSeconds (-1 or 60-604,800). @defaultValue -1 */
  readonly maximumRecordAgeS?: number;
  /**
   * dynamodb-streams: the table's partition key attribute (`sim.table`'s `key`), set from the
   * `key` option of `scenarios.dynamodbStreams`. Required.
   */
  readonly key?: string;
  /** dynamodb-streams: the table's sort key attribute (`sim.table`'s `sortKey`). @defaultValue unset */
  readonly sortKey?: string;
  /**
   * dynamodb-streams: the table's TTL attribute (`sim.table`'s `ttlAttribute`); a put with
   * `expiresInS` needs it. `scenarios.dynamodbStreams` sets `'expiresAt'` when `ttl` is on.
   * @defaultValue unset (no TTL)
   */
  readonly ttlAttribute?: string;
  /** dynamodb-streams: the table's `StreamViewType` (never drawn: a handler is written for one). @defaultValue 'NEW_AND_OLD_IMAGES' */
  readonly streamViewType?: StreamViewType;
  /** dynamodb-streams: seconds after an item expires that the TTL process deletes it (0-172,800). @defaultValue 0 */
  readonly ttlDeletionDelayS?: number;
}

/** At-least-once behaviours AWS may show (seeded choices), off unless the scenario turns them on. */
export interface ScenarioDelivery {
  /** async: probability that an event is delivered a second time. */
  readonly asyncDuplicateProbability?: number;
  /** async: dispatch order among ready events is a seeded random choice. */
  readonly asyncReorder?: boolean;
  /** sqs standard: probability that a receive returns a duplicate. */
  readonly sqsDuplicateRate?: number;
  /** sqs standard: how far out of order a receive may reach (0 = in order). */
  readonly sqsReorderWindow?: number;
}

/**
 * A whole test case as one serialisable value: workload, configuration, delivery behaviours, fault
 * plan and seed. Printable as a literal, savable as JSON (fixtures/regressions/*.json), and
 * shrinkable by fast-check. Run it with {@link runScenario}.
 */
export interface Scenario<E = unknown> {
  readonly model: ScenarioModel;
  readonly seed: number;
  readonly events: readonly ScenarioEvent<E>[];
  readonly config: ScenarioConfig;
  readonly delivery: ScenarioDelivery;
  readonly faults: FaultPlan;
}

/**
 * What the user gives a scenario: called once per run with the fresh simulation, it defines the
 * services the handler talks to and returns the handler factory. The function is defined as
 * {@link SCENARIO_FUNCTION_NAME} by the runner; fault plans aim at that name. The handler gets
 * an event body `E` (sync, async), or an `SQSEvent` whose records carry the bodies as JSON text
 * (sqs).
 *
 * @example
 * ```ts
 * const setup: ScenarioSetup<Order> = (sim) => {
 *   const payments = sim.api('payments');
 *   return makeChargeHandler({ payments });
 * };
 * ```
 */
export type ScenarioSetup<E = unknown> = (sim: Simulation) => HandlerFactory<E> | HandlerFactory<SQSEvent>;

/**
 * A {@link ScenarioSetup} for `sync` and `async` scenarios: the handler gets the event body `E`,
 * so an inline handler needs no parameter types (with `ScenarioSetup`, whose factory may also be
 * an SQS handler's, TypeScript cannot tell which).
 *
 * @example
 * ```ts
 * const setup: EventScenarioSetup<Order> = (sim) => {
 *   const payments = sim.api('payments');
 *   return () => async (order) => { await payments.call('charge', order); }; // order: Order
 * };
 * ```
 */
export type EventScenarioSetup<E> = (sim: Simulation) => HandlerFactory<E>;

/**
 * A {@link ScenarioSetup} for `sqs` scenarios: the handler gets an `SQSEvent` whose records carry
 * the bodies as JSON text (a string body as is).
 *
 * @example
 * ```ts
 * const setup: SqsScenarioSetup = (sim) => {
 *   const payments = sim.api('payments');
 *   return () => async (event) => {
 *     for (const record of event.Records) await payments.call('charge', JSON.parse(record.body));
 *   };
 * };
 * ```
 */
export type SqsScenarioSetup = (sim: Simulation) => HandlerFactory<SQSEvent>;

/**
 * A {@link ScenarioSetup} for `kinesis` scenarios: the handler gets a `KinesisStreamEvent` whose
 * records carry the bodies' JSON text as base64 data (a string body as its UTF-8 bytes).
 *
 * @example
 * ```ts
 * const setup: KinesisScenarioSetup = (sim) => {
 *   const payments = sim.api('payments');
 *   return () => async (event) => {
 *     for (const record of event.Records)
 *       await payments.call('charge', JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString()));
 *   };
 * };
 * ```
 */
export type KinesisScenarioSetup = (sim: Simulation) => HandlerFactory<KinesisStreamEvent>;

/**
 * A setup for `dynamodb-streams` scenarios. The runner defines the table `HandlerTable` (key
 * schema, stream and TTL from the scenario's config) before it calls the setup, and passes it:
 * the setup may seed it, read it after the run, or hand it to the handler (a handler that writes
 * the table it reads makes records too). The handler gets a `DynamoDBStreamEvent`.
 *
 * @example
 * ```ts
 * const setup: DynamoDbStreamsScenarioSetup<User> = (sim, users) => {
 *   const mailer = sim.api('mailer');
 *   return () => async (event) => {
 *     for (const record of event.Records)
 *       if (record.eventName === 'INSERT') await mailer.call('welcome', record.dynamodb?.Keys);
 *   };
 * };
 * ```
 */
export type DynamoDbStreamsScenarioSetup<T extends Record<string, unknown> = Record<string, unknown>> = (
  sim: Simulation,
  table: Table<T>,
) => HandlerFactory<DynamoDBStreamEvent>;

/**
 * Any setup `runScenario` takes: a {@link ScenarioSetup}, a {@link KinesisScenarioSetup}, or a
 * dynamodb-streams setup that does not take the table (a {@link DynamoDbStreamsScenarioSetup}
 * that does is runScenario's own overload). Every member takes `(sim)` alone, so an inline
 * setup's `sim` is typed; not one union in `ScenarioSetup`: an inline handler with no parameter
 * would then be typed with the intersection of the events, which fits none.
 */
export type AnyScenarioSetup<E = unknown> =
  ScenarioSetup<E> | KinesisScenarioSetup | ((sim: Simulation) => HandlerFactory<DynamoDBStreamEvent>);

/** The function name a scenario defines its handler under. */
export const SCENARIO_FUNCTION_NAME = 'Handler';

/** A finished scenario run: the simulation's result plus what the checks need. */
export interface ScenarioResult<E = unknown> extends SimulationResult {
  readonly scenario: Scenario<E>;
  /** The simulation the run used (to inspect services: tables, queues, sinks). */
  readonly sim: Simulation;
  /** Runs the same scenario and setup with no faults and no at-least-once behaviours. */
  rerunFaultFree(): Promise<ScenarioResult<E>>;
}

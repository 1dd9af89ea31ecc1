import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import type { FaultPlan } from '../faults/Fault.js';
import type { HandlerFactory } from '../lambda/Environment.js';
import type { Simulation, SimulationResult } from '../Simulation.js';

/**
 * Which invocation model drives the handler: one per descriptor of `src/scenario/models/registry.ts`
 * (written out here so that the declarations name no descriptor; the registry checks at compile
 * time that this union and its descriptors are the same set).
 */
export type ScenarioModel = 'sync' | 'async' | 'sqs' | 'kinesis';

/** One input event of the workload, sent at a virtual instant. */
export interface ScenarioEvent<E = unknown> {
  readonly atMs: number;
  readonly body: E;
  /**
   * sqs: the event's message group (`groupOf` of `scenarios.sqs`). On a FIFO queue it is the
   * `MessageGroupId` (absent: every event is in group `"default"`); on a standard queue it is
   * only a label for checks such as orderedPerKey. kinesis: the record's partition key (absent:
   * `"default"`). Ignored by the sync and async models.
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
  /** async (0-2), kinesis (-1 or 0-10,000) */
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeS?: number;
  /**
   * async, kinesis: give the function (async) or the stream mapping (kinesis) an on-failure
   * destination (an SQS sink named `Handler-failures`). A discarded event or record with no
   * destination is lost, and noLostEvents says so when this is off. @defaultValue true
   */
  readonly onFailureDestination?: boolean;
  /** sqs */
  readonly fifo?: boolean;
  /** sqs, kinesis */
  readonly batchSize?: number;
  readonly maximumBatchingWindowS?: number;
  /** sqs */
  readonly visibilityTimeoutS?: number;
  readonly maxReceiveCount?: number;
  /** sqs, kinesis */
  readonly reportBatchItemFailures?: boolean;
  /** kinesis: the stream's shard count. @defaultValue 1 */
  readonly shards?: number;
  /** kinesis: the mapping's ParallelizationFactor (1-10). @defaultValue 1 */
  readonly parallelizationFactor?: number;
  /** kinesis: BisectBatchOnFunctionError. @defaultValue false */
  readonly bisectBatchOnFunctionError?: boolean;
  /** kinesis: MaximumRecordAgeInSeconds (-1 or 60-604,800). @defaultValue -1 */
  readonly maximumRecordAgeS?: number;
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
 * Any setup `runScenario` takes: a {@link ScenarioSetup} or a {@link KinesisScenarioSetup}. (Not
 * one union in `ScenarioSetup`: an inline handler with no parameter would then be typed with the
 * intersection of the SQS and Kinesis events, which fits neither.)
 */
export type AnyScenarioSetup<E = unknown> = ScenarioSetup<E> | KinesisScenarioSetup;

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

import { ConfigError } from '../errors.js';
import type { HandlerFactory } from '../lambda/Environment.js';
import type { FunctionOptions } from '../models/FunctionOptions.js';
import type { LambdaFunction } from '../lambda/LambdaFunction.js';
import type { AsyncOptions, AsyncSimulationOptions } from '../models/async/AsyncConfig.js';
import type { EventSink } from '../models/async/EventSink.js';
import type { SqsMappingOptions } from '../models/sqs/SqsEventSourceMapping.js';
import type { SqsQueue, SqsQueueOptions } from '../models/sqs/SqsQueue.js';
import type { StreamMappingOptions } from '../models/streams/streamMappingOptions.js';
import { createSimulation, type Simulation } from '../Simulation.js';
import { SCENARIO_FUNCTION_NAME, type Scenario } from './Scenario.js';

/** The queue an sqs scenario sends its events to (`.fifo` appended for a FIFO queue). */
export const SCENARIO_QUEUE_NAME = 'HandlerQueue';
/** Its dead-letter queue (`.fifo` appended for a FIFO queue: a FIFO queue needs a FIFO DLQ). */
export const SCENARIO_DLQ_NAME = 'HandlerQueue-dlq';
/** The on-failure destination of an async scenario (an SQS sink). */
export const SCENARIO_FAILURES_NAME = `${SCENARIO_FUNCTION_NAME}-failures`;
/** Receives before a message is dead-lettered when the scenario does not say. @defaultValue 3 */
export const DEFAULT_MAX_RECEIVE_COUNT = 3;
/** A FIFO event without a `group` goes to this message group (a kinesis one: this partition key). */
export const DEFAULT_MESSAGE_GROUP = 'default';
/** The Kinesis stream a kinesis scenario puts its events to. */
export const SCENARIO_STREAM_NAME = 'HandlerStream';

/** Where a model's error field goes in a scenario. */
const FIELDS: Readonly<Record<string, string>> = {
  timeoutS: 'config.timeoutS',
  memoryMB: 'config.memoryMB',
  reservedConcurrency: 'config.reservedConcurrency',
  maxAttempts: 'config.clientMaxAttempts',
  clientTimeoutMs: 'config.clientTimeoutMs',
  'async.maximumRetryAttempts': 'config.maximumRetryAttempts',
  'async.maximumEventAgeS': 'config.maximumEventAgeS',
  'async.duplicateProbability': 'delivery.asyncDuplicateProbability',
  'async.reorder': 'delivery.asyncReorder',
  visibilityTimeoutS: 'config.visibilityTimeoutS',
  'queue visibilityTimeoutS': 'config.visibilityTimeoutS',
  'redrive.maxReceiveCount': 'config.maxReceiveCount',
  batchSize: 'config.batchSize',
  maximumBatchingWindowS: 'config.maximumBatchingWindowS',
  reportBatchItemFailures: 'config.reportBatchItemFailures',
  maximumRetryAttempts: 'config.maximumRetryAttempts',
  maximumRecordAgeS: 'config.maximumRecordAgeS',
  parallelizationFactor: 'config.parallelizationFactor',
  bisectBatchOnFunctionError: 'config.bisectBatchOnFunctionError',
  shards: 'config.shards',
  duplicateRate: 'delivery.sqsDuplicateRate',
  reorderWindow: 'delivery.sqsReorderWindow',
};

/**
 * Runs `action` (a model's own validation) and renames its ConfigError to the scenario's API
 * and field: `fn("Handler"): timeoutS …` becomes `runScenario: config.timeoutS …`, with the
 * model's rule (and AWS's quoted message) kept.
 */
export function asScenarioError<T>(api: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof ConfigError) {
      const field = FIELDS[error.field] ?? (error.field.startsWith('faults[') ? error.field : undefined);
      if (field !== undefined) throw new ConfigError(api, field, error.rule, error.value);
    }
    throw error;
  }
}

/** `value` without its `undefined` fields (for `exactOptionalPropertyTypes` option bags). */
function defined<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

/** The simulation a scenario runs on: its seed, fault plan and async delivery knobs. */
export function createScenarioSimulation(
  scenario: Scenario<unknown>,
  api: string,
  allowDeterminismErrors?: string,
): Simulation {
  const d = scenario.delivery;
  const async =
    scenario.model === 'async'
      ? defined<AsyncSimulationOptions>({
          duplicateProbability: d.asyncDuplicateProbability,
          reorder: d.asyncReorder,
        })
      : undefined;
  return asScenarioError(api, () =>
    createSimulation({
      seed: scenario.seed,
      faults: scenario.faults,
      ...(async === undefined ? {} : { async }),
      ...(allowDeterminismErrors === undefined ? {} : { allowDeterminismErrors }),
    }),
  );
}

/** What {@link wireScenario} defined, for the runner to read after the run. */
export interface ScenarioWiring {
  readonly fn: LambdaFunction;
  readonly queue: SqsQueue | undefined;
  readonly failures: EventSink | undefined;
  /** SQS sends and Kinesis puts refused at run time (index into `events`, the error). */
  readonly refused: { readonly index: number; readonly error: unknown }[];
}

/**
 * Defines the scenario's function, resources and workload on `sim`. Every model validates its
 * own part (errors renamed by {@link asScenarioError}).
 */
export function wireScenario(
  sim: Simulation,
  scenario: Scenario<unknown>,
  factory: HandlerFactory<unknown>,
  api: string,
): ScenarioWiring {
  const c = scenario.config;
  const d = scenario.delivery;
  const refused: { index: number; error: unknown }[] = [];
  let failures: EventSink | undefined;
  let asyncOptions: AsyncOptions | undefined;
  if ((scenario.model === 'async' || scenario.model === 'kinesis') && c.onFailureDestination !== false)
    failures = sim.sink(SCENARIO_FAILURES_NAME, { kind: 'sqs' });
  if (scenario.model === 'async') {
    asyncOptions = defined<AsyncOptions>({
      maximumRetryAttempts: c.maximumRetryAttempts,
      maximumEventAgeS: c.maximumEventAgeS,
      onFailure: failures,
    });
  }
  const fnOptions = defined<FunctionOptions>({
    timeoutS: c.timeoutS,
    memoryMB: c.memoryMB,
    reservedConcurrency: c.reservedConcurrency,
    async: asyncOptions,
  });
  const fn = asScenarioError(api, () => sim.fn(SCENARIO_FUNCTION_NAME, factory, fnOptions));

  switch (scenario.model) {
    case 'sync': {
      const client = asScenarioError(api, () =>
        sim.client(fn, defined({ clientTimeoutMs: c.clientTimeoutMs, maxAttempts: c.clientMaxAttempts })),
      );
      const index = sim.scenarioEventIndex;
      scenario.events.forEach((event, i) => {
        sim.spawn(
          `event-${i + 1}`,
          async () => {
            // The ledger's event index: every request the client made for this event.
            const { attempts } = await client.invoke(event.body);
            for (const attempt of attempts) index.set(attempt.requestId, i);
          },
          { atMs: event.atMs },
        );
      });
      return { fn, queue: undefined, failures, refused };
    }
    case 'async': {
      const index = sim.scenarioEventIndex;
      scenario.events.forEach((event, i) => {
        sim.at(event.atMs, () => {
          void sim.invokeAsync(fn, event.body).then((response) => index.set(response.requestId, i));
        });
      });
      return { fn, queue: undefined, failures, refused };
    }
    case 'sqs': {
      const fifo = c.fifo === true;
      const suffix = fifo ? '.fifo' : '';
      const queue = asScenarioError(api, () => {
        const dlq = sim.sqs(`${SCENARIO_DLQ_NAME}${suffix}`);
        return sim.sqs(
          `${SCENARIO_QUEUE_NAME}${suffix}`,
          defined<SqsQueueOptions>({
            visibilityTimeoutS: c.visibilityTimeoutS,
            redrive: { deadLetter: dlq, maxReceiveCount: c.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT },
            duplicateRate: d.sqsDuplicateRate,
            reorderWindow: d.sqsReorderWindow,
          }),
        );
      });
      asScenarioError(api, () =>
        sim.mapping(
          queue,
          fn,
          defined<SqsMappingOptions>({
            batchSize: c.batchSize,
            maximumBatchingWindowS: c.maximumBatchingWindowS,
            reportBatchItemFailures: c.reportBatchItemFailures,
          }),
        ),
      );
      scenario.events.forEach((event, i) => {
        const options = fifo
          ? { messageGroupId: event.group ?? DEFAULT_MESSAGE_GROUP, messageDeduplicationId: `event-${i + 1}` }
          : {};
        sim.at(event.atMs, () => {
          queue.send(event.body, options).then(
            (sent) => sim.scenarioEventIndex.set(sent.messageId, i),
            (error: unknown) => refused.push({ index: i, error }),
          );
        });
      });
      return { fn, queue, failures, refused };
    }
    case 'kinesis': {
      const stream = asScenarioError(api, () =>
        sim.kinesis(SCENARIO_STREAM_NAME, defined({ shards: c.shards })),
      );
      asScenarioError(api, () =>
        sim.mapping(
          stream,
          fn,
          defined<StreamMappingOptions>({
            startingPosition: 'TRIM_HORIZON',
            batchSize: c.batchSize,
            maximumBatchingWindowS: c.maximumBatchingWindowS,
            parallelizationFactor: c.parallelizationFactor,
            maximumRetryAttempts: c.maximumRetryAttempts,
            maximumRecordAgeS: c.maximumRecordAgeS,
            bisectBatchOnFunctionError: c.bisectBatchOnFunctionError,
            reportBatchItemFailures: c.reportBatchItemFailures,
            onFailure: failures,
          }),
        ),
      );
      scenario.events.forEach((event, i) => {
        sim.at(event.atMs, () => {
          stream.put(event.body, { partitionKey: event.group ?? DEFAULT_MESSAGE_GROUP }).then(
            (put) => sim.scenarioEventIndex.set(`${put.shardId}:${put.sequenceNumber}`, i),
            (error: unknown) => refused.push({ index: i, error }),
          );
        });
      });
      return { fn, queue: undefined, failures, refused };
    }
  }
}

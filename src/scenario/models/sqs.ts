import fc from 'fast-check';
import type { Fault, FaultPlan } from '../../faults/Fault.js';
import type { SqsMappingOptions } from '../../models/sqs/SqsEventSourceMapping.js';
import { SQS_MAX_MESSAGE_BYTES, type SqsQueueOptions } from '../../models/sqs/SqsQueue.js';
import type { ScenarioConfig } from '../Scenario.js';
import { COMMON_CONFIG_KEYS, COMMON_RANGES, commonConfig, compact, fixedOr, record } from './configArbs.js';
import type { ScenarioModelDescriptor } from './ScenarioModelDescriptor.js';
import { DEFAULT_MESSAGE_GROUP } from './shared.js';

/** The queue an sqs scenario sends its events to (`.fifo` appended for a FIFO queue). */
export const SCENARIO_QUEUE_NAME = 'HandlerQueue';
/** Its dead-letter queue (`.fifo` appended for a FIFO queue: a FIFO queue needs a FIFO DLQ). */
export const SCENARIO_DLQ_NAME = 'HandlerQueue-dlq';
/** Receives before a message is dead-lettered when the scenario does not say. @defaultValue 3 */
export const DEFAULT_MAX_RECEIVE_COUNT = 3;

/** Drawn ranges of the sqs model's own fields. */
const RANGES = {
  batchSize: { min: 1, max: 10 },
  maximumBatchingWindowS: { min: 0, max: 5 },
  /** Added to the function timeout (visibility >= timeout, as a mapping requires). */
  extraVisibilityS: { min: 0, max: 60 },
  maxReceiveCount: { min: 1, max: 5 },
} as const;

/**
 * A plan aimed at the scenario's standard queue, moved to its FIFO twin: a FIFO queue delivers
 * once and in order, so duplicates and reordering are dropped, and so is a producer's retry (the
 * scenario sends each event with its own MessageDeduplicationId, so SQS would accept the retry
 * and drop it within the 5-minute deduplication interval); a poison record stays (it blocks its
 * message group).
 */
function onFifoQueue(plan: FaultPlan): FaultPlan {
  if (plan.length === 0) return plan;
  return plan.flatMap((f): Fault[] => {
    if (!('queue' in f)) return [f];
    if (f.kind !== 'poisonRecord') return [];
    return [{ ...f, queue: `${f.queue}.fifo` }];
  });
}

function configArb(c: ScenarioConfig): fc.Arbitrary<ScenarioConfig> {
  // A batching window or a batch over 10 rules FIFO out (AWS refuses both on FIFO mappings).
  const fifoPossible = (c.maximumBatchingWindowS ?? 0) === 0 && (c.batchSize ?? 1) <= 10;
  const maxTimeoutS = Math.max(
    COMMON_RANGES.timeoutS.min,
    Math.min(COMMON_RANGES.timeoutS.max, c.visibilityTimeoutS ?? COMMON_RANGES.timeoutS.max),
  );
  return record({
    ...commonConfig(c, maxTimeoutS),
    fifo: fixedOr(c.fifo, fifoPossible ? fc.boolean() : fc.constant(false)),
    batchSize: fixedOr(c.batchSize, fc.integer(RANGES.batchSize)),
    maximumBatchingWindowS: fixedOr(c.maximumBatchingWindowS, fc.integer(RANGES.maximumBatchingWindowS)),
    extraVisibilityS: fc.integer(RANGES.extraVisibilityS),
    maxReceiveCount: fixedOr(c.maxReceiveCount, fc.integer(RANGES.maxReceiveCount)),
    reportBatchItemFailures: fixedOr(c.reportBatchItemFailures, fc.boolean()),
  }).map(({ extraVisibilityS, ...drawn }) =>
    compact<ScenarioConfig>({
      ...drawn,
      // FIFO mappings take no batching window: left out rather than drawn.
      maximumBatchingWindowS:
        drawn.fifo && c.maximumBatchingWindowS === undefined ? undefined : drawn.maximumBatchingWindowS,
      visibilityTimeoutS: c.visibilityTimeoutS ?? drawn.timeoutS + extraVisibilityS,
    }),
  );
}

/**
 * `sqs`: each body sent to queue `HandlerQueue` (`HandlerQueue.fifo` when `config.fifo`) at its
 * `atMs`, redriven to `HandlerQueue-dlq` after `maxReceiveCount` receives (default 3), consumed
 * by a mapping. On a FIFO queue an event's `group` is its MessageGroupId (`"default"` when absent)
 * and its deduplication id is `event-<n>`.
 */
export const sqsModel: ScenarioModelDescriptor<'sqs'> = {
  model: 'sqs',
  configKeys: [
    ...COMMON_CONFIG_KEYS,
    'fifo',
    'batchSize',
    'maximumBatchingWindowS',
    'visibilityTimeoutS',
    'maxReceiveCount',
    'reportBatchItemFailures',
  ],
  booleanConfigKeys: ['fifo'],
  deliveryKeys: ['sqsDuplicateRate', 'sqsReorderWindow'],
  groupOption: { name: 'groupOf', what: 'group' },
  deliveryFaultKinds: ['duplicateDelivery', 'reorder', 'producerDuplicate'],
  faultTargets: { queues: [SCENARIO_QUEUE_NAME] },
  configArb,
  // Drawn fields are valid by construction (a timeout is drawn at most the visibility, a
  // visibility at least the timeout): the probe takes the drawn ranges' smallest values.
  probeConfig: (config) => ({
    ...config,
    timeoutS: config.timeoutS ?? COMMON_RANGES.timeoutS.min,
    visibilityTimeoutS:
      config.visibilityTimeoutS ?? Math.max(30, config.timeoutS ?? COMMON_RANGES.timeoutS.min),
  }),
  adjustFaults: (plan, config) => (config.fifo === true ? onFifoQueue(plan) : plan),
  bodyLimit: {
    bytes: SQS_MAX_MESSAGE_BYTES,
    what: 'SQS message size limit',
    refusal: 'SendMessage would be refused and the message never sent',
  },
  // A string body travels as itself, any other as its JSON text.
  eventBytes: (body, json) => Buffer.byteLength(typeof body === 'string' ? body : json, 'utf8'),
  bodyRule: (body) =>
    body === ''
      ? 'must not be empty in an sqs scenario (SQS refuses an empty MessageBody); make the event arbitrary produce non-empty strings, e.g. fc.string({ minLength: 1 })'
      : undefined,
  errorFields: {
    'queue visibilityTimeoutS': 'config.visibilityTimeoutS',
    'redrive.maxReceiveCount': 'config.maxReceiveCount',
    duplicateRate: 'delivery.sqsDuplicateRate',
    reorderWindow: 'delivery.sqsReorderWindow',
  },
  refusedBy: 'SQS',
  wire({ sim, scenario, guard, defineFunction, refuse, noteEvent }) {
    const c = scenario.config;
    const d = scenario.delivery;
    const fn = defineFunction();
    const fifo = c.fifo === true;
    const suffix = fifo ? '.fifo' : '';
    const queue = guard(() => {
      const dlq = sim.sqs(`${SCENARIO_DLQ_NAME}${suffix}`);
      return sim.sqs(
        `${SCENARIO_QUEUE_NAME}${suffix}`,
        compact<SqsQueueOptions>({
          visibilityTimeoutS: c.visibilityTimeoutS,
          redrive: { deadLetter: dlq, maxReceiveCount: c.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT },
          duplicateRate: d.sqsDuplicateRate,
          reorderWindow: d.sqsReorderWindow,
        }),
      );
    });
    guard(() =>
      sim.mapping(
        queue,
        fn,
        compact<SqsMappingOptions>({
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
          (sent) => noteEvent(sent.messageId, i),
          (error: unknown) => refuse(i, error),
        );
      });
    });
    return { fn, queue };
  },
};

import fc from 'fast-check';
import { KINESIS_MAX_RECORD_BYTES } from '../../models/streams/KinesisStream.js';
import type { StreamMappingOptions } from '../../models/streams/streamMappingOptions.js';
import type { ScenarioConfig } from '../Scenario.js';
import { COMMON_CONFIG_KEYS, commonConfig, compact, fixedOr, record } from './configArbs.js';
import { DEFAULT_MESSAGE_GROUP, failureSink } from './shared.js';
import type { ScenarioModelDescriptor } from './ScenarioModelDescriptor.js';

/** The Kinesis stream a kinesis scenario puts its events to. */
export const SCENARIO_STREAM_NAME = 'HandlerStream';

/** The partition keys a kinesis scenario draws from when `partitionKeyOf` is not given. */
export const KINESIS_PARTITION_KEYS: readonly string[] = Object.freeze(['pk-1', 'pk-2', 'pk-3']);

/** Drawn ranges of the kinesis model's own fields. */
const RANGES = {
  shards: { min: 1, max: 3 },
  batchSize: { min: 1, max: 10 },
  maximumBatchingWindowS: { min: 0, max: 5 },
  parallelizationFactor: { min: 1, max: 3 },
  /** AWS takes -1 (until the records expire) or 0-10,000; -1 last, so shrinking leaves it. */
  maximumRetryAttempts: [0, 1, 2, 3, -1],
  /** AWS takes -1 (no limit) or 60-604,800; its default -1 first. */
  maximumRecordAgeS: [-1, 60, 3_600],
} as const;

/** A Kinesis partition key: 1-256 characters (Unicode code points). */
function isPartitionKey(key: string): boolean {
  const n = [...key].length;
  return n >= 1 && n <= 256;
}

/**
 * `kinesis`: each body put to stream `HandlerStream` (`config.shards` shards) with the event's
 * `group` as partition key (`"default"` when absent) at its `atMs`, read from TRIM_HORIZON by a
 * stream mapping with, unless `config.onFailureDestination` is false, the on-failure destination
 * `Handler-failures`.
 */
export const kinesisModel: ScenarioModelDescriptor<'kinesis'> = {
  model: 'kinesis',
  configKeys: [
    ...COMMON_CONFIG_KEYS,
    'shards',
    'batchSize',
    'maximumBatchingWindowS',
    'parallelizationFactor',
    'maximumRetryAttempts',
    'maximumRecordAgeS',
    'bisectBatchOnFunctionError',
    'reportBatchItemFailures',
    'onFailureDestination',
  ],
  booleanConfigKeys: ['onFailureDestination', 'bisectBatchOnFunctionError'],
  deliveryKeys: [],
  groupOption: { name: 'partitionKeyOf', what: 'partition key', keyPool: KINESIS_PARTITION_KEYS },
  deliveryFaultKinds: ['duplicateDelivery'],
  faultTargets: { streams: [SCENARIO_STREAM_NAME] },
  configArb: (c) =>
    record({
      ...commonConfig(c),
      shards: fixedOr(c.shards, fc.integer(RANGES.shards)),
      batchSize: fixedOr(c.batchSize, fc.integer(RANGES.batchSize)),
      maximumBatchingWindowS: fixedOr(c.maximumBatchingWindowS, fc.integer(RANGES.maximumBatchingWindowS)),
      parallelizationFactor: fixedOr(c.parallelizationFactor, fc.integer(RANGES.parallelizationFactor)),
      maximumRetryAttempts: fixedOr(c.maximumRetryAttempts, fc.constantFrom(...RANGES.maximumRetryAttempts)),
      maximumRecordAgeS: fixedOr(c.maximumRecordAgeS, fc.constantFrom(...RANGES.maximumRecordAgeS)),
      bisectBatchOnFunctionError: fixedOr(c.bisectBatchOnFunctionError, fc.boolean()),
      reportBatchItemFailures: fixedOr(c.reportBatchItemFailures, fc.boolean()),
      onFailureDestination: fc.constant(c.onFailureDestination),
    }).map((drawn) => compact<ScenarioConfig>(drawn)),
  bodyLimit: {
    bytes: KINESIS_MAX_RECORD_BYTES,
    what: 'Kinesis record size limit (data plus partition key)',
    refusal: 'PutRecord would be refused and the record never put',
  },
  // A string body as its UTF-8 bytes, any other as its JSON text; the limit counts the partition key too.
  eventBytes: (body, json, group) =>
    Buffer.byteLength(typeof body === 'string' ? body : json, 'utf8') +
    Buffer.byteLength(group ?? DEFAULT_MESSAGE_GROUP, 'utf8'),
  groupRule: { valid: isPartitionKey, rule: 'must be 1-256 characters (a Kinesis partition key)' },
  refusedBy: 'Kinesis',
  wire({ sim, scenario, guard, defineFunction, refuse, noteEvent }) {
    const c = scenario.config;
    const failures = failureSink(sim, c);
    const fn = defineFunction();
    const stream = guard(() => sim.kinesis(SCENARIO_STREAM_NAME, compact({ shards: c.shards })));
    guard(() =>
      sim.mapping(
        stream,
        fn,
        compact<StreamMappingOptions>({
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
          (put) => noteEvent(`${put.shardId}:${put.sequenceNumber}`, i),
          (error: unknown) => refuse(i, error),
        );
      });
    });
    return { fn, failures };
  },
};

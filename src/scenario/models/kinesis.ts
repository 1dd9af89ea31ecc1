import fc from 'fast-check';
import { KINESIS_MAX_RECORD_BYTES } from '../../models/streams/KinesisStream.js';
import type { ScenarioConfig } from '../Scenario.js';
import { COMMON_CONFIG_KEYS, commonConfig, compact, fixedOr, record } from './configArbs.js';
import { DEFAULT_MESSAGE_GROUP, failureSink } from './shared.js';
import {
  STREAM_MAPPING_CONFIG_KEYS,
  streamMappingConfig,
  streamMappingOptions,
} from './streamMappingConfig.js';
import type { ScenarioModelDescriptor } from './ScenarioModelDescriptor.js';

/** The Kinesis stream a kinesis scenario puts its events to. */
export const SCENARIO_STREAM_NAME = 'HandlerStream';

/** The partition keys a kinesis scenario draws from when `partitionKeyOf` is not given. */
export const KINESIS_PARTITION_KEYS: readonly string[] = Object.freeze(['pk-1', 'pk-2', 'pk-3']);

/** Drawn ranges of the kinesis model's own fields (the mapping's: `STREAM_MAPPING_RANGES`). */
const RANGES = {
  shards: { min: 1, max: 3 },
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
  configKeys: [...COMMON_CONFIG_KEYS, 'shards', ...STREAM_MAPPING_CONFIG_KEYS],
  booleanConfigKeys: ['onFailureDestination', 'bisectBatchOnFunctionError'],
  deliveryKeys: [],
  groupOption: { name: 'partitionKeyOf', what: 'partition key', keyPool: KINESIS_PARTITION_KEYS },
  deliveryFaultKinds: ['duplicateDelivery'],
  faultTargets: { streams: [SCENARIO_STREAM_NAME] },
  configArb: (c) =>
    record({
      ...commonConfig(c),
      shards: fixedOr(c.shards, fc.integer(RANGES.shards)),
      ...streamMappingConfig(c),
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
    guard(() => sim.mapping(stream, fn, streamMappingOptions(c, failures)));
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

import fc from 'fast-check';
import { ConfigError } from '../../errors.js';
import { MAX_ITEM_BYTES, type Table, type TableOptions } from '../../services/Table.js';
import {
  type ItemWrite,
  itemWriteRule,
  itemWritesArb,
  scheduleItemWrites,
} from '../dynamodbStreamsWorkload.js';
import type { ScenarioConfig, ScenarioEvent } from '../Scenario.js';
import { COMMON_CONFIG_KEYS, commonConfig, compact, fixedOr, record } from './configArbs.js';
import type { ScenarioModelDescriptor } from './ScenarioModelDescriptor.js';
import { failureSink } from './shared.js';
import {
  STREAM_MAPPING_CONFIG_KEYS,
  streamMappingConfig,
  streamMappingOptions,
} from './streamMappingConfig.js';

/** The table a dynamodb-streams scenario writes, whose stream the function reads. */
export const SCENARIO_TABLE_NAME = 'HandlerTable';

/** The TTL attribute a dynamodb-streams scenario's table gets when `ttl` is on and `config.ttlAttribute` is unset. */
export const DEFAULT_TTL_ATTRIBUTE = 'expiresAt';

/** Drawn ranges of the model's own fields (the mapping's: `STREAM_MAPPING_RANGES`). */
const RANGES = {
  /** AWS: "typically within a few days"; lambdasim takes 0-172,800. Immediate first. */
  ttlDeletionDelayS: [0, 60, 3_600],
} as const;

/** The options `scenarios.dynamodbStreams` takes beyond the common ones. */
const OPTIONS = ['key', 'sortKey', 'ttl', 'deletes'] as const;

/** Sets `field` of the fixed config from an option, refusing a `config` that says otherwise. */
function setFromOption(
  api: string,
  fixed: ScenarioConfig,
  field: 'key' | 'sortKey' | 'ttlAttribute',
  value: string | undefined,
): string | undefined {
  const given = fixed[field];
  if (given !== undefined && value !== undefined && given !== value)
    throw new ConfigError(
      api,
      `config.${field}`,
      `must be left out or equal the ${field === 'ttlAttribute' ? 'ttl' : field} option's ${JSON.stringify(value)}`,
      given,
    );
  return value ?? given;
}

/**
 * `dynamodb-streams`: table `HandlerTable` (key schema, TTL attribute and stream from the config)
 * is defined before the user's setup, which gets it; each event is a write by another application
 * (an {@link ItemWrite}) applied to it at its `atMs`, and the stream's records are read from
 * TRIM_HORIZON by a stream mapping with, unless `config.onFailureDestination` is false, the
 * on-failure destination `Handler-failures`.
 */
export const dynamodbStreamsModel: ScenarioModelDescriptor<'dynamodb-streams'> = {
  model: 'dynamodb-streams',
  configKeys: [
    ...COMMON_CONFIG_KEYS,
    'key',
    'sortKey',
    'ttlAttribute',
    'streamViewType',
    'ttlDeletionDelayS',
    ...STREAM_MAPPING_CONFIG_KEYS,
  ],
  booleanConfigKeys: ['onFailureDestination', 'bisectBatchOnFunctionError'],
  deliveryKeys: [],
  deliveryFaultKinds: ['duplicateDelivery'],
  // duplicateDelivery of a batch aims at the table's stream (by the table's name); poisonRecord
  // cannot: a DynamoDB stream's records are item changes, not producer data (write the bad item
  // as an event instead), so adjustFaults drops it.
  faultTargets: { streams: [SCENARIO_TABLE_NAME] },
  adjustFaults: (plan) =>
    plan.some((f) => f.kind === 'poisonRecord') ? plan.filter((f) => f.kind !== 'poisonRecord') : plan,
  workload: {
    options: OPTIONS,
    config(o, fixed, api) {
      const key = setFromOption(api, fixed, 'key', o.key as string | undefined);
      if (key === undefined)
        throw new ConfigError(
          api,
          'key',
          "is required: the table's partition key attribute (e.g. 'userId')",
          key,
        );
      const ttlOn = o.ttl !== undefined && o.ttl !== false;
      return compact<ScenarioConfig>({
        ...fixed,
        key,
        sortKey: setFromOption(api, fixed, 'sortKey', o.sortKey as string | undefined),
        ttlAttribute: ttlOn ? (fixed.ttlAttribute ?? DEFAULT_TTL_ATTRIBUTE) : fixed.ttlAttribute,
      });
    },
    events: (o, bounds, api) =>
      itemWritesArb(
        compact({
          items: o.events as fc.Arbitrary<object>,
          key: o.key as string,
          sortKey: o.sortKey as string | undefined,
          ttl: o.ttl as boolean | undefined,
          deletes: o.deletes as boolean | undefined,
          ...bounds,
        }),
        api,
      ) as fc.Arbitrary<ScenarioEvent<unknown>[]>,
  },
  configArb: (c) =>
    record({
      ...commonConfig(c),
      key: fc.constant(c.key),
      sortKey: fc.constant(c.sortKey),
      ttlAttribute: fc.constant(c.ttlAttribute),
      streamViewType: fc.constant(c.streamViewType),
      ttlDeletionDelayS: fixedOr(c.ttlDeletionDelayS, fc.constantFrom(...RANGES.ttlDeletionDelayS)),
      ...streamMappingConfig(c),
    }).map((drawn) => compact<ScenarioConfig>(drawn)),
  bodyLimit: {
    bytes: MAX_ITEM_BYTES,
    what: 'DynamoDB item size limit',
    refusal: 'PutItem would be refused (ValidationException) and the item never written',
  },
  // The item (a put) or its key (a delete), as the table measures an item.
  eventBytes: (body) => {
    const write = body as ItemWrite<unknown>;
    return Buffer.byteLength(JSON.stringify(write.op === 'put' ? write.item : write.key), 'utf8');
  },
  groupRule: {
    valid: (group) => group.length > 0,
    rule: 'must be a non-empty string (the item\'s key attributes as JSON, {"userId":"u-1"})',
  },
  bodyRule: itemWriteRule,
  errorFields: { stream: 'config.streamViewType' },
  refusedBy: 'DynamoDB',
  beforeSetup: ({ sim, scenario, guard }) => {
    const c = scenario.config;
    return guard(() =>
      sim.table(
        SCENARIO_TABLE_NAME,
        compact<TableOptions>({
          key: c.key!,
          sortKey: c.sortKey,
          ttlAttribute: c.ttlAttribute,
          stream: c.streamViewType ?? 'NEW_AND_OLD_IMAGES',
          ttlDeletionDelayS: c.ttlDeletionDelayS,
        }),
      ),
    );
  },
  wire({ sim, scenario, guard, defineFunction, resources, refuse, noteEvent }) {
    const c = scenario.config;
    const table = resources as Table;
    const failures = failureSink(sim, c);
    const fn = defineFunction();
    guard(() => sim.mapping(table, fn, streamMappingOptions(c, failures)));
    scheduleItemWrites(sim, table, scenario.events as readonly ScenarioEvent<ItemWrite<unknown>>[], {
      refuse,
      noteEvent,
    });
    return { fn, failures };
  },
};

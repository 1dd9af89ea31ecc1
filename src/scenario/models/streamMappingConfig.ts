import fc from 'fast-check';
import type { EventSink } from '../../models/async/EventSink.js';
import type { StreamMappingOptions } from '../../models/streams/streamMappingOptions.js';
import type { ScenarioConfig } from '../Scenario.js';
import { compact, fixedOr } from './configArbs.js';

/** The config fields of a stream mapping (Kinesis and DynamoDB streams alike), in print order. */
export const STREAM_MAPPING_CONFIG_KEYS = [
  'batchSize',
  'maximumBatchingWindowS',
  'parallelizationFactor',
  'maximumRetryAttempts',
  'maximumRecordAgeS',
  'bisectBatchOnFunctionError',
  'reportBatchItemFailures',
  'onFailureDestination',
] as const;

/** Drawn ranges of a stream mapping's fields (each a value AWS accepts; shrinking goes toward the first). */
export const STREAM_MAPPING_RANGES = {
  batchSize: { min: 1, max: 10 },
  maximumBatchingWindowS: { min: 0, max: 5 },
  parallelizationFactor: { min: 1, max: 3 },
  /** AWS takes -1 (until the records expire) or 0-10,000; -1 last, so shrinking leaves it. */
  maximumRetryAttempts: [0, 1, 2, 3, -1],
  /** AWS takes -1 (no limit) or 60-604,800; its default -1 first. */
  maximumRecordAgeS: [-1, 60, 3_600],
} as const;

/** The stream mapping's config arbitraries (record entries, in {@link STREAM_MAPPING_CONFIG_KEYS} order). */
export function streamMappingConfig(c: ScenarioConfig) {
  const r = STREAM_MAPPING_RANGES;
  return {
    batchSize: fixedOr(c.batchSize, fc.integer(r.batchSize)),
    maximumBatchingWindowS: fixedOr(c.maximumBatchingWindowS, fc.integer(r.maximumBatchingWindowS)),
    parallelizationFactor: fixedOr(c.parallelizationFactor, fc.integer(r.parallelizationFactor)),
    maximumRetryAttempts: fixedOr(c.maximumRetryAttempts, fc.constantFrom(...r.maximumRetryAttempts)),
    maximumRecordAgeS: fixedOr(c.maximumRecordAgeS, fc.constantFrom(...r.maximumRecordAgeS)),
    bisectBatchOnFunctionError: fixedOr(c.bisectBatchOnFunctionError, fc.boolean()),
    reportBatchItemFailures: fixedOr(c.reportBatchItemFailures, fc.boolean()),
    onFailureDestination: fc.constant(c.onFailureDestination),
  };
}

/** `sim.mapping` options of a stream scenario: from TRIM_HORIZON, the config's fields, `failures` as on-failure destination. */
export function streamMappingOptions(
  c: ScenarioConfig,
  failures: EventSink | undefined,
): StreamMappingOptions {
  return compact<StreamMappingOptions>({
    startingPosition: 'TRIM_HORIZON',
    batchSize: c.batchSize,
    maximumBatchingWindowS: c.maximumBatchingWindowS,
    parallelizationFactor: c.parallelizationFactor,
    maximumRetryAttempts: c.maximumRetryAttempts,
    maximumRecordAgeS: c.maximumRecordAgeS,
    bisectBatchOnFunctionError: c.bisectBatchOnFunctionError,
    reportBatchItemFailures: c.reportBatchItemFailures,
    onFailure: failures,
  });
}

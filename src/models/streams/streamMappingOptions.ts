import { ConfigError, checkBoolean, checkOptions, intInRange, nonNegativeInt } from '../../errors.js';
import type { LambdaFunction } from '../../lambda/LambdaFunction.js';
import type { World } from '../../world/World.js';
import { checkTargetOfKinds } from '../async/AsyncConfig.js';
import type { DeliveryTarget } from '../DeliveryTarget.js';
import type { FilterPattern } from '../mapping/filterPattern.js';
import {
  resolveBatchingWindowS,
  resolveBatchSize,
  resolveFilterCriteria,
  SHARED_MAPPING_OPTIONS,
} from '../mapping/mappingOptions.js';
import type { StreamSource } from './StreamSource.js';

/** Where a new stream mapping starts reading (R-STREAM-3). */
export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

/** Options of {@link Simulation.mapping} for a Kinesis stream or a table's DynamoDB stream (spec §3.2). */
export interface StreamMappingOptions {
  /** `StartingPosition` (required, as in AWS): oldest retained record, records put after the mapping starts, or from `startingPositionAtMs` (Kinesis only). */
  readonly startingPosition: StartingPosition;
  /** `StartingPositionTimestamp` for `AT_TIMESTAMP`, as a virtual instant in ms (AWS takes Unix seconds). */
  readonly startingPositionAtMs?: number;
  /** `BatchSize`: 1–10,000. @defaultValue 100 */
  readonly batchSize?: number;
  /** `MaximumBatchingWindowInSeconds`: 0–300. @defaultValue 0 */
  readonly maximumBatchingWindowS?: number;
  /** `ParallelizationFactor`: 1–10 concurrent batches per shard, one lane per partition-key hash (R-STREAM-2). @defaultValue 1 */
  readonly parallelizationFactor?: number;
  /** `MaximumRetryAttempts`: −1 (retry until the records expire) or 0–10,000. @defaultValue -1 */
  readonly maximumRetryAttempts?: number;
  /** `MaximumRecordAgeInSeconds`: −1 (no limit) or 60–604,800. @defaultValue -1 */
  readonly maximumRecordAgeS?: number;
  /** `BisectBatchOnFunctionError` (R-STREAM-8). @defaultValue false */
  readonly bisectBatchOnFunctionError?: boolean;
  /** `FunctionResponseTypes: ['ReportBatchItemFailures']` (R-STREAM-9). @defaultValue false */
  readonly reportBatchItemFailures?: boolean;
  /** `DestinationConfig.OnFailure`: an SQS queue, SNS topic or S3 bucket (a sink of those kinds) that gets the metadata record of discarded batches (R-STREAM-13). */
  readonly onFailure?: DeliveryTarget;
  /**
   * `FilterCriteria`: at most 5 patterns, ORed; non-matching records are skipped (R-STREAM-11).
   * Kinesis: on the `data` key only (as AWS). DynamoDB stream: on the record's fields
   * (`eventName`, `dynamodb` with `Keys` / `NewImage` / `OldImage` in AttributeValue form, …).
   */
  readonly filters?: readonly FilterPattern[];
  /**
   * `TumblingWindowInSeconds`: 0–900; 0 means no window (R-STREAM-12). With a window, records are
   * grouped by arrival time into epoch-aligned windows of this length; every invoke gets the
   * window's `state` and must return `{ state }` (else it fails), and once the window has ended
   * Lambda invokes once more with `Records: []` and `isFinalInvokeForWindow: true`.
   *
   * Gotchas: keep the running aggregate in `state`, not in module scope: an environment can be
   * reset (a timeout, a crash) or another one can serve the next batch, and module state is lost.
   * @defaultValue 0
   */
  readonly tumblingWindowS?: number;
}

/** {@link StreamMappingOptions} with every default filled in. */
export interface ResolvedStreamMappingOptions {
  readonly startingPosition: StartingPosition;
  readonly startingPositionAtMs: number | undefined;
  readonly batchSize: number;
  readonly maximumBatchingWindowS: number;
  readonly parallelizationFactor: number;
  readonly maximumRetryAttempts: number;
  readonly maximumRecordAgeS: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly reportBatchItemFailures: boolean;
  readonly onFailure: DeliveryTarget | undefined;
  readonly filters: readonly FilterPattern[];
  readonly tumblingWindowS: number;
}

const KNOWN = new Set([
  ...SHARED_MAPPING_OPTIONS,
  'startingPosition',
  'startingPositionAtMs',
  'parallelizationFactor',
  'maximumRetryAttempts',
  'maximumRecordAgeS',
  'bisectBatchOnFunctionError',
  'onFailure',
  'tumblingWindowS',
]);
const POSITIONS: readonly StartingPosition[] = ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'];
/** DynamoDB streams take TRIM_HORIZON or LATEST (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html). */
const DDB_POSITIONS: readonly StartingPosition[] = ['TRIM_HORIZON', 'LATEST'];
/** The fields of a DynamoDB stream record that filter patterns may name (the record's top-level keys). */
const DDB_FILTER_KEYS: readonly string[] = [
  'eventID',
  'eventName',
  'eventVersion',
  'eventSource',
  'awsRegion',
  'dynamodb',
  'userIdentity',
  'eventSourceARN',
];
/** Kinds AWS takes as a stream mapping's on-failure destination (spec §3.2: SQS, SNS, S3). */
const ON_FAILURE_KINDS = new Set(['sqs', 'sns', 's3']);

/** Validates a stream mapping as `CreateEventSourceMapping` does (spec §0, §3.2). */
export function resolveStreamMappingOptions(
  world: World,
  stream: StreamSource,
  fn: LambdaFunction,
  options: unknown,
): ResolvedStreamMappingOptions {
  const api = `sim.mapping(${JSON.stringify(stream.name)} → ${JSON.stringify(fn.name)})`;
  const o = checkOptions(api, options, KNOWN, 'must be an object with a startingPosition');
  const kinesis = stream.model === 'kinesis';
  const positions = kinesis ? POSITIONS : DDB_POSITIONS;
  if (!positions.includes(o.startingPosition as StartingPosition))
    throw new ConfigError(
      api,
      'startingPosition',
      `must be one of ${positions.join(', ')} (required for a ${kinesis ? 'Kinesis stream' : 'DynamoDB stream'}, as in CreateEventSourceMapping)`,
      o.startingPosition,
    );
  const startingPosition = o.startingPosition as StartingPosition;
  let startingPositionAtMs: number | undefined;
  if (startingPosition === 'AT_TIMESTAMP')
    startingPositionAtMs = nonNegativeInt(api, 'startingPositionAtMs', o.startingPositionAtMs);
  else if (o.startingPositionAtMs !== undefined)
    throw new ConfigError(
      api,
      'startingPositionAtMs',
      'is only allowed with startingPosition AT_TIMESTAMP',
      o.startingPositionAtMs,
    );
  const maximumRetryAttempts = minusOneOr(api, 'maximumRetryAttempts', o.maximumRetryAttempts, 0, 10_000);
  const maximumRecordAgeS = minusOneOr(api, 'maximumRecordAgeS', o.maximumRecordAgeS, 60, 604_800);
  const onFailure =
    o.onFailure === undefined
      ? undefined
      : checkTargetOfKinds(
          world,
          'sim.mapping: onFailure',
          api,
          'onFailure',
          o.onFailure,
          ON_FAILURE_KINDS,
          'must be an SQS queue, SNS topic or S3 bucket (DestinationConfig.OnFailure of a stream mapping)',
        );
  return {
    startingPosition,
    startingPositionAtMs,
    batchSize: resolveBatchSize(api, o.batchSize, 100),
    maximumBatchingWindowS: resolveBatchingWindowS(api, o.maximumBatchingWindowS),
    parallelizationFactor: intInRange(api, 'parallelizationFactor', o.parallelizationFactor ?? 1, 1, 10),
    maximumRetryAttempts,
    maximumRecordAgeS,
    bisectBatchOnFunctionError: checkBoolean(
      api,
      'bisectBatchOnFunctionError',
      o.bisectBatchOnFunctionError ?? false,
    ),
    reportBatchItemFailures: checkBoolean(api, 'reportBatchItemFailures', o.reportBatchItemFailures ?? false),
    onFailure,
    filters: kinesis
      ? resolveFilterCriteria(api, o.filters, 'data', 'Kinesis')
      : resolveFilterCriteria(api, o.filters, DDB_FILTER_KEYS, 'DynamoDB'),
    // "Minimum: 0 Maximum: 900" (DG with-kinesis.md parameters; API TumblingWindowInSeconds).
    tumblingWindowS: intInRange(api, 'tumblingWindowS', o.tumblingWindowS ?? 0, 0, 900),
  };
}

/** −1 (the default: no limit) or an integer in [min, max]; 0–59 for the record age are refused. */
function minusOneOr(api: string, field: string, value: unknown, min: number, max: number): number {
  if (value === undefined || value === -1) return -1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(api, field, `must be -1 or an integer between ${min} and ${max}`, value);
  return value;
}

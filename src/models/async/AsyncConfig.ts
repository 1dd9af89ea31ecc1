import { ConfigError, checkBoolean, intInRange, nonNegativeInt } from '../../errors.js';
import { LambdaFunction } from '../../lambda/LambdaFunction.js';
import { checkOwned, type ResourceField } from '../../lambda/ownership.js';
import type { World } from '../../world/World.js';
import type { DeliveryTarget, DeliveryTargetKind } from '../DeliveryTarget.js';

/** R-ASYNC-1: the `Event` request payload limit since Oct 2025, in bytes. */
export const MAX_ASYNC_PAYLOAD_BYTES = 1_048_576;
/** The limit before Oct 2025 (`asyncOptions.payloadLimitBytes` can restore it). */
export const LEGACY_ASYNC_PAYLOAD_BYTES = 262_144;

/** Where an async invocation record can go: a delivery target, or a function (invoked asynchronously). */
export type AsyncDestination = DeliveryTarget | LambdaFunction;

/**
 * A function's asynchronous invocation settings: `PutFunctionEventInvokeConfig`
 * (`maximumRetryAttempts`, `maximumEventAgeS`, destinations) and the function's
 * `DeadLetterConfig`. Every field is optional; defaults are those of AWS.
 *
 * @example
 * ```ts
 * const failures = sim.sink('failures', { kind: 'sqs' });
 * sim.fn('Worker', () => handler, { async: { maximumRetryAttempts: 1, onFailure: failures } });
 * ```
 */
export interface AsyncOptions {
  /** Retries after a function error (`MaximumRetryAttempts`), 0-2. @defaultValue 2 */
  readonly maximumRetryAttempts?: number;
  /** Oldest event age Lambda still attempts (`MaximumEventAgeInSeconds`), 60-21600. @defaultValue 21600 */
  readonly maximumEventAgeS?: number;
  /** Receives the invocation record after a successful attempt: SQS, SNS, Lambda or EventBridge (not S3). */
  readonly onSuccess?: AsyncDestination;
  /** Receives the invocation record when an event is discarded: SQS, SNS, S3, Lambda or EventBridge. */
  readonly onFailure?: AsyncDestination;
  /** The function's dead-letter queue (`DeadLetterConfig.TargetArn`): SQS or SNS; gets the raw event. */
  readonly deadLetter?: DeliveryTarget;
}

/** {@link AsyncOptions} with every default filled in and functions wrapped as delivery targets. */
export interface ResolvedAsyncConfig {
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeMs: number;
  readonly onSuccess: DeliveryTarget | undefined;
  readonly onFailure: DeliveryTarget | undefined;
  readonly deadLetter: DeliveryTarget | undefined;
}

const KNOWN = new Set(['maximumRetryAttempts', 'maximumEventAgeS', 'onSuccess', 'onFailure', 'deadLetter']);
const TARGET_KINDS: ReadonlySet<string> = new Set<DeliveryTargetKind>([
  'sqs',
  'sns',
  'lambda',
  'eventbridge',
  's3',
  'sink',
]);
const ON_SUCCESS_KINDS: ReadonlySet<DeliveryTargetKind> = new Set(['sqs', 'sns', 'lambda', 'eventbridge']);
const ON_FAILURE_KINDS: ReadonlySet<DeliveryTargetKind> = new Set([
  'sqs',
  'sns',
  'lambda',
  'eventbridge',
  's3',
]);
const DEAD_LETTER_KINDS: ReadonlySet<DeliveryTargetKind> = new Set(['sqs', 'sns']);

/** The defaults of a function without an `async` block. */
export const DEFAULT_ASYNC_CONFIG: ResolvedAsyncConfig = {
  maximumRetryAttempts: 2,
  maximumEventAgeMs: 21_600_000,
  onSuccess: undefined,
  onFailure: undefined,
  deadLetter: undefined,
};

/**
 * Validates a function's `async` block as `PutFunctionEventInvokeConfig` and
 * `UpdateFunctionConfiguration` (DeadLetterConfig) do; a function destination is wrapped by
 * `asTarget` (an asynchronous invoke of that function). A destination or dead-letter target made
 * by another simulation than `world`'s is a ConfigError.
 */
export function resolveAsyncConfig(
  world: World,
  fnName: string,
  options: AsyncOptions | undefined,
  asTarget: (fn: LambdaFunction) => DeliveryTarget,
): ResolvedAsyncConfig {
  if (options === undefined) return DEFAULT_ASYNC_CONFIG;
  const api = `fn(${JSON.stringify(fnName)})`;
  checkBlock(api, 'async', options, KNOWN);
  const maximumRetryAttempts = intInRange(
    api,
    'async.maximumRetryAttempts',
    options.maximumRetryAttempts ?? 2,
    0,
    2,
  );
  const maximumEventAgeS = intInRange(
    api,
    'async.maximumEventAgeS',
    options.maximumEventAgeS ?? 21_600,
    60,
    21_600,
  );
  const destination = (field: 'onSuccess' | 'onFailure'): DeliveryTarget | undefined => {
    const value = options[field];
    if (value === undefined) return undefined;
    const name = `async.${field}`;
    checkOwned(
      world,
      field === 'onSuccess' ? 'sim.fn: async.onSuccess' : 'sim.fn: async.onFailure',
      value,
      api,
    );
    if (value instanceof LambdaFunction) return asTarget(value);
    const target = checkTarget(api, name, value);
    const allowed = field === 'onSuccess' ? ON_SUCCESS_KINDS : ON_FAILURE_KINDS;
    if (!allowed.has(target.targetKind)) {
      const rule =
        field === 'onSuccess'
          ? 'must be an SQS queue, SNS topic, Lambda function or EventBridge event bus (DestinationConfig.OnSuccess; S3 buckets are supported on failure only)'
          : 'must be an SQS queue, SNS topic, S3 bucket, Lambda function or EventBridge event bus (DestinationConfig.OnFailure)';
      throw new ConfigError(api, name, rule, `${target.targetKind} ${target.arn}`);
    }
    return target;
  };
  const deadLetter =
    options.deadLetter === undefined
      ? undefined
      : checkTargetOfKinds(
          world,
          'sim.fn: async.deadLetter',
          api,
          'async.deadLetter',
          options.deadLetter,
          DEAD_LETTER_KINDS,
          'must be an SQS queue or SNS topic (DeadLetterConfig.TargetArn)',
        );
  return {
    maximumRetryAttempts,
    maximumEventAgeMs: maximumEventAgeS * 1000,
    onSuccess: destination('onSuccess'),
    onFailure: destination('onFailure'),
    deadLetter,
  };
}

/**
 * Checks that `value` is a delivery target of this simulation (`use` names the API and field for
 * the ownership error) of one of `kinds`; a ConfigError naming `field` with `rule` otherwise.
 */
export function checkTargetOfKinds(
  world: World,
  use: ResourceField,
  api: string,
  field: string,
  value: unknown,
  kinds: ReadonlySet<string>,
  rule: string,
): DeliveryTarget {
  checkOwned(world, use, value, api);
  const target = checkTarget(api, field, value);
  if (!kinds.has(target.targetKind))
    throw new ConfigError(api, field, rule, `${target.targetKind} ${target.arn}`);
  return target;
}

/** Checks that `value` is a delivery target (a queue, topic, sink); a ConfigError naming `field` otherwise. */
export function checkTarget(api: string, field: string, value: unknown): DeliveryTarget {
  const t = value as Partial<DeliveryTarget> | null;
  if (
    t === null ||
    typeof t !== 'object' ||
    typeof t.arn !== 'string' ||
    typeof t.accept !== 'function' ||
    typeof t.targetKind !== 'string' ||
    !TARGET_KINDS.has(t.targetKind)
  ) {
    throw new ConfigError(
      api,
      field,
      'must be a delivery target (sim.sink, sim.snsTopic, an SQS queue) or a function defined with sim.fn',
      value,
    );
  }
  return t as DeliveryTarget;
}

/**
 * Simulation-wide knobs of the asynchronous model (`createSimulation({ async })`). The
 * UNCONFIRMED items of the spec (§10) are options with the spec's default; the at-least-once
 * knobs (duplicates, drops, reordering: R-ASYNC-10, R-ASYNC-11) default to off in a raw
 * simulation so unit tests see the plain rules; the property layer turns them on.
 */
export interface AsyncSimulationOptions {
  /** `Event` payload limit: 1,048,576 (since Oct 2025) or the legacy 262,144. @defaultValue 1048576 */
  readonly payloadLimitBytes?: number;
  /** Waits before the 1st and 2nd retry after a function error, in seconds (R-ASYNC-3). @defaultValue [60, 120] */
  readonly retryDelaysS?: readonly [number, number];
  /** Adds a seeded uniform delay in [0, retryJitterMs] to each retry wait (U). @defaultValue 0 */
  readonly retryJitterMs?: number;
  /** Whether a retry wait counts from the end of the failed attempt or from its start (U). @defaultValue 'attemptEnd' */
  readonly retryDelayFrom?: 'attemptEnd' | 'attemptStart';
  /** Throttle backoff (R-ASYNC-5, U): `min(baseS * factor^k, maxS)` seconds for the k-th consecutive throttle. @defaultValue { baseS: 1, factor: 2, maxS: 300 } */
  readonly throttleBackoff?: { readonly baseS?: number; readonly factor?: number; readonly maxS?: number };
  /** Probability that an accepted event is also delivered a second time, same request id (R-ASYNC-10). @defaultValue 0 */
  readonly duplicateProbability?: number;
  /** Probability that a queued event is deleted without being sent: no attempt, no record (R-ASYNC-10). @defaultValue 0 */
  readonly dropProbability?: number;
  /** Dispatch events that are ready at the same instant in a seeded random order (R-ASYNC-11). @defaultValue false */
  readonly reorder?: boolean;
}

/** {@link AsyncSimulationOptions} with every default. */
export interface ResolvedAsyncSimulationOptions {
  readonly payloadLimitBytes: number;
  readonly retryDelaysMs: readonly [number, number];
  readonly retryJitterMs: number;
  readonly retryDelayFrom: 'attemptEnd' | 'attemptStart';
  readonly throttleBaseMs: number;
  readonly throttleFactor: number;
  readonly throttleMaxMs: number;
  readonly duplicateProbability: number;
  readonly dropProbability: number;
  readonly reorder: boolean;
}

const SIM_KNOWN = new Set([
  'payloadLimitBytes',
  'retryDelaysS',
  'retryJitterMs',
  'retryDelayFrom',
  'throttleBackoff',
  'duplicateProbability',
  'dropProbability',
  'reorder',
]);

/** Validates {@link AsyncSimulationOptions}. */
export function resolveAsyncSimulationOptions(
  options: AsyncSimulationOptions | undefined,
): ResolvedAsyncSimulationOptions {
  const api = 'createSimulation';
  const o = options ?? {};
  checkBlock(api, 'async', o, SIM_KNOWN);
  const payloadLimitBytes = o.payloadLimitBytes ?? MAX_ASYNC_PAYLOAD_BYTES;
  if (payloadLimitBytes !== MAX_ASYNC_PAYLOAD_BYTES && payloadLimitBytes !== LEGACY_ASYNC_PAYLOAD_BYTES)
    throw new ConfigError(
      api,
      'async.payloadLimitBytes',
      `must be ${MAX_ASYNC_PAYLOAD_BYTES} (current) or ${LEGACY_ASYNC_PAYLOAD_BYTES} (before Oct 2025)`,
      payloadLimitBytes,
    );
  const delays = o.retryDelaysS ?? [60, 120];
  if (!Array.isArray(delays) || delays.length !== 2)
    throw new ConfigError(api, 'async.retryDelaysS', 'must be a pair [first, second] of seconds', delays);
  const first = nonNegativeInt(api, 'async.retryDelaysS[0]', delays[0]);
  const second = nonNegativeInt(api, 'async.retryDelaysS[1]', delays[1]);
  const retryJitterMs = nonNegativeInt(api, 'async.retryJitterMs', o.retryJitterMs ?? 0);
  const retryDelayFrom = o.retryDelayFrom ?? 'attemptEnd';
  if (retryDelayFrom !== 'attemptEnd' && retryDelayFrom !== 'attemptStart')
    throw new ConfigError(
      api,
      'async.retryDelayFrom',
      "must be 'attemptEnd' or 'attemptStart'",
      retryDelayFrom,
    );
  const backoff = o.throttleBackoff ?? {};
  checkBlock(api, 'async.throttleBackoff', backoff, new Set(['baseS', 'factor', 'maxS']));
  const baseS = positive(api, 'async.throttleBackoff.baseS', backoff.baseS ?? 1);
  const factor = positive(api, 'async.throttleBackoff.factor', backoff.factor ?? 2);
  const maxS = positive(api, 'async.throttleBackoff.maxS', backoff.maxS ?? 300);
  return {
    payloadLimitBytes,
    retryDelaysMs: [first * 1000, second * 1000],
    retryJitterMs,
    retryDelayFrom,
    throttleBaseMs: baseS * 1000,
    throttleFactor: factor,
    throttleMaxMs: maxS * 1000,
    duplicateProbability: probability(api, 'async.duplicateProbability', o.duplicateProbability ?? 0),
    dropProbability: probability(api, 'async.dropProbability', o.dropProbability ?? 0),
    reorder: checkBoolean(api, 'async.reorder', o.reorder ?? false),
  };
}

function probability(api: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    throw new ConfigError(api, field, 'must be a probability between 0 and 1', value);
  return value;
}

function positive(api: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new ConfigError(api, field, 'must be a positive number', value);
  return value;
}

/** An options block: a plain object whose keys are all known (an unknown key is most likely a typo). */
function checkBlock(api: string, field: string, value: unknown, known: ReadonlySet<string>): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError(api, field, 'must be an object', value);
  for (const [key, v] of Object.entries(value))
    if (!known.has(key))
      throw new ConfigError(
        api,
        `${field}.${key}`,
        `is not a known option (known: ${[...known].join(', ')})`,
        v,
      );
}

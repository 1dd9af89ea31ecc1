import { ConfigError } from '../errors.js';
import { resolveFaultPlan } from '../faults/FaultInjector.js';
import { MAX_ASYNC_PAYLOAD_BYTES } from '../models/async/AsyncConfig.js';
import { SQS_MAX_MESSAGE_BYTES } from '../models/sqs/SqsQueue.js';
import { KINESIS_MAX_RECORD_BYTES } from '../models/streams/KinesisStream.js';
import { MAX_SYNC_REQUEST_BYTES } from '../models/sync.js';
import {
  SCENARIO_FUNCTION_NAME,
  type Scenario,
  type ScenarioConfig,
  type ScenarioDelivery,
  type ScenarioModel,
} from './Scenario.js';

/** The models a scenario may drive. */
export const SCENARIO_MODELS: readonly ScenarioModel[] = ['sync', 'async', 'sqs', 'kinesis'];

/** The fields of a scenario, in the order they print and save. */
export const SCENARIO_KEYS = ['model', 'seed', 'events', 'config', 'delivery', 'faults'] as const;

/** The fields of an event, in the order they print and save. */
export const EVENT_KEYS = ['atMs', 'group', 'body'] as const;

const COMMON_CONFIG = ['timeoutS', 'memoryMB', 'reservedConcurrency'] as const;

/** Config fields per model, in the order they print and save. */
export const CONFIG_KEYS: { readonly [M in ScenarioModel]: readonly (keyof ScenarioConfig)[] } = {
  sync: [...COMMON_CONFIG, 'clientTimeoutMs', 'clientMaxAttempts'],
  async: [...COMMON_CONFIG, 'maximumRetryAttempts', 'maximumEventAgeS', 'onFailureDestination'],
  sqs: [
    ...COMMON_CONFIG,
    'fifo',
    'batchSize',
    'maximumBatchingWindowS',
    'visibilityTimeoutS',
    'maxReceiveCount',
    'reportBatchItemFailures',
  ],
  kinesis: [
    ...COMMON_CONFIG,
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
};

/** Delivery fields per model, in the order they print and save. */
export const DELIVERY_KEYS: { readonly [M in ScenarioModel]: readonly (keyof ScenarioDelivery)[] } = {
  sync: [],
  async: ['asyncDuplicateProbability', 'asyncReorder'],
  sqs: ['sqsDuplicateRate', 'sqsReorderWindow'],
  kinesis: [],
};

/**
 * What one event body may weigh, per model: the model's own request / message limit, measured as
 * the model measures it (the JSON text; an SQS string body as itself).
 */
const BODY_LIMIT_BYTES: {
  readonly [M in ScenarioModel]: { readonly bytes: number; readonly what: string; readonly refusal: string };
} = {
  sync: {
    bytes: MAX_SYNC_REQUEST_BYTES,
    what: 'RequestResponse invoke payload limit',
    refusal: 'Lambda would answer 413 RequestEntityTooLargeException and never run the handler',
  },
  async: {
    bytes: MAX_ASYNC_PAYLOAD_BYTES,
    what: 'Event (asynchronous) invoke payload limit',
    refusal: 'Lambda would answer 413 RequestEntityTooLargeException and never queue the event',
  },
  sqs: {
    bytes: SQS_MAX_MESSAGE_BYTES,
    what: 'SQS message size limit',
    refusal: 'SendMessage would be refused and the message never sent',
  },
  kinesis: {
    bytes: KINESIS_MAX_RECORD_BYTES,
    what: 'Kinesis record size limit (data plus partition key)',
    refusal: 'PutRecord would be refused and the record never put',
  },
};

/** `1048576` → `1 MiB`, `6291456` → `6 MiB`, `262144` → `256 KiB`. */
function binaryUnits(bytes: number): string {
  if (bytes >= 1_048_576) return `${Number((bytes / 1_048_576).toFixed(2))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

/** An SQS MessageGroupId: 1-128 printable ASCII characters without spaces. */
const GROUP = /^[\x21-\x7e]{1,128}$/;

/** A Kinesis partition key: 1-256 characters (Unicode code points). */
function isPartitionKey(key: string): boolean {
  const n = [...key].length;
  return n >= 1 && n <= 256;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function modelsWith(field: string, keys: { readonly [M in ScenarioModel]: readonly string[] }): string {
  const models = SCENARIO_MODELS.filter((m) => keys[m].includes(field));
  return models.length === 0 ? '' : models.join(' and ');
}

/** A block (config or delivery): a plain object whose keys apply to `model`. */
function checkBlock(
  api: string,
  name: 'config' | 'delivery',
  value: unknown,
  model: ScenarioModel,
  keys: { readonly [M in ScenarioModel]: readonly string[] },
): void {
  if (!isPlainObject(value)) throw new ConfigError(api, name, 'must be an object ({} for none)', value);
  for (const key of Object.keys(value)) {
    if (keys[model].includes(key)) continue;
    const models = modelsWith(key, keys);
    const known = keys[model].length === 0 ? 'none' : keys[model].join(', ');
    throw new ConfigError(
      api,
      `${name}.${key}`,
      models === ''
        ? `is not a ${name} field of a ${model} scenario (fields: ${known})`
        : `applies to the ${models} model${models.includes(' and ') ? 's' : ''} only, not to a ${model} scenario: remove it or change the model`,
      value[key],
    );
  }
}

/**
 * Checks the shape of a scenario (e.g. one read from a saved file) and returns it typed: known
 * fields only, a known model, a safe-integer seed, events sorted by `atMs` (non-negative
 * integers) whose bodies are JSON values within the model's payload limit (non-empty for
 * sqs), config and delivery fields that apply to the model, and a valid fault plan whose
 * function faults aim at `Handler`. The ranges of config values are checked by the models
 * themselves when the scenario is wired (see `runScenario`, `loadScenario`); service targets,
 * which only the setup defines, when it runs.
 *
 * @throws ConfigError naming `api`, the field and the rule, e.g.
 * `runScenario: events[2].atMs must be >= the previous event's atMs (events are sorted), got 10`,
 * or `runScenario: events[0].body is over the async model's Event (asynchronous) invoke payload
 * limit of 1048576 bytes (1 MiB): … bound it, e.g. fc.string({ maxLength: 1000 }) …, got
 * "1100011 bytes (51435 over)"`.
 */
export function validateScenario<E = unknown>(value: unknown, api = 'runScenario'): Scenario<E> {
  if (!isPlainObject(value))
    throw new ConfigError(api, 'scenario', `must be an object { ${SCENARIO_KEYS.join(', ')} }`, value);
  for (const key of Object.keys(value))
    if (!(SCENARIO_KEYS as readonly string[]).includes(key))
      throw new ConfigError(
        api,
        key,
        `is not a field of a scenario (fields: ${SCENARIO_KEYS.join(', ')})`,
        value[key],
      );
  for (const key of SCENARIO_KEYS)
    if (!(key in value)) throw new ConfigError(api, key, 'is required in a scenario', undefined);

  const model = value.model;
  if (!(SCENARIO_MODELS as readonly unknown[]).includes(model))
    throw new ConfigError(api, 'model', `must be one of ${SCENARIO_MODELS.join(', ')}`, model);
  const m = model as ScenarioModel;

  const seed = value.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed))
    throw new ConfigError(api, 'seed', 'must be a safe integer', seed);

  const events = value.events;
  if (!Array.isArray(events)) throw new ConfigError(api, 'events', 'must be an array of events', events);
  const limit = BODY_LIMIT_BYTES[m];
  let previousMs = 0;
  events.forEach((event: unknown, i) => {
    const at = `events[${i}]`;
    if (!isPlainObject(event))
      throw new ConfigError(api, at, 'must be an event object { atMs, body, group? }', event);
    for (const key of Object.keys(event))
      if (!(EVENT_KEYS as readonly string[]).includes(key))
        throw new ConfigError(
          api,
          `${at}.${key}`,
          `is not a field of an event (fields: ${EVENT_KEYS.join(', ')})`,
          event[key],
        );
    const atMs = event.atMs;
    if (typeof atMs !== 'number' || !Number.isSafeInteger(atMs) || atMs < 0)
      throw new ConfigError(api, `${at}.atMs`, 'must be a non-negative integer (virtual milliseconds)', atMs);
    if (atMs < previousMs)
      throw new ConfigError(
        api,
        `${at}.atMs`,
        `must be >= the previous event's atMs (${previousMs}): events are sorted by time`,
        atMs,
      );
    previousMs = atMs;
    if (m === 'kinesis') {
      if (event.group !== undefined && (typeof event.group !== 'string' || !isPartitionKey(event.group)))
        throw new ConfigError(
          api,
          `${at}.group`,
          'must be 1-256 characters (a Kinesis partition key)',
          event.group,
        );
    } else if (event.group !== undefined && (typeof event.group !== 'string' || !GROUP.test(event.group)))
      throw new ConfigError(
        api,
        `${at}.group`,
        'must be 1-128 printable ASCII characters without spaces (an SQS MessageGroupId)',
        event.group,
      );
    if (!('body' in event)) throw new ConfigError(api, `${at}.body`, 'is required', undefined);
    let json: string | undefined;
    try {
      json = JSON.stringify(event.body);
    } catch (error) {
      throw new ConfigError(
        api,
        `${at}.body`,
        `must be a JSON value (${error instanceof Error ? error.message : String(error)})`,
        typeof event.body,
      );
    }
    if (json === undefined)
      throw new ConfigError(
        api,
        `${at}.body`,
        'must be a JSON value (null, a number, a string, an array or an object)',
        event.body,
      );
    if (m === 'sqs' && event.body === '')
      throw new ConfigError(
        api,
        `${at}.body`,
        'must not be empty in an sqs scenario (SQS refuses an empty MessageBody); make the event arbitrary produce non-empty strings, e.g. fc.string({ minLength: 1 })',
        event.body,
      );
    const text = (m === 'sqs' || m === 'kinesis') && typeof event.body === 'string' ? event.body : json;
    // A Kinesis record's limit counts its partition key too.
    const key =
      m === 'kinesis' ? Buffer.byteLength((event.group as string | undefined) ?? 'default', 'utf8') : 0;
    const bytes = Buffer.byteLength(text, 'utf8') + key;
    if (bytes > limit.bytes)
      throw new ConfigError(
        api,
        `${at}.body`,
        `is over the ${m} model's ${limit.what} of ${limit.bytes} bytes (${binaryUnits(limit.bytes)}): ${limit.refusal}. A generated event over the limit almost always comes from an unbounded event arbitrary: bound it, e.g. fc.string({ maxLength: 1000 }) or fc.array(item, { maxLength: 100 })`,
        `${bytes} bytes (${bytes - limit.bytes} over)`,
      );
  });

  checkBlock(api, 'config', value.config, m, CONFIG_KEYS);
  checkBlock(api, 'delivery', value.delivery, m, DELIVERY_KEYS);
  const config = value.config as Record<string, unknown>;
  for (const key of ['fifo', 'onFailureDestination', 'bisectBatchOnFunctionError'] as const)
    if (config[key] !== undefined && typeof config[key] !== 'boolean')
      throw new ConfigError(api, `config.${key}`, 'must be a boolean', config[key]);

  resolveFaultPlan(value.faults, api);
  (value.faults as readonly Record<string, unknown>[]).forEach((fault, i) => {
    if ('fn' in fault && fault.fn !== SCENARIO_FUNCTION_NAME)
      throw new ConfigError(
        api,
        `faults[${i}].fn`,
        `must be "${SCENARIO_FUNCTION_NAME}": a scenario defines one function, named ${SCENARIO_FUNCTION_NAME}`,
        fault.fn,
      );
  });
  return value as unknown as Scenario<E>;
}

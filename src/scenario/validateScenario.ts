import { ConfigError } from '../errors.js';
import { resolveFaultPlan } from '../faults/FaultInjector.js';
import { SCENARIO_MODEL_DESCRIPTORS, scenarioModel, scenarioModels } from './models/registry.js';
import type { ScenarioModelDescriptor } from './models/ScenarioModelDescriptor.js';
import { SCENARIO_FUNCTION_NAME, type Scenario, type ScenarioModel } from './Scenario.js';

/** The models a scenario may drive (the registry's built-ins). */
export const SCENARIO_MODELS: readonly ScenarioModel[] = SCENARIO_MODEL_DESCRIPTORS.map((d) => d.model);

/** The fields of a scenario, in the order they print and save. */
export const SCENARIO_KEYS = ['model', 'seed', 'events', 'config', 'delivery', 'faults'] as const;

/** The fields of an event, in the order they print and save. */
export const EVENT_KEYS = ['atMs', 'group', 'body'] as const;

/** `1048576` → `1 MiB`, `6291456` → `6 MiB`, `262144` → `256 KiB`. */
function binaryUnits(bytes: number): string {
  if (bytes >= 1_048_576) return `${Number((bytes / 1_048_576).toFixed(2))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

/** An event's group unless its model says otherwise: an SQS MessageGroupId. */
const MESSAGE_GROUP = {
  valid: (group: string) => /^[\x21-\x7e]{1,128}$/.test(group),
  rule: 'must be 1-128 printable ASCII characters without spaces (an SQS MessageGroupId)',
} as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

type BlockKeys = (model: ScenarioModelDescriptor) => readonly string[];

function modelsWith(field: string, keys: BlockKeys): string {
  const models = scenarioModels().filter((m) => keys(m).includes(field));
  const names = models.map((m) => m.model);
  // "sqs, kinesis and dynamodb-streams"
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

/** A block (config or delivery): a plain object whose keys apply to `model`. */
function checkBlock(
  api: string,
  name: 'config' | 'delivery',
  value: unknown,
  descriptor: ScenarioModelDescriptor,
  keys: BlockKeys,
): void {
  if (!isPlainObject(value)) throw new ConfigError(api, name, 'must be an object ({} for none)', value);
  const model = descriptor.model;
  const own = keys(descriptor);
  for (const key of Object.keys(value)) {
    if (own.includes(key)) continue;
    const models = modelsWith(key, keys);
    const known = own.length === 0 ? 'none' : own.join(', ');
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

  const descriptor = scenarioModel(value.model);
  if (descriptor === undefined)
    throw new ConfigError(
      api,
      'model',
      `must be one of ${scenarioModels()
        .map((d) => d.model)
        .join(', ')}`,
      value.model,
    );
  const m = descriptor.model;

  const seed = value.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed))
    throw new ConfigError(api, 'seed', 'must be a safe integer', seed);

  const events = value.events;
  if (!Array.isArray(events)) throw new ConfigError(api, 'events', 'must be an array of events', events);
  const limit = descriptor.bodyLimit;
  const groupRule = descriptor.groupRule ?? MESSAGE_GROUP;
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
    const group = event.group;
    if (group !== undefined && (typeof group !== 'string' || !groupRule.valid(group)))
      throw new ConfigError(api, `${at}.group`, groupRule.rule, group);
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
    const bodyRule = descriptor.bodyRule?.(event.body);
    if (bodyRule !== undefined) throw new ConfigError(api, `${at}.body`, bodyRule, event.body);
    const bytes =
      descriptor.eventBytes?.(event.body, json, group as string | undefined) ??
      Buffer.byteLength(json, 'utf8');
    if (bytes > limit.bytes)
      throw new ConfigError(
        api,
        `${at}.body`,
        `is over the ${m} model's ${limit.what} of ${limit.bytes} bytes (${binaryUnits(limit.bytes)}): ${limit.refusal}. A generated event over the limit almost always comes from an unbounded event arbitrary: bound it, e.g. fc.string({ maxLength: 1000 }) or fc.array(item, { maxLength: 100 })`,
        `${bytes} bytes (${bytes - limit.bytes} over)`,
      );
  });

  checkBlock(api, 'config', value.config, descriptor, (d) => d.configKeys);
  checkBlock(api, 'delivery', value.delivery, descriptor, (d) => d.deliveryKeys);
  const config = value.config as Record<string, unknown>;
  for (const key of descriptor.booleanConfigKeys ?? [])
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

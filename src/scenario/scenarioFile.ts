import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Scenario } from './Scenario.js';
import { EVENT_KEYS, SCENARIO_KEYS, validateScenario } from './validateScenario.js';
import { createScenarioSimulation, descriptorOf, wireScenario } from './wireScenario.js';

/**
 * Fault fields in the order they print: kind, target, point, then the rest (`message` is last: a
 * point of the queue faults, the text of the error faults).
 */
const FAULT_KEYS = [
  'kind',
  'fn',
  'service',
  'queue',
  'invocation',
  'call',
  'event',
  'delivery',
  'calls',
  'landed',
  'addMs',
  'errorName',
  'message',
];

/** A copy of `value` whose keys follow `order` (unknown keys after, in their own order). */
function ordered(value: object, order: readonly string[]): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of order) if (source[key] !== undefined) out[key] = source[key];
  for (const key of Object.keys(source))
    if (!(key in out) && source[key] !== undefined) out[key] = source[key];
  return out;
}

/** The scenario with every level's keys in the stable order (bodies keep their own order). */
function canonical(scenario: Scenario<unknown>): Record<string, unknown> {
  const model = descriptorOf(scenario);
  return ordered(
    {
      ...scenario,
      events: scenario.events.map((event) => ordered(event, EVENT_KEYS)),
      config: ordered(scenario.config, model.configKeys),
      delivery: ordered(scenario.delivery, model.deliveryKeys),
      faults: scenario.faults.map((fault) => ordered(fault, FAULT_KEYS)),
    },
    SCENARIO_KEYS,
  );
}

/** What JSON.parse found wrong, with the line and column when it gives a position. */
function jsonProblem(text: string, error: unknown): string {
  if (text.trim() === '') return 'the file is empty';
  const message = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/.exec(message);
  if (at === null || /\(line \d+/.test(message)) return message;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message}: line ${line}, column ${column}`;
}

/**
 * Writes a scenario as JSON (stable key order, 2-space indent), creating the directory; e.g. a
 * shrunk counterexample to `fixtures/regressions/<name>.json`, to replay with
 * {@link loadScenario} and `runScenario` as a plain regression test.
 *
 * @example
 * ```ts
 * saveScenario('fixtures/regressions/double-charge.json', counterexample);
 * ```
 * @throws ConfigError for an invalid scenario (nothing is written).
 */
export function saveScenario(path: string, scenario: Scenario<unknown>): void {
  validateScenario(scenario, `saveScenario(${JSON.stringify(path)})`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(canonical(scenario), null, 2)}\n`, 'utf8');
}

/**
 * Reads a scenario saved by {@link saveScenario} (or written by hand) and validates all of it:
 * its shape, its fault plan, and its configuration as the models check it.
 *
 * @example
 * ```ts
 * const result = await runScenario(loadScenario('fixtures/regressions/double-charge.json'), setup);
 * ```
 * @throws ConfigError naming the file, the entry and field, and the rule, e.g.
 * `loadScenario("fixtures/regressions/x.json"): faults[1].invocation must be an integer >= 1, got 0`,
 * `loadScenario("x.json"): model must be one of sync, async, sqs, kinesis, dynamodb-streams, got "mq"`, or for a file
 * that is not JSON `loadScenario("x.json"): file must hold a scenario as JSON, as saveScenario
 * writes it (Expected double-quoted property name in JSON at position 22: line 3, column 3), got …`.
 * Fault targets other than the function (services) are checked when the scenario runs.
 */
export function loadScenario<E = unknown>(path: string): Scenario<E> {
  const api = `loadScenario(${JSON.stringify(path)})`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ConfigError(
      api,
      'path',
      `must name a readable scenario file (${typeof code === 'string' ? code : String(error)})`,
      path,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      api,
      'file',
      `must hold a scenario as JSON, as saveScenario writes it (${jsonProblem(text, error)})`,
      text.length > 40 ? `${text.slice(0, 37)}...` : text,
    );
  }
  const scenario = validateScenario<E>(value, api);
  // The configuration, as the models check it: wired on a throwaway simulation, never run.
  const sim = createScenarioSimulation(scenario, api);
  wireScenario(sim, scenario, () => () => async () => undefined, api);
  return scenario;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const WIDTH = 100;

function quote(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

function literal(value: unknown, indent: string): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'object') return String(value);
  const inner = `${indent}  `;
  const parts = Array.isArray(value)
    ? value.map((v) => literal(v, inner))
    : Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${IDENTIFIER.test(k) ? k : quote(k)}: ${literal(v, inner)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (parts.length === 0) return `${open}${close}`;
  const flat = Array.isArray(value) ? `[${parts.join(', ')}]` : `{ ${parts.join(', ')} }`;
  if (!flat.includes('\n') && indent.length + flat.length <= WIDTH) return flat;
  return `${open}\n${parts.map((p) => `${inner}${p},`).join('\n')}\n${indent}${close}`;
}

/**
 * A scenario as a readable TypeScript literal, keys in a stable order (model, seed, events,
 * config, delivery, faults; each event `atMs`, `group`, `body`; each fault `kind`, target,
 * point, …), short objects on one line. Paste it into a test to replay the scenario.
 *
 * @example
 * ```ts
 * formatScenario(counterexample);
 * // {
 * //   model: 'async',
 * //   seed: 0,
 * //   events: [{ atMs: 0, body: { orderId: 'o-1' } }],
 * //   config: { timeoutS: 1, maximumRetryAttempts: 1, maximumEventAgeS: 21600 },
 * //   delivery: {},
 * //   faults: [{ kind: 'crashAfterCalls', fn: 'Handler', invocation: 1, calls: 1 }],
 * // }
 * ```
 */
export function formatScenario(scenario: Scenario<unknown>): string {
  const c = canonical(scenario);
  const lines = Object.entries(c).map(([key, value]) => `  ${key}: ${literal(value, '  ')},`);
  return `{\n${lines.join('\n')}\n}`;
}

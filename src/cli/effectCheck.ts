import { exactlyOnce } from '../checks/exactlyOnce.js';
import type { ExactlyOnceViolation } from '../checks/Violation.js';
import type { ScenarioResult } from '../scenario/Scenario.js';
import type { Effect } from '../services/ExternalApi.js';
import { CliError } from './CliError.js';
import type { EffectCheckSpec } from './parseCliArgs.js';

/** What `--check exactly-once` checked and found. */
export interface EffectCheckOutcome {
  /** The api checked (`--service`, or the one picked). */
  readonly service: string;
  /** `--op`, when given. */
  readonly op: string | undefined;
  readonly violations: readonly ExactlyOnceViolation[];
}

/**
 * `--check exactly-once --key <path>`: {@link exactlyOnce} over the effects of one external api
 * (`--service`, else the only api, else the only one that made effects; `--op` narrows it), keyed
 * by the path, in both directions with the run's input ledger (`result.inputs`), as the matcher
 * `toHaveEffectsExactlyOnce` does.
 *
 * @example
 * ```ts
 * checkEffects(result, { key: 'args.orderId', path: ['args', 'orderId'], service: undefined, op: undefined });
 * // { service: 'payments', op: undefined, violations: [duplicateEffect for o-1] }
 * ```
 * @throws CliError (one line naming what is valid) when the api cannot be picked or does not
 * exist, when no effect of the api has `--op`, or when the key reaches nothing in its effects.
 */
export function checkEffects(result: ScenarioResult<unknown>, spec: EffectCheckSpec): EffectCheckOutcome {
  const service = pickService(result, spec.service);
  const all = result.effects(service);
  const effects = spec.op === undefined ? all : all.filter((e) => e.op === spec.op);
  if (spec.op !== undefined && all.length > 0 && effects.length === 0)
    throw new CliError(
      `--op ${spec.op}: no ${service} effect has that op (ops: ${[...new Set(all.map((e) => e.op))].sort().join(', ')})`,
    );
  const keyOf = (effect: Effect): string | undefined => keyText(valueAt(effect, spec.path));
  if (effects.length > 0 && effects.every((e) => keyOf(e) === undefined))
    throw new CliError(
      `--key ${spec.key}: no ${service}${spec.op === undefined ? '' : `.${spec.op}`} effect has a value there (args fields: ${argsFields(effects).join(', ') || 'none'})`,
    );
  const violations = exactlyOnce(effects, keyOf, {
    inputs: result.inputs,
    service,
    ...(spec.op === undefined ? {} : { op: spec.op }),
  });
  return { service, op: spec.op, violations };
}

/**
 * The line `replay` prints when effects were not checked: what the run's effects were and the
 * fields of their arguments, to pick a `--key` from.
 *
 * @example
 * ```ts
 * uncheckedEffectsNote(result);
 * // 'not run: effects were not checked (payments.charge: 2 applied); check them with
 * //  --check exactly-once --key args.<field> (payments.charge args: amountCents, orderId)'
 * ```
 */
export function uncheckedEffectsNote(result: ScenarioResult<unknown>): string {
  const apis = result.sim.definedServices().apis.map((api) => api.name);
  if (apis.length === 0)
    return 'not run: the setup defines no external api (sim.api), so no effects to check';
  const byOp = new Map<string, Effect[]>();
  for (const api of apis)
    for (const effect of result.effects(api)) {
      const name = `${effect.service}.${effect.op}`;
      const list = byOp.get(name);
      if (list === undefined) byOp.set(name, [effect]);
      else list.push(effect);
    }
  const how = 'check them with --check exactly-once --key args.<field>';
  if (byOp.size === 0)
    return `not run: effects were not checked (none in this run: ${apis.join(', ')}); ${how}`;
  const applied = [...byOp].map(([name, list]) => `${name}: ${list.length} applied`).join(', ');
  const fields = [...byOp]
    .map(([name, list]) => `${name} args: ${argsFields(list).join(', ') || 'none'}`)
    .join('; ');
  return `not run: effects were not checked (${applied}); ${how} (${fields})`;
}

function pickService(result: ScenarioResult<unknown>, asked: string | undefined): string {
  const apis = result.sim
    .definedServices()
    .apis.map((api) => api.name)
    .sort();
  if (asked !== undefined) {
    if (!apis.includes(asked))
      throw new CliError(
        `--service ${asked}: the setup has no external api of that name (apis: ${apis.join(', ') || 'none'})`,
      );
    return asked;
  }
  if (apis.length === 0)
    throw new CliError(
      '--check exactly-once: the setup defines no external api (sim.api): no effects to check',
    );
  if (apis.length === 1) return apis[0]!;
  const withEffects = apis.filter((name) => result.effects(name).length > 0);
  if (withEffects.length === 1) return withEffects[0]!;
  throw new CliError(
    withEffects.length === 0
      ? `--check exactly-once: none of the external apis (${apis.join(', ')}) made an effect: name the one to check with --service`
      : `--check exactly-once: ${withEffects.length} external apis made effects (${withEffects.join(', ')}): name one with --service`,
  );
}

/** The value at `path` in the effect (`args.…` walks into the call's arguments). */
function valueAt(effect: Effect, path: readonly string[]): unknown {
  let value: unknown = effect;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** A key value as text: strings as they are, other values as JSON; `undefined`/`null`: no key. */
function keyText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The top-level fields of the effects' arguments, sorted. */
function argsFields(effects: readonly Effect[]): string[] {
  const fields = new Set<string>();
  for (const e of effects)
    if (e.args !== null && typeof e.args === 'object' && !Array.isArray(e.args))
      for (const name of Object.keys(e.args)) fields.add(name);
  return [...fields].sort();
}

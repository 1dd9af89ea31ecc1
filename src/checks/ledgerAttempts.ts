import { ConfigError } from '../errors.js';
import type { InputAttempt, InputRecord } from '../results/InputRecord.js';
import type { Effect } from '../services/ExternalApi.js';
import type { EffectKeyOf } from './effectKeys.js';
import { inputModel } from './inputModels/registry.js';
import type { AttemptRef } from './Violation.js';

export type { AttemptRef } from './Violation.js';

/** @internal Every distinct attempt of the ledger with its inputs, in start order. */
export function attemptsOf(inputs: readonly InputRecord[]): AttemptRef[] {
  const byAttempt = new Map<InputAttempt, InputRecord[]>();
  for (const input of inputs)
    for (const attempt of input.attempts) {
      const list = byAttempt.get(attempt);
      if (list === undefined) byAttempt.set(attempt, [input]);
      else list.push(input);
    }
  const out = [...byAttempt].map(([attempt, list]) => ({ attempt, inputs: inBatchOrder(attempt, list) }));
  // Stable: attempts that started at the same instant keep ledger order.
  return out.sort((a, b) => a.attempt.startedAtMs - b.attempt.startedAtMs);
}

function inBatchOrder(attempt: InputAttempt, inputs: InputRecord[]): InputRecord[] {
  const ids = attempt.batch?.messageIds;
  if (ids === undefined || inputs.length < 2) return inputs;
  const at = new Map(ids.map((id, i) => [id, i]));
  return inputs.sort((a, b) => (at.get(a.id) ?? 0) - (at.get(b.id) ?? 0));
}

/** @internal The key of each counted effect (by call id): the effects given to a check whose `keyOf` is defined. */
export function keysByCall(effects: readonly Effect[], keyOf: EffectKeyOf): Map<number, string> {
  const out = new Map<number, string>();
  for (const effect of effects) {
    const key = keyOf(effect);
    if (key !== undefined) out.set(effect.callId, key);
  }
  return out;
}

/** @internal An attempt's counted effects by key, in landing order. */
export function effectsByKey(
  attempt: InputAttempt,
  keys: ReadonlyMap<number, string>,
): Map<string, Effect[]> {
  const out = new Map<string, Effect[]>();
  for (const effect of attempt.effects) {
    const key = keys.get(effect.callId);
    if (key === undefined) continue;
    const list = out.get(key);
    if (list === undefined) out.set(key, [effect]);
    else list.push(effect);
  }
  return out;
}

/** @internal The body as handler code reads it: an SQS body parsed from JSON when it is JSON. */
export function bodyOf(input: InputRecord): unknown {
  const model = inputModel(input.model);
  return model.bodyOf === undefined ? input.body : model.bodyOf(input);
}

/** @internal Throws a ConfigError unless `inputKey` is a function (or absent, when not `required`). */
export function requireInputKey(check: string, inputKey: unknown, required: boolean): void {
  if (typeof inputKey === 'function' || (!required && inputKey === undefined)) return;
  throw new ConfigError(check, 'inputKey', 'must be a function (body, input) => key', inputKey);
}

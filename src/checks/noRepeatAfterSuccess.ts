import { ConfigError } from '../errors.js';
import type { InputRecord } from '../results/InputRecord.js';
import type { Effect } from '../services/ExternalApi.js';
import { type EffectKeyOf, type EffectLabelOptions, groupEffects } from './effectKeys.js';
import type { InputKeyOf } from './exactlyOnce.js';
import { withMessage } from './formatViolation.js';
import {
  type AttemptRef,
  attemptsOf,
  bodyOf,
  effectsByKey,
  keysByCall,
  requireInputKey,
} from './ledgerAttempts.js';
import type { NoRepeatAfterSuccessViolation } from './Violation.js';

/** Options of {@link noRepeatAfterSuccess}. */
export interface NoRepeatAfterSuccessOptions extends EffectLabelOptions {
  /**
   * The key a message expects its effect under, from its body (parsed from JSON when it is
   * JSON). Needed to tell which record of an SQS batch with a partial-batch response succeeded:
   * without it, such a batch of several messages never counts as a success (the check cannot
   * tell which record made which effect), so repeats after it go unseen.
   * @defaultValue none
   */
  readonly inputKey?: InputKeyOf;
}

/**
 * The contract idempotency libraries (Powertools idempotency and the like) promise, weaker than
 * {@link exactlyOnce}: per key,
 * - `repeatedAfterSuccess`: once an attempt that made the key's effect has succeeded, no attempt
 *   started later makes it again (the idempotency record answers it);
 * - `bothSucceeded`: two overlapping attempts that both made the effect never both succeed (the
 *   in-progress lock lets one through, fails the other).
 *
 * What it allows: an attempt that made the effect and then failed (a timeout after the call
 * landed, a crash), followed by a retry that makes it again. No library can stop that repeat
 * unless the downstream honours an idempotency key; `exactlyOnce` reports it, this check does
 * not. Use this check when the handler relies on an idempotency library and the downstream
 * has no key; use `exactlyOnce` (or the matcher `toHaveEffectsExactlyOnce`) for the end-to-end
 * promise.
 *
 * What "succeeded" means, from the ledger (`result.inputs`): a sync or async attempt that
 * returned without error; an SQS batch whose messages were all deleted; in a batch with a
 * partial-batch response, the records not reported as failures: which record made an effect is
 * known only through `inputKey` (or when the batch held one message). Effects whose `keyOf` is
 * `undefined` are left out; an effect made between invocations belongs to no attempt.
 *
 * @example
 * ```ts
 * const charges = result.effects('payments');
 * checks.noRepeatAfterSuccess(result.inputs, charges, (e) => (e.args as { orderId: string }).orderId);
 * // [] unless an order was charged again after an attempt that charged it succeeded
 * ```
 */
export function noRepeatAfterSuccess(
  inputs: readonly InputRecord[],
  effects: readonly Effect[],
  keyOf: EffectKeyOf,
  options: NoRepeatAfterSuccessOptions = {},
): NoRepeatAfterSuccessViolation[] {
  if (!Array.isArray(inputs))
    throw new ConfigError('noRepeatAfterSuccess', 'inputs', 'must be the ledger result.inputs', inputs);
  requireInputKey('noRepeatAfterSuccess', options.inputKey, false);
  const { groups, service, op } = groupEffects(effects, keyOf, options);
  const keys = keysByCall(effects, keyOf);
  const byKey = new Map<string, Made[]>();
  for (const ref of attemptsOf(inputs))
    for (const key of effectsByKey(ref.attempt, keys).keys()) {
      const made: Made = { ref, succeeded: succeededFor(ref, key, options.inputKey) };
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [made]);
      else list.push(made);
    }
  const out: NoRepeatAfterSuccessViolation[] = [];
  for (const [key, made] of byKey) {
    const found = firstBreach(made);
    if (found === undefined) continue;
    out.push(
      withMessage({
        check: 'noRepeatAfterSuccess',
        kind: found.kind,
        service,
        op,
        key,
        succeeded: found.succeeded,
        repeated: found.repeated,
        effects: groups.get(key) ?? [],
      }),
    );
  }
  return out;
}

interface Made {
  readonly ref: AttemptRef;
  readonly succeeded: boolean;
}

/** The key's first breach, attempts in start order: a repeat after a success, else two overlapping successes. */
function firstBreach(
  made: readonly Made[],
): { kind: NoRepeatAfterSuccessViolation['kind']; succeeded: AttemptRef; repeated: AttemptRef } | undefined {
  const successes = made.filter((m) => m.succeeded);
  if (successes.length === 0) return undefined;
  for (const m of made) {
    const start = m.ref.attempt.startedAtMs;
    const before = successes.find((s) => s !== m && endOf(s) <= start);
    if (before !== undefined) return { kind: 'repeatedAfterSuccess', succeeded: before.ref, repeated: m.ref };
  }
  if (successes.length > 1)
    return { kind: 'bothSucceeded', succeeded: successes[0]!.ref, repeated: successes[1]!.ref };
  return undefined;
}

function endOf(m: Made): number {
  return m.ref.attempt.endedAtMs ?? Number.POSITIVE_INFINITY;
}

/** Whether the attempt succeeded for the input(s) that carry `key`. */
function succeededFor(ref: AttemptRef, key: string, inputKey: InputKeyOf | undefined): boolean {
  const { attempt } = ref;
  if (attempt.outcome !== 'succeeded') return false;
  const batch = attempt.batch;
  if (batch === undefined) return true;
  if (batch.outcome === 'succeeded') return true;
  if (batch.outcome !== 'partiallyFailed') return false;
  const failed = new Set(batch.failedIds);
  if (inputKey === undefined) return batch.messageIds.length === 1 && !failed.has(batch.messageIds[0]!);
  return ref.inputs.some((input) => !failed.has(input.id) && inputKey(bodyOf(input), input) === key);
}

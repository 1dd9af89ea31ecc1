import { ConfigError } from '../errors.js';
import { type InputRecord, isAcknowledged } from '../results/InputRecord.js';
import type { Effect } from '../services/ExternalApi.js';
import { type EffectKeyOf, type EffectLabelOptions, groupEffects } from './effectKeys.js';
import { withMessage } from './formatViolation.js';
import { bodyOf, requireInputKey } from './ledgerAttempts.js';
import type { ExactlyOnceViolation } from './Violation.js';

/** Which key an input expects its effect under (`undefined`: the input expects no effect). */
export type InputKeyOf = (body: unknown, input: InputRecord) => string | undefined;

/** Options of {@link exactlyOnce}. */
export interface ExactlyOnceOptions extends EffectLabelOptions {
  /** Keys that must each have an effect; a key without one is a `missingEffect`. @defaultValue none */
  readonly expectedKeys?: Iterable<string>;
  /**
   * The run's input ledger (`result.inputs`), to check the other direction: every acknowledged
   * input (deleted, succeeded, sent to an on-success destination) has its effect. The matcher
   * `toHaveEffectsExactlyOnce` passes it for you. Without it only duplicates (and `expectedKeys`)
   * can be seen. @defaultValue none
   */
  readonly inputs?: readonly InputRecord[];
  /**
   * The key an input expects its effect under, from its body (for SQS the message body parsed
   * from JSON when it is JSON, else its text): an acknowledged input whose key has no effect is
   * `acknowledgedWithoutEffect`. Give it when one invocation handles several inputs (SQS batches)
   * or when several inputs may carry the same key (a deliberate duplicate): without it an input
   * counts as having its effect when one of its attempts made one (see `result.inputs`).
   * @defaultValue none (inputs are matched to effects through their attempts)
   */
  readonly inputKey?: InputKeyOf;
  /**
   * `both`: duplicates and, with `inputs`, acknowledged inputs without their effect;
   * `duplicatesOnly`: only keys with two or more effects (and `expectedKeys`). A dead-lettered or
   * discarded input may have its effect at most once in both (its key is never required).
   * @defaultValue 'both'
   */
  readonly direction?: 'both' | 'duplicatesOnly';
}

/**
 * Safety: each key has exactly one effect, in both directions.
 * - `duplicateEffect`: a key with two or more effects (a retry or redelivery repeated it);
 * - `acknowledgedWithoutEffect` (with `inputs`): an input that was acknowledged as processed
 *   (SQS message deleted, async event succeeded or sent to its on-success destination, sync
 *   request answered 200) whose effect never landed. With `inputKey`, the input's key has no
 *   effect; without it, none of the input's attempts made an effect this check counts. Inputs
 *   with equal bodies to one function count as one (a client's retry, a producer's duplicate, a
 *   second event for the same order need the effect once between them). Inputs without a
 *   scenario event index count only when their function made an effect, or was hit by a fault
 *   on a call, on this service.
 * - `missingEffect`: a key of `expectedKeys` with none.
 *
 * Effects whose `keyOf` is `undefined` are left out.
 *
 * @example
 * ```ts
 * const charges = result.effects('payments').filter((e) => e.op === 'charge');
 * checks.exactlyOnce(charges, (e) => (e.args as { orderId: string }).orderId, { inputs: result.inputs });
 * // [] when each order was charged once; duplicateEffect for a double charge;
 * // acknowledgedWithoutEffect for an order whose event succeeded but was never charged
 * ```
 */
export function exactlyOnce(
  effects: readonly Effect[],
  keyOf: EffectKeyOf,
  options: ExactlyOnceOptions = {},
): ExactlyOnceViolation[] {
  const direction = options.direction ?? 'both';
  if (direction !== 'both' && direction !== 'duplicatesOnly')
    throw new ConfigError('exactlyOnce', 'direction', "must be 'both' or 'duplicatesOnly'", direction);
  requireInputKey('exactlyOnce', options.inputKey, false);
  const { groups, service, op } = groupEffects(effects, keyOf, options);
  const out: ExactlyOnceViolation[] = [];
  for (const [key, group] of groups) {
    if (group.length > 1)
      out.push(
        withMessage({
          check: 'exactlyOnce',
          kind: 'duplicateEffect',
          service,
          op,
          key,
          count: group.length,
          effects: group,
        }),
      );
  }
  if (direction === 'both' && options.inputs !== undefined) {
    const found =
      options.inputKey === undefined
        ? withoutEffectByAttempts(options.inputs, groups, service)
        : withoutEffectByKey(options.inputs, groups, options.inputKey);
    for (const { input, key } of found)
      out.push(
        withMessage({
          check: 'exactlyOnce',
          kind: 'acknowledgedWithoutEffect',
          service,
          op,
          key,
          count: 0,
          effects: [],
          input,
        }),
      );
  }
  if (options.expectedKeys !== undefined) {
    for (const key of new Set(options.expectedKeys)) {
      if (!groups.has(key))
        out.push(
          withMessage({
            check: 'exactlyOnce',
            kind: 'missingEffect',
            service,
            op,
            key,
            count: 0,
            effects: [],
          }),
        );
    }
  }
  return out;
}

interface Missing {
  readonly input: InputRecord;
  /** The expected key (inputKey), or undefined when matched through attempts. */
  readonly key: string | undefined;
}

function withoutEffectByKey(
  inputs: readonly InputRecord[],
  groups: ReadonlyMap<string, readonly Effect[]>,
  inputKey: InputKeyOf,
): Missing[] {
  const out: Missing[] = [];
  const reported = new Set<string>();
  for (const input of inputs) {
    if (!isAcknowledged(input)) continue;
    const key = inputKey(bodyOf(input), input);
    if (key === undefined || groups.has(key) || reported.has(key)) continue;
    reported.add(key);
    out.push({ input, key });
  }
  return out;
}

function withoutEffectByAttempts(
  inputs: readonly InputRecord[],
  groups: ReadonlyMap<string, readonly Effect[]>,
  service: string,
): Missing[] {
  const counted = new Set<number>();
  const fns = new Set<string>();
  for (const group of groups.values())
    for (const e of group) {
      counted.add(e.callId);
      if (e.fn !== undefined) fns.add(e.fn);
    }
  // Inputs with equal bodies to one function are one unit: a client's retry, a producer's
  // duplicate, a second event for the same order need the effect once between them.
  const units = new Map<string, { acknowledged: InputRecord | undefined; has: boolean }>();
  for (const input of inputs) {
    if (input.fn === undefined) continue;
    if (input.eventIndex === undefined && !fns.has(input.fn) && !faultedOn(input, service)) continue;
    const has = input.effects.some((e) => counted.has(e.callId));
    const id = `${input.fn}\u0000${bodyText(input.body)}`;
    const acknowledged = isAcknowledged(input) ? input : undefined;
    const unit = units.get(id);
    if (unit === undefined) units.set(id, { acknowledged, has });
    else {
      unit.acknowledged ??= acknowledged;
      unit.has ||= has;
    }
  }
  const out: Missing[] = [];
  for (const unit of units.values())
    if (unit.acknowledged !== undefined && !unit.has) out.push({ input: unit.acknowledged, key: undefined });
  return out;
}

/** A body's text for grouping (an SQS body is text already). */
function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  try {
    return JSON.stringify(body) ?? 'undefined';
  } catch {
    return String(body);
  }
}

/** Whether a call fault on `service` hit one of the input's attempts. */
function faultedOn(input: InputRecord, service: string): boolean {
  return input.attempts.some((a) => a.faults.some((f) => f.point === 'call' && f.target === service));
}

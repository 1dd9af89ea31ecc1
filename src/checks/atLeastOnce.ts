import type { Effect } from '../services/ExternalApi.js';
import { type EffectKeyOf, type EffectLabelOptions, groupEffects } from './effectKeys.js';
import { withMessage } from './formatViolation.js';
import type { AtLeastOnceViolation } from './Violation.js';

/** Options of {@link atLeastOnce}. */
export type AtLeastOnceOptions = EffectLabelOptions;

/**
 * Liveness: every expected key has at least one effect (duplicates are fine here; combine with
 * {@link exactlyOnce} to forbid them). Run it on a run whose faults have healed (a quiescent end),
 * where every input had its chance to finish.
 *
 * @example
 * ```ts
 * const emails = result.effects('mailer').filter((e) => e.op === 'send');
 * checks.atLeastOnce(emails, (e) => (e.args as { orderId: string }).orderId, ['o-1', 'o-2']);
 * ```
 */
export function atLeastOnce(
  effects: readonly Effect[],
  keyOf: EffectKeyOf,
  expectedKeys: Iterable<string>,
  options: AtLeastOnceOptions = {},
): AtLeastOnceViolation[] {
  const { groups, service, op } = groupEffects(effects, keyOf, options);
  const out: AtLeastOnceViolation[] = [];
  for (const key of new Set(expectedKeys)) {
    if (!groups.has(key))
      out.push(withMessage({ check: 'atLeastOnce', kind: 'missingEffect', service, op, key }));
  }
  return out;
}

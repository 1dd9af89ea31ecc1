import type { Effect } from '../services/ExternalApi.js';
import { type EffectKeyOf, type EffectLabelOptions, groupEffects } from './effectKeys.js';
import { withMessage } from './formatViolation.js';
import type { ExactlyOnceViolation } from './Violation.js';

/** Options of {@link exactlyOnce}. */
export interface ExactlyOnceOptions extends EffectLabelOptions {
  /** Keys that must each have an effect; a key without one is a `missingEffect`. @defaultValue none (only duplicates are reported) */
  readonly expectedKeys?: Iterable<string>;
}

/**
 * Safety: each key has exactly one effect. Reports every key with two or more effects
 * (`duplicateEffect`: a retry or redelivery repeated the side effect) and, with `expectedKeys`,
 * every expected key with none (`missingEffect`). Effects whose `keyOf` is `undefined` are left out.
 *
 * @example
 * ```ts
 * const charges = result.effects('payments').filter((e) => e.op === 'charge');
 * checks.exactlyOnce(charges, (e) => (e.args as { orderId: string }).orderId, { expectedKeys: ['o-1'] });
 * // [] when o-1 was charged once; a duplicateEffect violation when it was charged twice
 * ```
 */
export function exactlyOnce(
  effects: readonly Effect[],
  keyOf: EffectKeyOf,
  options: ExactlyOnceOptions = {},
): ExactlyOnceViolation[] {
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

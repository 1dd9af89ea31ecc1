import type { Effect } from '../services/ExternalApi.js';

/** Names effects in a check's messages. */
export interface EffectLabelOptions {
  /** The service named in messages. @defaultValue the service of the effects given (`'effects'` when there are none) */
  readonly service?: string;
  /** The operation named in messages. @defaultValue the op of the effects given, when they all share one */
  readonly op?: string;
}

/** Which key of an effect a check counts it under; `undefined` leaves the effect out. */
export type EffectKeyOf = (effect: Effect) => string | undefined;

/** @internal Effects grouped by key (first-seen order), and the label of the whole set. */
export function groupEffects(
  effects: readonly Effect[],
  keyOf: EffectKeyOf,
  options: EffectLabelOptions,
): { groups: Map<string, Effect[]>; service: string; op: string | undefined } {
  const groups = new Map<string, Effect[]>();
  const services = new Set<string>();
  const ops = new Set<string>();
  for (const effect of effects) {
    const key = keyOf(effect);
    if (key === undefined) continue;
    services.add(effect.service);
    ops.add(effect.op);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [effect]);
    else group.push(effect);
  }
  const service = options.service ?? (services.size > 0 ? [...services].join('/') : 'effects');
  const op = options.op ?? (ops.size === 1 ? [...ops][0] : undefined);
  return { groups, service, op };
}

import fc from 'fast-check';
import type { ScenarioConfig } from '../Scenario.js';

/**
 * Drawn ranges of the config fields every model reads. Each shrinks toward its smallest value.
 * Memory is never drawn: the simulation has no memory model, so it would only add noise.
 */
export const COMMON_RANGES = {
  timeoutS: { min: 1, max: 30 },
  reservedConcurrency: { min: 1, max: 10 },
} as const;

/** Config fields every model reads, first in print order. */
export const COMMON_CONFIG_KEYS = ['timeoutS', 'memoryMB', 'reservedConcurrency'] as const;

/** `fc.record` with plain objects only (what JSON and literals give back). */
export function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true });
}

/** Off half of the time (and when shrinking), else one of `arb`'s values. */
export function maybe<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined, freq: 2 });
}

/** A fixed field, or one drawn by `arb`. */
export function fixedOr<T>(fixed: T | undefined, arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fixed === undefined ? arb : fc.constant(fixed);
}

/** `value` without its `undefined` fields: short literals, and option bags for `exactOptionalPropertyTypes`. */
export function compact<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

/** The common fields' arbitraries (record entries), the timeout drawn up to `maxTimeoutS`. */
export function commonConfig(c: ScenarioConfig, maxTimeoutS: number = COMMON_RANGES.timeoutS.max) {
  return {
    timeoutS: fixedOr(c.timeoutS, fc.integer({ min: COMMON_RANGES.timeoutS.min, max: maxTimeoutS })),
    memoryMB: fc.constant(c.memoryMB),
    reservedConcurrency:
      c.reservedConcurrency === undefined
        ? maybe(fc.integer(COMMON_RANGES.reservedConcurrency))
        : fc.constant(c.reservedConcurrency),
  };
}

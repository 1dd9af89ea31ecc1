import { ConfigError, describe } from '../errors.js';
import type { Rng } from '../sim/Rng.js';

/**
 * A latency shape: each call's latency is drawn from the run's seeded stream so that half the
 * calls take at most `p50` ms and 99 % at most `p99` ms (a lognormal distribution fitted to the
 * two quantiles, rounded to whole milliseconds).
 *
 * @example
 * ```ts
 * const pricing = sim.api('pricing', { latencyMs: { p50: 40, p99: 900 } }); // a slow tail
 * ```
 */
export interface LatencyShape {
  /** The median latency in ms (> 0). */
  readonly p50: number;
  /** The 99th percentile in ms (>= `p50`; equal to it: every call takes `p50`). */
  readonly p99: number;
}

/** A service's latency option: a constant number of ms, or a {@link LatencyShape} drawn per call. */
export type LatencyMs = number | LatencyShape;

/** A validated {@link LatencyShape} with its fitted lognormal parameters (`ln` of the latency is normal). */
export interface FittedLatency extends LatencyShape {
  /** Mean of `ln(latency)`: `ln(p50)`. */
  readonly mu: number;
  /** Standard deviation of `ln(latency)`: `ln(p99 / p50) / z(0.99)`. */
  readonly sigma: number;
}

/** The standard normal's 0.99 quantile. */
const Z99 = 2.3263478740408408;

/**
 * Longest latency a shape may give or draw: an hour, as SQS's latency option allows. A draw
 * beyond it (for `{ p50: 40, p99: 900 }`, about once in 10^17 calls) is cut to it.
 */
export const MAX_LATENCY_MS = 3_600_000;

const SHAPE_FIELDS = new Set(['p50', 'p99']);

/**
 * Validates a latency option: a non-negative integer, or `{ p50, p99 }` with
 * `0 < p50 <= p99 <= MAX_LATENCY_MS`, both finite. Errors name the field (`latencyMs.p99`).
 */
export function resolveLatencyMs(api: string, value: unknown, defaultMs: number): number | FittedLatency {
  const v = value ?? defaultMs;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0)
      throw new ConfigError(api, 'latencyMs', 'must be a non-negative integer', v);
    return v;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new ConfigError(
      api,
      'latencyMs',
      'must be a non-negative integer (ms) or a shape { p50, p99 } (ms, 0 < p50 <= p99)',
      v,
    );
  const shape = v as Record<string, unknown>;
  for (const key of Object.keys(shape))
    if (!SHAPE_FIELDS.has(key))
      throw new ConfigError(
        api,
        `latencyMs.${key}`,
        'is not a field of a latency shape (fields: p50, p99)',
        shape[key],
      );
  const p50 = quantile(api, 'p50', shape.p50);
  const p99 = quantile(api, 'p99', shape.p99);
  if (p99 < p50)
    throw new ConfigError(api, 'latencyMs.p99', `must be at least latencyMs.p50 (${describe(p50)})`, p99);
  return Object.freeze({ p50, p99, mu: Math.log(p50), sigma: Math.log(p99 / p50) / Z99 });
}

function quantile(api: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_LATENCY_MS)
    throw new ConfigError(
      api,
      `latencyMs.${field}`,
      `must be a finite number of ms above 0 and at most ${MAX_LATENCY_MS}`,
      value,
    );
  return value;
}

/**
 * One call's latency: the constant, or a draw of the fitted lognormal from `rng` (two uniform
 * draws, Box-Muller), rounded to whole ms and cut at {@link MAX_LATENCY_MS}.
 */
export function drawLatencyMs(latency: number | FittedLatency, rng: () => Rng): number {
  if (typeof latency === 'number') return latency;
  if (latency.sigma === 0) return Math.round(latency.p50);
  const r = rng();
  // 1 - next() is in (0, 1]: the logarithm is finite.
  const radius = Math.sqrt(-2 * Math.log(1 - r.next()));
  const z = radius * Math.cos(2 * Math.PI * r.next());
  return Math.min(MAX_LATENCY_MS, Math.round(Math.exp(latency.mu + latency.sigma * z)));
}

/** The sub-stream a service's latency draws come from: one per service, so services do not shift each other. */
export function latencyStream(service: string): string {
  return `services.latency:${service}`;
}

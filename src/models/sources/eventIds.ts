import { createHash } from 'node:crypto';
import { realGlobals } from '../../sim/realGlobals.js';

/** A UUID-shaped id derived from a hash of `parts`: deterministic, the same for the same input. */
export function hashedUuid(...parts: readonly unknown[]): string {
  const h = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** ISO-8601 with milliseconds, e.g. `2026-01-01T00:00:00.000Z`. */
export function isoMs(epochMs: number): string {
  return new realGlobals.Date(epochMs).toISOString();
}

/** ISO-8601 without milliseconds, as EventBridge writes `time`: `2026-01-01T00:00:00Z`. */
export function isoSeconds(epochMs: number): string {
  return `${new realGlobals.Date(epochMs).toISOString().slice(0, 19)}Z`;
}

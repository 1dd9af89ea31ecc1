/**
 * The shared shape of the event-schedule workload (scenarios a, b, c): PROCESSES "processes",
 * each rescheduling itself 1..MAX_DELAY_MS ms into the future, delays drawn from one seeded
 * stream, until `size` events in total have been scheduled (and therefore dispatched).
 *
 * Every driver runs exactly this code shape so that the per-event figures differ only by the
 * scheduler: one closure per process, one `h` fold per event (an order fingerprint, so run.ts can
 * check all drivers dispatched the same events in the same order), one PRNG draw per schedule.
 */

export const PROCESSES = 1000;
export const MAX_DELAY_MS = 100;
export const SEED = 20_260_101;

/** mulberry32: a tiny seeded 32-bit generator (about 2 ns), so it does not dominate the loop. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** What one repetition reports besides its time: how many operations, and a fingerprint. */
export interface RepOutcome {
  /** Events dispatched or invocations completed. */
  readonly ops: number;
  /** Equal across drivers of the same workload (events, final virtual time, order hash). */
  readonly check: string;
}

/** The per-event state every driver shares: budget left and the order fingerprint. */
export class Tally {
  budget: number;
  hash = 0;
  constructor(size: number) {
    if (!(size >= PROCESSES)) throw new RangeError(`workload size must be >= ${PROCESSES}, got ${size}`);
    this.budget = size;
  }
}

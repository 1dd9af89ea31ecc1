import type { DeterminismError } from '../world/World.js';

/** What the gate reads of a run's result. */
export interface GatedResult {
  readonly seed: number;
  readonly determinismErrors: readonly DeterminismError[];
  readonly determinismErrorsAllowed: string | undefined;
}

/**
 * A run had determinism errors (real I/O, real timers, a request nothing simulated answers) and
 * nothing allowed them: its outcome cannot be replayed from its seed and may come from outside the
 * simulation, so no check on it can be trusted. Thrown by `runScenario`; the matchers of
 * `lambdasim/vitest` fail with the same message.
 *
 * @example
 * ```ts
 * // a handler's fetch to a host without a sim.api:
 * // DeterminismEscapeError: the run (seed 7) had 1 determinism error, so it cannot be replayed …
 * //   - Handler#1: fetch POST https://api.stripe.example/v1/charges: no sim.api for host … at src/handler.ts:42:11
 * ```
 */
export class DeterminismEscapeError extends Error {
  override readonly name = 'DeterminismEscapeError';
  constructor(
    message: string,
    readonly determinismErrors: readonly DeterminismError[],
  ) {
    super(message);
  }
}

const announced = new Set<string>();

/**
 * The failure message for a run with determinism errors, or undefined when it has none or its
 * simulation allowed them (`allowDeterminismErrors`: the reason is printed once per process).
 * `optOut` tells the user where to opt out.
 */
export function determinismFailure(result: GatedResult, optOut: string): string | undefined {
  const errors = result.determinismErrors;
  if (errors.length === 0) return undefined;
  const reason = result.determinismErrorsAllowed;
  if (reason !== undefined) {
    if (!announced.has(reason)) {
      announced.add(reason);
      console.warn(
        `lambdasim: checks pass despite ${errors.length} determinism error(s) (first: ${errors[0]!.message}) because allowDeterminismErrors says: ${reason}`,
      );
    }
    return undefined;
  }
  const shown = errors.slice(0, 5).map((e) => `  - ${e.message}`);
  if (errors.length > 5) shown.push(`  … and ${errors.length - 5} more (result.determinismErrors)`);
  return [
    `the run (seed ${result.seed}) had ${errors.length} determinism error${errors.length === 1 ? '' : 's'}, so it cannot be replayed from its seed and its outcome may come from outside the simulation:`,
    ...shown,
    `Route the call through a simulated service (sim.api with a host, sim.sqs, sim.table) or inject the dependency; to let the checks pass anyway, say why with ${optOut}.`,
  ].join('\n');
}

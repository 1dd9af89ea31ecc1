import { ConfigError } from '../errors.js';
import type { SimulationResult } from '../Simulation.js';
import type { TraceEvent } from '../TraceEvent.js';
import { DeterminismCheckError, type TraceDivergence } from './DeterminismCheckError.js';

/** The environment variable that turns the determinism self-check on for every `runScenario`. */
export const CHECK_DETERMINISM_ENV = 'LAMBDASIM_CHECK_DETERMINISM';

/**
 * Whether `LAMBDASIM_CHECK_DETERMINISM` asks for the determinism self-check: `1` on, `0` or unset
 * off; anything else is a ConfigError (a typo should not silently turn the check off).
 */
export function checkDeterminismFromEnv(
  api: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  const text = env[CHECK_DETERMINISM_ENV];
  if (text === undefined || text === '' || text === '0') return false;
  if (text === '1') return true;
  throw new ConfigError(api, CHECK_DETERMINISM_ENV, 'must be 1 (check) or 0 (do not check)', text);
}

/**
 * The first trace entry where two runs differ, or undefined when their traces are equal (then
 * their trace hashes are equal too: the hash is over the same JSON lines).
 */
export function firstDivergence(
  first: readonly TraceEvent[],
  second: readonly TraceEvent[],
): TraceDivergence | undefined {
  const n = Math.min(first.length, second.length);
  for (let i = 0; i < n; i++) {
    const a = first[i]!;
    const b = second[i]!;
    if (a !== b && JSON.stringify(a) !== JSON.stringify(b)) return { index: i, first: a, second: b };
  }
  if (first.length === second.length) return undefined;
  return { index: n, first: first[n], second: second[n] };
}

/**
 * The determinism self-check (like madsim's check-determinism mode): calls `run` twice, each
 * call building and running a fresh simulation with the same seed, and throws a
 * {@link DeterminismCheckError} at the first trace entry where the two runs differ (its message
 * shows both entries and what most likely differs). Returns the first run's result.
 *
 * `runScenario(scenario, setup, { checkDeterminism: true })` (or `LAMBDASIM_CHECK_DETERMINISM=1`)
 * does this for a scenario; use this function for a simulation you build yourself, since a
 * simulation runs once and a rerun must rebuild it.
 *
 * Gotcha: `run` must build everything it uses (the simulation, its services and handlers);
 * whatever it shares with the other call (a module-level counter, a cache) is exactly what the
 * check catches.
 *
 * @example
 * ```ts
 * const result = await checkDeterminism(async () => {
 *   const sim = createSimulation({ seed: 7 });
 *   const fn = sim.fn('Hello', () => async () => 'hi');
 *   void sim.invoke(fn, {});
 *   return sim.run();
 * });
 * ```
 */
export async function checkDeterminism<R extends SimulationResult>(
  run: () => Promise<R>,
  subject = 'checkDeterminism',
): Promise<R> {
  if (typeof run !== 'function')
    throw new ConfigError(
      'checkDeterminism',
      'run',
      'must be a function that builds and runs a fresh simulation',
      run,
    );
  const first = await run();
  const second = await run();
  const divergence = firstDivergence(first.trace, second.trace);
  if (divergence !== undefined)
    throw new DeterminismCheckError(subject, divergence, first.trace, second.trace, {
      first: first.determinismErrors,
      second: second.determinismErrors,
    });
  return first;
}

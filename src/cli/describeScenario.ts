import { formatTime } from '../report/timeline.js';
import type { Scenario } from '../scenario/Scenario.js';

/**
 * A scenario in one line: model, seed, events (and when), faults (their kinds).
 *
 * @example
 * ```ts
 * describeScenario(scenario);
 * // 'async scenario, seed 0: 1 event at +0.000s, 1 fault (crashAfterCalls)'
 * ```
 */
export function describeScenario(scenario: Scenario<unknown>): string {
  const times = scenario.events.map((e) => e.atMs);
  const count = times.length;
  const events =
    count === 0
      ? 'no events'
      : Math.min(...times) === Math.max(...times)
        ? `${count} event${count === 1 ? '' : 's'} at ${formatTime(times[0] ?? 0)}`
        : `${count} events from ${formatTime(Math.min(...times))} to ${formatTime(Math.max(...times))}`;
  const kinds = [...new Set(scenario.faults.map((f) => f.kind))];
  const faults =
    scenario.faults.length === 0
      ? 'no faults'
      : `${scenario.faults.length} fault${scenario.faults.length === 1 ? '' : 's'} (${kinds.join(', ')})`;
  return `${scenario.model} scenario, seed ${scenario.seed}: ${events}, ${faults}`;
}

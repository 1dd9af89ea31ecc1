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
  const count = scenario.events.length;
  // A loop, not Math.min(...times): a spread passes one argument per event and overflows the
  // stack past about 125,000 events.
  let firstMs = Infinity;
  let lastMs = -Infinity;
  for (const e of scenario.events) {
    if (e.atMs < firstMs) firstMs = e.atMs;
    if (e.atMs > lastMs) lastMs = e.atMs;
  }
  const events =
    count === 0
      ? 'no events'
      : firstMs === lastMs
        ? `${count} event${count === 1 ? '' : 's'} at ${formatTime(firstMs)}`
        : `${count} events from ${formatTime(firstMs)} to ${formatTime(lastMs)}`;
  const kinds = [...new Set(scenario.faults.map((f) => f.kind))];
  const faults =
    scenario.faults.length === 0
      ? 'no faults'
      : `${scenario.faults.length} fault${scenario.faults.length === 1 ? '' : 's'} (${kinds.join(', ')})`;
  return `${scenario.model} scenario, seed ${scenario.seed}: ${events}, ${faults}`;
}

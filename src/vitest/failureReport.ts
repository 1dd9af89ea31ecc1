import type { Violation } from '../checks/Violation.js';
import { formatTimeline } from '../report/timeline.js';
import type { ScenarioResult } from '../scenario/Scenario.js';
import type { SimulationResult } from '../Simulation.js';
import { formatViolations } from '../checks/formatViolation.js';
import { formatUnreachedFault } from '../faults/UnreachedFault.js';
import { formatScenario } from '../scenario/scenarioFile.js';
import { replayCommand, scenarioReplayLines } from './replayRecipe.js';

/** Options of {@link formatFailureReport}. */
export interface FailureReportOptions {
  /** Cap on the timeline's lines (the rest is summarised as `… N more events`). @defaultValue 60 */
  readonly maxTimelineLines?: number;
}

const DEFAULT_MAX_TIMELINE_LINES = 60;

/** True when `result` came from a scenario run (it carries the scenario it ran). */
export function isScenarioResult(result: SimulationResult): result is ScenarioResult {
  return 'scenario' in result && typeof (result as { scenario?: unknown }).scenario === 'object';
}

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((line) => (line.length === 0 ? line : `${by}${line}`))
    .join('\n');
}

/** The scenario as a TypeScript literal; JSON if it does not format (a report never throws). */
function scenarioLiteral(scenario: ScenarioResult['scenario']): string {
  try {
    return formatScenario(scenario);
  } catch {
    return JSON.stringify(scenario, null, 2);
  }
}

/**
 * The failure report of a lambdasim matcher: the violations, then (given the run's result) the
 * scenario as a literal, the faults of its plan that never took effect, a compact timeline of
 * the run, its trace hash, and how to replay it.
 *
 * @example
 * ```ts
 * const violations = checks.noLostEvents(result);
 * if (violations.length > 0) throw new Error(formatFailureReport(violations, result));
 * ```
 */
export function formatFailureReport(
  violations: readonly Violation[],
  result: SimulationResult | undefined,
  options: FailureReportOptions = {},
): string {
  const maxLines = options.maxTimelineLines ?? DEFAULT_MAX_TIMELINE_LINES;
  const sections = [formatViolations(violations)];
  if (result !== undefined) {
    if (isScenarioResult(result)) {
      sections.push(`Scenario:\n${indent(scenarioLiteral(result.scenario))}`);
    } else {
      sections.push(`Simulation seed: ${result.seed}`);
    }
    // Older or hand-built results may lack the field.
    const unreached = result.unreachedFaults ?? [];
    if (unreached.length > 0)
      sections.push(
        `Faults of the plan that never took effect (information, not a failure):\n${unreached
          .map((u) => `  ${formatUnreachedFault(u)}`)
          .join('\n')}`,
      );
    // The failing run's own log lines, in place (older or hand-built results may lack them).
    const timeline = formatTimeline(result.trace, { compactCalls: true, maxLines, logs: result.logs ?? [] });
    sections.push(
      `Timeline of the failing run (virtual time; compact, at most ${maxLines} lines):\n${timeline}`,
    );
    sections.push(`Trace hash: ${result.traceHash}`);
  }
  const replay = [`  ${replayCommand()}`];
  if (result !== undefined && isScenarioResult(result)) {
    replay.push(...scenarioReplayLines('result.scenario').map((line) => `  ${line}`));
  }
  sections.push(`Replay:\n${replay.join('\n')}`);
  return sections.join('\n\n');
}

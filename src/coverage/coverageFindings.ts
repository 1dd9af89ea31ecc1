import type { CoverageCase } from './casesReached.js';
import { type CoverageSummary, isCoverageCase } from './CoverageCollector.js';

/** Something a coverage summary says about a test (plain data; words in {@link formatCoverageFinding}). */
export type CoverageFinding =
  /** `sometimes(label, …)` was evaluated but no run reached it: a weak pass, or a failure when required. */
  | {
      readonly kind: 'labelNeverReached';
      readonly label: string;
      readonly runs: number;
      readonly required: boolean;
    }
  /** A built-in case given to `requireReached` that no run reached. */
  | {
      readonly kind: 'caseNeverReached';
      readonly case: CoverageCase;
      readonly runs: number;
      readonly required: true;
    }
  /** A label given to `requireReached` that no `sometimes` call ever named. */
  | {
      readonly kind: 'labelNeverEvaluated';
      readonly label: string;
      readonly runs: number;
      readonly required: true;
    };

/** Options of {@link coverageFindings}. */
export interface CoverageFindingsOptions {
  /** Every `sometimes` label is required, as if given to `requireReached`. @defaultValue false */
  readonly strict?: boolean;
}

/**
 * What a test's coverage summary calls for: each `sometimes` label never reached (required when
 * strict or named by `requireReached`: a failure; else a weak-pass warning), each required
 * built-in case never reached, and each required label never evaluated. Built-in cases nobody
 * required are not findings: most properties reach only some of them (see the table).
 *
 * @example
 * ```ts
 * const findings = coverageFindings(collector.summary(), { strict: false });
 * const failures = findings.filter((f) => f.required);
 * ```
 */
export function coverageFindings(
  summary: CoverageSummary,
  options: CoverageFindingsOptions = {},
): CoverageFinding[] {
  const strict = options.strict ?? false;
  const required = new Set(summary.required);
  const { runs } = summary;
  const out: CoverageFinding[] = [];
  for (const label of summary.labels)
    if (label.reached === 0)
      out.push({
        kind: 'labelNeverReached',
        label: label.name,
        runs,
        required: strict || required.has(label.name),
      });
  const labels = new Set(summary.labels.map((l) => l.name));
  for (const name of summary.required) {
    if (isCoverageCase(name)) {
      if (summary.cases.find((c) => c.name === name)?.reached === 0)
        out.push({ kind: 'caseNeverReached', case: name, runs, required: true });
    } else if (!labels.has(name))
      out.push({ kind: 'labelNeverEvaluated', label: name, runs, required: true });
  }
  return out;
}

import type { CoverageCase } from './casesReached.js';
import type { CoverageSummary } from './CoverageCollector.js';
import type { CoverageFinding } from './coverageFindings.js';

/** One line per built-in case: what reaching it means (the definitions are on {@link casesReached}). */
export const COVERAGE_CASE_DESCRIPTIONS: Readonly<Record<CoverageCase, string>> = {
  retryAfterTimeout: 'an invocation timed out and its event or message was invoked again',
  retryAfterEffect:
    'an event or message failed after a service call of its invocation landed, and was invoked again',
  redeliveryWhileInProgress: 'an event or message was invoked while an earlier invocation of it still ran',
  deadLettered: 'a message or async event reached a dead-letter queue',
  onFailureDestination:
    "an async event's failure record, or a stream mapping's record of given-up records, reached its on-failure destination",
  partialBatchFailure: 'an SQS batch reported some of its items failed',
  throttled: 'an invocation was throttled',
  clientTimedOut: 'a sync caller stopped waiting while its request still ran',
  faultInjected: 'a fault of the plan fired',
  shardBlocked: 'a failing batch blocked a stream shard',
  batchBisected: 'a failing stream batch was split in two',
  recordAgeExceeded: 'stream records were given up for being older than maximumRecordAgeS',
  checkpointPastFailure:
    'a stream batch reported item failures, and the checkpoint moved past the records before them',
  producerRetried: "a producer's retry became an input of its own: same body, new id",
  ttlRemoveRead: "a REMOVE record made by DynamoDB's TTL process reached the handler",
};

const runsText = (runs: number): string => `${runs} run${runs === 1 ? '' : 's'}`;

/**
 * One finding as a sentence, e.g. `sometimes('two orders') was never reached in 100 runs`.
 *
 * @example
 * ```ts
 * formatCoverageFinding({ kind: 'labelNeverReached', label: 'two orders', runs: 100, required: false });
 * // "sometimes('two orders') was never reached in 100 runs"
 * ```
 */
export function formatCoverageFinding(finding: CoverageFinding): string {
  switch (finding.kind) {
    case 'labelNeverReached':
      return `sometimes('${finding.label}') was never reached in ${runsText(finding.runs)}`;
    case 'caseNeverReached':
      return `case ${finding.case} (${COVERAGE_CASE_DESCRIPTIONS[finding.case]}) was never reached in ${runsText(finding.runs)}`;
    case 'labelNeverEvaluated':
      return `sometimes('${finding.label}') was never called in ${runsText(finding.runs)}`;
    default: {
      const never: never = finding;
      return never;
    }
  }
}

/** How to make a required case or label reachable: printed under a strict-coverage failure. */
export const COVERAGE_FIX_HINT =
  'Make the generated inputs reach it (more events, a fault aimed at it, a config that allows it, more runs with FC_NUM_RUNS), or stop requiring it.';

/** Options of {@link formatCoverageTable}. */
export interface CoverageTableOptions {
  /** The first line's subject, e.g. the test's name. @defaultValue 'property' */
  readonly title?: string;
}

/**
 * The coverage table of one test: per built-in case and `sometimes` label, the runs that reached
 * it and their share; `never` for none, `(required)` for names given to `requireReached`.
 *
 * @example
 * ```ts
 * console.log(formatCoverageTable(collector.summary(), { title: 'charges each order once' }));
 * // coverage: charges each order once (200 runs)
 * //   retryAfterTimeout           26   13.0%  an invocation timed out and its event or message was invoked again
 * //   redeliveryWhileInProgress    0   never  an event or message was invoked while an earlier invocation of it still ran
 * //   …
 * //   sometimes('two orders')     80   40.0%
 * ```
 */
export function formatCoverageTable(summary: CoverageSummary, options: CoverageTableOptions = {}): string {
  const required = new Set(summary.required);
  const rows = [
    ...summary.cases.map((c) => ({
      name: c.name,
      reached: c.reached,
      note: COVERAGE_CASE_DESCRIPTIONS[c.name],
    })),
    ...summary.labels.map((l) => ({
      name: `sometimes('${l.name}')`,
      reached: l.reached,
      note: '',
      label: l.name,
    })),
    // Required labels no `sometimes` call named: shown so the table explains the failure.
    ...summary.required
      .filter(
        (name) => !summary.cases.some((c) => c.name === name) && !summary.labels.some((l) => l.name === name),
      )
      .map((name) => ({ name: `sometimes('${name}')`, reached: 0, note: 'never called', label: name })),
  ];
  // A loop, not Math.max(...rows): a spread passes one argument per row and overflows the stack
  // past about 125,000 labels (a label per input, say).
  let width = 0;
  for (const r of rows) if (r.name.length > width) width = r.name.length;
  const countWidth = Math.max(1, String(summary.runs).length);
  const lines = rows.map((r) => {
    const key = 'label' in r ? r.label : r.name;
    const share =
      r.reached === 0 ? 'never' : `${((100 * r.reached) / Math.max(1, summary.runs)).toFixed(1)}%`;
    const note = [r.note, required.has(key) ? '(required)' : ''].filter((s) => s !== '').join(' ');
    return `  ${r.name.padEnd(width)}  ${String(r.reached).padStart(countWidth)}  ${share.padStart(6)}${note === '' ? '' : `  ${note}`}`;
  });
  return [`coverage: ${options.title ?? 'property'} (${runsText(summary.runs)})`, ...lines].join('\n');
}

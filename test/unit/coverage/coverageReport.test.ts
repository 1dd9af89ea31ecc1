import { coverageReport, resolveCoverageReportOptions } from '../../../src/vitest/coverageReporter.js';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  CoverageCollector,
  coverageFindings,
  type CoverageSummary,
  formatCoverageFinding,
  formatCoverageTable,
} from '../../../src/index.js';
import { configureCoverage } from '../../../src/vitest/index.js';
import { deadLettered } from './tracedResults.js';

/** 4 runs: one dead-lettered; label 'two orders' reached twice, 'never' never. */
function summary(required: readonly string[] = []): CoverageSummary {
  const c = new CoverageCollector();
  for (let i = 0; i < 4; i++) {
    c.beginRun();
    c.record(i === 0 ? deadLettered : { trace: [] });
    c.sometimes('two orders', i % 2 === 0);
    c.sometimes('never', false);
  }
  c.require(required);
  return c.summary();
}

const quiet = { table: false, strict: false, warn: true };

describe('coverageFindings', () => {
  it('finds each label never reached; a built-in case only when required', () => {
    expect(coverageFindings(summary())).toEqual([
      { kind: 'labelNeverReached', label: 'never', runs: 4, required: false },
    ]);
    expect(coverageFindings(summary(['never', 'throttled', 'deadLettered', 'unknown label']))).toEqual([
      { kind: 'labelNeverReached', label: 'never', runs: 4, required: true },
      { kind: 'caseNeverReached', case: 'throttled', runs: 4, required: true },
      { kind: 'labelNeverEvaluated', label: 'unknown label', runs: 4, required: true },
    ]);
    expect(coverageFindings(summary(), { strict: true })).toEqual([
      { kind: 'labelNeverReached', label: 'never', runs: 4, required: true },
    ]);
  });

  it('words each finding', () => {
    expect(formatCoverageFinding({ kind: 'labelNeverReached', label: 'x', runs: 1, required: false })).toBe(
      "sometimes('x') was never reached in 1 run",
    );
    expect(
      formatCoverageFinding({ kind: 'caseNeverReached', case: 'deadLettered', runs: 50, required: true }),
    ).toBe(
      'case deadLettered (a message or async event reached a dead-letter queue) was never reached in 50 runs',
    );
    expect(formatCoverageFinding({ kind: 'labelNeverEvaluated', label: 'y', runs: 0, required: true })).toBe(
      "sometimes('y') was never called in 0 runs",
    );
  });
});

describe('formatCoverageTable', () => {
  it('lists every case and label with its runs and share, never and (required) marked', () => {
    const table = formatCoverageTable(summary(['deadLettered', 'missing']), {
      title: 'orders > charges once',
    });
    expect(table.split('\n')).toEqual([
      'coverage: orders > charges once (4 runs)',
      '  retryAfterTimeout          0   never  an invocation timed out and its event or message was invoked again',
      '  retryAfterEffect           0   never  an event or message failed after a service call of its invocation landed, and was invoked again',
      '  redeliveryWhileInProgress  0   never  an event or message was invoked while an earlier invocation of it still ran',
      '  deadLettered               1   25.0%  a message or async event reached a dead-letter queue (required)',
      "  onFailureDestination       0   never  an async event's failure record, or a stream mapping's record of given-up records, reached its on-failure destination",
      '  partialBatchFailure        0   never  an SQS batch reported some of its items failed',
      '  throttled                  0   never  an invocation was throttled',
      '  clientTimedOut             0   never  a sync caller stopped waiting while its request still ran',
      '  faultInjected              0   never  a fault of the plan fired',
      '  shardBlocked               0   never  a failing batch blocked a stream shard',
      '  batchBisected              0   never  a failing stream batch was split in two',
      '  recordAgeExceeded          0   never  stream records were given up for being older than maximumRecordAgeS',
      '  checkpointPastFailure      0   never  a stream batch reported item failures, and the checkpoint moved past the records before them',
      "  producerRetried            0   never  a producer's retry became an input of its own: same body, new id",
      "  ttlRemoveRead              0   never  a REMOVE record made by DynamoDB's TTL process reached the handler",
      "  sometimes('two orders')    2   50.0%",
      "  sometimes('never')         0   never",
      "  sometimes('missing')       0   never  never called (required)",
    ]);
  });

  it('lists 130,001 labels, the longest setting the width (no spread into Math.max)', () => {
    const labels = Array.from({ length: 130_001 }, (_, i) => ({ name: `order number ${i}`, reached: i % 2 }));
    const lines = formatCoverageTable({ ...summary(), labels }).split('\n');
    expect(lines).toHaveLength(1 + 15 + 130_001);
    expect(lines[1]).toBe(
      '  retryAfterTimeout                 0   never  an invocation timed out and its event or message was invoked again',
    );
    expect(lines[16]).toBe("  sometimes('order number 0')       0   never");
    expect(lines.at(-2)).toBe("  sometimes('order number 129999')  1   25.0%");
    expect(lines.at(-1)).toBe("  sometimes('order number 130000')  0   never");
  });
});

describe('resolveCoverageReportOptions (LAMBDASIM_COVERAGE over the options over the defaults)', () => {
  it('defaults to warnings only', () => {
    expect(resolveCoverageReportOptions({}, {})).toEqual({ table: false, strict: false, warn: true });
    expect(resolveCoverageReportOptions({ LAMBDASIM_COVERAGE: '' }, {})).toEqual(quiet);
  });

  it('reads table (1), strict and off (0) from the environment, over the options', () => {
    expect(resolveCoverageReportOptions({ LAMBDASIM_COVERAGE: '1' }, {})).toEqual({ ...quiet, table: true });
    expect(resolveCoverageReportOptions({ LAMBDASIM_COVERAGE: 'table, strict' }, {})).toEqual({
      table: true,
      strict: true,
      warn: true,
    });
    expect(
      resolveCoverageReportOptions({ LAMBDASIM_COVERAGE: 'off' }, { table: true, strict: true }),
    ).toEqual({
      table: false,
      strict: true,
      warn: false,
    });
    expect(resolveCoverageReportOptions({}, { table: true, warn: false })).toEqual({
      table: true,
      strict: false,
      warn: false,
    });
  });

  it('refuses an unknown word', () => {
    expect(() => resolveCoverageReportOptions({ LAMBDASIM_COVERAGE: 'stric' }, {})).toThrow(ConfigError);
    expect(() => resolveCoverageReportOptions({ LAMBDASIM_COVERAGE: 'stric' }, {})).toThrow(
      'lambdasim/vitest: LAMBDASIM_COVERAGE must be a comma-separated list of table (or 1), strict, off (or 0), got "stric"',
    );
  });
});

describe('configureCoverage', () => {
  it('refuses what is not an object, an unknown option and a non-boolean, naming the field', () => {
    expect(() => configureCoverage(null as never)).toThrow(
      'configureCoverage: options must be an object { table?, strict?, warn? }, got null',
    );
    expect(() => configureCoverage({ tables: true } as never)).toThrow(
      'configureCoverage: tables is not a known option (known: table, strict, warn), got true',
    );
    expect(() => configureCoverage({ strict: 'yes' } as never)).toThrow(
      'configureCoverage: strict must be a boolean, got "yes"',
    );
    configureCoverage({}); // back to the defaults for the other tests of this file
  });
});

describe('coverageReport (what a test prints or fails with when it ends)', () => {
  it('warns, one line per label never reached, and prints no table by default', () => {
    expect(coverageReport(summary(), 'charges once', { failed: false, mode: quiet })).toEqual({
      table: undefined,
      warning: "weak pass: charges once: sometimes('never') was never reached in 4 runs",
      failure: undefined,
    });
  });

  it('fails for what requireReached or strict mode requires, with the fix', () => {
    const report = coverageReport(summary(['throttled']), 'charges once', {
      failed: false,
      mode: { ...quiet, strict: true },
    });
    expect(report.warning).toBeUndefined();
    expect(report.failure?.split('\n')).toEqual([
      "coverage: charges once: sometimes('never') was never reached in 4 runs (required)",
      'coverage: charges once: case throttled (an invocation was throttled) was never reached in 4 runs (required)',
      'Make the generated inputs reach it (more events, a fault aimed at it, a config that allows it, more runs with FC_NUM_RUNS), or stop requiring it.',
    ]);
  });

  it('says nothing but the table for a failed test, and nothing at all with warnings off', () => {
    expect(
      coverageReport(summary(['throttled']), 't', {
        failed: true,
        mode: { table: true, strict: true, warn: true },
      }),
    ).toEqual({
      table: formatCoverageTable(summary(['throttled']), { title: 't' }),
      warning: undefined,
      failure: undefined,
    });
    expect(coverageReport(summary(), 't', { failed: false, mode: { ...quiet, warn: false } })).toEqual({
      table: undefined,
      warning: undefined,
      failure: undefined,
    });
  });
});

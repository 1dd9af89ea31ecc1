import { expect, onTestFinished } from 'vitest';
import { CoverageCollector, type CoverageSummary } from '../coverage/CoverageCollector.js';
import { coverageFindings } from '../coverage/coverageFindings.js';
import { installCoveragePlugin } from '../coverage/coveragePlugin.js';
import { setCoverageProvider } from '../coverage/coverageState.js';
import { COVERAGE_FIX_HINT, formatCoverageFinding, formatCoverageTable } from '../coverage/formatCoverage.js';
import { checkBoolean, checkOptions, ConfigError } from '../errors.js';
import { withoutSeedSuffix } from './currentTest.js';

/**
 * How lambdasim/vitest reports coverage when a test ends. Each field is overridden by the
 * environment variable `LAMBDASIM_COVERAGE` when it is set: a comma-separated list of `table`
 * (or `1`), `strict`, `off` (or `0`).
 */
export interface CoverageReportOptions {
  /**
   * Print the table of built-in cases and labels of every test that recorded coverage
   * (`LAMBDASIM_COVERAGE=1`). @defaultValue false
   */
  readonly table?: boolean;
  /**
   * Every `sometimes` label must be reached: a passing test with a label no run reached fails
   * instead of warning (`LAMBDASIM_COVERAGE=strict`). Built-in cases are required only by
   * `requireReached`. @defaultValue false
   */
  readonly strict?: boolean;
  /**
   * Warn (`console.warn`) for each `sometimes` label a passing test never reached
   * (`LAMBDASIM_COVERAGE=off` turns warnings and tables off; `requireReached` still fails).
   * @defaultValue true
   */
  readonly warn?: boolean;
}

/** The reporting mode with every default resolved. */
export type ResolvedCoverageReportOptions = Required<CoverageReportOptions>;

/** What to print, or fail with, when a test ends (see {@link coverageReport}). */
export interface CoverageReport {
  /** For `console.log`, when tables are on. */
  readonly table: string | undefined;
  /** For `console.warn`: one `weak pass: …` line per label never reached. */
  readonly warning: string | undefined;
  /** The message the test fails with: required cases or labels never reached. */
  readonly failure: string | undefined;
}

let configured: CoverageReportOptions = {};

/**
 * Sets how coverage is reported (e.g. from a vitest `setupFiles` module); `LAMBDASIM_COVERAGE`
 * overrides it from the command line. Unknown keys or non-boolean values throw a ConfigError.
 *
 * @example
 * ```ts
 * // test/setup.ts
 * import { configureCoverage } from 'lambdasim/vitest';
 * configureCoverage({ strict: true }); // a label no run reached fails its test
 * // LAMBDASIM_COVERAGE=1 npx vitest run  → also prints every test's coverage table
 * ```
 */
export function configureCoverage(options: CoverageReportOptions): void {
  const api = 'configureCoverage';
  const o = checkOptions(api, options, KNOWN_OPTIONS, 'must be an object { table?, strict?, warn? }');
  for (const [key, value] of Object.entries(o)) if (value !== undefined) checkBoolean(api, key, value);
  configured = { ...options };
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['table', 'strict', 'warn']);

/**
 * The reporting mode: `LAMBDASIM_COVERAGE` (a comma-separated list of `table`/`1`, `strict`,
 * `off`/`0`) over the options, over the defaults (no table, not strict, warnings on).
 *
 * @example
 * ```ts
 * resolveCoverageReportOptions({ LAMBDASIM_COVERAGE: 'table,strict' }, {});
 * // { table: true, strict: true, warn: true }
 * ```
 */
export function resolveCoverageReportOptions(
  env: Readonly<Record<string, string | undefined>>,
  options: CoverageReportOptions,
): ResolvedCoverageReportOptions {
  const fromEnv: { table?: boolean; strict?: boolean; warn?: boolean } = {};
  const text = env.LAMBDASIM_COVERAGE;
  if (text !== undefined && text.trim() !== '') {
    for (const word of text.split(',').map((w) => w.trim().toLowerCase())) {
      if (word === 'table' || word === '1' || word === 'true') fromEnv.table = true;
      else if (word === 'strict') fromEnv.strict = true;
      else if (word === 'off' || word === '0' || word === 'false') {
        fromEnv.table = false;
        fromEnv.warn = false;
      } else
        throw new ConfigError(
          'lambdasim/vitest',
          'LAMBDASIM_COVERAGE',
          'must be a comma-separated list of table (or 1), strict, off (or 0)',
          text,
        );
    }
  }
  return {
    table: fromEnv.table ?? options.table ?? false,
    strict: fromEnv.strict ?? options.strict ?? false,
    warn: fromEnv.warn ?? options.warn ?? true,
  };
}

/**
 * What a test's coverage calls for when it ends: the table (when on), a `weak pass` warning per
 * `sometimes` label never reached, and a failure for each required case or label never
 * reached. A failed test gets its table only: its failure says more than its coverage.
 *
 * @example
 * ```ts
 * coverageReport(summary, 'charges once', { failed: false, mode: { table: false, strict: false, warn: true } });
 * // { table: undefined, warning: "weak pass: charges once: sometimes('two orders') was never reached in 100 runs", failure: undefined }
 * ```
 */
export function coverageReport(
  summary: CoverageSummary,
  testName: string,
  context: { readonly failed: boolean; readonly mode: ResolvedCoverageReportOptions },
): CoverageReport {
  const { failed, mode } = context;
  const table = mode.table ? formatCoverageTable(summary, { title: testName }) : undefined;
  if (failed) return { table, warning: undefined, failure: undefined };
  const findings = coverageFindings(summary, { strict: mode.strict });
  const warnings = findings.filter((f) => !f.required);
  const failures = findings.filter((f) => f.required);
  return {
    table,
    warning:
      mode.warn && warnings.length > 0
        ? warnings.map((f) => `weak pass: ${testName}: ${formatCoverageFinding(f)}`).join('\n')
        : undefined,
    failure:
      failures.length > 0
        ? [
            ...failures.map((f) => `coverage: ${testName}: ${formatCoverageFinding(f)} (required)`),
            COVERAGE_FIX_HINT,
          ].join('\n')
        : undefined,
  };
}

let current: { readonly key: string; readonly collector: CoverageCollector } | undefined;

/**
 * The running test's collector, created on the first result or label the test records, with an
 * `onTestFinished` hook that reports it. Undefined outside a test (e.g. in `beforeAll`).
 */
function collectorOfRunningTest(): CoverageCollector | undefined {
  const state = expect.getState();
  const name = state.currentTestName;
  if (name === undefined) return undefined;
  const key = `${state.testPath ?? ''}\u0000${name}`;
  if (current !== undefined && current.key === key) return current.collector;
  const entry = { key, collector: new CoverageCollector() };
  const testName = withoutSeedSuffix(name);
  try {
    onTestFinished((context) => {
      if (current === entry) current = undefined;
      const report = coverageReport(entry.collector.summary(), testName, {
        failed: context.task.result?.state === 'fail',
        mode: resolveCoverageReportOptions(process.env, configured),
      });
      if (report.table !== undefined) console.log(report.table);
      if (report.warning !== undefined) console.warn(report.warning);
      if (report.failure !== undefined) throw new Error(report.failure);
    });
  } catch {
    return undefined; // not inside a running test
  }
  current = entry;
  return entry.collector;
}

/**
 * Wires coverage into vitest: fast-check runs mark run boundaries (the coverage plugin), and
 * `runScenario` results, `sometimes` labels and `requireReached` names go to a collector per
 * test, reported when the test finishes (see {@link coverageReport}). Called on import of
 * lambdasim/vitest.
 *
 * Gotcha: `test.concurrent` tests of one file may share a collector (vitest's global test state
 * cannot tell them apart), so their coverage mixes; keep tests that rely on coverage sequential.
 *
 * @example
 * ```ts
 * import 'lambdasim/vitest'; // installs it: nothing to call
 * ```
 */
export function installCoverageReporter(): void {
  installCoveragePlugin();
  setCoverageProvider(collectorOfRunningTest);
}

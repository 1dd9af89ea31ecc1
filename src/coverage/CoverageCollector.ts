import { ConfigError } from '../errors.js';
import { COVERAGE_CASES, type CoverageCase, casesReached, type TracedResult } from './casesReached.js';

/** How many runs reached one built-in case or `sometimes` label. */
export interface CoverageCount {
  readonly name: string;
  /** Runs in which it was reached (at least once). */
  readonly reached: number;
}

/** What a {@link CoverageCollector} saw over the runs of a property (plain data). */
export interface CoverageSummary {
  /**
   * Runs counted: each fast-check run that fed a result or evaluated a `sometimes` label, each
   * `beginRun`, and each run a result or label opened outside those.
   */
  readonly runs: number;
  /** Every built-in case, in {@link COVERAGE_CASES} order, with the runs that reached it. */
  readonly cases: readonly (CoverageCount & { readonly name: CoverageCase })[];
  /** Every `sometimes` label evaluated at least once, in first-seen order. */
  readonly labels: readonly CoverageCount[];
  /** The names given to `requireReached` (built-in cases or labels), in first-seen order. */
  readonly required: readonly string[];
}

const CASE_NAMES: ReadonlySet<string> = new Set(COVERAGE_CASES);

/** Whether `name` is a built-in case rather than a `sometimes` label. */
export function isCoverageCase(name: string): name is CoverageCase {
  return CASE_NAMES.has(name);
}

/**
 * Counts, over the runs of a property, in how many runs each built-in case (see
 * {@link casesReached}) and each `sometimes` label was reached. A run is opened by
 * {@link CoverageCollector.beginRun} (or implicitly, see below) and lasts until the next one
 * begins; whatever a run reached counts once for it, however many results or labels it fed.
 *
 * With no run open, a result or label starts one implicitly, and later results and labels join
 * it until the next `beginRun` or `endRun`. {@link recordCoverage} (what `runScenario` calls)
 * ends an implicit run first, so that outside a property each result is a run by itself, and
 * joins a run begun with `beginRun`. With lambdasim/vitest the runs are fast-check's: you never
 * call this class; `runScenario` and {@link sometimes} feed the collector of the running test. Use
 * it directly with {@link withCoverage}.
 *
 * @example
 * ```ts
 * const collector = new CoverageCollector();
 * for (const seed of [1, 2, 3]) {
 *   collector.beginRun();
 *   const result = await runScenario({ ...scenario, seed }, setup);
 *   collector.record(result);
 *   collector.sometimes('two orders', scenario.events.length >= 2);
 * }
 * collector.summary(); // { runs: 3, cases: [{ name: 'retryAfterTimeout', reached: 1 }, …], labels: […], required: [] }
 * ```
 */
export class CoverageCollector {
  private runs = 0;
  private inRun = false;
  /** The open run was begun by {@link CoverageCollector.beginRun}, not implicitly by a result or label. */
  private begun = false;
  /** What the current run reached so far. */
  private readonly current = new Set<string>();
  private readonly counts = new Map<string, number>();
  /** Labels in first-seen order. */
  private readonly labels = new Set<string>();
  private readonly required = new Set<string>();

  /**
   * Starts a new run (the current one, if any, ends): every result and label goes to it until
   * {@link CoverageCollector.endRun} or the next `beginRun`, those `runScenario` feeds included.
   */
  beginRun(): void {
    this.open();
    this.begun = true;
  }

  private open(): void {
    this.endRun();
    this.inRun = true;
    this.runs++;
  }

  /** Ends the current run, if any: what it reached is counted. */
  endRun(): void {
    if (!this.inRun) return;
    this.inRun = false;
    this.begun = false;
    for (const name of this.current) this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    this.current.clear();
  }

  /** Whether a run is open (results and labels go to it). */
  get running(): boolean {
    return this.inRun;
  }

  /** Whether the open run was begun with {@link CoverageCollector.beginRun} (not implicitly). */
  get runBegun(): boolean {
    return this.begun;
  }

  /**
   * Adds the built-in cases `result` reached to the current run; with no run open, starts one
   * (left open for later results and `sometimes` labels until the next run begins).
   */
  record(result: TracedResult): void {
    if (!this.inRun) this.open();
    for (const c of casesReached(result)) this.current.add(c);
  }

  /**
   * Records whether the current run reached `label` (a run reaches it when any call for it had a
   * true condition); with no run open, starts one.
   */
  sometimes(label: string, condition: boolean): void {
    checkSometimesLabel(label);
    if (!this.inRun) this.open();
    this.labels.add(label);
    if (condition) this.current.add(label);
  }

  /** Marks built-in cases or labels as required: a test reporter fails when one was never reached. */
  require(names: readonly string[]): void {
    if (!Array.isArray(names))
      throw new ConfigError('requireReached', 'names', 'must be an array of case names or labels', names);
    names.forEach((name, i) => checkLabel('requireReached', `names[${i}]`, name));
    for (const name of names) this.required.add(name);
  }

  /** The counts so far (the open run included). */
  summary(): CoverageSummary {
    const reached = (name: string): number =>
      (this.counts.get(name) ?? 0) + (this.inRun && this.current.has(name) ? 1 : 0);
    return {
      runs: this.runs,
      cases: COVERAGE_CASES.map((name) => ({ name, reached: reached(name) })),
      labels: [...this.labels].map((name) => ({ name, reached: reached(name) })),
      required: [...this.required],
    };
  }
}

/**
 * Throws the ConfigError `sometimes` gives for a label that is not a non-empty string or that is
 * the name of a built-in case; the same with or without a collector.
 */
export function checkSometimesLabel(label: unknown): void {
  checkLabel('sometimes', 'label', label);
  if (isCoverageCase(label as string))
    throw new ConfigError(
      'sometimes',
      'label',
      'must not be the name of a built-in case (they are counted from the trace); choose another label',
      label,
    );
}

function checkLabel(api: string, field: string, label: unknown): void {
  if (typeof label !== 'string' || label === '')
    throw new ConfigError(api, field, 'must be a non-empty string', label);
}

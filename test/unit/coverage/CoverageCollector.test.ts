import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coverageState } from '../../../src/coverage/coverageState.js';
import {
  ConfigError,
  COVERAGE_CASES,
  CoverageCollector,
  type CoverageSummary,
  recordCoverage,
  requireReached,
  runScenario,
  type Scenario,
  type ScenarioSetup,
  sometimes,
  withCoverage,
} from '../../../src/index.js';
import { deadLettered, nothing, timedOut } from './tracedResults.js';

const reached = (summary: CoverageSummary, name: string): number | undefined =>
  [...summary.cases, ...summary.labels].find((c) => c.name === name)?.reached;

describe('CoverageCollector', () => {
  it('counts, per case and label, the runs that reached it (once per run)', () => {
    const c = new CoverageCollector();
    c.beginRun();
    c.record(timedOut);
    c.record(timedOut); // a second result of the same run (e.g. rerunFaultFree) counts once
    c.sometimes('two orders', true);
    c.sometimes('two orders', false);
    c.beginRun();
    c.record(deadLettered);
    c.sometimes('two orders', false);
    c.beginRun();
    c.record(nothing);
    c.endRun();
    const summary = c.summary();
    expect(summary.runs).toBe(3);
    expect(reached(summary, 'clientTimedOut')).toBe(1);
    expect(reached(summary, 'deadLettered')).toBe(1);
    expect(reached(summary, 'retryAfterTimeout')).toBe(0);
    expect(summary.cases.map((x) => x.name)).toEqual([...COVERAGE_CASES]); // every case, in registry order
    expect(summary.labels).toEqual([{ name: 'two orders', reached: 1 }]);
    expect(summary.required).toEqual([]);
  });

  it('outside an explicit run, makes each result a run and lets a label join the latest', () => {
    const c = new CoverageCollector();
    c.sometimes('first', true); // no run open: starts one
    c.record(timedOut); // joins the run the label started
    c.record(timedOut); // no explicit run: still the open run
    expect(c.summary().runs).toBe(1);
    c.endRun();
    c.record(deadLettered); // a run by itself
    c.sometimes('after', true); // joins it
    const summary = c.summary(); // the open run is counted
    expect(summary.runs).toBe(2);
    expect(reached(summary, 'clientTimedOut')).toBe(1);
    expect(reached(summary, 'deadLettered')).toBe(1);
    expect(summary.labels).toEqual([
      { name: 'first', reached: 1 },
      { name: 'after', reached: 1 },
    ]);
    expect(c.running).toBe(true);
  });

  it('keeps required names in first-seen order, without duplicates', () => {
    const c = new CoverageCollector();
    c.require(['deadLettered', 'two orders']);
    c.require(['two orders']);
    expect(c.summary()).toMatchObject({ runs: 0, required: ['deadLettered', 'two orders'] });
  });

  it('refuses an empty label, a built-in case name as a label, and bad requireReached input', () => {
    const c = new CoverageCollector();
    expect(() => c.sometimes('', true)).toThrow(ConfigError);
    expect(() => c.sometimes('throttled', true)).toThrow(
      'sometimes: label must not be the name of a built-in case (they are counted from the trace); choose another label, got "throttled"',
    );
    expect(() => c.require('deadLettered' as unknown as string[])).toThrow(
      'requireReached: names must be an array of case names or labels, got "deadLettered"',
    );
    expect(() => c.require(['ok', ''])).toThrow(
      'requireReached: names[1] must be a non-empty string, got ""',
    );
  });
});

describe('ambient coverage (withCoverage, sometimes, recordCoverage, coveragePlugin)', () => {
  // lambdasim/vitest (test/setup.ts) installs a provider for the running test; these tests check
  // the core alone, so they take it away for their duration.
  let saved: ReturnType<typeof coverageState>['provider'];
  beforeEach(() => {
    saved = coverageState().provider;
    coverageState().provider = undefined;
  });
  afterEach(() => {
    coverageState().provider = saved;
  });

  const setup: ScenarioSetup<{ n: number }> = (sim) => {
    const api = sim.api('payments', { latencyMs: 10 });
    return () => async (event: { n: number }) => {
      await api.call('charge', event);
    };
  };
  const scenarioArb = fc.record({
    seed: fc.integer({ min: 1, max: 1000 }),
    crash: fc.boolean(),
  });
  const scenarioOf = (v: { seed: number; crash: boolean }): Scenario<{ n: number }> => ({
    model: 'async',
    seed: v.seed,
    events: [{ atMs: 0, body: { n: 1 } }],
    config: {},
    delivery: {},
    faults: v.crash ? [{ kind: 'crashAfterCalls', fn: 'Handler', invocation: 1, calls: 1 }] : [],
  });

  it('counts fast-check runs: runScenario, rerunFaultFree and labels of one run count once', async () => {
    const collector = new CoverageCollector();
    let crashes = 0;
    await withCoverage(collector, () =>
      fc.assert(
        fc.asyncProperty(scenarioArb, async (v) => {
          const result = await runScenario(scenarioOf(v), setup);
          await result.rerunFaultFree();
          if (v.crash) crashes++;
          sometimes('crashed', v.crash);
          sometimes('never', false);
        }),
        { numRuns: 40, seed: 7 },
      ),
    );
    const summary = collector.summary();
    expect(summary.runs).toBe(40);
    expect(crashes).toBeGreaterThan(0);
    expect(reached(summary, 'crashed')).toBe(crashes);
    expect(reached(summary, 'retryAfterEffect')).toBe(crashes);
    expect(reached(summary, 'faultInjected')).toBe(crashes);
    expect(reached(summary, 'never')).toBe(0);
    expect(collector.running).toBe(false); // the plugin ended the last run
  });

  it('does not count a run that recorded nothing (e.g. skipped by fc.pre before the scenario)', async () => {
    const collector = new CoverageCollector();
    await withCoverage(collector, () =>
      fc.assert(
        fc.asyncProperty(scenarioArb, async (v) => {
          fc.pre(!v.crash);
          await runScenario(scenarioOf(v), setup);
        }),
        { numRuns: 30, seed: 3 },
      ),
    );
    expect(collector.summary().runs).toBe(30); // fast-check's numRuns counts the runs that passed pre
  });

  it('outside a property, counts each runScenario as a run and joins a label to the latest', async () => {
    const collector = new CoverageCollector();
    await withCoverage(collector, async () => {
      await runScenario(scenarioOf({ seed: 1, crash: true }), setup);
      sometimes('after the crash', true);
      await runScenario(scenarioOf({ seed: 2, crash: false }), setup);
      recordCoverage({ trace: [] });
    });
    const summary = collector.summary();
    expect(summary.runs).toBe(3);
    expect(reached(summary, 'retryAfterEffect')).toBe(1);
    expect(reached(summary, 'after the crash')).toBe(1);
  });

  it('outside a property, joins runScenario results to a run begun with beginRun', async () => {
    const collector = new CoverageCollector();
    await withCoverage(collector, async () => {
      for (const seed of [1, 2, 3]) {
        collector.beginRun();
        const result = await runScenario(scenarioOf({ seed, crash: seed === 2 }), setup);
        collector.record(result); // as the class's example does: the same run, counted once
        collector.sometimes('ran', true);
      }
    });
    const summary = collector.summary();
    expect(summary.runs).toBe(3);
    expect(reached(summary, 'ran')).toBe(3);
    expect(reached(summary, 'retryAfterEffect')).toBe(1);
  });

  it('keeps the runs of two properties running at once apart, and leaves no run behind', async () => {
    const a = new CoverageCollector();
    const b = new CoverageCollector();
    const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
    const property = (label: string) =>
      fc.asyncProperty(fc.integer(), async () => {
        await tick();
        sometimes(label, true);
        await tick();
        recordCoverage({ trace: [] });
      });
    await Promise.all([
      withCoverage(a, () => fc.assert(property('a'), { numRuns: 10, seed: 1 })),
      withCoverage(b, () => fc.assert(property('b'), { numRuns: 10, seed: 2 })),
    ]);
    expect(a.summary()).toMatchObject({ runs: 10, labels: [{ name: 'a', reached: 10 }] });
    expect(b.summary()).toMatchObject({ runs: 10, labels: [{ name: 'b', reached: 10 }] });
    expect([a.running, b.running]).toEqual([false, false]);
    // After both properties: outside any run again, so each result is a run by itself.
    const after = new CoverageCollector();
    await withCoverage(after, async () => {
      recordCoverage({ trace: [] });
      recordCoverage({ trace: [] });
    });
    expect(after.summary().runs).toBe(2);
  });

  it('does nothing without a collector; requireReached says what it needs', async () => {
    const result = await runScenario(scenarioOf({ seed: 1, crash: true }), setup);
    expect(recordCoverage(result)).toBe(result);
    expect(() => sometimes('label', true)).not.toThrow();
    expect(() => sometimes('', true)).toThrow(ConfigError);
    // A label that can never count is refused with or without a collector, not only under vitest.
    expect(() => sometimes('throttled', true)).toThrow(
      'sometimes: label must not be the name of a built-in case',
    );
    expect(() => requireReached(['deadLettered'])).toThrow(
      /^requireReached: call needs a coverage collector: call it inside a vitest test with lambdasim\/vitest imported, or inside withCoverage/,
    );
  });

  it('keeps two withCoverage scopes apart', async () => {
    const a = new CoverageCollector();
    const b = new CoverageCollector();
    await Promise.all([
      withCoverage(a, async () => {
        await runScenario(scenarioOf({ seed: 1, crash: true }), setup);
        requireReached(['retryAfterEffect']);
      }),
      withCoverage(b, async () => {
        await runScenario(scenarioOf({ seed: 1, crash: false }), setup);
        sometimes('b only', true);
      }),
    ]);
    expect(a.summary()).toMatchObject({ runs: 1, labels: [], required: ['retryAfterEffect'] });
    expect(reached(a.summary(), 'retryAfterEffect')).toBe(1);
    expect(b.summary()).toMatchObject({ runs: 1, labels: [{ name: 'b only', reached: 1 }], required: [] });
    expect(reached(b.summary(), 'retryAfterEffect')).toBe(0);
  });
});

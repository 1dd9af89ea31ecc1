/**
 * Coverage through lambdasim/vitest end to end: a property whose `sometimes` label no run reaches
 * passes with a `weak pass` warning; a required case no run reaches fails its test
 * (`requireReached`, and every label under `LAMBDASIM_COVERAGE=strict`); `LAMBDASIM_COVERAGE=1`
 * prints the table. The reports are made when each test finishes, so each scenario test is
 * followed by a test that reads what it printed or failed with. Fixed seeds: deterministic.
 */
import { afterAll, beforeAll, describe, onTestFailed, onTestFinished, vi } from 'vitest';
import { runScenario, type ScenarioSetup, scenarios } from '../../src/index.js';
import { expect, fc, it, requireReached, sometimes, test } from '../../src/vitest/index.js';

interface Order {
  readonly orderId: string;
}
const orderArb = fc.record({ orderId: fc.integer({ min: 1, max: 50 }).map((n) => `o-${n}`) });
const arb = scenarios.async({ events: orderArb, maxEvents: 3, services: ['payments'] });

const setup: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments', { latencyMs: 20 });
  return () => async (event: Order) => {
    await payments.call('charge', event);
  };
};

const RUNS = 25;
const SEED = 20260101;

const warnings: string[] = [];
const logs: string[] = [];
const failures = new Map<string, string[]>();
beforeAll(() => {
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.join(' ')));
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
});
afterAll(() => {
  vi.restoreAllMocks();
});

/** Keeps the errors a test failed with (run after the coverage report failed it). */
function keepFailures(key: string): void {
  onTestFailed(({ task }) => {
    failures.set(
      key,
      (task.result?.errors ?? []).map((e) => String(e.message)),
    );
  });
}

/** Sets LAMBDASIM_COVERAGE until the test's coverage report has run (hooks run last-in first-out). */
function withEnvUntilReported(value: string): void {
  const before = process.env.LAMBDASIM_COVERAGE;
  process.env.LAMBDASIM_COVERAGE = value;
  onTestFinished(() => {
    if (before === undefined) delete process.env.LAMBDASIM_COVERAGE;
    else process.env.LAMBDASIM_COVERAGE = before;
  });
}

describe('coverage', { shuffle: false }, () => {
  test.prop([arb], { numRuns: RUNS, seed: SEED })('weak: a label no run reaches', async (s) => {
    const result = await runScenario(s, setup);
    sometimes('more than ten orders', s.events.length > 10); // maxEvents is 3: never
    sometimes('at least one order', s.events.length >= 1);
    expect(result.end.kind).toBe('quiescent');
  });

  it('…passes with a weak-pass warning naming the test, the label and the runs', () => {
    expect(warnings).toEqual([
      `weak pass: coverage > weak: a label no run reaches: sometimes('more than ten orders') was never reached in ${RUNS} runs`,
    ]);
    expect(logs).toEqual([]); // no table unless asked
    warnings.length = 0;
  });

  it.fails('strict: requireReached of a case no run reaches fails the passing test', async () => {
    keepFailures('requireReached');
    requireReached(['deadLettered', 'faultInjected']); // no DLQ in an async scenario: never dead-lettered
    await fc.assert(
      fc.asyncProperty(arb, async (s) => {
        await runScenario(s, setup);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('…failed with the case, the runs and the fix (and no warning)', () => {
    expect(failures.get('requireReached')).toEqual([
      [
        `coverage: coverage > strict: requireReached of a case no run reaches fails the passing test: case deadLettered (a message or async event reached a dead-letter queue) was never reached in ${RUNS} runs (required)`,
        'Make the generated inputs reach it (more events, a fault aimed at it, a config that allows it, more runs with FC_NUM_RUNS), or stop requiring it.',
      ].join('\n'),
    ]);
    expect(warnings).toEqual([]);
  });

  it.fails('strict: LAMBDASIM_COVERAGE=strict fails a test whose label no run reaches', async () => {
    withEnvUntilReported('strict');
    keepFailures('env');
    await fc.assert(
      fc.asyncProperty(arb, async (s) => {
        await runScenario(s, setup);
        sometimes('more than ten orders', s.events.length > 10);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('…failed instead of warning', () => {
    expect(failures.get('env')?.[0]?.split('\n')[0]).toBe(
      `coverage: coverage > strict: LAMBDASIM_COVERAGE=strict fails a test whose label no run reaches: sometimes('more than ten orders') was never reached in ${RUNS} runs (required)`,
    );
    expect(warnings).toEqual([]);
    expect(process.env.LAMBDASIM_COVERAGE).toBeUndefined();
  });

  it('table: LAMBDASIM_COVERAGE=1 prints the cases and labels of a test', async () => {
    withEnvUntilReported('1');
    await fc.assert(
      fc.asyncProperty(arb, async (s) => {
        await runScenario(s, setup);
        sometimes('two orders or more', s.events.length >= 2);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('…printed the table', () => {
    expect(logs).toHaveLength(1);
    const lines = logs[0]!.split('\n');
    expect(lines[0]).toBe(
      `coverage: coverage > table: LAMBDASIM_COVERAGE=1 prints the cases and labels of a test (${RUNS} runs)`,
    );
    expect(lines).toHaveLength(1 + 15 + 1);
    expect(lines.find((l) => l.includes('retryAfterEffect'))).toMatch(
      /^ {2}retryAfterEffect +\d+ +(\d+\.\d%|never) /,
    );
    expect(lines.at(-1)).toMatch(/^ {2}sometimes\('two orders or more'\) +\d+ +\d+\.\d%$/);
    expect(warnings).toEqual([]);
  });

  it.fails('a failing test is reported by its failure alone', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async (s) => {
        await runScenario(s, setup);
        sometimes('more than ten orders', s.events.length > 10);
        throw new Error('the property fails');
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('…with no weak-pass warning', () => {
    expect(warnings).toEqual([]);
  });
});

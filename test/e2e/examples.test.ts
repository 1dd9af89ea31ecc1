import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Example, examples } from '../../fixtures/examples/index.js';
import { formatViolations, runScenario, type Scenario, scenarios } from '../../src/index.js';

function arbitraryFor(example: Example<never>): fc.Arbitrary<Scenario<never>> {
  const options = {
    events: example.events,
    services: example.services,
    ...(example.config === undefined ? {} : { config: example.config }),
    faults: example.faults ?? 'aws',
    delivery: example.delivery ?? 'aws',
  } as const;
  return scenarios[example.model](options) as fc.Arbitrary<Scenario<never>>;
}

function property(example: Example<never>, variant: 'buggy' | 'fixed') {
  return fc.asyncProperty(arbitraryFor(example), async (scenario) => {
    const result = await runScenario(scenario, example[variant]);
    const violations = await example.check(result);
    if (violations.length > 0) throw new Error(formatViolations(violations));
  });
}

describe.each(examples.map((e) => [e.name, e]))('example %s', (_name, example) => {
  it(`finds the bug (${example.bug}) within the default run count`, async () => {
    const details = await fc.check(property(example, 'buggy'), { numRuns: 100 });
    expect(details.failed, `no failure in 100 runs (seed ${details.seed})`).toBe(true);
    // The shrunk counterexample is small (the classic retried side effect: one event, one fault).
    const [scenario] = details.counterexample as [Scenario<never>];
    // A real bug: the shrunk scenario runs and breaks the example's invariant (a setup error or an
    // exception would also fail the property, and must not pass for a found bug).
    const violations = await example.check(await runScenario(scenario, example.buggy));
    expect(violations.length, String(details.errorInstance)).toBeGreaterThan(0);
    expect(scenario.events.length).toBeLessThanOrEqual(example.minimalEvents ?? 6);
    expect(scenario.faults.length).toBeLessThanOrEqual(example.minimalFaults ?? 2);
  });

  it('passes the fixed twin', async () => {
    const details = await fc.check(property(example, 'fixed'), { numRuns: 100 });
    expect(
      details.failed,
      `${String(details.errorInstance)}\n${JSON.stringify(details.counterexample)}`,
    ).toBe(false);
  });
});

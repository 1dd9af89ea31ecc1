import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { examples } from '../../fixtures/examples/index.js';
import { exampleProperty } from '../../fixtures/examples/property.js';
import { runScenario, type Scenario } from '../../src/index.js';

describe.each(examples.map((e) => [e.name, e]))('example %s', (_name, example) => {
  it(`finds the bug (${example.bug}) within the default run count`, async () => {
    const details = await fc.check(exampleProperty(example, 'buggy'), { numRuns: 100 });
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
    const details = await fc.check(exampleProperty(example, 'fixed'), { numRuns: 100 });
    expect(
      details.failed,
      `${String(details.errorInstance)}\n${JSON.stringify(details.counterexample)}`,
    ).toBe(false);
  });
});

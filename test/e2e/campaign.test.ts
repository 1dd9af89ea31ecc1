/**
 * Campaigns beyond one machine (issue 15, item 9): a failing property over scenarios saves its
 * shrunk counterexample as a scenario file under LAMBDASIM_COUNTEREXAMPLES (one folder per test,
 * one file per distinct counterexample), and `regressionTests` over that folder replays it as a
 * plain test. The README's recipe shards a campaign with `vitest --shard` and merges the folders.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { welcomeEmail } from '../../fixtures/examples/welcomeEmail.js';
import { exampleScenarios } from '../../fixtures/examples/property.js';
import {
  loadScenario,
  runScenario,
  type Scenario,
  type ScenarioResult,
  type ScenarioSetup,
} from '../../src/index.js';
import { expect, fc, it, regressionTests } from '../../src/vitest/index.js';

const example = welcomeEmail as unknown as typeof welcomeEmail & { buggy: ScenarioSetup<never> };
const arb = exampleScenarios(example as never);
/** The welcome-email property: at most one email per signup (the buggy handler sends two). */
const property = fc.asyncProperty(arb, async (scenario) => {
  const result = await runScenario(scenario, example.buggy);
  expect(result).toHaveEffectsExactlyOnce('mailer', (e) => e.requestId);
});

/** Runs `run` with LAMBDASIM_COUNTEREXAMPLES set to `dir`. */
async function withCounterexamplesDir<T>(dir: string, run: () => Promise<T>): Promise<T> {
  const before = process.env.LAMBDASIM_COUNTEREXAMPLES;
  process.env.LAMBDASIM_COUNTEREXAMPLES = dir;
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.LAMBDASIM_COUNTEREXAMPLES;
    else process.env.LAMBDASIM_COUNTEREXAMPLES = before;
  }
}

/** Every file under `dir`, as `folder/file` paths. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

describe('LAMBDASIM_COUNTEREXAMPLES', () => {
  it('a failing property saves its shrunk counterexample in a folder named after the test, and says where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lambdasim-campaign-'));
    const details = await withCounterexamplesDir(dir, () => fc.check(property, { seed: 42 }));
    expect(details.failed).toBe(true);
    const files = filesUnder(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(
      /^test-e2e-campaign-test-ts--a-failing-property-saves-its-shrunk-counterexample-in-a-fold\/[0-9a-f]{16}\.json$/,
    );
    const [counterexample] = details.counterexample as [Scenario];
    expect(loadScenario(join(dir, files[0]!))).toEqual(counterexample);
    expect((details.errorInstance as Error).message).toContain(
      `Saved as ${join(dir, files[0]!)} (LAMBDASIM_COUNTEREXAMPLES)`,
    );

    // The same counterexample again (another seed, another shard): the same file, not a second one.
    await withCounterexamplesDir(dir, () => fc.check(property, { seed: 42 }));
    expect(filesUnder(dir)).toEqual(files);
  });

  it('without it, nothing is written', async () => {
    const before = process.env.LAMBDASIM_COUNTEREXAMPLES;
    delete process.env.LAMBDASIM_COUNTEREXAMPLES;
    try {
      const details = await fc.check(property, { seed: 42 });
      expect((details.errorInstance as Error).message).not.toContain('LAMBDASIM_COUNTEREXAMPLES');
    } finally {
      if (before !== undefined) process.env.LAMBDASIM_COUNTEREXAMPLES = before;
    }
  });
});

// A shard's campaign, run while this file is collected: its counterexamples land in `shard`, and
// regressionTests registers one test per file found there — the merge step of the recipe.
const shard = mkdtempSync(join(tmpdir(), 'lambdasim-shard-'));
const found = await withCounterexamplesDir(shard, () => fc.check(property, { seed: 7 }));
const [folder] = readdirSync(shard);
const replayed: ScenarioResult<never>[] = [];

describe('regressionTests over a campaign folder', () => {
  regressionTests<never>(join(shard, folder ?? 'nothing-saved'), example.buggy, (result) => {
    replayed.push(result);
    // The buggy handler still sends the email twice: the regression reproduces the bug.
    expect(result.effects('mailer')).toHaveLength(2);
  });
  // Registered after them, so it runs after them (tests in a file run in order).
  it('replayed the counterexample the campaign saved, as a plain test', () => {
    expect(found.failed).toBe(true);
    expect(replayed).toHaveLength(1);
    expect(replayed[0]!.scenario).toEqual((found.counterexample as [Scenario])[0]);
  });
});

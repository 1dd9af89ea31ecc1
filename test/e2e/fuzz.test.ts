/**
 * The simulator's own invariants under generated load (issue 10): a few hundred scenarios of every
 * model, with faults and at-least-once delivery, against each bundled example's buggy handler and
 * its fixed twin. Each run is checked for the run-end invariants — every queue's accounting adds
 * up, nothing is left in flight when the run is quiescent, every async event ends in one state, no
 * real timer outlives the run, the virtual globals are still installed — and run a second time
 * for the same trace hash. (Concurrency slots are asserted by `sim.run()` itself on every run of
 * the suite.) The buggy handlers make sure the invariants hold on the paths where user code fails.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { examples } from '../../fixtures/examples/index.js';
import { exampleScenarios } from '../../fixtures/examples/property.js';
import { runScenario, type Scenario, type ScenarioResult, type ScenarioSetup } from '../../src/index.js';
import { realGlobals } from '../../src/sim/realGlobals.js';

/** Scenarios per example and variant: 8 examples × 3 variants × 40 = 960 runs, each run twice. */
const RUNS_PER_VARIANT = 40;
const FUZZ_SEED = 20261202;

/** The globals lambdasim installs: a run must leave these exact functions in place. */
function installedGlobals(): readonly unknown[] {
  return [
    globalThis.Date,
    Date.now,
    Math.random,
    performance.now,
    globalThis.crypto.randomUUID,
    globalThis.crypto.getRandomValues,
    globalThis.setTimeout,
    globalThis.setInterval,
    globalThis.setImmediate,
    globalThis.clearTimeout,
    process.hrtime,
  ];
}

/** Real timers alive in this process (vitest's own are there before and after). */
function realTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
}

/** Whether a run is in progress, and how often a handler's real interval fired outside one. */
let running = false;
let lateFires = 0;
/** Invocations whose hostile code ran in the current (or last) run. */
let hostileCalls = 0;

/**
 * The fixed twin made hostile: on every invocation it replaces `Math.random` and `Date.now`,
 * starts a real interval (on its first 3 invocations, through a reference captured before
 * lambdasim, as a preloaded module would) and writes `process.env`. lambdasim must put the globals back, cancel the interval when
 * the run ends, keep the writes inside the runtime process and report what it saw, the same way
 * in both runs.
 */
function hostile(setup: ScenarioSetup<never>): ScenarioSetup<never> {
  return (sim) => {
    const factory = setup(sim) as (env: unknown) => (event: unknown, context: unknown) => unknown;
    return ((env: unknown) => {
      const handler = factory(env);
      return async (event: unknown, context: unknown) => {
        hostileCalls++;
        Math.random = () => 0.5;
        Date.now = () => 0;
        // A few real intervals per run are enough to see one outlive it; one per invocation would
        // flood the event loop in a run of thousands of invocations (a shard blocked for 24 h).
        if (hostileCalls <= 3)
          realGlobals.setInterval(() => {
            if (!running) lateFires++;
          }, 1);
        process.env.LAMBDASIM_FUZZ_HOSTILE = 'written by a handler';
        return handler(event, context);
      };
    }) as never;
  };
}

/** Runs a scenario, telling the hostile intervals when it is running. */
async function runReporting(scenario: Scenario<never>, setup: ScenarioSetup<never>) {
  running = true;
  hostileCalls = 0; // per run: both runs of a scenario start the same real intervals
  try {
    // The hostile handlers escape on purpose; the test checks each escape is reported.
    return await runScenario(scenario, setup, {
      allowDeterminismErrors: 'fuzz: hostile handlers start real timers and replace globals on purpose',
    });
  } finally {
    running = false;
  }
}

/** The run-end invariants of one result, as messages (empty when they hold). */
function runEndProblems(result: ScenarioResult<unknown>): string[] {
  const problems: string[] = [];
  if (result.end.kind === 'eventBudget') problems.push(`run hit the event budget at ${result.end.atMs} ms`);
  const quiescent = result.end.kind === 'quiescent';
  for (const q of result.queues) {
    const stored = q.deleted + q.filtered + q.deadLettered + q.expired + q.visible + q.inFlight + q.delayed;
    if (q.sent + q.redrivenIn !== stored)
      problems.push(`queue ${q.queue}: sent ${q.sent} + redrivenIn ${q.redrivenIn} != stored ${stored}`);
    if (quiescent && q.inFlight !== 0)
      problems.push(`queue ${q.queue}: ${q.inFlight} in flight at quiescence`);
    if (quiescent && q.delayed !== 0) problems.push(`queue ${q.queue}: ${q.delayed} delayed at quiescence`);
  }
  const byQueue = new Map<string, number>();
  for (const m of result.messages) byQueue.set(m.queue, (byQueue.get(m.queue) ?? 0) + 1);
  for (const q of result.queues) {
    const records = byQueue.get(q.queue) ?? 0;
    const expected = q.sent + q.redrivenIn;
    if (records !== expected)
      problems.push(`queue ${q.queue}: ${records} message records, accounting says ${expected}`);
  }
  for (const e of result.asyncEvents) {
    if (quiescent && (e.state === 'queued' || e.state === 'inFlight'))
      problems.push(`async event ${e.requestId}: ${e.state} at quiescence`);
  }
  for (const r of result.requests) {
    if (quiescent && r.response === undefined)
      problems.push(`request ${r.requestId}: no response at quiescence`);
  }
  return problems;
}

describe('fuzz: run-end invariants and same-seed replay over every model', () => {
  it.each(examples.map((e) => [e.name, e.model, e] as const))(
    '%s (%s): buggy, fixed and hostile handlers, %#',
    async (_name, _model, example) => {
      const globalsBefore = installedGlobals();
      let runs = 0;
      for (const variant of ['buggy', 'fixed', 'hostile'] as const) {
        const setup = variant === 'hostile' ? hostile(example.fixed) : example[variant];
        // Each twin over its own scenarios (an example may give its fixed twin its own config).
        const arb = exampleScenarios(example, variant === 'buggy' ? 'buggy' : 'fixed');
        const sampled = fc.sample(arb, { seed: FUZZ_SEED, numRuns: RUNS_PER_VARIANT });
        for (const [i, scenario] of sampled.entries()) {
          const where = `${example.name}.${variant} scenario ${i}: ${JSON.stringify(scenario)}`;
          const timersBefore = realTimers();
          hostileCalls = 0;
          const first = await runReporting(scenario as Scenario<never>, setup);
          const second = await runReporting(scenario as Scenario<never>, setup);
          runs++;
          expect(runEndProblems(first), where).toEqual([]);
          expect(second.traceHash, `${where}: the same scenario gave another trace hash`).toBe(
            first.traceHash,
          );
          if (variant !== 'hostile') expect(first.determinismErrors, where).toEqual([]);
          else if (hostileCalls > 0) {
            const reported = first.determinismErrors.map((e) => e.resource).join(', ');
            expect(reported, where).toMatch(/Math\.random/);
            expect(reported, where).toMatch(/Timeout/);
          }
          expect(process.env.LAMBDASIM_FUZZ_HOSTILE, `${where}: a handler's env write reached the test`).toBe(
            undefined,
          );
          expect(installedGlobals(), `${where}: a global was left replaced`).toEqual(globalsBefore);
          expect(realTimers(), `${where}: a real timer outlived the run`).toBeLessThanOrEqual(timersBefore);
        }
      }
      expect(runs).toBe(3 * RUNS_PER_VARIANT);
      // A real interval the run did not cancel would fire within these 20 ms of real time.
      await new Promise((resolve) => realGlobals.setTimeout(resolve, 20));
      expect(lateFires, 'a real interval started by a handler fired after its run').toBe(0);
    },
  );
});

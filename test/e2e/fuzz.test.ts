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
import { runScenario, type Scenario, type ScenarioResult } from '../../src/index.js';

/** Scenarios per example and variant: 8 examples × 2 variants × 40 = 640 scenarios, each run twice. */
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
    '%s (%s): buggy and fixed handlers, %#',
    async (_name, _model, example) => {
      const arb = exampleScenarios(example);
      const sampled = fc.sample(arb, { seed: FUZZ_SEED, numRuns: RUNS_PER_VARIANT });
      const globalsBefore = installedGlobals();
      let runs = 0;
      for (const variant of ['buggy', 'fixed'] as const) {
        for (const [i, scenario] of sampled.entries()) {
          const where = `${example.name}.${variant} scenario ${i}: ${JSON.stringify(scenario)}`;
          const timersBefore = realTimers();
          const first = await runScenario(scenario as Scenario<never>, example[variant]);
          const second = await runScenario(scenario as Scenario<never>, example[variant]);
          runs++;
          expect(runEndProblems(first), where).toEqual([]);
          expect(second.traceHash, `${where}: the same scenario gave another trace hash`).toBe(
            first.traceHash,
          );
          expect(first.determinismErrors, where).toEqual([]);
          expect(installedGlobals(), `${where}: a global was left replaced`).toEqual(globalsBefore);
          expect(realTimers(), `${where}: a real timer outlived the run`).toBeLessThanOrEqual(timersBefore);
        }
      }
      expect(runs).toBe(2 * RUNS_PER_VARIANT);
    },
  );
});

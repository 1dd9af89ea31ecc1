/**
 * Runs one scenario in this (fresh) process: warm-up repetitions, then timed ones, and prints
 * one JSON line `{ id, size, samples: [{ ms, ops, check }] }` on stdout.
 *
 *   node --expose-gc --import tsx bench/child.ts <scenario> <size> <warmup> <reps>
 *
 * Handy for profiling one scenario alone, e.g.
 *   node --cpu-prof --cpu-prof-dir=bench/results --import tsx bench/child.ts kernel-step 2000000 1 3
 */
import { scenarioById } from './scenarios.js';

export interface Sample {
  readonly ms: number;
  readonly ops: number;
  readonly check: string;
}

export interface ChildReport {
  readonly id: string;
  readonly size: number;
  readonly samples: readonly Sample[];
}

// Captured at load, before any scenario installs lambdasim's virtual globals (which answer
// from virtual time only inside a simulation scope; this harness never runs inside one).
const hr = process.hrtime.bigint.bind(process.hrtime);
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const [id, sizeArg, warmupArg, repsArg] = process.argv.slice(2);
  if (id === undefined) throw new Error('usage: child.ts <scenario> [size] [warmup] [reps]');
  const scenario = scenarioById(id);
  const size = sizeArg ? Number(sizeArg) : scenario.size.full;
  const warmup = warmupArg ? Number(warmupArg) : 2;
  const reps = repsArg ? Number(repsArg) : 5;
  const run = await scenario.load();
  const samples: Sample[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    gc?.(); // start every repetition from a collected heap, so one rep's garbage is not billed to the next
    const t0 = hr();
    let outcome = run(size);
    if (outcome instanceof Promise) outcome = await outcome;
    const ms = Number(hr() - t0) / 1e6;
    if (i >= warmup) samples.push({ ms, ops: outcome.ops, check: outcome.check });
  }
  const report: ChildReport = { id, size, samples };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

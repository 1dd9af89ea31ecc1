/**
 * Asynchronous invocation benchmark: `npx tsx bench/async.ts [--quick]`.
 *
 * (1) 10,000 async events spread over 6 virtual hours, each attempt failing with probability
 *     0.3 (seeded), default retry policy (60 s / 120 s, 2 retries) and an on-failure sink.
 *     Reports real time, virtual/real ratio, async events/s and kernel events/s, against the
 *     bare heap loop (bench/bareHeap.ts) dispatching the same number of events in this process.
 * (2) The target: one virtual hour of retry behaviour for a 10-event workload (one
 *     always-failing event every 6 minutes, each retried at +60 s and +120 s) in < 10 ms real time.
 *
 * Figures are medians over repetitions after warm-up, from one process (the bare loop runs in
 * the same process, after the simulation, so both see the same machine state).
 */
import { performance } from 'node:perf_hooks';
import { createSimulation, type SimulationResult } from '../src/index.js';
import { BareLoop } from './bareHeap.js';
import { mulberry32 } from './workload.js';

const quick = process.argv.includes('--quick');
const HOUR_MS = 3_600_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function bigWorkload(events: number, seed: number): Promise<SimulationResult> {
  const sim = createSimulation({ seed });
  const failures = sim.sink('failures', { kind: 'sqs' });
  const fn = sim.fn(
    'Worker',
    () => async (event: { n: number; attempt?: number }) => {
      if (Math.random() < 0.3) throw new Error(`failed ${event.n}`); // seeded, virtual Math.random
      return { ok: event.n };
    },
    { async: { onFailure: failures } },
  );
  const spacingMs = Math.floor((6 * HOUR_MS) / events);
  for (let i = 0; i < events; i++) sim.at(i * spacingMs, () => void sim.invokeAsync(fn, { n: i }));
  return sim.run();
}

async function hourOfRetries(seed: number): Promise<SimulationResult> {
  const sim = createSimulation({ seed });
  const failures = sim.sink('failures', { kind: 'sqs' });
  const fn = sim.fn(
    'AlwaysFails',
    () => async () => {
      throw new Error('boom');
    },
    { async: { onFailure: failures } },
  );
  for (let i = 0; i < 10; i++) sim.at(i * 6 * 60_000, () => void sim.invokeAsync(fn, { n: i }));
  return sim.run();
}

function bareLoop(events: number): number {
  const loop = new BareLoop();
  const rand = mulberry32(7);
  let left = events;
  const procs = 100;
  for (let p = 0; p < procs; p++) {
    const proc = (): void => {
      if (left-- > 0) loop.at(loop.now + 1 + (rand() % 100), proc);
    };
    left--;
    loop.at(1 + (rand() % 100), proc);
  }
  const t0 = performance.now();
  loop.runAll();
  return performance.now() - t0;
}

const size = quick ? 2_000 : 10_000;
const reps = quick ? 2 : 5;

// (1) big workload
const times: number[] = [];
let last: SimulationResult | undefined;
await bigWorkload(size, 0); // warm-up
for (let r = 0; r < reps; r++) {
  const t0 = performance.now();
  last = await bigWorkload(size, r + 1);
  times.push(performance.now() - t0);
}
const realMs = median(times);
const result = last!;
const kernelEvents = result.end.events;
const attempts = result.trace.filter((e) => e.kind === 'invoke.started').length;
const states: Record<string, number> = {};
for (const e of result.asyncEvents) states[e.state] = (states[e.state] ?? 0) + 1;
const bareTimes: number[] = [];
for (let r = 0; r < reps + 2; r++) bareTimes.push(bareLoop(kernelEvents));
const bareMs = median(bareTimes.slice(2));

// (2) one virtual hour of retries, 10 events
const smallTimes: number[] = [];
let small: SimulationResult | undefined;
for (let r = 0; r < 20; r++) await hourOfRetries(r); // warm-up
for (let r = 0; r < (quick ? 20 : 100); r++) {
  const t0 = performance.now();
  small = await hourOfRetries(r);
  smallTimes.push(performance.now() - t0);
}
const smallMs = median(smallTimes);
const smallVirtualMs = small!.end.atMs;

const f = (x: number, d = 1) => x.toLocaleString('en-US', { maximumFractionDigits: d });
console.log(
  `lambdasim async bench (${quick ? 'quick' : 'full'}; Node ${process.version}; medians of ${reps} runs)`,
);
console.log('');
console.log(`(1) ${f(size, 0)} async events over 6 virtual hours, 30 % of attempts failing`);
console.log(
  `    attempts ${f(attempts, 0)}; states ${JSON.stringify(states)}; kernel events ${f(kernelEvents, 0)}`,
);
console.log(`    virtual time   ${f(result.end.atMs / HOUR_MS, 2)} h`);
console.log(`    real time      ${f(realMs)} ms`);
console.log(`    virtual/real   ${f(result.end.atMs / realMs, 0)}x`);
console.log(
  `    async events/s ${f((size / realMs) * 1000, 0)}  (attempts/s ${f((attempts / realMs) * 1000, 0)})`,
);
console.log(
  `    kernel events/s ${f((kernelEvents / realMs) * 1000, 0)} vs bare heap loop ${f((kernelEvents / bareMs) * 1000, 0)} (same ${f(kernelEvents, 0)} events, same process)`,
);
console.log(
  `    cost per kernel event: ${f((realMs / kernelEvents) * 1e6, 0)} ns vs ${f((bareMs / kernelEvents) * 1e6, 0)} ns bare = ${f(realMs / bareMs, 0)}x (each async event carries an invocation: environment, context, handler, trace)`,
);
console.log('');
console.log(
  `(2) 10 always-failing events, one every 6 min, default retries: ${f(smallVirtualMs / 60_000, 1)} virtual minutes`,
);
console.log(
  `    real time ${f(smallMs, 2)} ms per run (p50 of ${smallTimes.length}), target < 10 ms for one virtual hour: ${smallMs < 10 ? 'MET' : 'MISSED'}`,
);

/**
 * Scale benchmark: `npm run bench:scale [-- flags]` (runs node with --expose-gc).
 *
 *   --messages=N        messages on the one queue (default 1,000,000)
 *   --accessor-only     no mapping: the messages are sent and stay on the queue, so the run is
 *                       cheap and only the result accessors are measured (10 M takes about
 *                       10.5 GB: node --max-old-space-size=14000 --expose-gc --import tsx
 *                       bench/scale.ts --accessor-only --messages=10000000)
 *   --json              also write bench/results/scale.json (git-ignored)
 *   --update-baseline   write bench/scale-baseline.json from this run (default size, end to end)
 *
 * End to end (default): N messages sent at t = 0 by workload code to one standard queue, through
 * one mapping (batch size 10) to a trivial async handler, run to quiescence; then the accounting
 * is read back through `result.messages`, `result.queues` and `checks.noLostEvents`, and through
 * the `toHaveNoLostEvents` matcher (which on a passing run must not hash the trace). One run, in
 * this process: at 1 M messages a run is tens of seconds and about 2 GB of heap, so repetitions
 * would mostly measure the collector.
 *
 * Reported: real time (send, run, accessors + check, matcher, total) as ns per message and as a
 * ratio against the bare heap loop (bench/bareHeap.ts) measured in this process before the
 * simulation (median of 3 runs of 1 M events); peak memory: maxRSS (the kernel's high-water
 * mark) and the peak of heapUsed samples (taken every 2,000 invocations and between phases),
 * as bytes per message above the heap before the simulation; and the heap that the result keeps
 * after a full collection.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checks, createSimulation, type SimulationResult } from '../src/index.js';
import { lambdasimMatchers } from '../src/vitest/matchers.js';
import { bareRun } from './bareHeap.js';
import { baselineLines, count, median, sig3 } from './stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BASELINE_FILE = path.join(HERE, 'scale-baseline.json');
const RESULTS_DIR = path.join(HERE, 'results');
const DEFAULT_MESSAGES = 1_000_000;

const { values: flags } = parseArgs({
  options: {
    messages: { type: 'string', default: String(DEFAULT_MESSAGES) },
    'accessor-only': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'update-baseline': { type: 'boolean', default: false },
  },
  strict: true,
});
const MESSAGES = Number(flags.messages);
const ACCESSOR_ONLY = flags['accessor-only'];
if (!(Number.isInteger(MESSAGES) && MESSAGES >= 1)) fail('--messages must be a positive integer');
if (flags['update-baseline'] && (ACCESSOR_ONLY || MESSAGES !== DEFAULT_MESSAGES))
  fail('--update-baseline needs the default run (no --accessor-only, no --messages)');

function fail(message: string): never {
  process.stderr.write(`bench:scale: ${message}\n`);
  process.exit(2);
}

// Captured at load, before any simulation installs lambdasim's virtual globals.
const now = performance.now.bind(performance);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) fail('run with node --expose-gc (npm run bench:scale does)');

// --------------------------------------------------------------------------------------------
// anchor: the bare heap loop, 1 M events, in this process before the simulation grows the heap

const loadStart = os.loadavg()[0]!;
const BARE_EVENTS = 1_000_000;
bareRun(BARE_EVENTS); // warm-up
const bareNsPerEvent = (median([0, 1, 2].map(() => bareRun(BARE_EVENTS))) * 1e6) / BARE_EVENTS;

// --------------------------------------------------------------------------------------------
// memory sampling

let heapPeak = 0;
const sampleHeap = (): void => {
  const used = process.memoryUsage().heapUsed;
  if (used > heapPeak) heapPeak = used;
};
gc();
const heapBefore = process.memoryUsage().heapUsed;
const rssBefore = process.memoryUsage().rss;

// --------------------------------------------------------------------------------------------
// the run

const phases: Record<string, number> = {};
let mark = now();
const phase = (name: string): void => {
  const t = now();
  phases[name] = t - mark;
  sampleHeap();
  mark = now();
};
const tStart = now();

const sim = createSimulation({ seed: 1 });
const queue = sim.sqs('orders');
let invocations = 0;
if (!ACCESSOR_ONLY) {
  const fn = sim.fn('Process', () => async () => {
    if (++invocations % 2000 === 0) sampleHeap();
  });
  sim.mapping(queue, fn, { batchSize: 10 });
}
for (let i = 0; i < MESSAGES; i++) void queue.send({ i });
phase('send');
const result: SimulationResult = await sim.run();
phase('run');

const messages = result.messages;
const accounting = result.queues[0]!;
const lost = checks.noLostEvents(result);
phase('accessors+check');
const matcher = lambdasimMatchers.toHaveNoLostEvents(result);
phase('matcher');
const totalMs = now() - tStart;

const expectedStatus = ACCESSOR_ONLY ? 'visible' : 'deleted';
let inStatus = 0;
for (const m of messages) if (m.status === expectedStatus) inStatus++;
const problems: string[] = [];
if (result.end.kind !== 'quiescent') problems.push(`run ended ${result.end.kind}`);
if (messages.length !== MESSAGES) problems.push(`result.messages has ${messages.length} records`);
if (inStatus !== MESSAGES) problems.push(`${MESSAGES - inStatus} records not ${expectedStatus}`);
if (accounting.sent !== MESSAGES || accounting[expectedStatus] !== MESSAGES)
  problems.push(`accounting ${JSON.stringify(accounting)}`);
if (lost.length !== 0 || !matcher.pass) problems.push(`noLostEvents found ${lost.length} violations`);

const traceLength = result.trace.length;
gc();
const heapRetained = process.memoryUsage().heapUsed - heapBefore;
const maxRssBytes = process.resourceUsage().maxRSS * 1024;

// --------------------------------------------------------------------------------------------
// report

const nsPerMessage = (ms: number): number => (ms * 1e6) / MESSAGES;
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const line = (label: string, ms: number): string =>
  `  ${label.padEnd(16)} ${ms.toFixed(0).padStart(7)} ms  ${sig3(nsPerMessage(ms)).padStart(6)} ns/msg  ` +
  `${sig3(nsPerMessage(ms) / bareNsPerEvent).padStart(6)}x a bare heap event`;

const ratios = {
  'total/heap': nsPerMessage(totalMs) / bareNsPerEvent,
  'run/heap': nsPerMessage(phases.run!) / bareNsPerEvent,
  'accessors+check/heap': nsPerMessage(phases['accessors+check']!) / bareNsPerEvent,
  'matcher/heap': nsPerMessage(phases.matcher!) / bareNsPerEvent,
};
const memory = {
  maxRssBytesPerMessage: (maxRssBytes - rssBefore) / MESSAGES,
  heapPeakBytesPerMessage: (heapPeak - heapBefore) / MESSAGES,
  heapRetainedBytesPerMessage: heapRetained / MESSAGES,
};

const out: string[] = [];
out.push(
  `SQS at scale (${ACCESSOR_ONLY ? 'accessors only: no mapping, messages stay on the queue' : 'end to end: one mapping, batch 10, trivial handler'}): ` +
    `${count(MESSAGES)} messages, ${count(invocations)} invocations, ${count(traceLength)} trace events; ` +
    `node ${process.version}, ${os.cpus()[0]?.model.trim() ?? '?'} x${os.cpus().length}, load ${os.loadavg()[0]!.toFixed(2)}`,
);
out.push(
  `  anchor           bare heap loop ${sig3(bareNsPerEvent)} ns/event (median of 3 x 1 M, this process)`,
);
out.push(line('send', phases.send!));
out.push(line('run', phases.run!));
out.push(line('accessors+check', phases['accessors+check']!));
out.push(`                   (result.messages + result.queues + checks.noLostEvents)`);
out.push(line('matcher', phases.matcher!));
out.push(
  `                   (lambdasimMatchers.toHaveNoLostEvents on a passing run: noLostEvents again, no trace hash)`,
);
out.push(line('total', totalMs));
out.push(
  `  memory           maxRSS ${mb(maxRssBytes)} (${sig3(memory.maxRssBytesPerMessage)} B/msg above start); ` +
    `heapUsed peak ${mb(heapPeak)} (${sig3(memory.heapPeakBytesPerMessage)} B/msg); ` +
    `kept by the result after gc ${mb(heapRetained)} (${sig3(memory.heapRetainedBytesPerMessage)} B/msg)`,
);
out.push(
  problems.length === 0
    ? `  checks           ${count(MESSAGES)} records, every one ${expectedStatus}; accounting matches; nothing lost`
    : `  CHECK FAILED     ${problems.join('; ')}`,
);

interface Baseline {
  readonly createdAt: string;
  readonly machine: { readonly node: string; readonly cpu: string; readonly cores: number };
  /** 1-minute load average at the start and end of the run that made it (noise indicator). */
  readonly loadAverage: readonly [number, number];
  readonly messages: number;
  readonly bareNsPerEvent: number;
  readonly ratios: Record<string, number>;
  readonly memory: Record<string, number>;
}
const round4 = (x: number): number => Number(x.toPrecision(4));
if (!ACCESSOR_ONLY && MESSAGES === DEFAULT_MESSAGES && fs.existsSync(BASELINE_FILE)) {
  const b = JSON.parse(fs.readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
  out.push(
    `baseline ${b.createdAt}, load ${b.loadAverage.join(' -> ')} (ratios to the anchor, bytes per message; lower is cheaper):`,
  );
  out.push(...baselineLines({ ...ratios, ...memory }, { ...b.ratios, ...b.memory }, 28));
}
process.stdout.write(`${out.join('\n')}\n`);

const record: Baseline = {
  createdAt: new Date().toISOString(),
  machine: { node: process.version, cpu: os.cpus()[0]?.model.trim() ?? '?', cores: os.cpus().length },
  loadAverage: [round4(loadStart), round4(os.loadavg()[0]!)],
  messages: MESSAGES,
  bareNsPerEvent: round4(bareNsPerEvent),
  ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, round4(v)])),
  memory: Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, round4(v)])),
};
if (flags['update-baseline']) {
  if (problems.length > 0) fail('not writing a baseline from a run with failures');
  fs.writeFileSync(BASELINE_FILE, `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`wrote bench/scale-baseline.json\n`);
}
if (flags.json) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, 'scale.json');
  const full = { ...record, accessorOnly: ACCESSOR_ONLY, phasesMs: phases, totalMs, problems };
  fs.writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
  process.stdout.write(`wrote bench/results/scale.json\n`);
}
if (problems.length > 0) process.exitCode = 1;

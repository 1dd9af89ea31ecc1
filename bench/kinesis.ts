/**
 * Kinesis benchmark: `npm run bench:kinesis [-- flags]` (runs node with --expose-gc).
 *
 *   --records=N         records through the mapping (default 1,000,000)
 *   --reps=N            timed mapping runs (default 3; the first also measures memory)
 *   --blocked-runs=N    blocked-shard runs (default 20)
 *   --update-baseline   write bench/kinesis-baseline.json from this run (default sizes only)
 *
 * Throughput: N records (put at t = 0 by workload code, 4,000 partition keys) over 4 shards
 * through one stream mapping, batch size 100, the handler succeeding; real time per record as a
 * ratio against the bare heap loop (bench/bareHeap.ts) measured in this process on 1 M events.
 * Memory (the first run, in a fresh heap): heapUsed after a full collection once the records are
 * put and once the run has ended, and maxRSS, as bytes per record above the heap before the run.
 *
 * Blocked shard: the kinesisPoisonPill example's buggy twin (a poison record with the mapping's
 * defaults, retried for the 24 h retention, ~1,450 retries) on the same poisoned scenarios each
 * time, checked with `checks.noLostEvents`; real time per run as a ratio against the bare loop's
 * time for 1 M events.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { KinesisStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { kinesisPoisonPill } from '../fixtures/examples/kinesisPoisonPill.js';
import { exampleScenarios } from '../fixtures/examples/property.js';
import { createSimulation, runScenario, type Scenario } from '../src/index.js';
import { bareRun } from './bareHeap.js';
import { baselineLines, median, sig3 } from './stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BASELINE_FILE = path.join(HERE, 'kinesis-baseline.json');
const DEFAULTS = { records: 1_000_000, reps: 3, blocked: 20 };

const { values: flags } = parseArgs({
  options: {
    records: { type: 'string', default: String(DEFAULTS.records) },
    reps: { type: 'string', default: String(DEFAULTS.reps) },
    'blocked-runs': { type: 'string', default: String(DEFAULTS.blocked) },
    'update-baseline': { type: 'boolean', default: false },
  },
  strict: true,
});
const RECORDS = Number(flags.records);
const REPS = Number(flags.reps);
const BLOCKED_RUNS = Number(flags['blocked-runs']);
const defaultSizes = RECORDS === DEFAULTS.records && BLOCKED_RUNS === DEFAULTS.blocked;
if (flags['update-baseline'] && !defaultSizes) fail('--update-baseline needs the default sizes');

function fail(message: string): never {
  process.stderr.write(`bench:kinesis: ${message}\n`);
  process.exit(2);
}

// Captured at load, before any simulation installs lambdasim's virtual globals.
const now = performance.now.bind(performance);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) fail('run with node --expose-gc (npm run bench:kinesis does)');
const heapUsed = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

interface Memory {
  readonly heapBefore: number;
  readonly heapAfterPuts: number;
  readonly heapAfterRun: number;
}

async function kinesisRun(memory?: (m: Memory) => void): Promise<{ ms: number; invocations: number }> {
  const heapBefore = memory === undefined ? 0 : heapUsed();
  const t0 = now();
  let paused = 0;
  const sim = createSimulation({ seed: 1 });
  const stream = sim.kinesis('clicks', { shards: 4 });
  let invocations = 0;
  let processed = 0;
  const fn = sim.fn('Count', () => async (event: KinesisStreamEvent) => {
    invocations++;
    processed += event.Records.length;
  });
  sim.mapping(stream, fn, { startingPosition: 'TRIM_HORIZON', batchSize: 100 });
  for (let i = 0; i < RECORDS; i++) void stream.put(`{"i":${i}}`, { partitionKey: `user-${i % 4000}` });
  let heapAfterPuts = 0;
  if (memory !== undefined) {
    const p0 = now();
    heapAfterPuts = heapUsed();
    paused += now() - p0;
  }
  const result = await sim.run();
  const ms = now() - t0 - paused;
  if (result.end.kind !== 'quiescent' || processed !== RECORDS)
    throw new Error(`unexpected end: ${JSON.stringify({ end: result.end, processed })}`);
  memory?.({ heapBefore, heapAfterPuts, heapAfterRun: heapUsed() });
  return { ms, invocations };
}

/** The buggy twin on poisoned scenarios (fixed by seed): real ms per run, and retries per run. */
async function blockedRuns(): Promise<{ msPerRun: number; retries: number; found: number }> {
  const example = kinesisPoisonPill as never;
  const sampled = fc.sample(exampleScenarios(example, 'buggy'), { seed: 7, numRuns: 300 }) as Scenario<{
    kwh: number;
  }>[];
  const poisoned = sampled.filter((s) => s.events.some((e) => !((e.body as { kwh: number }).kwh >= 0)));
  if (poisoned.length === 0) throw new Error('no poisoned scenario sampled');
  const ms: number[] = [];
  let retries = 0;
  let found = 0;
  for (let i = 0; i < BLOCKED_RUNS; i++) {
    const scenario = poisoned[i % poisoned.length]!;
    const t0 = now();
    const result = await runScenario(scenario, kinesisPoisonPill.buggy as never);
    const violations = await kinesisPoisonPill.check(result as never);
    ms.push(now() - t0);
    if (violations.length > 0) found++;
    retries += result.trace.filter((e) => e.kind === 'stream.retryScheduled').length;
  }
  return { msPerRun: median(ms), retries: retries / BLOCKED_RUNS, found };
}

const loadStart = os.loadavg()[0]!;
const BARE_EVENTS = 1_000_000;
bareRun(BARE_EVENTS); // warm-up
const bareMs: number[] = [];
const kinesisMs: number[] = [];
let memory: Memory | undefined;
let invocations = 0;
const rssBefore = process.memoryUsage().rss;
for (let r = 0; r < REPS; r++) {
  bareMs.push(bareRun(BARE_EVENTS));
  const run = await kinesisRun(
    r === 0
      ? (m) => {
          memory = m;
        }
      : undefined,
  );
  kinesisMs.push(run.ms);
  invocations = run.invocations;
}
const maxRss = process.resourceUsage().maxRSS * 1024;
const blocked = await blockedRuns();
bareMs.push(bareRun(BARE_EVENTS));

const bareMsPerMillion = (median(bareMs) * 1e6) / BARE_EVENTS;
const bareNsPerEvent = (median(bareMs) * 1e6) / BARE_EVENTS;
const nsPerRecord = (median(kinesisMs) * 1e6) / RECORDS;
const m = memory!;
const ratios = {
  'record/heap': nsPerRecord / bareNsPerEvent,
  'blockedRun/heap1M': blocked.msPerRun / bareMsPerMillion,
};
const bytes = {
  heapAfterPutsPerRecord: (m.heapAfterPuts - m.heapBefore) / RECORDS,
  heapAfterRunPerRecord: (m.heapAfterRun - m.heapBefore) / RECORDS,
  maxRssPerRecord: (maxRss - rssBefore) / RECORDS,
};

const mb = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MB`;
const out: string[] = [
  `Kinesis mapping: ${RECORDS} records over 4 shards, batch 100, ${invocations} invocations; node ${process.version}, load ${loadStart.toFixed(2)}`,
  `  anchor       bare heap loop ${sig3(bareNsPerEvent)} ns/event, ${sig3(bareMsPerMillion)} ms per 1 M events (median, this process)`,
  `  real time    median ${median(kinesisMs).toFixed(0)} ms (runs: ${kinesisMs.map((x) => x.toFixed(0)).join(', ')}); ` +
    `${sig3(nsPerRecord / 1000)} µs/record = ${sig3(ratios['record/heap'])}x a bare heap event`,
  `  memory       heap after puts ${mb(m.heapAfterPuts - m.heapBefore)} (${sig3(bytes.heapAfterPutsPerRecord)} B/record), ` +
    `after the run ${mb(m.heapAfterRun - m.heapBefore)} (${sig3(bytes.heapAfterRunPerRecord)} B/record); ` +
    `maxRSS ${mb(maxRss)} (${sig3(bytes.maxRssPerRecord)} B/record above the start)`,
  `  blocked      kinesisPoisonPill buggy: median ${sig3(blocked.msPerRun)} ms/run over ${BLOCKED_RUNS} runs ` +
    `(${sig3(blocked.retries)} retries/run, ${blocked.found} found) = ${sig3(ratios['blockedRun/heap1M'])}x the bare loop's 1 M events`,
];

interface Baseline {
  readonly createdAt: string;
  readonly machine: { readonly node: string; readonly cpu: string; readonly cores: number };
  /** 1-minute load average at the start and end of the run that made it (noise indicator). */
  readonly loadAverage: readonly [number, number];
  readonly records: number;
  readonly bareNsPerEvent: number;
  readonly ratios: Record<string, number>;
  readonly bytes: Record<string, number>;
}
const round4 = (x: number): number => Number(x.toPrecision(4));
if (defaultSizes && fs.existsSync(BASELINE_FILE)) {
  const b = JSON.parse(fs.readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
  out.push(`baseline ${b.createdAt}, load ${b.loadAverage.join(' -> ')} (lower is cheaper):`);
  out.push(...baselineLines({ ...ratios, ...bytes }, { ...b.ratios, ...b.bytes }, 24));
}
process.stdout.write(`${out.join('\n')}\n`);

if (flags['update-baseline']) {
  const record: Baseline = {
    createdAt: new Date().toISOString(),
    machine: { node: process.version, cpu: os.cpus()[0]?.model.trim() ?? '?', cores: os.cpus().length },
    loadAverage: [round4(loadStart), round4(os.loadavg()[0]!)],
    records: RECORDS,
    bareNsPerEvent: round4(bareNsPerEvent),
    ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, round4(v)])),
    bytes: Object.fromEntries(Object.entries(bytes).map(([k, v]) => [k, round4(v)])),
  };
  fs.writeFileSync(BASELINE_FILE, `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`wrote bench/kinesis-baseline.json\n`);
}

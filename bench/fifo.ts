/**
 * FIFO scale benchmark: `npm run bench:fifo [-- flags]` (runs node with --expose-gc).
 *
 *   --sizes=20000,40000,80000,160000   message counts, each run once (smallest first)
 *   --shapes=one,each                  one = every message in one group; each = one group per message
 *   --stop-after-s=60                  skip the larger sizes of a shape once a run took longer
 *
 * Each run: N messages sent at t = 0 by workload code to one FIFO queue, through one mapping
 * (batch size 10) to a trivial async handler, run to quiescence. With one group the queue
 * delivers one batch at a time; with a group per message every receive chooses among all group
 * heads. Reported per run: real time (send + run) as ns per message and as a ratio to the bare
 * heap loop (bench/bareHeap.ts, median of 3 runs of 1 M events in this process, before any
 * simulation); and the growth against the previous size: time(2N) / time(N) is about 2 when the
 * cost per message is constant, 4 when it grows linearly with the queue.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createSimulation } from '../src/index.js';
import { bareRun } from './bareHeap.js';
import { count, median, sig3 } from './stats.js';

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '20000,40000,80000,160000' },
    shapes: { type: 'string', default: 'one,each' },
    'stop-after-s': { type: 'string', default: '60' },
  },
  strict: true,
});
const SIZES = flags.sizes.split(',').map(Number);
const SHAPES = flags.shapes.split(',');
const STOP_AFTER_MS = Number(flags['stop-after-s']) * 1000;
if (!SIZES.every((n) => Number.isInteger(n) && n >= 1)) fail('--sizes must be positive integers');
if (!SHAPES.every((s) => s === 'one' || s === 'each')) fail('--shapes must be one and/or each');
if (!(STOP_AFTER_MS > 0)) fail('--stop-after-s must be a positive number');

function fail(message: string): never {
  process.stderr.write(`bench:fifo: ${message}\n`);
  process.exit(2);
}

// Captured at load, before any simulation installs lambdasim's virtual globals.
const now = performance.now.bind(performance);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) fail('run with node --expose-gc (npm run bench:fifo does)');

const BARE_EVENTS = 1_000_000;
bareRun(BARE_EVENTS); // warm-up
const bareNsPerEvent = (median([0, 1, 2].map(() => bareRun(BARE_EVENTS))) * 1e6) / BARE_EVENTS;

/** One run; returns its real time in ms, or throws if the run did not deliver every message. */
async function fifoRun(messages: number, shape: string): Promise<number> {
  const t0 = now();
  const sim = createSimulation({ seed: 1 });
  const queue = sim.sqs('orders.fifo');
  const fn = sim.fn('Process', () => async () => null);
  sim.mapping(queue, fn, { batchSize: 10 });
  for (let i = 0; i < messages; i++)
    void queue.send(
      { i },
      { messageGroupId: shape === 'one' ? 'g' : `g${i}`, messageDeduplicationId: String(i) },
    );
  const result = await sim.run();
  const ms = now() - t0;
  const accounting = result.queues[0]!;
  if (result.end.kind !== 'quiescent' || accounting.deleted !== messages)
    throw new Error(
      `bench:fifo: run of ${messages} (${shape}) ended ${result.end.kind}: ${JSON.stringify(accounting)}`,
    );
  return ms;
}

await fifoRun(2000, 'each'); // warm-up
const out: string[] = [
  `FIFO at scale: one queue, one mapping (batch 10), trivial handler; node ${process.version}, ` +
    `${os.cpus()[0]?.model.trim() ?? '?'} x${os.cpus().length}, load ${os.loadavg()[0]!.toFixed(2)}`,
  `  anchor  bare heap loop ${sig3(bareNsPerEvent)} ns/event (median of 3 x 1 M, this process)`,
];
process.stdout.write(`${out.join('\n')}\n`);
for (const shape of SHAPES) {
  const label = shape === 'one' ? 'one group' : 'a group per message';
  let previous: { readonly n: number; readonly ms: number } | undefined;
  for (const n of SIZES) {
    gc();
    const ms = await fifoRun(n, shape);
    const ns = (ms * 1e6) / n;
    const growth =
      previous === undefined
        ? ''
        : `  growth x${sig3(ms / previous.ms)} for x${sig3(n / previous.n)} messages`;
    process.stdout.write(
      `  ${label.padEnd(20)} ${count(n).padStart(5)}  ${ms.toFixed(0).padStart(7)} ms  ` +
        `${sig3(ns).padStart(6)} ns/msg  ${sig3(ns / bareNsPerEvent).padStart(6)}x a bare heap event${growth}\n`,
    );
    previous = { n, ms };
    if (ms > STOP_AFTER_MS) {
      process.stdout.write(`  ${label.padEnd(20)} larger sizes skipped (--stop-after-s)\n`);
      break;
    }
  }
}

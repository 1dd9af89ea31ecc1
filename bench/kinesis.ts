/**
 * Kinesis mapping benchmark: `npx tsx bench/kinesis.ts [--records=N] [--reps=N]`.
 *
 * 1,000,000 records (put at t = 0 by workload code, 4,000 partition keys) over 4 shards through
 * one stream mapping, batch size 100, the handler succeeding. Reports real time per run and the
 * ratio against the bare heap loop (bench/bareHeap.ts) measured in the same process on 1 M
 * events, as ns per record against ns per bare event.
 */
import { parseArgs } from 'node:util';
import type { KinesisStreamEvent } from 'aws-lambda';
import { createSimulation } from '../src/index.js';
import { bareRun } from './bareHeap.js';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '1000000' }, reps: { type: 'string', default: '3' } },
});
const RECORDS = Number(values.records);
const REPS = Number(values.reps);

async function kinesisRun(): Promise<{ ms: number; invocations: number; processed: number }> {
  const t0 = performance.now();
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
  const result = await sim.run();
  const ms = performance.now() - t0;
  if (result.end.kind !== 'quiescent' || processed !== RECORDS)
    throw new Error(`unexpected end: ${JSON.stringify({ end: result.end, processed })}`);
  return { ms, invocations, processed };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const BARE_EVENTS = 1_000_000;
bareRun(BARE_EVENTS); // warm-up
const kinesisMs: number[] = [];
const bareMs: number[] = [];
let last = { ms: 0, invocations: 0, processed: 0 };
for (let r = 0; r < REPS; r++) {
  bareMs.push(bareRun(BARE_EVENTS));
  last = await kinesisRun();
  kinesisMs.push(last.ms);
}
const kinesis = median(kinesisMs);
const bareNsPerEvent = (median(bareMs) * 1e6) / BARE_EVENTS;
const nsPerRecord = (kinesis * 1e6) / RECORDS;
console.log(`Kinesis mapping: ${RECORDS} records over 4 shards, batch 100, ${last.invocations} invocations`);
console.log(
  `  real time   median ${kinesis.toFixed(0)} ms (runs: ${kinesisMs.map((x) => x.toFixed(0)).join(', ')})`,
);
console.log(
  `  per record  ${(nsPerRecord / 1000).toFixed(2)} µs; bare heap loop ${bareNsPerEvent.toFixed(0)} ns/event (same run)`,
);
console.log(`  ratio       ${(nsPerRecord / bareNsPerEvent).toFixed(0)}x a bare heap event per record`);

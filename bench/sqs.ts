/**
 * SQS mapping benchmark: `npx tsx bench/sqs.ts [--messages=N] [--reps=N]`.
 *
 * 100,000 messages (sent at t = 0 by workload code) through one mapping, batch size 10,
 * reportBatchItemFailures on, 10 % of the messages failing on their first receive (they come
 * back after the 30 s visibility timeout and succeed). Reports real time per run (target < 2 s,
 * DESIGN §7) and the ratio against the bare heap loop (bench/bareHeap.ts) measured in the same
 * process on 1 M events, as ns per message against ns per bare event.
 */
import { parseArgs } from 'node:util';
import type { SQSEvent } from 'aws-lambda';
import { createSimulation } from '../src/index.js';
import { bareRun } from './bareHeap.js';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '100000' }, reps: { type: 'string', default: '5' } },
});
const MESSAGES = Number(values.messages);
const REPS = Number(values.reps);

async function sqsRun(): Promise<{ ms: number; invocations: number; deleted: number }> {
  const t0 = performance.now();
  const sim = createSimulation({ seed: 1 });
  const queue = sim.sqs('orders');
  let invocations = 0;
  const fn = sim.fn('Process', () => async (event: SQSEvent) => {
    invocations++;
    const failed = event.Records.filter(
      (r) =>
        r.attributes.ApproximateReceiveCount === '1' && (JSON.parse(r.body) as { i: number }).i % 10 === 0,
    );
    return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
  });
  sim.mapping(queue, fn, { batchSize: 10, reportBatchItemFailures: true });
  for (let i = 0; i < MESSAGES; i++) void queue.send({ i, orderId: `o-${i}` });
  const result = await sim.run();
  const ms = performance.now() - t0;
  const acc = result.queues[0]!;
  if (result.end.kind !== 'quiescent' || acc.deleted !== MESSAGES)
    throw new Error(`unexpected end: ${JSON.stringify({ end: result.end, acc })}`);
  return { ms, invocations, deleted: acc.deleted };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const BARE_EVENTS = 1_000_000;
bareRun(BARE_EVENTS); // warm-up
await sqsRun();
const sqsMs: number[] = [];
const bareMs: number[] = [];
let last = { ms: 0, invocations: 0, deleted: 0 };
for (let r = 0; r < REPS; r++) {
  bareMs.push(bareRun(BARE_EVENTS));
  last = await sqsRun();
  sqsMs.push(last.ms);
}
const sqs = median(sqsMs);
const bareNsPerEvent = (median(bareMs) * 1e6) / BARE_EVENTS;
const nsPerMessage = (sqs * 1e6) / MESSAGES;
console.log(
  `SQS mapping: ${MESSAGES} messages, batch 10, 10 % failing once, ${last.invocations} invocations`,
);
console.log(
  `  real time   median ${sqs.toFixed(0)} ms (runs: ${sqsMs.map((x) => x.toFixed(0)).join(', ')})  target < 2000 ms: ${sqs < 2000 ? 'met' : 'MISSED'}`,
);
console.log(
  `  per message ${(nsPerMessage / 1000).toFixed(2)} µs; bare heap loop ${bareNsPerEvent.toFixed(0)} ns/event (same run)`,
);
console.log(`  ratio       ${(nsPerMessage / bareNsPerEvent).toFixed(0)}x a bare heap event per message`);

import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';

/** A FIFO batch where messages 2 and 4 fail once and 3 always fails (RBIF, contiguous reports). */
async function fifoScenario(seed: number) {
  const sim = createSimulation({ seed });
  const dlq = sim.sqs('orders-dlq.fifo');
  const queue = sim.sqs('orders.fifo', {
    visibilityTimeoutS: 30,
    contentBasedDeduplication: true,
    redrive: { deadLetter: dlq, maxReceiveCount: 3 },
  });
  const batches: string[][] = [];
  const fn = sim.fn(
    'ProcessOrder',
    () => async (event: SQSEvent) => {
      batches.push(event.Records.map((r) => r.messageId));
      const failed = event.Records.filter((r) => {
        const { n } = JSON.parse(r.body) as { n: number };
        return n === 3 || ((n === 2 || n === 4) && r.attributes.ApproximateReceiveCount === '1');
      });
      return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
    },
    { timeoutS: 10 },
  );
  sim.mapping(queue, fn, { batchSize: 10, reportBatchItemFailures: true });
  const ids: string[] = [];
  for (let n = 1; n <= 5; n++)
    void queue.send({ n }, { messageGroupId: 'customer-1' }).then((r) => ids.push(r.messageId));
  const result = await sim.run();
  return { result, batches, ids, dlq, queue };
}

describe('SQS end to end', () => {
  it('FIFO batch: the second invocation gets exactly the failed ones, the poison one reaches the DLQ, the rest are deleted', async () => {
    const { result, batches, ids, dlq, queue } = await fifoScenario(7);
    const [m1, m2, m3, m4, m5] = ids as [string, string, string, string, string];
    expect(batches[0]).toEqual([m1, m2, m3, m4, m5]);
    expect(batches[1]).toEqual([m2, m3, m4]);
    expect(batches[2]).toEqual([m3]);
    expect(batches).toHaveLength(3);
    expect(dlq.messages().map((m) => m.messageId)).toEqual([m3]);
    const byId = new Map(queue.messages().map((m) => [m.messageId, m]));
    expect(byId.get(m3)).toMatchObject({ status: 'deadLettered', receiveCount: 3 });
    for (const id of [m1, m2, m4, m5]) expect(byId.get(id)!.status).toBe('deleted');
    expect(result.queues).toEqual([
      expect.objectContaining({ queue: 'orders-dlq.fifo', redrivenIn: 1, visible: 1 }),
      expect.objectContaining({ queue: 'orders.fifo', sent: 5, deleted: 4, deadLettered: 1 }),
    ]);
    expect(result.end.kind).toBe('quiescent');
  });

  it('every message is accounted for and the trace hash is the same twice, for many seeds', async () => {
    for (let seed = 0; seed < 40; seed++) {
      const run = async () => {
        const sim = createSimulation({ seed });
        const dlq = sim.sqs('dlq');
        const q = sim.sqs('orders', {
          visibilityTimeoutS: 5,
          duplicateRate: 0.2,
          reorderWindow: 4,
          redrive: { deadLetter: dlq, maxReceiveCount: 2 },
        });
        const fn = sim.fn(
          'F',
          () => async (event: SQSEvent) => {
            await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 3000)));
            const failed = event.Records.filter(() => Math.random() < 0.3);
            if (Math.random() < 0.1) throw new Error('whole batch');
            return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
          },
          { timeoutS: 5, initDurationMs: 500 },
        );
        sim.mapping(q, fn, { batchSize: 3, reportBatchItemFailures: true });
        for (let i = 0; i < 30; i++) sim.at(i * 97, () => void q.send({ i }));
        return sim.run();
      };
      const a = await run();
      const b = await run();
      expect(a.traceHash, `seed ${seed}`).toBe(b.traceHash);
      expect(a.end.kind).toBe('quiescent');
      for (const acc of a.queues) {
        const { queue, sent, redrivenIn, deduplicated, ...statuses } = acc;
        void queue;
        void deduplicated;
        const total = Object.values(statuses).reduce((x, y) => x + y, 0);
        expect(total, `seed ${seed} ${acc.queue}`).toBe(sent + redrivenIn);
      }
      const orders = a.queues.find((q) => q.queue === 'orders')!;
      expect(orders.visible + orders.inFlight + orders.delayed).toBe(0);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { checks, createSimulation } from '../../../src/index.js';

interface Step {
  readonly orderId: string;
  readonly seq: number;
}

/** Sends 3 steps for each of 2 orders through a queue; the handler applies them in arrival order. */
async function shipRun(queueName: string, seed: number) {
  const sim = createSimulation({ seed });
  const shipping = sim.api('shipping');
  const fifo = queueName.endsWith('.fifo');
  const queue = sim.sqs(queueName, fifo ? {} : { reorderWindow: 6 });
  const fn = sim.fn('Ship', () => async (event: { Records: { body: string }[] }) => {
    for (const record of event.Records) await shipping.call('apply', JSON.parse(record.body) as Step);
  });
  sim.mapping(queue, fn, { batchSize: 1 });
  for (let seq = 1; seq <= 3; seq++)
    for (const orderId of ['o-1', 'o-2'])
      void queue.send(
        { orderId, seq },
        fifo ? { messageGroupId: orderId, messageDeduplicationId: `${orderId}-${seq}` } : {},
      );
  return sim.run();
}

const orderOf = (e: { readonly args: unknown }) => (e.args as Step).orderId;
const seqOf = (e: { readonly args: unknown }) => (e.args as Step).seq;

describe('checks.orderedPerKey', () => {
  it('passes a FIFO queue with the order as message group', async () => {
    const result = await shipRun('steps.fifo', 1);
    expect(result.effects('shipping')).toHaveLength(6);
    expect(checks.orderedPerKey(result.effects('shipping'), orderOf, seqOf)).toEqual([]);
  });

  it('finds steps a reordering standard queue delivered out of order', async () => {
    let found: ReturnType<typeof checks.orderedPerKey> = [];
    for (let seed = 1; seed <= 20 && found.length === 0; seed++) {
      const result = await shipRun('steps', seed);
      found = checks.orderedPerKey(result.effects('shipping'), orderOf, seqOf);
    }
    expect(found.length).toBeGreaterThan(0);
    const v = found[0]!;
    expect(v).toMatchObject({ check: 'orderedPerKey', kind: 'outOfOrder', expected: [1, 2, 3] });
    expect(v.actual).not.toEqual([1, 2, 3]);
    expect(v.message).toContain(`items for key ${v.key} arrived in the order ${JSON.stringify(v.actual)}`);
    expect(v.message).toContain('FIFO queue with the key as message group id');
  });

  it('compares numbers numerically and strings by code point; skips undefined keys; allows an immediate repeat', () => {
    const items = [
      { k: 'a', s: 2 },
      { k: 'a', s: 10 },
      { k: 'a', s: 10 },
      { k: 'b', s: 'x2' },
      { k: 'b', s: 'x10' },
      { k: undefined, s: 0 },
    ];
    expect(
      checks.orderedPerKey(
        items,
        (i) => i.k,
        (i) => i.s,
      ),
    ).toEqual([expect.objectContaining({ key: 'b', expected: ['x10', 'x2'], actual: ['x2', 'x10'] })]);
  });
});

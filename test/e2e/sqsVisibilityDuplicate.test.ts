import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';

/**
 * The classic SQS duplicate: a batch still in flight when its messages' visibility timeout ends
 * is received again by a second invocation. With the mapping's validation (visibility >= function
 * timeout, R-SQS-14) and effective-visibility rule (R-SQS-1), the way it happens is time outside
 * the function timeout: the Init of a cold start.
 */
describe('SQS: a batch that outlives the visibility timeout is received and processed again', () => {
  async function run(options: {
    visibilityTimeoutS: number;
    lowerVisibilityToS?: number;
    initDurationMs: number;
  }) {
    const sim = createSimulation({ seed: 4 });
    const queue = sim.sqs('jobs', { visibilityTimeoutS: options.visibilityTimeoutS });
    const handled: Array<{ startMs: number; endMs: number; messageId: string; receiveCount: string }> = [];
    const fn = sim.fn(
      'Worker',
      () => async (event: SQSEvent) => {
        const startMs = sim.nowMs;
        await new Promise((resolve) => setTimeout(resolve, 9000));
        for (const r of event.Records)
          handled.push({
            startMs,
            endMs: sim.nowMs,
            messageId: r.messageId,
            receiveCount: r.attributes.ApproximateReceiveCount,
          });
      },
      { timeoutS: 10, initDurationMs: options.initDurationMs },
    );
    sim.mapping(queue, fn, { batchSize: 1 });
    if (options.lowerVisibilityToS !== undefined)
      queue.setAttributes({ visibilityTimeoutS: options.lowerVisibilityToS });
    sim.at(0, () => void queue.send('{"job":1}'));
    const result = await sim.run();
    const invokedAt = result.trace.filter((e) => e.kind === 'batch.invoked').map((e) => e.atMs);
    return { handled, invokedAt, queue };
  }

  it('happens on a cold start: Init is not part of the function timeout, so visibility = timeout is not enough', async () => {
    // visibility 10 s = function timeout 10 s; Init 2 s + 9 s of work = 11 s in flight.
    const { handled, invokedAt, queue } = await run({ visibilityTimeoutS: 10, initDurationMs: 2000 });
    expect(handled.map((h) => h.receiveCount)).toEqual(['1', '2']);
    expect(handled[0]!.messageId).toBe(handled[1]!.messageId);
    // The redelivery is invoked at 10 s, while the first invocation still runs (until 11 s).
    expect(invokedAt).toEqual([0, 10_000]);
    expect(handled[0]!.endMs).toBe(11_000);
    expect(queue.accounting()).toMatchObject({ sent: 1, deleted: 1, visible: 0, inFlight: 0 });
  });

  it('appears when the queue visibility is lowered after the mapping was created (not re-checked, as in AWS)', async () => {
    // Created with 30 s: no duplicate. Lowered to 10 s (still >= the timeout): Init 2 s + 9 s > 10 s.
    const before = await run({ visibilityTimeoutS: 30, initDurationMs: 2000 });
    expect(before.handled).toHaveLength(1);
    const after = await run({ visibilityTimeoutS: 30, lowerVisibilityToS: 10, initDurationMs: 2000 });
    expect(after.handled.map((h) => h.receiveCount)).toEqual(['1', '2']);
    expect(after.invokedAt).toEqual([0, 10_000]);
  });

  it('R-SQS-1 still applies after lowering: below the function timeout the effective visibility is extended', async () => {
    // Lowered to 3 s < timeout 10 s: effective visibility = 0 + 10 + 30 = 40 s, no duplicate.
    const { handled } = await run({ visibilityTimeoutS: 30, lowerVisibilityToS: 3, initDurationMs: 2000 });
    expect(handled.map((h) => h.receiveCount)).toEqual(['1']);
  });

  it('does not happen when the whole time in flight fits in the visibility timeout', async () => {
    const { handled } = await run({ visibilityTimeoutS: 10, initDurationMs: 100 });
    expect(handled.map((h) => h.receiveCount)).toEqual(['1']);
  });

  it('setAttributes validates its input', () => {
    const sim = createSimulation({ seed: 1 });
    const queue = sim.sqs('q');
    expect(() => queue.setAttributes({ visibilityTimeoutS: 50_000 })).toThrow(
      'sqs("q").setAttributes: visibilityTimeoutS must be an integer between 0 and 43200, got 50000',
    );
    expect(() => queue.setAttributes({ delayS: 1 } as never)).toThrow(/delayS is not a known option/);
  });
});

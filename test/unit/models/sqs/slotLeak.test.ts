/**
 * Issue 10, defect 2: a batch retried after a throttle whose messages are all gone by then (deleted
 * by another consumer's copy) must not keep a concurrency slot. It used to: the mapping acquired a
 * slot, found nothing live, and returned without giving it back, so a function with reserved
 * concurrency throttled forever and its messages were dead-lettered without being invoked.
 */
import { simulationInternals } from '../../../../src/Simulation.js';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../../src/index.js';
import { runScenario } from '../../../../src/scenario/runScenario.js';

/** The shrunk reproduction from the issue. */
const LEAK: Scenario<{ n: number }> = {
  model: 'sqs',
  seed: 1,
  events: [0, 1, 2].map((n) => ({ atMs: 0, body: { n } })),
  config: { reservedConcurrency: 2, visibilityTimeoutS: 300, maxReceiveCount: 5, batchSize: 1 },
  delivery: {},
  faults: [
    { kind: 'duplicateDelivery', queue: 'HandlerQueue', delivery: 2 },
    { kind: 'duplicateDelivery', queue: 'HandlerQueue', delivery: 4 },
    { kind: 'handlerTimeout', fn: 'Handler', invocation: 1 },
  ],
};

describe('SQS mapping: a throttled batch whose messages are gone by its retry (issue 10, defect 2)', () => {
  it('gives its concurrency slot back: every message is invoked and deleted, none dead-lettered', async () => {
    const result = await runScenario(LEAK, () => () => async () => {});
    expect(result.end.kind).toBe('quiescent');
    const invoked = new Set(result.trace.flatMap((e) => (e.kind === 'batch.invoked' ? e.messageIds : [])));
    const sent = result.trace.flatMap((e) =>
      e.kind === 'sqs.sent' && e.queue === 'HandlerQueue' ? [e.messageId] : [],
    );
    expect(sent).toHaveLength(3);
    for (const id of sent) expect(invoked.has(id), `message ${id} was never invoked`).toBe(true);
    const queue = result.queues.find((q) => q.queue === 'HandlerQueue')!;
    expect(queue).toMatchObject({ sent: 3, deleted: 3, deadLettered: 0, inFlight: 0, visible: 0 });
    expect(simulationInternals(result.sim).lambda.get('Handler')!.inFlight).toBe(0);
  });

  it('traces each emptied batch instead of invoking the function with no records', async () => {
    const result = await runScenario(LEAK, () => () => async () => {});
    // The two batches holding a duplicate's first copy: throttled at 0 s and 1 s, and by their
    // retry one second later the other copy had been processed and deleted.
    const emptied = result.trace.flatMap((e) =>
      e.kind === 'batch.emptied' ? [[e.atMs, e.messageIds.length]] : [],
    );
    expect(emptied).toEqual([
      [1000, 1],
      [2000, 1],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { checks, createSimulation, type SimulationOptions } from '../../../src/index.js';

/** An async function that always fails, with the given async settings. */
async function failingAsync(
  configure: (
    sim: ReturnType<typeof createSimulation>,
  ) => Parameters<ReturnType<typeof createSimulation>['fn']>[2],
  options: Partial<SimulationOptions> = {},
  untilMs?: number,
) {
  const sim = createSimulation({ seed: 4, ...options });
  const fn = sim.fn(
    'Worker',
    () => async () => {
      throw new Error('boom');
    },
    configure(sim),
  );
  void sim.invokeAsync(fn, { orderId: 'o-1' });
  return sim.run(untilMs === undefined ? {} : { untilMs });
}

describe('checks.noLostEvents: synchronous requests', () => {
  it('passes answered requests, function errors included', async () => {
    const sim = createSimulation({ seed: 1 });
    const ok = sim.fn('Ok', () => async () => 'ok');
    const bad = sim.fn('Bad', () => async () => {
      throw new Error('no');
    });
    void sim.invoke(ok, {});
    void sim.invoke(bad, {});
    const result = await sim.run();
    expect(result.end.kind).toBe('quiescent');
    expect(checks.noLostEvents(result)).toEqual([]);
  });

  it('reports a request without a response as unfinished, only when the run is asked to be finished', async () => {
    const sim = createSimulation({ seed: 1 });
    const slow = sim.fn('Slow', () => async () => sim.sleep(2000), { timeoutS: 5 });
    void sim.invoke(slow, {});
    const result = await sim.run({ untilMs: 1000 });
    expect(result.end.kind).toBe('timeLimit');
    expect(checks.noLostEvents(result)).toEqual([]);
    const violations = checks.noLostEvents(result, { requireFinished: true });
    expect(violations).toEqual([
      expect.objectContaining({
        check: 'noLostEvents',
        kind: 'unfinished',
        model: 'sync',
        input: result.requests[0]!.requestId,
        where: 'Slow',
        state: 'running',
      }),
    ]);
    expect(violations[0]!.message).toMatch(
      /^synchronous request .* to Slow had no response when the run ended/,
    );
  });
});

describe('checks.noLostEvents: async events', () => {
  it('reports an event discarded with no destination or DLQ as lost', async () => {
    const result = await failingAsync(() => ({ async: { maximumRetryAttempts: 0 } }));
    const violations = checks.noLostEvents(result);
    expect(violations).toEqual([
      expect.objectContaining({
        kind: 'lost',
        model: 'async',
        where: 'Worker',
        state: 'discarded',
        condition: 'RetriesExhausted',
        failureDelivery: 'notConfigured',
      }),
    ]);
    expect(violations[0]!.message).toContain(
      'was discarded (RetriesExhausted) with no on-failure destination or dead-letter queue (lost)',
    );
  });

  it('passes an event discarded to an on-failure destination, or to a DLQ', async () => {
    const toDestination = await failingAsync((sim) => ({
      async: { maximumRetryAttempts: 0, onFailure: sim.sink('failures', { kind: 'sqs' }) },
    }));
    expect(checks.noLostEvents(toDestination)).toEqual([]);
    const toDlq = await failingAsync((sim) => ({
      async: { maximumRetryAttempts: 1, deadLetter: sim.sqs('worker-dlq') },
    }));
    expect(toDlq.asyncEvents[0]).toMatchObject({ state: 'discarded', attempts: 2 });
    expect(checks.noLostEvents(toDlq)).toEqual([]);
  });

  it('reports an event whose failure record the destination refused as lost', async () => {
    const result = await failingAsync((sim) => ({
      async: { maximumRetryAttempts: 0, onFailure: sim.sink('failures.fifo', { kind: 'sqs' }) },
    }));
    const violations = checks.noLostEvents(result);
    expect(violations).toEqual([expect.objectContaining({ kind: 'lost', failureDelivery: 'failed' })]);
    expect(violations[0]!.deliveryErrors[0]).toContain('FIFO targets are not supported');
    expect(violations[0]!.message).toContain('its record could not be delivered');
  });

  it('reports an event AWS dropped as lost, and says AWS may drop', async () => {
    const result = await failingAsync(() => undefined, { async: { dropProbability: 1 } });
    const violations = checks.noLostEvents(result);
    expect(violations).toEqual([expect.objectContaining({ kind: 'lost', state: 'dropped' })]);
    expect(violations[0]!.message).toContain('AWS may drop asynchronous events');
  });

  it('reports an event still waiting for its retry as unfinished only when asked (time limit)', async () => {
    const result = await failingAsync(() => ({ async: { maximumRetryAttempts: 2 } }), {}, 10_000);
    expect(result.asyncEvents[0]!.state).toBe('queued');
    expect(checks.noLostEvents(result)).toEqual([]);
    const violations = checks.noLostEvents(result, { requireFinished: true });
    expect(violations).toEqual([
      expect.objectContaining({ kind: 'unfinished', model: 'async', state: 'queued' }),
    ]);
    expect(violations[0]!.message).toContain('was still queued when the run ended (unfinished');
  });
});

describe('checks.noLostEvents: SQS messages', () => {
  /** A mapping whose handler fails `failures` times per message, then succeeds. */
  async function sqsRun(options: {
    redrive: boolean;
    retentionS?: number;
    failures: number;
    untilMs?: number;
  }) {
    const sim = createSimulation({ seed: 9 });
    const dlq = sim.sqs('orders-dlq');
    const queue = sim.sqs('orders', {
      visibilityTimeoutS: 30,
      ...(options.retentionS === undefined ? {} : { messageRetentionS: options.retentionS }),
      ...(options.redrive ? { redrive: { deadLetter: dlq, maxReceiveCount: 2 } } : {}),
    });
    const outbox = sim.sqs('outbox'); // written to, never consumed: storage, not input
    let calls = 0;
    const fn = sim.fn('Process', () => async () => {
      if (++calls <= options.failures) throw new Error('not yet');
      await outbox.send({ done: true });
    });
    sim.mapping(queue, fn, { batchSize: 1 });
    void queue.send({ orderId: 'o-1' });
    return sim.run(options.untilMs === undefined ? { untilMs: 600_000 } : { untilMs: options.untilMs });
  }

  it('passes a message deleted after success (and ignores a queue nobody consumes)', async () => {
    const result = await sqsRun({ redrive: false, failures: 1 });
    expect(result.messages.map((m) => [m.queue, m.status])).toEqual([
      ['orders', 'deleted'],
      ['outbox', 'visible'],
    ]);
    expect(checks.noLostEvents(result, { requireFinished: true })).toEqual([]);
  });

  it('passes a message dead-lettered after maxReceiveCount, its DLQ copy included', async () => {
    const result = await sqsRun({ redrive: true, failures: 99 });
    expect(result.messages.map((m) => [m.queue, m.status])).toEqual([
      ['orders-dlq', 'visible'],
      ['orders', 'deadLettered'],
    ]);
    expect(checks.noLostEvents(result, { requireFinished: true })).toEqual([]);
  });

  it('reports a message that expired before it was processed as lost', async () => {
    const result = await sqsRun({ redrive: false, retentionS: 60, failures: 99 });
    const violations = checks.noLostEvents(result);
    expect(violations).toEqual([
      expect.objectContaining({ kind: 'lost', model: 'sqs', where: 'orders', state: 'expired' }),
    ]);
    expect(violations[0]!.message).toContain("stayed past the queue's retention period");
  });

  it('reports a message still on a consumed queue as unfinished when asked', async () => {
    const result = await sqsRun({ redrive: false, failures: 99, untilMs: 100_000 });
    expect(checks.noLostEvents(result)).toEqual([]);
    const violations = checks.noLostEvents(result, { requireFinished: true });
    expect(violations).toEqual([
      expect.objectContaining({ kind: 'unfinished', model: 'sqs', where: 'orders' }),
    ]);
    expect(violations[0]!.message).toContain('redrive policy');
  });
});

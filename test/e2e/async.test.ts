/**
 * End to end: the always-failing handler with default settings, and the determinism
 * contract for async scenarios (duplicates, drops, reordering, jitter, throttles, SNS fan-out,
 * schedules and function destinations all on).
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type InvocationRecord, type SimulationResult } from '../../src/index.js';

describe('async end to end', () => {
  it('a handler that always fails is attempted exactly 3 times (0 s, +60 s, +120 s after each failure), then its on-failure destination gets one RetriesExhausted record', async () => {
    const sim = createSimulation({ seed: 4 });
    const failures = sim.sink('order-failures', { kind: 'sqs' });
    const attempts: number[] = [];
    const fn = sim.fn(
      'ChargeOrder',
      () => async () => {
        attempts.push(Date.now() - Date.UTC(2026, 0, 1)); // virtual clock inside the handler
        throw new Error('card declined');
      },
      { async: { onFailure: failures } },
    );
    const response = await sim.invokeAsync(fn, { orderId: 'o-1' });
    const result = await sim.run();

    expect(response.kind).toBe('accepted');
    // Init 100 ms, then attempts at 0.1 s, 60.1 s and 180.1 s (AWS-REC: within ~30 s, by ~92 s, by ~214 s).
    expect(attempts).toEqual([100, 60_100, 180_100]);
    expect(failures.messages).toHaveLength(1);
    const record = failures.records<InvocationRecord>()[0]!;
    expect(record.requestContext).toEqual({
      requestId: response.requestId,
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ChargeOrder:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    });
    expect(record.requestPayload).toEqual({ orderId: 'o-1' });
    expect(record.responseContext).toEqual({
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    expect(record.responsePayload).toMatchObject({ errorType: 'Error', errorMessage: 'card declined' });
    expect(record.timestamp).toBe('2026-01-01T00:03:00.100Z');
    expect(result.asyncEvents).toEqual([
      expect.objectContaining({
        state: 'discarded',
        condition: 'RetriesExhausted',
        attempts: 3,
        endedAtMs: 180_100,
        destination: expect.objectContaining({
          role: 'onFailure',
          result: expect.objectContaining({ ok: true }),
        }),
      }),
    ]);
  });

  async function chaos(seed: number): Promise<SimulationResult> {
    const sim = createSimulation({
      seed,
      async: { duplicateProbability: 0.2, dropProbability: 0.1, reorder: true, retryJitterMs: 5_000 },
    });
    const audit = sim.sink('audit', { kind: 'eventbridge' });
    const dlq = sim.sink('dlq', { kind: 'sqs' });
    const auditor = sim.fn('Auditor', () => async () => 'seen');
    const worker = sim.fn(
      'Worker',
      () => async (event: { n?: number }) => {
        await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 2_000)));
        if (Math.random() < 0.4) throw new Error(`flaky ${event.n ?? 'sns'}`);
        return { n: event.n };
      },
      {
        reservedConcurrency: 3,
        async: {
          maximumRetryAttempts: 2,
          maximumEventAgeS: 600,
          onSuccess: audit,
          onFailure: auditor,
          deadLetter: dlq,
        },
      },
    );
    const topic = sim.snsTopic('orders').subscribe(worker);
    sim.schedule('tick', 'rate(1 minute)', worker);
    for (let i = 0; i < 15; i++) sim.at(i * 700, () => void sim.invokeAsync(worker, { n: i }));
    sim.at(3_000, () => topic.publish({ orderId: 'o-7' }));
    return sim.run({ untilMs: 15 * 60_000 });
  }

  it('async scenarios give the same trace hash twice, for many seeds, and different seeds differ', async () => {
    const hashes = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const a = await chaos(seed);
      const b = await chaos(seed);
      expect(b.traceHash, `seed ${seed}`).toBe(a.traceHash);
      expect(a.asyncEvents.length).toBeGreaterThan(15);
      // Accounting: every accepted event is in exactly one state.
      for (const e of a.asyncEvents)
        expect(['queued', 'inFlight', 'succeeded', 'discarded', 'dropped', 'rejected']).toContain(e.state);
      hashes.add(a.traceHash);
    }
    expect(hashes.size).toBe(40);
  });
});

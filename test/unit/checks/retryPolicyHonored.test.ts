import { describe, expect, it } from 'vitest';
import {
  checks,
  createSimulation,
  type FaultPlan,
  type SimulationResult,
  type TraceEvent,
} from '../../../src/index.js';

/** An async function failing on the aimed invocations; `retryDelaysS` changes the simulated waits. */
async function asyncRun(faults: FaultPlan, retryDelaysS?: readonly [number, number]) {
  const sim = createSimulation({
    seed: 2,
    faults,
    ...(retryDelaysS === undefined ? {} : { async: { retryDelaysS } }),
  });
  const fn = sim.fn('Worker', () => async () => 'ok');
  void sim.invokeAsync(fn, { orderId: 'o-1' });
  const result = await sim.run();
  return { result, sim };
}

const FAIL_TWICE: FaultPlan = [
  { kind: 'handlerError', fn: 'Worker', invocation: 1 },
  { kind: 'handlerError', fn: 'Worker', invocation: 2 },
];

/** The result with `extra` trace events appended (a run the model could not produce). */
function withTrace(result: SimulationResult, extra: readonly TraceEvent[]): SimulationResult {
  return { ...result, trace: [...result.trace, ...extra] };
}

describe('checks.retryPolicyHonored: async', () => {
  it('passes Lambda retrying a failed event after 1 and 2 minutes', async () => {
    const { result, sim } = await asyncRun(FAIL_TWICE);
    expect(result.asyncEvents[0]).toMatchObject({ state: 'succeeded', attempts: 3 });
    expect(checks.retryPolicyHonored(result)).toEqual([]);
    expect(checks.retryPolicyHonored({ ...result, sim })).toEqual([]);
  });

  it('reports more attempts than maximumRetryAttempts + 1', async () => {
    const { result } = await asyncRun(FAIL_TWICE);
    const violations = checks.retryPolicyHonored(result, { maximumRetryAttempts: { Worker: 1 } });
    expect(violations).toEqual([
      expect.objectContaining({
        check: 'retryPolicyHonored',
        kind: 'tooManyAttempts',
        model: 'async',
        where: 'Worker',
        attempts: 3,
        limit: 2,
      }),
    ]);
    expect(violations[0]!.message).toContain('ran 3 attempts, the last at +3m00.100s');
    expect(violations[0]!.message).toContain('at most 2: maximumRetryAttempts + 1 per delivery');
  });

  it('reads the delays from result.sim, and reports a retry earlier than the configured delay', async () => {
    const { result, sim } = await asyncRun(FAIL_TWICE, [1, 2]);
    expect(checks.retryPolicyHonored({ ...result, sim })).toEqual([]);
    // Without the simulation, the check holds the run to AWS's 60 s / 120 s.
    const violations = checks.retryPolicyHonored(result);
    expect(violations).toEqual([
      expect.objectContaining({ kind: 'retryTooEarly', attempts: 2, earliestMs: expect.any(Number) }),
    ]);
    const v = violations[0]!;
    expect(v.earliestMs! - v.atMs).toBeGreaterThan(50_000);
    expect(v.message).toContain('started attempt 2 at');
  });

  it('reports an attempt after the event succeeded', async () => {
    const { result } = await asyncRun([]);
    const started = result.trace.find((e) => e.kind === 'invoke.started')!;
    const again = { ...started, atMs: started.atMs + 120_000, env: 'Worker#9', attempt: 2 } as TraceEvent;
    const violations = checks.retryPolicyHonored(withTrace(result, [again]));
    expect(violations).toEqual([expect.objectContaining({ kind: 'retriedAfterSuccess', model: 'async' })]);
    expect(violations[0]!.message).toContain('after it had succeeded');
  });
  it('times a retry against more than 130,000 failed attempts (no spread into Math.min)', async () => {
    const { result } = await asyncRun([]);
    const started = result.trace.find((e) => e.kind === 'invoke.started')!;
    const failures = 130_001;
    const initFailures: TraceEvent[] = [];
    // Attempts that failed in Init, the earliest last: a retry waits 60 s after the earliest end.
    for (let i = failures; i > 0; i--)
      initFailures.push({
        atMs: started.atMs + 1000 + i,
        kind: 'invoke.failed',
        requestId: started.requestId,
        env: `Worker#x${i}`,
        errorType: 'Runtime.ExitError',
        cause: 'initError',
      });
    const retry = { ...started, atMs: started.atMs + 60_000, env: 'Worker#y', attempt: 2 } as TraceEvent;
    const violations = checks.retryPolicyHonored(withTrace(result, [...initFailures, retry]));
    expect(violations.map((v) => [v.kind, v.earliestMs])).toEqual([
      ['retriedAfterSuccess', undefined],
      ['retryTooEarly', started.atMs + 1001 + 60_000],
    ]);
  });
});

describe('checks.retryPolicyHonored: sync', () => {
  it('passes client retries: each retry is a new request', async () => {
    const sim = createSimulation({ seed: 1 });
    const slow = sim.fn('Slow', () => async () => sim.sleep(1500), { timeoutS: 5 });
    const client = sim.client(slow, { clientTimeoutMs: 1000, maxAttempts: 3 });
    sim.spawn('caller', async () => {
      await client.invoke({});
    });
    const result = await sim.run();
    expect(result.requests).toHaveLength(3);
    expect(checks.retryPolicyHonored(result)).toEqual([]);
  });

  it('reports a request id invoked twice', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Once', () => async () => 'ok');
    void sim.invoke(fn, {});
    const result = await sim.run();
    const started = result.trace.find((e) => e.kind === 'invoke.started')!;
    const violations = checks.retryPolicyHonored(withTrace(result, [{ ...started, atMs: started.atMs + 5 }]));
    expect(violations).toEqual([
      expect.objectContaining({
        kind: 'tooManyAttempts',
        model: 'sync',
        where: 'Once',
        attempts: 2,
        limit: 1,
      }),
    ]);
    expect(violations[0]!.message).toContain('Lambda never retries a synchronous invoke');
  });
});

describe('checks.retryPolicyHonored: SQS', () => {
  async function sqsRun(options: { duplicateRate?: number; failures: number }) {
    const sim = createSimulation({ seed: 6 });
    const queue = sim.sqs('orders', { visibilityTimeoutS: 10, duplicateRate: options.duplicateRate ?? 0 });
    let calls = 0;
    const fn = sim.fn('Process', () => async () => {
      if (++calls <= options.failures) throw new Error('not yet');
    });
    sim.mapping(queue, fn, { batchSize: 1 });
    for (let i = 0; i < 3; i++) void queue.send({ n: i });
    return sim.run({ untilMs: 120_000 });
  }

  it('passes redeliveries after a visibility timeout and duplicate deliveries', async () => {
    const retried = await sqsRun({ failures: 2 });
    expect(retried.trace.filter((e) => e.kind === 'batch.invoked').length).toBeGreaterThan(3);
    expect(checks.retryPolicyHonored(retried)).toEqual([]);
    const duplicated = await sqsRun({ failures: 0, duplicateRate: 1 });
    expect(duplicated.trace.filter((e) => e.kind === 'batch.invoked').length).toBeGreaterThan(3);
    expect(checks.retryPolicyHonored(duplicated)).toEqual([]);
  });

  it('reports a deleted message invoked again without a new delivery', async () => {
    const result = await sqsRun({ failures: 0 });
    const invoked = result.trace.find((e) => e.kind === 'batch.invoked')!;
    const again = { ...invoked, atMs: 100_000, requestId: 'again' } as TraceEvent;
    const violations = checks.retryPolicyHonored(withTrace(result, [again]));
    expect(violations).toEqual([
      expect.objectContaining({
        kind: 'retriedAfterSuccess',
        model: 'sqs',
        where: 'orders',
        attempts: 2,
        limit: 1,
      }),
    ]);
    expect(violations[0]!.message).toContain('after it had been deleted, without being delivered again');
  });
});

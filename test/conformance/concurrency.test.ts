import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, type SimulationResult } from '../../src/index.js';
import {
  as,
  countKinds,
  events,
  eventsOf,
  invokeAt,
  invokeManyAt,
  only,
  sleep,
  throttleBody,
} from './helpers.js';

/** The most invocations in flight at once (admitted and not yet answered), optionally for one function. */
function maxInFlight(result: SimulationResult, fn?: string): number {
  const rejected = new Set(events(result, 'request.rejected').map((e) => e.requestId));
  const open = new Set<string>();
  let max = 0;
  for (const e of result.trace) {
    if (e.kind === 'request.received' && !rejected.has(e.requestId) && (fn === undefined || e.fn === fn))
      open.add(e.requestId);
    else if (e.kind === 'request.completed') open.delete(e.requestId);
    max = Math.max(max, open.size);
  }
  return max;
}

/** `env.created` events per virtual instant, e.g. `{ 0: 1000, 1000: 100 }`. */
function createdAt(result: SimulationResult): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const e of events(result, 'env.created')) counts[e.atMs] = (counts[e.atMs] ?? 0) + 1;
  return counts;
}

describe('concurrency (spec §5, §8 R-CONC)', () => {
  it('R-CONC-1: in-flight invokes of all functions together never exceed the account limit', async () => {
    const sim = createSimulation({ seed: 71, accountConcurrency: 100 });
    const a = sim.fn('A', () => async () => sleep(1000), { initDurationMs: 0 });
    const b = sim.fn('B', () => async () => sleep(1000), { initDurationMs: 0 });
    const firstA = invokeManyAt(sim, 0, a, 60);
    const firstB = invokeManyAt(sim, 0, b, 41);
    const lateA = invokeManyAt(sim, 500, a, 1);
    const afterRelease = invokeManyAt(sim, 1001, b, 100);
    const result = await sim.run();

    expect(countKinds(await firstA)).toEqual({ ok: 60 });
    const bs = await firstB;
    expect(countKinds(bs)).toEqual({ ok: 40, rejected: 1 });
    expect(as(bs[40]!, 'rejected').error.body).toEqual(throttleBody('ConcurrentInvocationLimitExceeded'));
    expect(as((await lateA)[0]!, 'rejected').statusCode).toBe(429);
    // The first 100 ended at 1000 ms: the pool is free again.
    expect(countKinds(await afterRelease)).toEqual({ ok: 100 });
    expect(maxInFlight(result)).toBe(100);
  });

  it('R-CONC-1: a function with reserved R never exceeds R and always has R, whatever the unreserved pool does', async () => {
    const sim = createSimulation({ seed: 72, accountConcurrency: 1000 });
    const reserved = sim.fn('Reserved', () => async () => sleep(1000), {
      reservedConcurrency: 900,
      initDurationMs: 0,
    });
    const shared = sim.fn('Shared', () => async () => sleep(1000), { initDurationMs: 0 });
    // The unreserved pool is 1000 - 900 = 100: the 101st unreserved invoke is throttled...
    const sharedBurst = invokeManyAt(sim, 0, shared, 101);
    // ...while all 900 reserved invokes run, and the 901st is throttled by the function's own limit.
    const reservedBurst = invokeManyAt(sim, 0, reserved, 901);
    const result = await sim.run();

    const s = await sharedBurst;
    expect(countKinds(s)).toEqual({ ok: 100, rejected: 1 });
    expect(as(s[100]!, 'rejected').error.reason).toBe('ConcurrentInvocationLimitExceeded');
    const r = await reservedBurst;
    expect(countKinds(r)).toEqual({ ok: 900, rejected: 1 });
    expect(as(r[900]!, 'rejected').error.reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(maxInFlight(result, 'Reserved')).toBe(900);
    expect(maxInFlight(result, 'Shared')).toBe(100);
    expect(maxInFlight(result)).toBe(1000);
  });

  it('R-CONC-1: reserved concurrency may not leave less than 100 of the account unreserved', () => {
    const sim = createSimulation({ seed: 73, accountConcurrency: 1000 });
    sim.fn('First', () => async () => 1, { reservedConcurrency: 500 });
    sim.fn('Second', () => async () => 2, { reservedConcurrency: 400 }); // exactly 100 left
    let error: unknown;
    try {
      sim.fn('Third', () => async () => 3, { reservedConcurrency: 1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'fn("Third"): reservedConcurrency must leave at least 100 of the account limit (1000) unreserved: at most 0 is available, got 1',
    );
    const alone = createSimulation({ seed: 73, accountConcurrency: 1000 });
    expect(() => alone.fn('TooMuch', () => async () => 1, { reservedConcurrency: 901 })).toThrow(
      'at most 900 is available, got 901',
    );
    expect(() => alone.fn('JustRight', () => async () => 1, { reservedConcurrency: 900 })).not.toThrow();
  });

  it('R-CONC-2: 1,001 cold starts at one instant: 1,000 environments, the 1,001st throttled; tokens refill at 100/s', async () => {
    const sim = createSimulation({ seed: 74, accountConcurrency: 5000 });
    const fn = sim.fn('Burst', () => async () => sleep(30_000), { timeoutS: 60, initDurationMs: 0 });
    const burst = invokeManyAt(sim, 0, fn, 1001);
    const tooSoon = invokeManyAt(sim, 9, fn, 1); // 0.9 tokens
    const oneSecondLater = invokeManyAt(sim, 1009, fn, 101); // 100 tokens since 9 ms (+0.9 left over)
    const halfSecondMore = invokeManyAt(sim, 1509, fn, 51); // 50 more tokens (+0.9)
    const result = await sim.run();

    const b = await burst;
    expect(countKinds(b)).toEqual({ ok: 1000, rejected: 1 });
    expect(as(b[1000]!, 'rejected').error.body).toEqual(throttleBody('ConcurrentInvocationLimitExceeded'));
    expect(as((await tooSoon)[0]!, 'rejected').statusCode).toBe(429);
    const s = await oneSecondLater;
    expect(countKinds(s)).toEqual({ ok: 100, rejected: 1 });
    expect(s[100]!.kind).toBe('rejected');
    const h = await halfSecondMore;
    expect(countKinds(h)).toEqual({ ok: 50, rejected: 1 });
    expect(createdAt(result)).toEqual({ 0: 1000, 1009: 100, 1509: 50 });
    expect(events(result, 'invoke.throttled').map((e) => [e.atMs, e.reason])).toEqual([
      [0, 'ConcurrentInvocationLimitExceeded'],
      [9, 'ConcurrentInvocationLimitExceeded'],
      [1009, 'ConcurrentInvocationLimitExceeded'],
      [1509, 'ConcurrentInvocationLimitExceeded'],
    ]);
  });

  it('R-CONC-2: warm reuse needs no token', async () => {
    const sim = createSimulation({ seed: 75, accountConcurrency: 5000 });
    const fn = sim.fn('Reuse', () => async () => 'hi', { initDurationMs: 0 });
    const cold = invokeManyAt(sim, 0, fn, 1000); // empties the bucket; all idle again at 0 ms
    const warm = invokeManyAt(sim, 1, fn, 1000); // 0.1 tokens: only warm environments can serve
    const extra = invokeManyAt(sim, 1, fn, 1); // needs a new environment
    const result = await sim.run();

    expect(countKinds(await cold)).toEqual({ ok: 1000 });
    const w = await warm;
    expect(countKinds(w)).toEqual({ ok: 1000 });
    for (const r of w.slice(0, 5)) expect(only(result, 'invoke.started', r.requestId).cold).toBe(false);
    expect(as((await extra)[0]!, 'rejected').error.reason).toBe('ConcurrentInvocationLimitExceeded');
    expect(createdAt(result)).toEqual({ 0: 1000 });
  });

  it('R-CONC-2: the bucket holds at most 1,000 tokens and is per function', async () => {
    const sim = createSimulation({ seed: 76, accountConcurrency: 10_000 });
    const rested = sim.fn('Rested', () => async () => sleep(1000), { initDurationMs: 0 });
    const other = sim.fn('Other', () => async () => sleep(1000), { initDurationMs: 0 });
    // 100 s of refill would be 10,000 tokens without the cap.
    const late = invokeManyAt(sim, 100_000, rested, 1001);
    // Another function at the same instant has its own full bucket.
    const otherBurst = invokeManyAt(sim, 100_000, other, 1000);
    await sim.run();

    const l = await late;
    expect(countKinds(l)).toEqual({ ok: 1000, rejected: 1 });
    expect(l[1000]!.kind).toBe('rejected');
    expect(countKinds(await otherBurst)).toEqual({ ok: 1000 });
  });

  it('R-CONC-3: a throttled sync invoke gets 429 at once and is never retried by Lambda, even when capacity frees up', async () => {
    const sim = createSimulation({ seed: 77 });
    let calls = 0;
    const fn = sim.fn(
      'One',
      () => async () => {
        calls++;
        await sleep(1000);
        return 'done';
      },
      { reservedConcurrency: 1, initDurationMs: 0 },
    );
    const running = invokeAt(sim, 0, fn);
    const throttled = invokeAt(sim, 10, fn);
    const result = await sim.run();

    as(await running, 'ok');
    const t = as(await throttled, 'rejected');
    expect(t.statusCode).toBe(429);
    expect(t.error.code).toBe('TooManyRequestsException');
    expect(only(result, 'request.rejected', t.requestId).atMs).toBe(10);
    expect(result.requests.find((r) => r.requestId === t.requestId)).toMatchObject({
      atMs: 10,
      endedAtMs: 10,
      response: { kind: 'rejected', statusCode: 429 },
    });
    expect(eventsOf(result, 'invoke.started', t.requestId)).toEqual([]);
    expect(eventsOf(result, 'invoke.throttled', t.requestId)).toHaveLength(1);
    expect(calls).toBe(1);
    expect(events(result, 'request.received')).toHaveLength(2);
    expect(result.end).toMatchObject({ kind: 'quiescent', atMs: 1000 });
  });
});

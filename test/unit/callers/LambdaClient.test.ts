import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, type InvokeResponse } from '../../../src/index.js';

describe('LambdaClient', () => {
  it('retries after a client timeout with a new request id while the first invocation keeps running', async () => {
    const sim = createSimulation({ seed: 3 });
    let runs = 0;
    const fn = sim.fn(
      'Slow',
      () => async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 2000));
        return 'done';
      },
      { timeoutS: 10, initDurationMs: 0 },
    );
    const client = sim.client(fn, { clientTimeoutMs: 500, maxAttempts: 2, baseDelayMs: 0 });
    let attempts: readonly InvokeResponse[] = [];
    sim.spawn('caller', async () => {
      attempts = (await client.invoke({})).attempts;
    });
    const result = await sim.run();
    expect(attempts.map((a) => a.kind)).toEqual(['clientTimeout', 'clientTimeout']);
    expect(runs).toBe(2);
    expect(new Set(attempts.map((a) => a.requestId)).size).toBe(2);
    // Both invocations ran to completion in Lambda although the caller gave up on each.
    expect(result.requests.map((r) => r.response?.kind)).toEqual(['ok', 'ok']);
    expect(result.requests.every((r) => r.clientTimedOutAtMs !== undefined)).toBe(true);
  });

  it('does not retry a function error (a 200 answer), as the AWS SDK does not', async () => {
    const sim = createSimulation({ seed: 3 });
    const fn = sim.fn('Fails', () => async () => {
      throw new Error('nope');
    });
    const client = sim.client(fn, { maxAttempts: 3 });
    let attempts: readonly InvokeResponse[] = [];
    sim.spawn('caller', async () => {
      attempts = (await client.invoke({})).attempts;
    });
    await sim.run();
    expect(attempts.map((a) => a.kind)).toEqual(['functionError']);
  });

  it('retries a 429 throttle with jittered exponential backoff up to maxAttempts', async () => {
    const sim = createSimulation({ seed: 5 });
    const fn = sim.fn('Zero', () => async () => 'never', { reservedConcurrency: 0 });
    const client = sim.client(fn, { maxAttempts: 4, baseDelayMs: 100 });
    let attempts: readonly InvokeResponse[] = [];
    sim.spawn('caller', async () => {
      attempts = (await client.invoke({})).attempts;
    });
    const result = await sim.run();
    expect(attempts).toHaveLength(4);
    expect(attempts.every((a) => a.kind === 'rejected' && a.statusCode === 429)).toBe(true);
    const times = result.requests.map((r) => r.atMs);
    // Full jitter: each wait is below base * 2^(n-1).
    expect(times[1]! - times[0]!).toBeLessThan(100);
    expect(times[2]! - times[1]!).toBeLessThan(200);
    expect(times[3]! - times[2]!).toBeLessThan(400);
  });

  it('rejects bad options with a ConfigError naming the field', () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('F', () => async () => null);
    expect(() => sim.client(fn, { maxAttempts: 0 })).toThrow(ConfigError);
    expect(() => sim.client(fn, { maxAttempts: 0 })).toThrow(
      'client("F"): maxAttempts must be an integer between 1 and 100, got 0',
    );
  });

  it('rejects unknown options (a typo is not silently ignored)', () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('F', () => async () => null);
    expect(() => sim.client(fn, { maxRetries: 5 } as never)).toThrow(
      'client("F"): maxRetries is not a known option (known: maxAttempts, clientTimeoutMs, baseDelayMs, maxDelayMs, retryOn), got 5',
    );
    expect(() => sim.client(fn, null as never)).toThrow('client("F"): options must be an object, got null');
  });
});

import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import {
  as,
  countKinds,
  events,
  eventsOf,
  invokeAt,
  invokeManyAt,
  lifecycle,
  only,
  sleep,
  throttleBody,
} from './helpers.js';

const SYNC_REQUEST_LIMIT_BYTES = 6_291_456;
const RESPONSE_LIMIT_BYTES = 6_291_556;

describe('synchronous invocation (spec §1, §8 R-SYNC)', () => {
  it('R-SYNC-1: a sync invoke that throws or times out runs the handler once and Lambda never retries it', async () => {
    const sim = createSimulation({ seed: 11 });
    const calls = { throws: 0, hangs: 0 };
    const throws = sim.fn('Throws', () => async () => {
      calls.throws++;
      throw new Error('boom');
    });
    const hangs = sim.fn(
      'Hangs',
      () => async () => {
        calls.hangs++;
        await sleep(60_000);
      },
      { timeoutS: 1 },
    );
    const thrown = invokeAt(sim, 0, throws);
    const timedOut = invokeAt(sim, 0, hangs);
    const result = await sim.run();

    const a = as(await thrown, 'functionError');
    const b = as(await timedOut, 'functionError');
    expect(calls).toEqual({ throws: 1, hangs: 1 });
    expect(events(result, 'request.received')).toHaveLength(2);
    expect(eventsOf(result, 'invoke.started', a.requestId)).toHaveLength(1);
    expect(eventsOf(result, 'invoke.started', b.requestId)).toHaveLength(1);
    expect(eventsOf(result, 'invoke.started', b.requestId)[0]!.attempt).toBe(1);
    expect(result.requests.map((r) => r.response?.kind)).toEqual(['functionError', 'functionError']);
    // Nothing was scheduled after the answers: the run ended when the timeout answered.
    expect(result.end).toMatchObject({ kind: 'quiescent', atMs: 1100 });
  });

  it('R-SYNC-2: a returned value is answered with 200 and JSON.stringify(value), without a function error', async () => {
    const sim = createSimulation({ seed: 12 });
    const value = { id: 7, tags: ['a', 'é'], nested: { ok: true, n: null } };
    const fn = sim.fn('Returns', () => async (event: { what: string }) => {
      if (event.what === 'object') return value;
      if (event.what === 'string') return 'hi';
      return 0;
    });
    const obj = invokeAt(sim, 0, fn, { what: 'object' });
    const str = invokeAt(sim, 1000, fn, { what: 'string' });
    const zero = invokeAt(sim, 2000, fn, { what: 'zero' });
    const result = await sim.run();

    const o = as(await obj, 'ok');
    expect(o.statusCode).toBe(200);
    expect(o.payload).toBe(JSON.stringify(value));
    expect(o.body).toEqual(value);
    expect('functionError' in o).toBe(false);
    expect(as(await str, 'ok').payload).toBe('"hi"');
    expect(as(await zero, 'ok').payload).toBe('0');
    for (const completed of events(result, 'request.completed')) {
      expect(completed.statusCode).toBe(200);
      expect('functionError' in completed).toBe(false);
    }
  });

  it('R-SYNC-2: a handler that resolves undefined is answered with the body null', async () => {
    const sim = createSimulation({ seed: 12 });
    const fn = sim.fn('ReturnsNothing', () => async () => {
      await sleep(5);
    });
    const pending = invokeAt(sim, 0, fn);
    await sim.run();
    const r = as(await pending, 'ok');
    expect(r.statusCode).toBe(200);
    expect(r.payload).toBe('null');
    expect(r.body).toBeNull();
  });

  it('R-SYNC-3: a throw or a rejection is 200 + Unhandled with the R-NODE-1 body, and does not reset the environment', async () => {
    const sim = createSimulation({ seed: 13 });
    let thrown: Error | undefined;
    const fn = sim.fn('Fails', () => async (event: { how: string }) => {
      thrown = new RangeError(`bad ${event.how}`);
      if (event.how === 'reject') return Promise.reject(thrown);
      throw thrown;
    });
    const first = invokeAt(sim, 0, fn, { how: 'throw' });
    const second = invokeAt(sim, 1000, fn, { how: 'reject' });
    const result = await sim.run();

    for (const [pending, how] of [
      [first, 'throw'],
      [second, 'reject'],
    ] as const) {
      const r = as(await pending, 'functionError');
      expect(r.statusCode).toBe(200);
      expect(r.functionError).toBe('Unhandled');
      expect(r.body).toEqual({
        errorType: 'RangeError',
        errorMessage: `bad ${how}`,
        trace: expect.any(Array),
      });
      expect(JSON.parse(r.payload)).toEqual(r.body);
      expect(only(result, 'request.completed', r.requestId)).toMatchObject({
        statusCode: 200,
        functionError: 'Unhandled',
      });
    }
    expect(as(await second, 'functionError').body.trace).toEqual(thrown!.stack!.split('\n'));
    expect(events(result, 'env.reset')).toEqual([]);
    expect(only(result, 'invoke.started', (await second).requestId)).toMatchObject({
      env: 'Fails#1',
      cold: false,
    });
  });

  it('R-SYNC-3: process.exit is 200 + Unhandled Runtime.ExitError naming the exit status, and resets the environment', async () => {
    const sim = createSimulation({ seed: 14 });
    const fn = sim.fn('Exits', () => async (event: { code: number }) => {
      await sleep(10);
      process.exit(event.code);
    });
    const nonZero = invokeAt(sim, 0, fn, { code: 3 });
    const zero = invokeAt(sim, 1000, fn, { code: 0 });
    const result = await sim.run();

    const a = as(await nonZero, 'functionError');
    expect(a.statusCode).toBe(200);
    expect(a.functionError).toBe('Unhandled');
    expect(a.body).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${a.requestId} Error: Runtime exited with error: exit status 3`,
    });
    const b = as(await zero, 'functionError');
    expect(b.body).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${b.requestId} Error: Runtime exited without providing a reason`,
    });
    expect(events(result, 'env.reset')).toEqual([
      { atMs: 110, kind: 'env.reset', env: 'Exits#1', reason: 'exit' },
      { atMs: 1110, kind: 'env.reset', env: 'Exits#1', reason: 'exit' },
    ]);
    expect(only(result, 'invoke.started', b.requestId)).toMatchObject({ env: 'Exits#1', cold: true });
  });

  it('R-SYNC-3: a response over 6,291,556 UTF-8 bytes is Function.ResponseSizeTooLarge; exactly the limit passes', async () => {
    const sim = createSimulation({ seed: 15 });
    const fn = sim.fn('Big', () => async (event: { bytes: number; multiByte?: boolean }) => {
      // JSON of a string is its characters plus two quotes.
      if (event.multiByte) return 'é'.repeat((event.bytes - 2) / 2);
      return 'x'.repeat(event.bytes - 2);
    });
    const atLimit = invokeAt(sim, 0, fn, { bytes: RESPONSE_LIMIT_BYTES });
    const overLimit = invokeAt(sim, 1000, fn, { bytes: RESPONSE_LIMIT_BYTES + 1 });
    // 3,145,780 UTF-16 characters, but 6,291,558 UTF-8 bytes.
    const overInUtf8 = invokeAt(sim, 2000, fn, { bytes: RESPONSE_LIMIT_BYTES + 2, multiByte: true });
    const result = await sim.run();

    const ok = as(await atLimit, 'ok');
    expect(Buffer.byteLength(ok.payload, 'utf8')).toBe(RESPONSE_LIMIT_BYTES);
    const tooLarge = {
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    };
    for (const pending of [overLimit, overInUtf8]) {
      const r = as(await pending, 'functionError');
      expect(r.statusCode).toBe(200);
      expect(r.functionError).toBe('Unhandled');
      expect(r.body).toEqual(tooLarge);
    }
    // Too large is a function error, not a crash: the environment stays warm.
    expect(events(result, 'env.reset')).toEqual([]);
    expect(events(result, 'invoke.started').map((e) => [e.env, e.cold])).toEqual([
      ['Big#1', true],
      ['Big#1', false],
      ['Big#1', false],
    ]);
  });

  it('R-SYNC-4: a request over 6,291,456 UTF-8 bytes is rejected with 413 before any environment is used', async () => {
    const sim = createSimulation({ seed: 16 });
    let inits = 0;
    let calls = 0;
    const fn = sim.fn('Upload', () => {
      inits++;
      return async () => {
        calls++;
        return 'stored';
      };
    });
    const over = invokeAt(sim, 0, fn, 'x'.repeat(SYNC_REQUEST_LIMIT_BYTES - 1)); // 6,291,457 bytes
    // 3,145,729 UTF-16 characters, 6,291,460 UTF-8 bytes.
    const overInUtf8 = invokeAt(sim, 10, fn, 'é'.repeat((SYNC_REQUEST_LIMIT_BYTES + 2) / 2));
    const result = await sim.run();

    for (const [pending, bytes] of [
      [over, 6_291_457],
      [overInUtf8, 6_291_460],
    ] as const) {
      const r = as(await pending, 'rejected');
      expect(r.statusCode).toBe(413);
      expect(r.error.code).toBe('RequestEntityTooLargeException');
      expect(r.error.message).toBe(
        `${bytes} byte payload is too large for the RequestResponse invocation type (limit 6291456 bytes)`,
      );
      expect(only(result, 'request.rejected', r.requestId)).toMatchObject({
        statusCode: 413,
        errorType: 'RequestEntityTooLargeException',
      });
    }
    expect(inits).toBe(0);
    expect(calls).toBe(0);
    expect(events(result, 'env.created')).toEqual([]);
    expect(events(result, 'invoke.started')).toEqual([]);
  });

  it('R-SYNC-4: a request of exactly 6,291,456 bytes runs, and the size check precedes the concurrency check', async () => {
    const sim = createSimulation({ seed: 16 });
    const fn = sim.fn('Upload', () => async (event: string) => event.length);
    const zero = sim.fn('Zero', () => async () => 'never', { reservedConcurrency: 0 });
    const atLimit = invokeAt(sim, 0, fn, 'x'.repeat(SYNC_REQUEST_LIMIT_BYTES - 2));
    const tooLargeAndThrottled = invokeAt(sim, 0, zero, 'x'.repeat(SYNC_REQUEST_LIMIT_BYTES - 1));
    const result = await sim.run();

    expect(as(await atLimit, 'ok').body).toBe(SYNC_REQUEST_LIMIT_BYTES - 2);
    expect(as(await tooLargeAndThrottled, 'rejected').statusCode).toBe(413);
    expect(events(result, 'invoke.throttled')).toEqual([]);
  });

  it('R-SYNC-5: reserved concurrency reached answers 429 ReservedFunctionConcurrentInvocationLimitExceeded at once; the handler does not run', async () => {
    const sim = createSimulation({ seed: 17 });
    let calls = 0;
    const fn = sim.fn(
      'Reserved',
      () => async () => {
        calls++;
        await sleep(1000);
        return 'done';
      },
      { reservedConcurrency: 2 },
    );
    const responses = invokeManyAt(sim, 50, fn, 3);
    const result = await sim.run();

    const [first, second, third] = await responses;
    as(first!, 'ok');
    as(second!, 'ok');
    const r = as(third!, 'rejected');
    expect(r.statusCode).toBe(429);
    expect(r.error.code).toBe('TooManyRequestsException');
    expect(r.error.message).toBe('Rate Exceeded.');
    expect(r.error.reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(r.error.body).toEqual(throttleBody('ReservedFunctionConcurrentInvocationLimitExceeded'));
    expect(calls).toBe(2);
    expect(eventsOf(result, 'invoke.started', r.requestId)).toEqual([]);
    expect(only(result, 'invoke.throttled', r.requestId)).toMatchObject({
      atMs: 50,
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
    expect(only(result, 'request.rejected', r.requestId)).toMatchObject({ atMs: 50, statusCode: 429 });
    expect(events(result, 'env.created')).toHaveLength(2);
  });

  it('R-SYNC-5: reserved concurrency 0 throttles every invoke with ReservedFunctionConcurrentInvocationLimitExceeded', async () => {
    const sim = createSimulation({ seed: 17 });
    let inits = 0;
    const fn = sim.fn(
      'Disabled',
      () => {
        inits++;
        return async () => 'never';
      },
      { reservedConcurrency: 0 },
    );
    const pending = invokeAt(sim, 0, fn);
    const result = await sim.run();
    const r = as(await pending, 'rejected');
    expect(r.statusCode).toBe(429);
    expect(r.error.body).toEqual(throttleBody('ReservedFunctionConcurrentInvocationLimitExceeded'));
    expect(inits).toBe(0);
    expect(events(result, 'env.created')).toEqual([]);
  });

  it('R-SYNC-5: an exhausted account pool answers 429 ConcurrentInvocationLimitExceeded', async () => {
    const sim = createSimulation({ seed: 18, accountConcurrency: 100 });
    let calls = 0;
    const fn = sim.fn('Busy', () => async () => {
      calls++;
      await sleep(2000);
    });
    const responses = invokeManyAt(sim, 0, fn, 101);
    const result = await sim.run();
    const all = await responses;
    expect(countKinds(all)).toEqual({ ok: 100, rejected: 1 });
    const r = as(all[100]!, 'rejected');
    expect(r.statusCode).toBe(429);
    expect(r.error.code).toBe('TooManyRequestsException');
    expect(r.error.body).toEqual(throttleBody('ConcurrentInvocationLimitExceeded'));
    expect(calls).toBe(100);
    expect(events(result, 'env.created')).toHaveLength(100);
  });

  it('R-SYNC-5: an empty scale-up bucket answers 429 ConcurrentInvocationLimitExceeded (the U default)', async () => {
    const sim = createSimulation({ seed: 19, accountConcurrency: 5000 });
    const fn = sim.fn('Burst', () => async () => sleep(1000), { initDurationMs: 0 });
    const responses = invokeManyAt(sim, 0, fn, 1001);
    await sim.run();
    const all = await responses;
    expect(countKinds(all)).toEqual({ ok: 1000, rejected: 1 });
    expect(as(all[1000]!, 'rejected').error.body).toEqual(throttleBody('ConcurrentInvocationLimitExceeded'));
  });

  it('R-SYNC-5: when reserved concurrency and the scale-up bucket are both exhausted, the reserved check names the reason', async () => {
    const sim = createSimulation({ seed: 20, accountConcurrency: 2000 });
    const fn = sim.fn('Both', () => async () => sleep(1000), {
      reservedConcurrency: 1000,
      initDurationMs: 0,
    });
    const responses = invokeManyAt(sim, 0, fn, 1001);
    await sim.run();
    const all = await responses;
    expect(countKinds(all)).toEqual({ ok: 1000, rejected: 1 });
    expect(as(all[1000]!, 'rejected').error.body).toEqual(
      throttleBody('ReservedFunctionConcurrentInvocationLimitExceeded'),
    );
  });

  it('R-SYNC-6: timeout answers Sandbox.Timedout with the configured seconds and resets the environment', async () => {
    const sim = createSimulation({ seed: 21 });
    let inits = 0;
    let lateWork = 0;
    const fn = sim.fn(
      'Hangs',
      () => {
        inits++;
        return async () => {
          setTimeout(() => lateWork++, 2500);
          await sleep(60_000);
        };
      },
      { timeoutS: 2, initDurationMs: 100 },
    );
    const first = invokeAt(sim, 0, fn);
    const second = invokeAt(sim, 5000, fn);
    const result = await sim.run();

    const a = as(await first, 'functionError');
    expect(a.statusCode).toBe(200);
    expect(a.functionError).toBe('Unhandled');
    expect(a.body).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${a.requestId} Error: Task timed out after 2.00 seconds`,
    });
    // start = when the handler is called (after the 100 ms Init), deadline = start + 2 s.
    expect(only(result, 'invoke.started', a.requestId).atMs).toBe(100);
    expect(only(result, 'invoke.failed', a.requestId)).toMatchObject({
      atMs: 2100,
      errorType: 'Sandbox.Timedout',
      cause: 'timeout',
    });
    expect(only(result, 'request.completed', a.requestId)).toMatchObject({
      atMs: 2100,
      statusCode: 200,
      functionError: 'Unhandled',
    });
    // Reset: the same environment runs Init again for the next invoke.
    const b = as(await second, 'functionError');
    expect(lifecycle(result, 'Hangs#1')).toEqual([
      'env.created@0',
      'env.initStarted@0',
      'env.initFinished@100',
      'invoke.started@100',
      'invoke.failed@2100',
      'env.reset@2100',
      'env.initStarted@5000',
      'env.initFinished@5100',
      'invoke.started@5100',
      'invoke.failed@7100',
      'env.reset@7100',
    ]);
    expect(only(result, 'invoke.started', b.requestId).cold).toBe(true);
    expect(inits).toBe(2);
    expect(events(result, 'env.reset').map((e) => e.reason)).toEqual(['timeout', 'timeout']);
    // The timer set before the timeout died with the runtime; pending work is discarded.
    expect(lateWork).toBe(0);
  });

  it('R-SYNC-6: the default 3 s timeout reads "3.00 seconds"', async () => {
    const sim = createSimulation({ seed: 22 });
    const fn = sim.fn('Default', () => async () => sleep(10_000), { initDurationMs: 0 });
    const pending = invokeAt(sim, 0, fn);
    const result = await sim.run();
    const r = as(await pending, 'functionError');
    expect(r.body.errorMessage).toBe(`RequestId: ${r.requestId} Error: Task timed out after 3.00 seconds`);
    expect(only(result, 'invoke.failed', r.requestId).atMs).toBe(3000);
  });

  it('R-SYNC-7: DryRun answers 204, runs nothing and consumes no concurrency', async () => {
    const sim = createSimulation({ seed: 23 });
    let inits = 0;
    const one = sim.fn(
      'One',
      () => {
        inits++;
        return async () => sleep(1000);
      },
      { reservedConcurrency: 1 },
    );
    const zero = sim.fn(
      'Zero',
      () => {
        inits++;
        return async () => 'never';
      },
      { reservedConcurrency: 0 },
    );
    const busy = invokeAt(sim, 0, one);
    const dryWhileBusy = invokeAt(sim, 500, one, {}, { invocationType: 'DryRun' });
    const dryOnZero = invokeAt(sim, 500, zero, {}, { invocationType: 'DryRun' });
    const afterDryRun = invokeAt(sim, 2000, one);
    const result = await sim.run();

    as(await busy, 'ok');
    for (const pending of [dryWhileBusy, dryOnZero]) {
      const r = as(await pending, 'dryRun');
      expect(r.statusCode).toBe(204);
      const record = result.requests.find((q) => q.requestId === r.requestId)!;
      expect(record).toMatchObject({ via: 'DryRun', atMs: 500, endedAtMs: 500 });
      expect(eventsOf(result, 'invoke.started', r.requestId)).toEqual([]);
      expect(eventsOf(result, 'invoke.throttled', r.requestId)).toEqual([]);
      expect(only(result, 'request.completed', r.requestId).statusCode).toBe(204);
    }
    // Only the one real invoke of One made an environment; Zero never initialised.
    expect(inits).toBe(1);
    expect(events(result, 'env.created').map((e) => e.env)).toEqual(['One#1']);
    // The DryRun did not hold One's single reserved slot.
    expect(only(result, 'invoke.started', (await afterDryRun).requestId)).toMatchObject({
      env: 'One#1',
      cold: false,
    });
  });
});

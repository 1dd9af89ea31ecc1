import type { InvocationOutcome } from '../../src/lambda/Environment.js';
import type { Callback, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { as, events, invokeAt, only, sleep } from './helpers.js';

describe('Node.js runtime contract (spec §6, §8 R-NODE)', () => {
  it('R-NODE-1: a thrown Error serialises as {errorType: name, errorMessage: message, trace: stack lines}', async () => {
    const sim = createSimulation({ seed: 51 });
    class ValidationError extends Error {
      override name = 'ValidationError';
    }
    const thrown: Error[] = [];
    const fn = sim.fn(
      'Throws',
      () => async (event: { kind: string }) => {
        let error: Error;
        try {
          if (event.kind === 'type') void (null as unknown as { x: number }).x;
          if (event.kind === 'custom') error = new ValidationError('amount must be > 0');
          else if (event.kind === 'renamed')
            // AWS SDK style: the class is Error-derived, the name is the service's error code.
            error = Object.assign(new Error('The conditional request failed'), {
              name: 'ConditionalCheckFailedException',
            });
          else error = new Error();
        } catch (caught) {
          error = caught as Error;
        }
        thrown.push(error);
        throw error;
      },
      { initDurationMs: 0 },
    );
    const custom = invokeAt(sim, 0, fn, { kind: 'custom' });
    const type = invokeAt(sim, 10, fn, { kind: 'type' });
    const empty = invokeAt(sim, 20, fn, { kind: 'empty' });
    const renamed = invokeAt(sim, 30, fn, { kind: 'renamed' });
    await sim.run();

    const [c, t, e, n] = [await custom, await type, await empty, await renamed].map(
      (r) => as(r, 'functionError').body,
    );
    expect(c).toEqual({
      errorType: 'ValidationError',
      errorMessage: 'amount must be > 0',
      trace: thrown[0]!.stack!.split('\n'),
    });
    expect(c!.trace![0]).toBe('ValidationError: amount must be > 0');
    expect(t).toEqual({
      errorType: 'TypeError',
      errorMessage: thrown[1]!.message,
      trace: thrown[1]!.stack!.split('\n'),
    });
    expect(t!.errorMessage).toMatch(/Cannot read properties of null/);
    expect(e).toEqual({ errorType: 'Error', errorMessage: '', trace: thrown[2]!.stack!.split('\n') });
    expect(n).toEqual({
      errorType: 'ConditionalCheckFailedException',
      errorMessage: 'The conditional request failed',
      trace: thrown[3]!.stack!.split('\n'),
    });
  });

  it('R-NODE-1: non-Error throws serialise as {errorType: typeof v, errorMessage: String(v), trace: []}', async () => {
    const sim = createSimulation({ seed: 52 });
    const values: Record<string, unknown> = {
      string: 'oops',
      number: 42,
      boolean: false,
      object: { code: 7 },
    };
    const asyncFn = sim.fn(
      'AsyncThrows',
      () => async (event: { kind: string }) => {
        throw values[event.kind];
      },
      { initDurationMs: 0 },
    );
    const callbackFn = sim.fn(
      'CallbackErrs',
      () => (event: { kind: string }, _context: Context, callback: Callback) => {
        callback(values[event.kind] as string);
      },
      { initDurationMs: 0 },
    );
    const syncFn = sim.fn(
      'SyncThrows',
      () => (event: { kind: string }, _context: Context, _callback: Callback) => {
        throw values[event.kind];
      },
      { initDurationMs: 0 },
    );
    const pending = Object.keys(values).flatMap((kind, i) =>
      [asyncFn, callbackFn, syncFn].map((fn) => ({ kind, response: invokeAt(sim, i * 10, fn, { kind }) })),
    );
    await sim.run();

    const expected: Record<string, { errorType: string; errorMessage: string; trace: string[] }> = {
      string: { errorType: 'string', errorMessage: 'oops', trace: [] },
      number: { errorType: 'number', errorMessage: '42', trace: [] },
      boolean: { errorType: 'boolean', errorMessage: 'false', trace: [] },
      object: { errorType: 'object', errorMessage: '[object Object]', trace: [] },
    };
    expect(pending).toHaveLength(12);
    for (const { kind, response } of pending) {
      expect(as(await response, 'functionError').body, kind).toEqual(expected[kind]);
    }
  });

  it('R-NODE-1: an object with a non-empty name, message and stack serialises like an Error', async () => {
    const sim = createSimulation({ seed: 53 });
    const errorLike = {
      name: 'AxiosError',
      message: 'socket hang up',
      stack: 'AxiosError: socket hang up\n    at x',
    };
    const fn = sim.fn('ErrorLike', () => async () => Promise.reject(errorLike), { initDurationMs: 0 });
    const pending = invokeAt(sim, 0, fn);
    await sim.run();
    expect(as(await pending, 'functionError').body).toEqual({
      errorType: 'AxiosError',
      errorMessage: 'socket hang up',
      trace: ['AxiosError: socket hang up', '    at x'],
    });
  });

  it('R-NODE-1: a rejection with null or undefined is reported as the RIC fail() does: {errorType: "string", errorMessage: "handled"}', async () => {
    const sim = createSimulation({ seed: 54 });
    const fn = sim.fn(
      'RejectsNothing',
      () => async (event: { value: 'null' | 'undefined' }) => {
        throw event.value === 'null' ? null : undefined;
      },
      { initDurationMs: 0 },
    );
    const withNull = invokeAt(sim, 0, fn, { value: 'null' });
    const withUndefined = invokeAt(sim, 10, fn, { value: 'undefined' });
    await sim.run();
    for (const pending of [withNull, withUndefined]) {
      expect(as(await pending, 'functionError').body).toEqual({
        errorType: 'string',
        errorMessage: 'handled',
        trace: [],
      });
    }
  });

  it('R-NODE-2: an async handler completes when its promise settles; the event loop is not drained', async () => {
    const sim = createSimulation({ seed: 55 });
    let backgroundRan = false;
    const fn = sim.fn(
      'AsyncDone',
      () => async () => {
        setTimeout(() => {
          backgroundRan = true;
        }, 5000);
        await sleep(20);
        return 'fast';
      },
      { initDurationMs: 0 },
    );
    const pending = invokeAt(sim, 0, fn);
    const result = await sim.run();
    const r = as(await pending, 'ok');
    expect(r.body).toBe('fast');
    expect(only(result, 'request.completed', r.requestId).atMs).toBe(20);
    expect(events(result, 'env.frozen')).toEqual([
      { atMs: 20, kind: 'env.frozen', env: 'AsyncDone#1', pendingWork: 1 },
    ]);
    expect(backgroundRan).toBe(false);
  });

  it('R-NODE-2: callback(null, r) answers once the event loop is empty; unref timers do not count', async () => {
    const sim = createSimulation({ seed: 56 });
    const log: string[] = [];
    const fn = sim.fn(
      'CallbackWaits',
      () => (_event: unknown, _context: Context, callback: Callback<string>) => {
        setTimeout(() => log.push(`flush@${sim.nowMs}`), 500);
        setTimeout(() => log.push(`unref@${sim.nowMs}`), 5000).unref();
        callback(null, 'flushed');
        log.push(`callback@${sim.nowMs}`);
      },
      { initDurationMs: 0 },
    );
    const pending = invokeAt(sim, 0, fn);
    const result = await sim.run();
    const r = as(await pending, 'ok');
    expect(r.body).toBe('flushed');
    expect(only(result, 'request.completed', r.requestId).atMs).toBe(500);
    expect(log).toEqual(['callback@0', 'flush@500']);
  });

  it('R-NODE-2: with callbackWaitsForEmptyEventLoop = false, callback(null, r) answers at once and leftover work is frozen', async () => {
    const sim = createSimulation({ seed: 57 });
    const log: string[] = [];
    const fn = sim.fn(
      'NoWait',
      () => (event: { n: number }, context: Context, callback: Callback<number>) => {
        context.callbackWaitsForEmptyEventLoop = false;
        setTimeout(() => log.push(`timer of ${event.n}@${sim.nowMs}`), 500);
        callback(null, event.n);
      },
      { initDurationMs: 0 },
    );
    const first = invokeAt(sim, 0, fn, { n: 1 });
    const second = invokeAt(sim, 3000, fn, { n: 2 });
    const result = await sim.run();
    const a = as(await first, 'ok');
    expect(a.body).toBe(1);
    expect(only(result, 'request.completed', a.requestId).atMs).toBe(0);
    expect(as(await second, 'ok').body).toBe(2);
    // The first invoke's timer ran during the next invoke (pending events run then).
    expect(log).toEqual(['timer of 1@3000']);
  });

  it('R-NODE-2: callback(err) completes at once, even with a non-empty event loop', async () => {
    const sim = createSimulation({ seed: 58 });
    const fn = sim.fn(
      'CallbackErr',
      () => (_event: unknown, _context: Context, callback: Callback) => {
        setTimeout(() => {}, 2000);
        setTimeout(() => callback(new Error('downstream refused')), 30);
      },
      { initDurationMs: 0 },
    );
    const pending = invokeAt(sim, 0, fn);
    const result = await sim.run();
    const r = as(await pending, 'functionError');
    expect(r.body).toMatchObject({ errorType: 'Error', errorMessage: 'downstream refused' });
    expect(only(result, 'request.completed', r.requestId).atMs).toBe(30);
  });

  it('R-NODE-2: only the first completion counts (callback, context.succeed/fail/done, the returned promise)', async () => {
    const sim = createSimulation({ seed: 59 });
    const fn = sim.fn(
      'Twice',
      () => async (event: { how: string }, context: Context, callback: Callback<string>) => {
        switch (event.how) {
          case 'callbacks':
            callback(null, 'first');
            callback(null, 'second');
            callback(new Error('third'));
            return 'returned';
          case 'succeedThenFail':
            context.succeed('succeeded');
            context.fail(new Error('failed'));
            context.done(undefined, 'done');
            return 'returned';
          case 'failThenSucceed':
            context.fail(new Error('failed first'));
            context.succeed('succeeded');
            callback(null, 'callback');
            return 'returned';
          default:
            await sleep(10);
            return 'returned';
        }
      },
      { initDurationMs: 0, runtime: 'nodejs22.x' },
    );
    const callbacks = invokeAt(sim, 0, fn, { how: 'callbacks' });
    const succeedThenFail = invokeAt(sim, 10, fn, { how: 'succeedThenFail' });
    const failThenSucceed = invokeAt(sim, 20, fn, { how: 'failThenSucceed' });
    await sim.run();
    expect(as(await callbacks, 'ok').body).toBe('first');
    expect(as(await succeedThenFail, 'ok').body).toBe('succeeded');
    expect(as(await failThenSucceed, 'functionError').body.errorMessage).toBe('failed first');
  });

  it('R-NODE-2: context.succeed/done answer at once and context.fail() without an error reports "handled" (RIC done())', async () => {
    const sim = createSimulation({ seed: 60 });
    const fn = sim.fn(
      'Legacy',
      () => (event: { how: string }, context: Context) => {
        setTimeout(() => {}, 700); // would hold a callback(null, r) answer until 700 ms
        if (event.how === 'succeed') context.succeed('s');
        else if (event.how === 'done') context.done(undefined, 'd');
        else context.fail(undefined as unknown as Error);
      },
      { initDurationMs: 0 },
    );
    const succeed = invokeAt(sim, 0, fn, { how: 'succeed' });
    const done = invokeAt(sim, 1000, fn, { how: 'done' });
    const fail = invokeAt(sim, 2000, fn, { how: 'fail' });
    const result = await sim.run();
    const s = as(await succeed, 'ok');
    expect(s.body).toBe('s');
    expect(only(result, 'request.completed', s.requestId).atMs).toBe(0);
    const d = as(await done, 'ok');
    expect(d.body).toBe('d');
    expect(only(result, 'request.completed', d.requestId).atMs).toBe(1000);
    const f = as(await fail, 'functionError');
    expect(f.body).toEqual({ errorType: 'string', errorMessage: 'handled', trace: [] });
    expect(only(result, 'request.completed', f.requestId).atMs).toBe(2000);
  });

  it('R-NODE-2: when the event loop drains, a callback handler that never called back answers null; a never-settling async handler fails with Runtime.NodeJsExit', async () => {
    const sim = createSimulation({ seed: 61 });
    const forgetful = sim.fn(
      'Forgetful',
      () => (_event: unknown, _context: Context, _callback: Callback) => {
        setTimeout(() => {}, 250);
      },
      { initDurationMs: 0 },
    );
    const stuck = sim.fn(
      'Stuck',
      () => async () => {
        await sleep(250);
        await new Promise(() => {});
      },
      { initDurationMs: 0 },
    );
    const a = invokeAt(sim, 0, forgetful);
    const b = invokeAt(sim, 0, stuck);
    const result = await sim.run();
    const ra = as(await a, 'ok');
    expect(ra.payload).toBe('null');
    expect(only(result, 'request.completed', ra.requestId).atMs).toBe(250);
    const rb = as(await b, 'functionError');
    expect(rb.body.errorType).toBe('Runtime.NodeJsExit');
    expect(only(result, 'invoke.failed', rb.requestId)).toMatchObject({ atMs: 250, cause: 'nodeJsExit' });
    // A function error, not a crash: no reset.
    expect(events(result, 'env.reset')).toEqual([]);
  });

  it('R-NODE-2: nodejs24.x rejects callback handlers at Init and still runs async handlers', async () => {
    const sim = createSimulation({ seed: 62 });
    let callbackRan = false;
    const legacy = sim.fn(
      'Legacy24',
      () => (_event: unknown, _context: Context, callback: Callback<string>) => {
        callbackRan = true;
        callback(null, 'never');
      },
      { runtime: 'nodejs24.x', initDurationMs: 0 },
    );
    const modern = sim.fn('Modern24', () => async () => 'fine', { runtime: 'nodejs24.x', initDurationMs: 0 });
    const same22 = sim.fn(
      'Legacy22',
      () => (_event: unknown, _context: Context, callback: Callback<string>) => callback(null, 'ok on 22'),
      { runtime: 'nodejs22.x', initDurationMs: 0 },
    );
    const a = invokeAt(sim, 0, legacy);
    const b = invokeAt(sim, 0, modern);
    const c = invokeAt(sim, 0, same22);
    const result = await sim.run();
    const ra = as(await a, 'functionError');
    expect(ra.body.errorType).toBe('Runtime.CallbackHandlerDeprecated');
    expect(ra.body.errorMessage).toMatch(/Node\.?js ?24|nodejs24/);
    expect(callbackRan).toBe(false);
    expect(events(result, 'env.initFailed').map((e) => e.env)).toEqual(['Legacy24#1']);
    expect(as(await b, 'ok').body).toBe('fine');
    expect(as(await c, 'ok').body).toBe('ok on 22');
  });

  it('R-NODE-3: getRemainingTimeInMillis() = handler start + timeout - now, on the virtual clock', async () => {
    const sim = createSimulation({ seed: 63 });
    const seen: Array<{ at: number; left: number; dateNow: number }> = [];
    const fn = sim.fn(
      'Remaining',
      () => async (_event: unknown, context: Context) => {
        seen.push({ at: sim.nowMs, left: context.getRemainingTimeInMillis(), dateNow: Date.now() });
        await sleep(1200);
        seen.push({ at: sim.nowMs, left: context.getRemainingTimeInMillis(), dateNow: Date.now() });
      },
      { timeoutS: 3, initDurationMs: 100 },
    );
    const slowInit = sim.fn(
      'RemainingAfterInitRetry',
      () => async (_event: unknown, context: Context) => context.getRemainingTimeInMillis(),
      { timeoutS: 30, initDurationMs: 12_000 },
    );
    const cold = invokeAt(sim, 0, fn);
    const warm = invokeAt(sim, 4321, fn);
    const retried = invokeAt(sim, 0, slowInit);
    await sim.run();
    as(await cold, 'ok');
    as(await warm, 'ok');
    const epoch = 1_767_225_600_000;
    expect(seen).toEqual([
      { at: 100, left: 3000, dateNow: epoch + 100 },
      { at: 1300, left: 1800, dateNow: epoch + 1300 },
      { at: 4321, left: 3000, dateNow: epoch + 4321 },
      { at: 5521, left: 1800, dateNow: epoch + 5521 },
    ]);
    // R-ENV-3 case: the invoke's clock started with the Init retry at 10 s; the handler starts at 22 s.
    expect(as(await retried, 'ok').body).toBe(10_000 + 30_000 - 22_000);
  });

  it('R-NODE-4: memoryLimitInMB is a string and awsRequestId is the request id, unique per request', async () => {
    const sim = createSimulation({ seed: 64 });
    const seen: Array<{ memory: unknown; requestId: string }> = [];
    const handler = async (_event: unknown, context: Context) => {
      seen.push({ memory: context.memoryLimitInMB, requestId: context.awsRequestId });
      return context.awsRequestId;
    };
    const small = sim.fn('Small', () => handler, { initDurationMs: 0 });
    const large = sim.fn('Large', () => handler, { initDurationMs: 0, memoryMB: 1769 });
    const responses = [
      ...Array.from({ length: 5 }, (_, i) => invokeAt(sim, i, small)),
      invokeAt(sim, 10, large),
    ];
    await sim.run();
    const oks = await Promise.all(responses.map(async (p) => as(await p, 'ok')));
    expect(seen.map((s) => s.memory)).toEqual(['128', '128', '128', '128', '128', '1769']);
    expect(oks.map((r) => r.body)).toEqual(oks.map((r) => r.requestId));
    expect(new Set(seen.map((s) => s.requestId)).size).toBe(6);
    for (const id of seen.map((s) => s.requestId))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
  });

  it('R-NODE-4: a retried attempt of one event runs with the same awsRequestId (as the async model retries)', async () => {
    const sim = createSimulation({ seed: 65 });
    const seen: string[] = [];
    const fn = sim.fn(
      'Retried',
      () => async (_event: unknown, context: Context) => {
        seen.push(context.awsRequestId);
        throw new Error('try again');
      },
      { initDurationMs: 0 },
    );
    const outcomes: InvocationOutcome[] = [];
    const attempt = (n: number) => {
      const acquired = fn.acquire();
      if (acquired.kind !== 'acquired') throw new Error('unexpected throttle');
      acquired.slot.execute(
        { requestId: 'a5f1e2d3-0000-4000-8000-000000000001', payloadJson: '{}', attempt: n },
        (o) => outcomes.push(o),
      );
    };
    sim.at(0, () => attempt(1));
    sim.at(60_000, () => attempt(2));
    const result = await sim.run();
    expect(outcomes.map((o) => o.kind)).toEqual(['failed', 'failed']);
    expect(seen).toEqual(['a5f1e2d3-0000-4000-8000-000000000001', 'a5f1e2d3-0000-4000-8000-000000000001']);
    expect(events(result, 'invoke.started').map((e) => [e.requestId, e.attempt])).toEqual([
      ['a5f1e2d3-0000-4000-8000-000000000001', 1],
      ['a5f1e2d3-0000-4000-8000-000000000001', 2],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  type AsyncInvokeResponse,
  createSimulation,
  type InvocationRecord,
  type LambdaFunction,
  type Simulation,
  type SimulationOptions,
} from '../../src/index.js';
import { events, eventsOf, sleep } from './helpers.js';

const ASYNC_LIMIT_BYTES = 1_048_576;
const LEGACY_ASYNC_LIMIT_BYTES = 262_144;

/** Starts an `Event` invoke at virtual instant `atMs`; resolves with Lambda's answer. */
function invokeAsyncAt(
  sim: Simulation,
  atMs: number,
  fn: LambdaFunction,
  payload: unknown = {},
): Promise<AsyncInvokeResponse> {
  return new Promise((resolve) => {
    sim.at(atMs, () => {
      void sim.invokeAsync(fn, payload).then(resolve);
    });
  });
}

function accepted(response: AsyncInvokeResponse): string {
  expect(response.kind, JSON.stringify(response)).toBe('accepted');
  return response.requestId;
}

/** A JSON string payload of exactly `bytes` bytes. */
function payloadOfBytes(bytes: number): string {
  return 'x'.repeat(bytes - 2);
}

function alwaysFails(
  sim: Simulation,
  name: string,
  options: Parameters<Simulation['fn']>[2] = {},
  workMs = 0,
) {
  const calls: { atMs: number; requestId: string }[] = [];
  const fn = sim.fn(
    name,
    () => async (_event: unknown, context: { awsRequestId: string }) => {
      calls.push({ atMs: sim.nowMs, requestId: context.awsRequestId });
      if (workMs > 0) await sleep(workMs);
      throw new Error('boom');
    },
    options,
  );
  return { fn, calls };
}

function sim(seed: number, options: Omit<SimulationOptions, 'seed'> = {}): Simulation {
  return createSimulation({ seed, ...options });
}

describe('asynchronous invocation (spec §2, §8 R-ASYNC)', () => {
  it('R-ASYNC-1: an Event invoke up to 1,048,576 bytes is accepted at once with 202; one byte more is a 413 with the exact message', async () => {
    const s = sim(1);
    const fn = s.fn('Accepts', () => async () => 'ok');
    const atLimit = invokeAsyncAt(s, 5_000, fn, payloadOfBytes(ASYNC_LIMIT_BYTES));
    const over = invokeAsyncAt(s, 5_000, fn, payloadOfBytes(ASYNC_LIMIT_BYTES + 1));
    const result = await s.run();

    const ok = await atLimit;
    expect(ok).toEqual({ kind: 'accepted', statusCode: 202, requestId: ok.requestId });
    expect(only(result, 'async.accepted', ok.requestId).atMs).toBe(5_000); // enqueuedAt = now
    const rejected = await over;
    expect(rejected.kind).toBe('rejected');
    if (rejected.kind !== 'rejected') return;
    expect(rejected.statusCode).toBe(413);
    expect(rejected.error.code).toBe('RequestEntityTooLargeException');
    expect(rejected.error.message).toBe(
      `${ASYNC_LIMIT_BYTES + 1} byte payload is too large for the Event invocation type (limit ${ASYNC_LIMIT_BYTES} bytes)`,
    );
    expect(result.asyncEvents.map((e) => e.state).sort()).toEqual(['rejected', 'succeeded']);
  });

  it('R-ASYNC-1: with the legacy limit option, 262,145 bytes are refused with limit 262144 in the message', async () => {
    const s = sim(1, { async: { payloadLimitBytes: LEGACY_ASYNC_LIMIT_BYTES } });
    const fn = s.fn('Legacy', () => async () => 'ok');
    const atLimit = invokeAsyncAt(s, 0, fn, payloadOfBytes(LEGACY_ASYNC_LIMIT_BYTES));
    const over = invokeAsyncAt(s, 0, fn, payloadOfBytes(LEGACY_ASYNC_LIMIT_BYTES + 1));
    await s.run();
    expect((await atLimit).kind).toBe('accepted');
    const r = await over;
    expect(r.kind === 'rejected' && r.error.message).toBe(
      `${LEGACY_ASYNC_LIMIT_BYTES + 1} byte payload is too large for the Event invocation type (limit ${LEGACY_ASYNC_LIMIT_BYTES} bytes)`,
    );
  });

  it('R-ASYNC-2: events wait for concurrency (never above the reserved limit) and the caller never sees the result', async () => {
    const s = sim(2);
    let running = 0;
    let maxRunning = 0;
    const fn = s.fn(
      'OneAtATime',
      () => async (event: { n: number }) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(1_500);
        running--;
        return { secret: event.n };
      },
      { reservedConcurrency: 1 },
    );
    const responses = [0, 1, 2].map((n) => invokeAsyncAt(s, 0, fn, { n }));
    const result = await s.run();

    for (const r of responses)
      expect(Object.keys(await r).sort()).toEqual(['kind', 'requestId', 'statusCode']);
    expect(maxRunning).toBe(1);
    expect(result.asyncEvents.map((e) => e.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(events(result, 'async.throttled').length).toBeGreaterThan(0);
    expect(result.asyncEvents.every((e) => e.attempts === 1)).toBe(true);
  });

  it('R-ASYNC-3: a failing event is retried 60 s then 120 s after the end of each failed attempt, same request id, same warm environment, then RetriesExhausted', async () => {
    const s = sim(3);
    const { fn, calls } = alwaysFails(s, 'Fails', {}, 2_000); // each attempt fails 2 s after it starts
    const response = invokeAsyncAt(s, 0, fn);
    const result = await s.run();
    const requestId = accepted(await response);

    // Init 100 ms; attempt 1 ends at 2.1 s -> attempt 2 at 62.1 s, ends 64.1 s -> attempt 3 at 184.1 s.
    expect(calls.map((c) => c.atMs)).toEqual([100, 62_100, 184_100]);
    expect(calls.every((c) => c.requestId === requestId)).toBe(true);
    const started = eventsOf(result, 'invoke.started', requestId);
    expect(started.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(new Set(started.map((e) => e.env)).size).toBe(1);
    expect(started.map((e) => e.cold)).toEqual([true, false, false]);
    expect(only(result, 'async.discarded', requestId)).toMatchObject({
      atMs: 186_100,
      condition: 'RetriesExhausted',
      attempts: 3,
    });
  });

  it('R-ASYNC-4: maximumRetryAttempts 0 gives one attempt, 1 gives at most two', async () => {
    const s = sim(4);
    const zero = alwaysFails(s, 'Zero', { async: { maximumRetryAttempts: 0 } });
    const one = alwaysFails(s, 'One', { async: { maximumRetryAttempts: 1 } });
    invokeAsyncAt(s, 0, zero.fn);
    invokeAsyncAt(s, 0, one.fn);
    const result = await s.run();
    expect(zero.calls).toHaveLength(1);
    expect(one.calls).toHaveLength(2);
    expect(result.asyncEvents.map((e) => [e.fn, e.condition, e.attempts])).toEqual([
      ['Zero', 'RetriesExhausted', 1],
      ['One', 'RetriesExhausted', 2],
    ]);
  });

  it('R-ASYNC-5: a throttled event is re-queued after 1, 2, 4 … s capped at 300 s, without using a retry attempt', async () => {
    const s = sim(5);
    let starts = 0;
    const fn = s.fn(
      'Busy',
      () => async (event: { hold: number }) => {
        starts++;
        await sleep(event.hold);
        return 'done';
      },
      { reservedConcurrency: 1, timeoutS: 900 },
    );
    invokeAsyncAt(s, 0, fn, { hold: 800_000 }); // holds the only slot for 800 s
    const blocked = invokeAsyncAt(s, 0, fn, { hold: 0 });
    const result = await s.run();
    const requestId = accepted(await blocked);

    const throttled = eventsOf(result, 'async.throttled', requestId);
    const waits = throttled.map((e) => e.retryAtMs - e.atMs);
    expect(waits.slice(0, 10)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300].map((s) => s * 1000));
    expect(waits.slice(10).every((w) => w === 300_000)).toBe(true);
    const started = eventsOf(result, 'invoke.started', requestId);
    expect(started).toHaveLength(1);
    expect(started[0]!.attempt).toBe(1); // throttles used no attempt
    expect(eventsOf(result, 'async.retryScheduled', requestId)).toHaveLength(0);
    expect(result.asyncEvents[1]).toMatchObject({
      state: 'succeeded',
      attempts: 1,
      throttles: throttled.length,
    });
    expect(starts).toBe(2);
  });

  it('R-ASYNC-5: a retry due at +60 s that is throttled waits out the backoff and still runs as attempt 2; k restarts at 0 after an attempt ran', async () => {
    const s = sim(55);
    let first = true;
    const fn = s.fn(
      'FailsOnceThenBlocked',
      () => async (event: { hold?: number }) => {
        if (event.hold !== undefined) {
          await sleep(event.hold);
          return 'held';
        }
        if (first) {
          first = false;
          throw new Error('once');
        }
        return 'ok';
      },
      { reservedConcurrency: 1, timeoutS: 900 },
    );
    invokeAsyncAt(s, 0, fn, { hold: 5_000 }); // busy from 0.1 s to 5.1 s
    const victim = invokeAsyncAt(s, 0, fn, {}); // throttled at 0, 1, 3 s; attempt 1 at 7 s fails
    invokeAsyncAt(s, 60_000, fn, { hold: 20_000 }); // busy when the retry is due (67 s)
    const result = await s.run();
    const requestId = accepted(await victim);
    const started = eventsOf(result, 'invoke.started', requestId);
    expect(started.map((e) => [e.attempt, e.atMs])).toEqual([
      [1, 7_000],
      [2, expect.any(Number)],
    ]);
    const waits = (from: number, to: number) =>
      eventsOf(result, 'async.throttled', requestId)
        .filter((e) => e.atMs >= from && e.atMs < to)
        .map((e) => e.retryAtMs - e.atMs);
    expect(waits(0, 7_000)).toEqual([1_000, 2_000, 4_000]);
    // The retry due at 67 s is throttled: the backoff starts again at 1 s (k reset after attempt 1 ran).
    expect(waits(7_000, Infinity)[0]).toBe(1_000);
    expect(waits(7_000, Infinity).length).toBeGreaterThan(1);
    expect(started[1]!.atMs).toBeGreaterThan(80_000);
    expect(result.asyncEvents.find((e) => e.requestId === requestId)).toMatchObject({
      state: 'succeeded',
      attempts: 2,
    });
  });

  it('R-ASYNC-6: with maximumEventAgeS 60 there is one attempt and the EventAgeExceeded record arrives before 60 s; with 90 there are two', async () => {
    const s = sim(6);
    const sixty = s.sink('sixty', { kind: 'sqs' });
    const ninety = s.sink('ninety', { kind: 'sqs' });
    const a = alwaysFails(s, 'Age60', { async: { maximumEventAgeS: 60, onFailure: sixty } });
    const b = alwaysFails(s, 'Age90', { async: { maximumEventAgeS: 90, onFailure: ninety } });
    invokeAsyncAt(s, 0, a.fn);
    invokeAsyncAt(s, 0, b.fn);
    await s.run();
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(2);
    expect(sixty.messages).toHaveLength(1);
    expect(sixty.messages[0]!.atMs).toBeLessThan(60_000);
    const r60 = sixty.records<InvocationRecord>()[0]!;
    expect(r60.requestContext).toMatchObject({ condition: 'EventAgeExceeded', approximateInvokeCount: 1 });
    expect(r60.responseContext).toEqual({
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    const r90 = ninety.records<InvocationRecord>()[0]!;
    expect(r90.requestContext).toMatchObject({ condition: 'EventAgeExceeded', approximateInvokeCount: 2 });
  });

  it('R-ASYNC-6: an event throttled until it is older than maximumEventAgeS is discarded with EventAgeExceeded before any attempt', async () => {
    const s = sim(66);
    const failures = s.sink('failures', { kind: 'sqs' });
    const fn = s.fn(
      'Blocked',
      () => async (event: { hold?: number }) => {
        if (event.hold !== undefined) await sleep(event.hold);
        return 'ok';
      },
      { reservedConcurrency: 1, timeoutS: 900, async: { maximumEventAgeS: 60, onFailure: failures } },
    );
    invokeAsyncAt(s, 0, fn, { hold: 300_000 });
    const starved = invokeAsyncAt(s, 0, fn, {});
    const result = await s.run();
    const requestId = accepted(await starved);
    expect(eventsOf(result, 'invoke.started', requestId)).toHaveLength(0);
    expect(only(result, 'async.discarded', requestId)).toMatchObject({
      atMs: 60_000,
      condition: 'EventAgeExceeded',
      attempts: 0,
    });
    expect(failures.records<InvocationRecord>()[0]!.requestContext.condition).toBe('EventAgeExceeded');
  });

  it('R-ASYNC-7: with reserved concurrency 0 the invoke still returns 202 and the event goes straight to the failure path with ZeroReservedConcurrency', async () => {
    const s = sim(7);
    const failures = s.sink('failures', { kind: 'sqs' });
    const dlq = s.sink('dlq', { kind: 'sqs' });
    let ran = 0;
    const fn = s.fn('Off', () => async () => ran++, {
      reservedConcurrency: 0,
      async: { onFailure: failures, deadLetter: dlq },
    });
    const response = invokeAsyncAt(s, 1_000, fn, { id: 7 });
    const result = await s.run();
    const requestId = accepted(await response);
    expect((await response).statusCode).toBe(202);
    expect(ran).toBe(0);
    expect(events(result, 'async.throttled')).toHaveLength(0);
    expect(only(result, 'async.discarded', requestId)).toMatchObject({
      atMs: 1_000,
      condition: 'ZeroReservedConcurrency',
      attempts: 0,
    });
    const record = failures.records<InvocationRecord>()[0]!;
    expect(record.requestContext).toMatchObject({
      condition: 'ZeroReservedConcurrency',
      approximateInvokeCount: 0,
    });
    expect(record.requestPayload).toEqual({ id: 7 });
    expect('responseContext' in record).toBe(false);
    expect('responsePayload' in record).toBe(false);
    expect(dlq.messages).toHaveLength(1);
  });

  it('R-ASYNC-8: a success with an on-success destination sends the exact Success record', async () => {
    const s = sim(8);
    const successes = s.sink('successes', { kind: 'sqs' });
    const fn = s.fn('Ok', () => async (event: { id: number }) => ({ done: event.id }), {
      async: { onSuccess: successes },
    });
    const response = invokeAsyncAt(s, 2_000, fn, { id: 42 });
    await s.run();
    const requestId = accepted(await response);
    expect(successes.messages).toHaveLength(1);
    expect(successes.messages[0]!.body).toBe(
      JSON.stringify({
        version: '1.0',
        timestamp: '2026-01-01T00:00:02.100Z',
        requestContext: {
          requestId,
          functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Ok:$LATEST',
          condition: 'Success',
          approximateInvokeCount: 1,
        },
        requestPayload: { id: 42 },
        responseContext: { statusCode: 200, executedVersion: '$LATEST' },
        responsePayload: { done: 42 },
      }),
    );
  });

  it('R-ASYNC-9: a discarded event goes to the on-failure destination and the DLQ: original body, RequestID, ErrorCode 200, ErrorMessage cut to 1 KB', async () => {
    const s = sim(9);
    const failures = s.sink('failures', { kind: 'sns' });
    const dlq = s.sink('dlq', { kind: 'sqs' });
    const longMessage = 'é'.repeat(700); // 1,400 bytes
    const fn = s.fn(
      'Fails',
      () => async () => {
        throw new Error(longMessage);
      },
      { async: { maximumRetryAttempts: 0, onFailure: failures, deadLetter: dlq } },
    );
    const response = invokeAsyncAt(s, 0, fn, { order: 'o-9' });
    const result = await s.run();
    const requestId = accepted(await response);
    expect(failures.messages).toHaveLength(1);
    expect(dlq.messages).toHaveLength(1);
    const m = dlq.messages[0]!;
    expect(m.body).toBe('{"order":"o-9"}');
    expect(m.attributes).toEqual({
      RequestID: { dataType: 'String', stringValue: requestId },
      ErrorCode: { dataType: 'Number', stringValue: '200' },
      ErrorMessage: { dataType: 'String', stringValue: 'é'.repeat(512) },
    });
    expect(result.asyncEvents[0]!.deadLetter).toMatchObject({ role: 'deadLetter', result: { ok: true } });
    expect(result.asyncEvents[0]!.destination).toMatchObject({ role: 'onFailure', result: { ok: true } });
  });

  it('R-ASYNC-10: with duplicates on, an event is delivered twice with the same request id and each delivery has its own retry budget', async () => {
    const s = sim(10, { async: { duplicateProbability: 1 } });
    const ok = s.fn('Ok', () => async () => 'ok');
    const { fn: bad, calls } = alwaysFails(s, 'Bad', { async: { maximumRetryAttempts: 1 } });
    const good = invokeAsyncAt(s, 0, ok, { n: 1 });
    const failing = invokeAsyncAt(s, 0, bad, { n: 2 });
    const result = await s.run();
    const goodId = accepted(await good);
    const badId = accepted(await failing);
    const started = eventsOf(result, 'invoke.started', goodId);
    expect(started).toHaveLength(2);
    expect(events(result, 'invoke.succeeded').filter((e) => e.requestId === goodId)).toHaveLength(2);
    expect(calls.filter((c) => c.requestId === badId)).toHaveLength(4); // 2 deliveries x (1 + 1 retry)
    expect(result.asyncEvents.map((e) => [e.requestId, e.duplicate, e.state])).toEqual([
      [goodId, false, 'succeeded'],
      [goodId, true, 'succeeded'],
      [badId, false, 'discarded'],
      [badId, true, 'discarded'],
    ]);
  });

  it('R-ASYNC-10: with drops on, a queued event is deleted without an attempt, a record or a DLQ message; both knobs are off by default', async () => {
    const dropping = sim(11, { async: { dropProbability: 1 } });
    const failures = dropping.sink('failures', { kind: 'sqs' });
    const dlq = dropping.sink('dlq', { kind: 'sqs' });
    let ran = 0;
    const fn = dropping.fn('Dropped', () => async () => ran++, {
      async: { onFailure: failures, deadLetter: dlq },
    });
    invokeAsyncAt(dropping, 0, fn);
    const result = await dropping.run();
    expect(ran).toBe(0);
    expect(result.asyncEvents.map((e) => e.state)).toEqual(['dropped']);
    expect(events(result, 'async.dropped')).toHaveLength(1);
    expect(failures.messages.length + dlq.messages.length).toBe(0);

    const plain = sim(11);
    let plainRuns = 0;
    const plainFn = plain.fn('Plain', () => async () => plainRuns++);
    for (let i = 0; i < 50; i++) invokeAsyncAt(plain, 0, plainFn, { i });
    const plainResult = await plain.run();
    expect(plainRuns).toBe(50);
    expect(plainResult.asyncEvents.every((e) => !e.duplicate && e.state === 'succeeded')).toBe(true);
  });

  it('R-ASYNC-11: with reordering on, events ready at the same instant run in a seeded order; off, in arrival order', async () => {
    const orderOf = async (seed: number, reorder: boolean): Promise<number[]> => {
      const s = sim(seed, { async: { reorder } });
      const seen: number[] = [];
      const fn = s.fn('Order', () => async (event: { n: number }) => {
        seen.push(event.n);
      });
      s.at(0, () => {
        for (let n = 0; n < 20; n++) void s.invokeAsync(fn, { n });
      });
      await s.run();
      return seen;
    };
    const arrival = Array.from({ length: 20 }, (_, n) => n);
    expect(await orderOf(1, false)).toEqual(arrival);
    const a = await orderOf(1, true);
    const b = await orderOf(2, true);
    expect(a).not.toEqual(arrival);
    expect([...a].sort((x, y) => x - y)).toEqual(arrival);
    expect(b).not.toEqual(a);
    expect(await orderOf(1, true)).toEqual(a); // seeded: the same seed gives the same order
  });

  it('R-ASYNC-12: FIFO SQS queues and FIFO SNS topics as destinations fail delivery; the failure is in the result, not silent', async () => {
    const s = sim(12);
    const fifoQueue = s.sink('records.fifo', { kind: 'sqs' });
    const fifoTopic = s.snsTopic('records.fifo');
    const okFn = s.fn('Ok', () => async () => 'ok', { async: { onSuccess: fifoQueue } });
    const { fn: badFn } = alwaysFails(s, 'Bad', { async: { maximumRetryAttempts: 0, onFailure: fifoTopic } });
    invokeAsyncAt(s, 0, okFn);
    invokeAsyncAt(s, 0, badFn);
    const result = await s.run();
    expect(fifoQueue.messages).toHaveLength(0);
    expect(fifoTopic.published).toHaveLength(0);
    const failed = events(result, 'destination.failed');
    expect(failed.map((e) => [e.fn, e.role, e.target])).toEqual([
      ['Ok', 'onSuccess', fifoQueue.arn],
      ['Bad', 'onFailure', fifoTopic.arn],
    ]);
    for (const e of result.asyncEvents) expect(e.destination?.result.ok).toBe(false);
  });

  it('R-ASYNC-13: record fields by outcome: count, responseContext and responsePayload for success, retries used up, too old after a run, never ran, reserved 0', async () => {
    const s = sim(13);
    const sink = s.sink('records', { kind: 'sqs' });
    const ok = s.fn('Ok', () => async () => ({ r: 1 }), { async: { onSuccess: sink } });
    const exhausted = alwaysFails(s, 'Exhausted', { async: { onFailure: sink } });
    const aged = alwaysFails(s, 'Aged', { async: { maximumEventAgeS: 90, onFailure: sink } });
    const starved = s.fn(
      'Starved',
      () => async (event: { hold?: number }) => {
        if (event.hold !== undefined) await sleep(event.hold);
      },
      { reservedConcurrency: 1, timeoutS: 900, async: { maximumEventAgeS: 60, onFailure: sink } },
    );
    const zero = s.fn('Zero', () => async () => 'never', {
      reservedConcurrency: 0,
      async: { onFailure: sink },
    });
    const ids = await Promise.all([
      invokeAsyncAt(s, 0, ok, { k: 'ok' }),
      invokeAsyncAt(s, 0, exhausted.fn, { k: 'exhausted' }),
      invokeAsyncAt(s, 0, aged.fn, { k: 'aged' }),
      invokeAsyncAt(s, 0, starved, { hold: 200_000 }),
      invokeAsyncAt(s, 0, starved, { k: 'starved' }),
      invokeAsyncAt(s, 0, zero, { k: 'zero' }),
      s.run(),
    ]).then((all) => all.slice(0, 6).map((r) => accepted(r as AsyncInvokeResponse)));
    const byFn = new Map(
      sink.records<InvocationRecord>().map((r) => [r.requestContext.functionArn.split(':')[6], r] as const),
    );
    const row = (fn: string) => {
      const r = byFn.get(fn)!;
      return [
        r.requestContext.condition,
        r.requestContext.approximateInvokeCount,
        r.responseContext,
        r.responsePayload === undefined ? 'absent' : typeof r.responsePayload,
      ];
    };
    const failed = { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' };
    expect(row('Ok')).toEqual(['Success', 1, { statusCode: 200, executedVersion: '$LATEST' }, 'object']);
    expect(row('Exhausted')).toEqual(['RetriesExhausted', 3, failed, 'object']);
    expect(row('Aged')).toEqual(['EventAgeExceeded', 2, failed, 'object']);
    expect(row('Starved')).toEqual(['EventAgeExceeded', 0, undefined, 'absent']);
    expect(row('Zero')).toEqual(['ZeroReservedConcurrency', 0, undefined, 'absent']);
    expect(byFn.get('Exhausted')!.responsePayload).toMatchObject({
      errorType: 'Error',
      errorMessage: 'boom',
    });
    // requestId is the id Invoke returned; functionArn ends with the invoked qualifier.
    const records = sink.records<InvocationRecord>();
    for (const r of records) {
      expect(ids).toContain(r.requestContext.requestId);
      expect(r.requestContext.functionArn).toMatch(/:\$LATEST$/);
    }
  });
});

function only<K extends 'async.accepted' | 'async.discarded'>(
  result: Awaited<ReturnType<Simulation['run']>>,
  kind: K,
  requestId: string,
) {
  const found = eventsOf(result, kind, requestId);
  expect(found, `${kind} of ${requestId}`).toHaveLength(1);
  return found[0]!;
}

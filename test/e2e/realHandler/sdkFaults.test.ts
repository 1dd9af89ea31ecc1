/**
 * Real handlers, part 1 (issue 12), faults: the fault plan reaches calls made through the real AWS
 * SDK, aimed at the queue by name. An injected error is the service's own (a 503, a throttle), so
 * the SDK's retry strategy behaves as in production, with its backoff in virtual time.
 */
import { SendMessageCommand, SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { createSimulation, type Fault } from '../../../src/index.js';
import { payloadOf } from './payloadOf.js';

const sqs = new SQSClient({});
const URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';

async function sendOnce(faults: readonly Fault[], client = sqs, seed = 1) {
  const sim = createSimulation({ seed, faults });
  sim.sqs('orders', { latencyMs: 20 });
  const fn = sim.fn(
    'Checkout',
    () => async () => {
      const started = Date.now();
      try {
        const out = await client.send(new SendMessageCommand({ QueueUrl: URL, MessageBody: 'order' }));
        return { ok: true, attempts: out.$metadata.attempts, tookMs: Date.now() - started };
      } catch (error) {
        return {
          ok: false,
          sdkClass: error instanceof SQSServiceException,
          name: (error as Error).name,
          attempts: (error as SQSServiceException).$metadata?.attempts,
          tookMs: Date.now() - started,
        };
      }
    },
    { timeoutS: 60 },
  );
  const response = sim.invoke(fn, {});
  const result = await sim.run();
  return { result, payload: payloadOf(await response) as Record<string, unknown> };
}

describe('faults reach SDK calls', () => {
  it('a callError (503 ServiceUnavailable) is retried by the SDK transparently, after its backoff in virtual time', async () => {
    const { result, payload } = await sendOnce([{ kind: 'callError', service: 'orders', call: 1 }]);
    expect(payload).toMatchObject({ ok: true, attempts: 2 });
    expect(payload.tookMs).toBeGreaterThan(40); // two calls of 20 ms plus a backoff
    expect(result.messages).toHaveLength(1);
    expect(result.trace.filter((e) => e.kind === 'fault.injected')).toHaveLength(1);
    expect(result.determinismErrors).toEqual([]);
  });

  it("a throttle (RequestThrottled) is retried; exhausted retries give the SDK's own exception", async () => {
    const throttled = await sendOnce([
      { kind: 'callError', service: 'orders', call: 1, errorName: 'RequestThrottled' },
    ]);
    expect(throttled.payload).toMatchObject({ ok: true, attempts: 2 });
    const failed = await sendOnce(
      [1, 2, 3].map(
        (call) => ({ kind: 'callError', service: 'orders', call, errorName: 'RequestThrottled' }) as const,
      ),
    );
    expect(failed.payload).toMatchObject({
      ok: false,
      sdkClass: true,
      name: 'RequestThrottled',
      attempts: 3,
    });
    expect(failed.result.messages).toHaveLength(0);
  });

  it('same seed, same faults: the same trace (the backoff jitter is seeded)', async () => {
    const plan: Fault[] = [{ kind: 'callError', service: 'orders', call: 1 }];
    const a = await sendOnce(plan, sqs, 7);
    const b = await sendOnce(plan, sqs, 7);
    expect(a.result.traceHash).toBe(b.result.traceHash);
    expect(a.payload.tookMs).toBe(b.payload.tookMs);
  });

  it('a callTimeout: the socket timeout fires in virtual time; landed or not decides the duplicate', async () => {
    const patient = new SQSClient({ requestHandler: new NodeHttpHandler({ socketTimeout: 1_000 }) });
    const lost = await sendOnce(
      [{ kind: 'callTimeout', service: 'orders', call: 1, landed: false }],
      patient,
    );
    expect(lost.payload).toMatchObject({ ok: true, attempts: 2 });
    expect(lost.payload.tookMs).toBeGreaterThanOrEqual(1_000);
    expect(lost.result.messages).toHaveLength(1);
    const landed = await sendOnce(
      [{ kind: 'callTimeout', service: 'orders', call: 1, landed: true }],
      patient,
    );
    expect(landed.payload).toMatchObject({ ok: true, attempts: 2 });
    expect(landed.result.messages).toHaveLength(2); // the SDK's retry sent it again
    expect(landed.result.determinismErrors).toEqual([]);
  });

  it('callLatency adds virtual time; crashAfterCalls counts SDK calls', async () => {
    const slow = await sendOnce([{ kind: 'callLatency', service: 'orders', call: 1, addMs: 500 }]);
    expect(slow.payload).toMatchObject({ ok: true, tookMs: 520 });
    const sim = createSimulation({
      seed: 1,
      faults: [{ kind: 'crashAfterCalls', fn: 'Checkout', invocation: 1, calls: 1 }],
    });
    sim.sqs('orders');
    const fn = sim.fn('Checkout', () => async () => {
      await sqs.send(new SendMessageCommand({ QueueUrl: URL, MessageBody: 'order' }));
      return 'done';
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect((await response).kind).toBe('functionError');
    expect(result.messages).toHaveLength(1); // the call landed, then the process died
  });
});

describe('module-scope clients across simulations', () => {
  it("a run does not inherit the SDK's retry quota that earlier runs spent", async () => {
    const shared = new SQSClient({});
    // Drain: 60 sends that fail every attempt spend 2 retries x 5 tokens each (the quota is 500).
    const drain = createSimulation({
      seed: 1,
      faults: Array.from(
        { length: 180 },
        (_, i) => ({ kind: 'callError', service: 'orders', call: i + 1 }) as const,
      ),
    });
    drain.sqs('orders');
    const fn = drain.fn(
      'Drain',
      () => async () => {
        for (let i = 0; i < 60; i++)
          await shared
            .send(new SendMessageCommand({ QueueUrl: URL, MessageBody: 'x' }))
            .catch(() => undefined);
      },
      { timeoutS: 900 },
    );
    void drain.invoke(fn, {});
    await drain.run();
    // The next simulation: one 503, which a fresh client retries.
    const { payload } = await sendOnce([{ kind: 'callError', service: 'orders', call: 1 }], shared);
    expect(payload).toMatchObject({ ok: true, attempts: 2 });
  });
});

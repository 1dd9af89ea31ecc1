/**
 * Real handlers, part 1 (issue 12): `fetch` to a third-party host lands as an effect of the
 * `sim.api` registered for that host; nothing reaches the real network (no DNS, no socket): an
 * unknown target fails at once, names the handler's line and is a determinism error.
 */
import http from 'node:http';
import net from 'node:net';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, createSimulation } from '../../../src/index.js';
import { payloadOf } from './payloadOf.js';

const sqs = new SQSClient({});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fetch to an api host', () => {
  it("lands in the api's effects with method, path, headers and body; the responder answers", async () => {
    const sim = createSimulation({ seed: 1 });
    sim.api('payments', {
      host: 'payments.example',
      latencyMs: 40,
      idempotencyKey: (_op, args) => (args as { headers: Record<string, string> }).headers['idempotency-key'],
      respond: (op, args) =>
        op === 'POST /charges'
          ? { id: `ch_${(args as { body: { orderId: string } }).body.orderId}` }
          : { httpStatus: 404, body: { error: 'no such endpoint' } },
    });
    const fn = sim.fn('Charge', () => async (event: { orderId: string }) => {
      const charge = async () => {
        const response = await fetch('https://payments.example/charges?currency=eur', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'Idempotency-Key': event.orderId },
          body: JSON.stringify({ orderId: event.orderId, amount: 100 }),
        });
        return { status: response.status, body: (await response.json()) as unknown };
      };
      const first = await charge();
      const retried = await charge(); // the same key: replayed, no second effect
      const missing = await fetch('https://payments.example/refunds');
      return { first, retried, missing: missing.status, at: Date.now() };
    });
    const response = sim.invoke(fn, { orderId: 'o-1' });
    const result = await sim.run();
    expect(result.determinismErrors).toEqual([]);
    const payload = payloadOf(await response) as { first: unknown; retried: unknown; missing: number };
    expect(payload.first).toEqual({ status: 200, body: { id: 'ch_o-1' } });
    expect(payload.retried).toEqual(payload.first);
    expect(payload.missing).toBe(404);
    const effects = result.effects('payments');
    expect(effects.map((e) => e.op)).toEqual(['POST /charges', 'GET /refunds']);
    expect(effects[0]).toMatchObject({
      fn: 'Charge',
      idempotencyKey: 'o-1',
      args: {
        method: 'POST',
        path: '/charges',
        query: { currency: 'eur' },
        headers: { 'idempotency-key': 'o-1', 'content-type': 'application/json' },
        body: { orderId: 'o-1', amount: 100 },
      },
    });
    expect(result.replays('payments')).toHaveLength(1);
    // Virtual time: each call took the api's 40 ms.
    expect(effects[0]!.atMs - effects[0]!.sentAtMs).toBe(20);
  });

  it('an api host must be a host name, unique', () => {
    const sim = createSimulation({ seed: 1 });
    expect(() => sim.api('a', { host: 'https://payments.example/' })).toThrow(ConfigError);
    sim.api('b', { host: 'payments.example' });
    expect(() => sim.api('c', { host: 'payments.example' })).toThrow(/already the host of api "b"/);
  });
});

describe('nothing reaches the real network', () => {
  it('fetch to a host without a sim.api fails at once, names the host and the handler line', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const sim = createSimulation({ seed: 1 });
    sim.api('payments', { host: 'payments.example' });
    const fn = sim.fn('Charge', () => async () => {
      await fetch('https://api.stripe.example/v1/charges', { method: 'POST' }); // the line named
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    const invoked = await response;
    expect(invoked.kind).toBe('functionError');
    expect(JSON.stringify(invoked)).toContain('UnroutedRequestError');
    expect(result.determinismErrors).toHaveLength(1);
    const [error] = result.determinismErrors;
    expect(error!.message).toContain(
      'fetch POST https://api.stripe.example/v1/charges: no sim.api for host "api.stripe.example" in this simulation (api hosts: payments.example)',
    );
    expect(error!.site).toMatch(/^test\/e2e\/realHandler\/fetchAndNetwork\.test\.ts:\d+:\d+/);
    expect(result.trace.some((e) => e.kind === 'determinism.violated')).toBe(true);
    expect(connect).not.toHaveBeenCalled();
  });

  it('an SDK call to a queue the simulation lacks names client, command, queue and what is defined', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.sqs('payments');
    const fn = sim.fn('Checkout', () => async () => {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders',
          MessageBody: 'x',
        }),
      );
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect((await response).kind).toBe('functionError');
    expect(result.determinismErrors.map((e) => e.message)).toEqual([
      expect.stringContaining(
        'SQS SendMessage on queue "orders": no queue "orders" in this simulation (queues: payments)',
      ),
    ]);
    expect(result.determinismErrors[0]!.site).toMatch(
      /^test\/e2e\/realHandler\/fetchAndNetwork\.test\.ts:\d+/,
    );
  });

  it('an AWS service lambdasim does not simulate fails at once, listing the simulated ones', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Notify', () => async () => {
      // Every SDK client installed here is simulated: Kinesis, by its endpoint, is not.
      await fetch('https://kinesis.us-east-1.amazonaws.com/', { method: 'POST', body: '{}' });
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect((await response).kind).toBe('functionError');
    expect(result.determinismErrors[0]!.message).toMatch(
      /fetch request to AWS service "kinesis" .*simulated: DynamoDB, SQS, SNS, Lambda, EventBridge, S3\)/,
    );
  });

  it('a node:http request inside a run opens no socket: it fails at once, naming the target', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Legacy', () => async () => {
      await new Promise((resolve, reject) => {
        const req = http.get('http://legacy.example:8080/status', resolve);
        req.on('error', reject);
      });
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    const invoked = await response;
    expect(invoked.kind).toBe('functionError');
    expect(
      result.determinismErrors.some((e) => e.message.includes('network connection to legacy.example:8080')),
    ).toBe(true);
    // No DNS lookup ran: its resource would be reported too.
    expect(result.determinismErrors.some((e) => e.resource.startsWith('GETADDRINFO'))).toBe(false);
  });

  it('outside a simulation fetch is the real one', async () => {
    // A refused local connection answers at once, whether or not the machine has a network.
    await expect(fetch('http://127.0.0.1:1/')).rejects.toThrow(/fetch failed/);
  });
});

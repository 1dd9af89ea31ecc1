/**
 * The trace hash sees contents (issue 10, defect 5): two runs that differ only in what went in
 * or came out (a call's arguments, a payload, a handler's response or error, a table item, a
 * message body, a service's response) have different trace hashes, even when every size is the
 * same; the same inputs still give the same hash. The variants below are all the same length
 * (111 vs 999, 'o-1' vs 'o-2'), so a hash over sizes alone cannot tell them apart.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation, type SimulationResult } from '../../src/index.js';

type Build = (sim: Simulation, variant: string) => void;

async function runWith(build: Build, variant: string): Promise<SimulationResult> {
  const sim = createSimulation({ seed: 7 });
  build(sim, variant);
  const result = await sim.run();
  expect(result.determinismErrors).toEqual([]);
  return result;
}

/** Hashes of variant 'a' (twice) and variant 'b'. */
async function hashes(build: Build, a: string, b: string): Promise<[string, string, string]> {
  const first = await runWith(build, a);
  const again = await runWith(build, a);
  const other = await runWith(build, b);
  // Same shape: the runs differ in contents only, not in what happened when.
  expect(other.trace.map((e) => `${e.atMs} ${e.kind}`)).toEqual(
    first.trace.map((e) => `${e.atMs} ${e.kind}`),
  );
  return [first.traceHash, again.traceHash, other.traceHash];
}

const CASES: ReadonlyArray<readonly [string, Build, string, string]> = [
  [
    'a call argument (charge 111 vs 999)',
    (sim, amount) => {
      const payments = sim.api('payments');
      const fn = sim.fn('Charge', () => async () => payments.call('charge', { amount: Number(amount) }));
      void sim.invoke(fn, {});
    },
    '111',
    '999',
  ],
  [
    'a sync invoke payload',
    (sim, orderId) => {
      const fn = sim.fn('Echo', () => async () => 'done');
      void sim.invoke(fn, { orderId });
    },
    'o-1',
    'o-2',
  ],
  [
    'an async invoke payload',
    (sim, orderId) => {
      const fn = sim.fn('Echo', () => async () => 'done');
      void sim.invokeAsync(fn, { orderId });
    },
    'o-1',
    'o-2',
  ],
  [
    "a handler's response",
    (sim, n) => {
      const fn = sim.fn('Answer', () => async () => ({ n }));
      void sim.invoke(fn, {});
    },
    '111',
    '999',
  ],
  [
    "a handler's error message",
    (sim, n) => {
      const fn = sim.fn('Fail', () => async () => {
        throw new Error(`cannot charge ${n}`);
      });
      void sim.invoke(fn, {});
    },
    '111',
    '999',
  ],
  [
    'a table item written',
    (sim, amount) => {
      const orders = sim.table('orders', { key: 'orderId' });
      const fn = sim.fn('Put', () => async () => orders.put({ orderId: 'o-1', amount: Number(amount) }));
      void sim.invoke(fn, {});
    },
    '111',
    '999',
  ],
  [
    'a table update',
    (sim, status) => {
      const orders = sim.table('orders', { key: 'orderId' });
      const fn = sim.fn('Update', () => async () => {
        await orders.update('o-1', { status });
        return 'done';
      });
      void sim.invoke(fn, {});
    },
    'PAID',
    'SENT',
  ],
  [
    'an item a table returns (seeded before the run)',
    (sim, amount) => {
      const orders = sim.table('orders', { key: 'orderId' });
      orders.seed([{ orderId: 'o-1', amount: Number(amount) }]);
      const fn = sim.fn('Get', () => async () => {
        await orders.get('o-1');
        return 'done';
      });
      void sim.invoke(fn, {});
    },
    '111',
    '999',
  ],
  [
    "an external API's response",
    (sim, chargeId) => {
      const payments = sim.api('payments', { respond: () => ({ chargeId }) });
      const fn = sim.fn('Charge', () => async () => {
        await payments.call('charge', {});
        return 'done';
      });
      void sim.invoke(fn, {});
    },
    'c-1',
    'c-2',
  ],
  [
    "an external API's error",
    (sim, code) => {
      const payments = sim.api('payments', {
        respond: () => {
          throw new Error(`declined ${code}`);
        },
      });
      const fn = sim.fn('Charge', () => async () => {
        await payments.call('charge', {}).catch(() => undefined);
        return 'done';
      });
      void sim.invoke(fn, {});
    },
    '111',
    '999',
  ],
  [
    'an SQS message body',
    (sim, body) => {
      const queue = sim.sqs('orders');
      const fn = sim.fn('Consume', () => async () => undefined);
      sim.mapping(queue, fn);
      sim.at(0, () => void queue.send(body));
    },
    'order 111',
    'order 999',
  ],
  [
    'an SNS message',
    (sim, message) => {
      const fn = sim.fn('Notify', () => async () => undefined);
      const topic = sim.snsTopic('orders').subscribe(fn);
      sim.at(0, () => topic.publish({ message }));
    },
    'o-1',
    'o-2',
  ],
];

describe('trace hash over contents (issue 10, defect 5)', () => {
  it.each(CASES)('differs when only %s differs; equal inputs, equal hash', async (_what, build, a, b) => {
    const [first, again, other] = await hashes(build, a, b);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it('ignores stack traces (file paths): a failure, its destination record sent to SQS', async () => {
    // The same failure thrown from two different places: only the stack differs.
    const build: Build = (sim, file) => {
      const failures = sim.sqs('failures');
      const fn = sim.fn(
        'Fail',
        () => async () => {
          const error = new Error('cannot charge o-1');
          error.stack = `Error: cannot charge o-1\n    at handler (${file}:12:11)`;
          throw error;
        },
        { async: { maximumRetryAttempts: 0, onFailure: failures } },
      );
      void sim.invokeAsync(fn, { orderId: 'o-1' });
    };
    const [first, again, other] = await hashes(build, '/home/a/handler.ts', '/srv/build/b/handler.ts');
    expect(again).toBe(first);
    expect(other).toBe(first);
    const sent = (await runWith(build, '/x.ts')).trace.filter((e) => e.kind === 'sqs.sent');
    expect(sent).toHaveLength(1); // the destination record reached the queue, with no digest of its own
    expect(sent[0]).not.toHaveProperty('digest');
  });

  it('records a 16-hex-digit digest where content enters', async () => {
    const result = await runWith((sim) => {
      const payments = sim.api('payments');
      const fn = sim.fn('Charge', () => async (event: { amount: number }) => payments.call('charge', event));
      void sim.invoke(fn, { amount: 111 });
    }, '');
    const digested = result.trace.filter((e) => 'digest' in e).map((e) => e.kind);
    expect(digested).toEqual(['request.received', 'call.sent', 'call.landed', 'invoke.succeeded']);
    for (const e of result.trace) if ('digest' in e) expect(e.digest).toMatch(/^[0-9a-f]{16}$/);
  });
});

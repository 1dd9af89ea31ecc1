/**
 * A purpose-built buggy handler (or setup) for each check that the bundled examples and the
 * checks' own tests leave without one, and its fixed twin: the check catches the first and
 * passes the second. The others have theirs elsewhere: exactlyOnce in fixtures/examples/ and
 * test/e2e/claimThenCharge.test.ts, atLeastOnce in test/unit/checks/atLeastOnce.test.ts (a handler
 * that swallows a failed send). sameAsFaultFree is left to its own rewrite.
 */
import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { checks, createSimulation } from '../../src/index.js';

describe('orderedPerKey: a FIFO consumer that applies a batch concurrently', () => {
  interface Step {
    readonly orderId: string;
    readonly seq: number;
  }

  /**
   * Three steps per order through a FIFO queue (the order is the message group). The first step
   * of an order needs a catalog lookup first, so it takes longer than the others.
   */
  async function run(concurrently: boolean) {
    const sim = createSimulation({ seed: 11 });
    const catalog = sim.api('catalog', { latencyMs: 80 });
    const shipping = sim.api('shipping', { latencyMs: 10 });
    const queue = sim.sqs('steps.fifo');
    const apply = async (step: Step) => {
      if (step.seq === 1) await catalog.call('lookup', { orderId: step.orderId });
      await shipping.call('apply', step);
    };
    const fn = sim.fn('Ship', () => async (event: SQSEvent) => {
      const steps = event.Records.map((r) => JSON.parse(r.body) as Step);
      if (concurrently) await Promise.all(steps.map(apply));
      else for (const step of steps) await apply(step); // in the group's order
    });
    sim.mapping(queue, fn, { batchSize: 10 });
    for (const orderId of ['o-1', 'o-2'])
      for (let seq = 1; seq <= 3; seq++)
        void queue.send(
          { orderId, seq },
          { messageGroupId: orderId, messageDeduplicationId: `${orderId}-${seq}` },
        );
    const result = await sim.run();
    expect(result.effects('shipping')).toHaveLength(6);
    return checks.orderedPerKey(
      result.effects('shipping'),
      (e) => (e.args as Step).orderId,
      (e) => (e.args as Step).seq,
    );
  }

  it('catches Promise.all over the records: a slow first step lands after the later ones', async () => {
    const violations = await run(true);
    expect(violations).toEqual([
      expect.objectContaining({ kind: 'outOfOrder', key: 'o-1', expected: [1, 2, 3], actual: [2, 3, 1] }),
      expect.objectContaining({ kind: 'outOfOrder', key: 'o-2', expected: [1, 2, 3], actual: [2, 3, 1] }),
    ]);
  });

  it('passes the twin that applies the records one after another', async () => {
    expect(await run(false)).toEqual([]);
  });
});

describe('orderedPerKey per partition key: a Kinesis consumer that applies a batch concurrently', () => {
  interface Step {
    readonly orderId: string;
    readonly step: number;
  }
  interface Applied {
    readonly partitionKey: string;
    readonly sequenceNumber: string;
  }

  /**
   * Three steps per order put to a 2-shard stream with the order as partition key (so each
   * order's steps share a shard and arrive in order). The first step needs a catalog lookup.
   * The check keys effects by partition key and orders them by sequence number: Kinesis
   * sequence numbers are fixed-length decimal strings, so text order is their order.
   */
  async function run(concurrently: boolean) {
    const sim = createSimulation({ seed: 13 });
    const catalog = sim.api('catalog', { latencyMs: 80 });
    const shipping = sim.api('shipping', { latencyMs: 10 });
    const stream = sim.kinesis('steps', { shards: 2 });
    const apply = async (record: KinesisStreamEvent['Records'][number]) => {
      const step = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString()) as Step;
      if (step.step === 1) await catalog.call('lookup', { orderId: step.orderId });
      await shipping.call('apply', {
        partitionKey: record.kinesis.partitionKey,
        sequenceNumber: record.kinesis.sequenceNumber,
      } satisfies Applied);
    };
    const fn = sim.fn('Ship', () => async (event: KinesisStreamEvent) => {
      if (concurrently) await Promise.all(event.Records.map(apply));
      else for (const record of event.Records) await apply(record); // in sequence order
    });
    sim.mapping(stream, fn, { startingPosition: 'TRIM_HORIZON', batchSize: 10 });
    for (const orderId of ['o-1', 'o-2', 'o-3'])
      for (let step = 1; step <= 3; step++) void stream.put({ orderId, step }, { partitionKey: orderId });
    const result = await sim.run();
    expect(result.effects('shipping')).toHaveLength(9);
    return checks.orderedPerKey(
      result.effects('shipping'),
      (e) => (e.args as Applied).partitionKey,
      (e) => (e.args as Applied).sequenceNumber,
    );
  }

  it('catches Promise.all over the records: a slow first record lands after the later ones of its key', async () => {
    const violations = await run(true);
    expect(violations.map((v) => v.key).sort()).toEqual(['o-1', 'o-2', 'o-3']);
    for (const v of violations) {
      expect(v.actual).toEqual([v.expected[1], v.expected[2], v.expected[0]]);
      expect(String(v.expected[0])).toMatch(/^\d{56}$/);
    }
  });

  it('passes the twin that applies the records one after another', async () => {
    expect(await run(false)).toEqual([]);
  });
});

describe('noLostEvents: a consumer that throws on a poison message, on a queue without a DLQ', () => {
  interface Order {
    readonly orderId: string;
    readonly amountCents: number;
  }

  /** Two orders, one of them invalid, through a queue that keeps messages 60 s and has no redrive. */
  async function run(parkPoison: boolean) {
    const sim = createSimulation({ seed: 12 });
    const payments = sim.api('payments', { latencyMs: 20 });
    const queue = sim.sqs('orders', { visibilityTimeoutS: 5, messageRetentionS: 60 });
    const parked = sim.sqs('orders-parked'); // read by a person, not by a function
    const fn = sim.fn('Charge', () => async (event: SQSEvent) => {
      for (const record of event.Records) {
        const order = JSON.parse(record.body) as Order;
        if (order.amountCents <= 0) {
          if (!parkPoison) throw new Error(`invalid amount for ${order.orderId}`);
          // A message that can never succeed: keep it somewhere, then let this one be deleted.
          await parked.send({ reason: 'invalid amount', body: record.body });
          continue;
        }
        await payments.call('charge', order);
      }
    });
    sim.mapping(queue, fn, { batchSize: 1 });
    void queue.send({ orderId: 'o-1', amountCents: 500 });
    void queue.send({ orderId: 'o-2', amountCents: -1 });
    return sim.run();
  }

  it('catches the poison message retried until its retention ran out: lost', async () => {
    const result = await run(false);
    const violations = checks.noLostEvents(result);
    expect(violations).toEqual([
      expect.objectContaining({ check: 'noLostEvents', kind: 'lost', model: 'sqs', where: 'orders' }),
    ]);
    expect(result.messages.find((m) => m.messageId === violations[0]!.input)?.body).toContain('o-2');
  });

  it('passes the twin that parks the poison message and lets it be deleted', async () => {
    const result = await run(true);
    expect(result.effects('payments')).toHaveLength(1);
    expect(checks.noLostEvents(result)).toEqual([]);
  });
});

describe('retryPolicyHonored: a non-idempotent async function left on the default retry policy', () => {
  // The check reads Lambda's side of the contract from the trace: no handler code can make Lambda
  // retry a request. What a team gets wrong is the configuration: a charge that must never run
  // twice relies on no retries, and a function deployed without `maximumRetryAttempts: 0` gets
  // AWS's default of 2. The check, told the policy, catches that setup.
  async function run(configured: boolean) {
    const sim = createSimulation({
      seed: 13,
      faults: [{ kind: 'handlerTimeout', fn: 'Charge', invocation: 1 }],
    });
    const payments = sim.api('payments', { latencyMs: 20 });
    const fn = sim.fn(
      'Charge',
      () => async (order: { orderId: string }) => {
        await payments.call('charge', order);
      },
      configured
        ? { async: { maximumRetryAttempts: 0, onFailure: sim.sink('charge-failures', { kind: 'sqs' }) } }
        : {},
    );
    void sim.invokeAsync(fn, { orderId: 'o-1' });
    const result = await sim.run();
    return checks.retryPolicyHonored(result, { maximumRetryAttempts: { Charge: 0 } });
  }

  it('catches the retry AWS makes by default after a timeout', async () => {
    expect(await run(false)).toEqual([
      expect.objectContaining({
        kind: 'tooManyAttempts',
        model: 'async',
        where: 'Charge',
        attempts: 2,
        limit: 1,
      }),
    ]);
  });

  it('passes the twin configured with maximumRetryAttempts: 0 (failures go to a destination)', async () => {
    expect(await run(true)).toEqual([]);
  });
});

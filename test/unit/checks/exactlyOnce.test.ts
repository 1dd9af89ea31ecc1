import { describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import {
  checks,
  ConditionalCheckFailedException,
  createSimulation,
  type ExactlyOnceViolation,
  when,
} from '../../../src/index.js';
import { chargeRun, CRASH_AFTER_CHARGE, type Order, orderIdOf } from './runs.js';

describe('checks.exactlyOnce', () => {
  it('passes a fault-free run: one charge per order', async () => {
    const { result } = await chargeRun({ idempotent: false, orders: ['o-1', 'o-2'] });
    expect(
      checks.exactlyOnce(result.effects('payments'), orderIdOf, { expectedKeys: ['o-1', 'o-2'] }),
    ).toEqual([]);
  });

  it('finds the duplicate charge of a non-idempotent handler retried after a crash', async () => {
    const { result } = await chargeRun({ idempotent: false, faults: CRASH_AFTER_CHARGE });
    const violations = checks.exactlyOnce(result.effects('payments'), orderIdOf);
    expect(violations).toHaveLength(1);
    const v = violations[0]!;
    expect(v).toMatchObject({
      check: 'exactlyOnce',
      kind: 'duplicateEffect',
      service: 'payments',
      op: 'charge',
      key: 'o-1',
      count: 2,
    });
    expect(v.effects.map((e) => e.requestId)).toEqual([
      result.asyncEvents[0]!.requestId,
      result.asyncEvents[0]!.requestId,
    ]);
    expect(v.message).toBe(
      `payments.charge ran 2 times for key o-1 (expected exactly once) in request ${result.asyncEvents[0]!.requestId}. ` +
        'A retry or redelivery repeated the side effect: make it idempotent (a conditional write on an idempotency ' +
        'key before the call, or an idempotency key the API honours).',
    );
  });

  it('passes the idempotent twin under the same crash', async () => {
    const { result } = await chargeRun({ idempotent: true, faults: CRASH_AFTER_CHARGE });
    expect(result.asyncEvents[0]!.attempts).toBe(2);
    expect(checks.exactlyOnce(result.effects('payments'), orderIdOf, { expectedKeys: ['o-1'] })).toEqual([]);
  });

  it('reports expected keys without any effect, and leaves out effects keyed undefined', async () => {
    const { result } = await chargeRun({ idempotent: false, orders: ['o-1'] });
    const violations: ExactlyOnceViolation[] = checks.exactlyOnce(
      result.effects('payments'),
      (e) => (orderIdOf(e) === 'o-1' ? undefined : orderIdOf(e)),
      { expectedKeys: ['o-2', 'o-2'], service: 'payments', op: 'charge' },
    );
    expect(violations).toEqual([
      expect.objectContaining({ kind: 'missingEffect', key: 'o-2', count: 0, effects: [] }),
    ]);
    expect(violations[0]!.message).toMatch(
      /^payments\.charge never ran for key o-2 \(expected exactly once\)\./,
    );
  });

  it('names the effects "effects" when given none and no label', () => {
    const [v] = checks.exactlyOnce([], () => 'k', { expectedKeys: ['k'] });
    expect(v).toMatchObject({ service: 'effects', op: undefined });
  });

  describe('both directions, over the input ledger', () => {
    /** An SQS batch of two orders whose handler skips o-2 (as if it had claimed it before). */
    async function skippingBatch() {
      const sim = createSimulation({ seed: 5 });
      const payments = sim.api('payments');
      const queue = sim.sqs('orders');
      const fn = sim.fn('Charge', () => async (event: SQSEvent) => {
        for (const record of event.Records) {
          const order = JSON.parse(record.body) as Order;
          if (order.orderId !== 'o-2') await payments.call('charge', order);
        }
      });
      sim.mapping(queue, fn, { batchSize: 10 });
      sim.at(0, () => {
        void queue.send({ orderId: 'o-1' });
        void queue.send({ orderId: 'o-2' });
      });
      return sim.run();
    }

    it('with inputKey, finds the message of a batch that was deleted without its charge', async () => {
      const result = await skippingBatch();
      const violations = checks.exactlyOnce(result.effects('payments'), orderIdOf, {
        inputs: result.inputs,
        inputKey: (body) => (body as Order).orderId,
      });
      expect(violations).toEqual([
        expect.objectContaining({ kind: 'acknowledgedWithoutEffect', key: 'o-2', count: 0 }),
      ]);
      expect(violations[0]!.input).toBe(result.inputs[1]);
      expect(violations[0]!.message).toMatch(
        /^SQS message \S+ on orders was deleted after its processing succeeded \(1 attempt\), but payments\.charge never landed for it for key o-2: acknowledged without its effect\. Such handlers usually go wrong by claim-then-act/,
      );
    });

    it('without inputKey, counts a batch effect for every message of the batch (documented limit)', async () => {
      const result = await skippingBatch();
      expect(result.inputs[1]!.attempts[0]!.attribution).toBe('batch');
      expect(checks.exactlyOnce(result.effects('payments'), orderIdOf, { inputs: result.inputs })).toEqual(
        [],
      );
    });

    it('reports duplicates only when asked, and rejects an unknown direction', async () => {
      const result = await skippingBatch();
      const options = { inputs: result.inputs, inputKey: (body: unknown) => (body as Order).orderId };
      expect(
        checks.exactlyOnce(result.effects('payments'), orderIdOf, {
          ...options,
          direction: 'duplicatesOnly',
        }),
      ).toEqual([]);
      expect(() =>
        checks.exactlyOnce(result.effects('payments'), orderIdOf, {
          ...options,
          direction: 'both ways' as 'both',
        }),
      ).toThrow("exactlyOnce: direction must be 'both' or 'duplicatesOnly'");
    });

    it("counts a client's retry with the same body as the same input: no false alarm for a deduplicated retry", async () => {
      const sim = createSimulation({ seed: 6 });
      const payments = sim.api('payments', { latencyMs: 3_000 });
      const claims = sim.table<{ orderId: string }>('claims', { key: 'orderId' });
      const fn = sim.fn('Charge', () => async (order: Order) => {
        try {
          await claims.put({ orderId: order.orderId }, { condition: when.notExists('orderId') });
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return;
          throw error;
        }
        await payments.call('charge', order);
      });
      const client = sim.client(fn, { clientTimeoutMs: 1_000, maxAttempts: 2 });
      sim.spawn('caller', async () => {
        await client.invoke({ orderId: 'o-1' });
      });
      const result = await sim.run();
      // The first request's charge landed after the client gave up (then it timed out at 3 s);
      // the client's retry found the claim and returned: one effect between the two requests.
      expect(result.inputs.map((i) => [i.state, i.effects.length])).toEqual([
        ['failed', 1],
        ['completed', 0],
      ]);
      expect(checks.exactlyOnce(result.effects('payments'), orderIdOf, { inputs: result.inputs })).toEqual(
        [],
      );
    });
  });
});

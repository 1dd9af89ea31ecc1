import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConfigError, checks, runScenario, type Scenario, type ScenarioSetup } from '../../../src/index.js';

interface Order {
  readonly orderId: string;
}
const orderIdOf = (e: { args: unknown }) => (e.args as Order).orderId;
const inputKey = (body: unknown) => (body as Order).orderId;

/** Charges every record, with no idempotency at all, and reports the records whose charge threw. */
const chargeEach: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments');
  return () => async (event: SQSEvent) => {
    const failed: string[] = [];
    for (const record of event.Records)
      await payments.call('charge', JSON.parse(record.body)).catch(() => failed.push(record.messageId));
    return { batchItemFailures: failed.map((id) => ({ itemIdentifier: id })) };
  };
};

/** o-1 and o-2 in one batch (o-2's charge fails, reported), then o-1 again a minute later. */
const batchThenRepeat: Scenario<Order> = {
  model: 'sqs',
  seed: 0,
  events: [
    { atMs: 0, body: { orderId: 'o-1' } },
    { atMs: 0, body: { orderId: 'o-2' } },
    { atMs: 60_000, body: { orderId: 'o-1' } },
  ],
  config: { reportBatchItemFailures: true, batchSize: 10, maxReceiveCount: 3 },
  delivery: {},
  faults: [{ kind: 'callError', service: 'payments', call: 2 }],
};

describe('checks.noRepeatAfterSuccess on SQS batches', () => {
  it('with inputKey, tells which record of a partially failed batch succeeded', async () => {
    const result = await runScenario(batchThenRepeat, chargeEach);
    expect(result.effects('payments').map(orderIdOf)).toEqual(['o-1', 'o-2', 'o-1']);
    const found = checks.noRepeatAfterSuccess(result.inputs, result.effects('payments'), orderIdOf, {
      inputKey,
    });
    // o-1 succeeded in the first batch and was charged again; o-2's retry after its reported failure is allowed.
    expect(found.map((v) => [v.kind, v.key])).toEqual([['repeatedAfterSuccess', 'o-1']]);
    expect(found[0]!.succeeded.inputs.map((i) => i.eventIndex)).toEqual([0, 1]);
    expect(found[0]!.message).toMatch(
      /after attempt \S+ \(Handler#\d, started [^)]*, succeeded\) of an SQS batch of 2 messages on HandlerQueue had made it/,
    );
  });

  it('with inputKey, a record reported failed after its effect may repeat it (allowed; exactlyOnce reports it)', async () => {
    const chargeThenReceipt: ScenarioSetup<Order> = (sim) => {
      const payments = sim.api('payments');
      return () => async (event: SQSEvent) => {
        const failed: string[] = [];
        for (const record of event.Records) {
          const order = JSON.parse(record.body) as Order;
          await payments
            .call('charge', order)
            .then(() => payments.call('receipt', order))
            .catch(() => failed.push(record.messageId));
        }
        return { batchItemFailures: failed.map((id) => ({ itemIdentifier: id })) };
      };
    };
    const scenario: Scenario<Order> = {
      ...batchThenRepeat,
      events: batchThenRepeat.events.slice(0, 2),
      faults: [{ kind: 'callError', service: 'payments', call: 4 }],
    };
    const result = await runScenario(scenario, chargeThenReceipt);
    const charges = result.effects('payments').filter((e) => e.op === 'charge');
    expect(charges.map(orderIdOf)).toEqual(['o-1', 'o-2', 'o-2']);
    expect(checks.noRepeatAfterSuccess(result.inputs, charges, orderIdOf, { inputKey })).toEqual([]);
    expect(checks.exactlyOnce(charges, orderIdOf).map((v) => [v.kind, v.key])).toEqual([
      ['duplicateEffect', 'o-2'],
    ]);
  });

  it('without inputKey, a partially failed batch of several never counts as a success (repeats after it go unseen)', async () => {
    const result = await runScenario(batchThenRepeat, chargeEach);
    expect(checks.noRepeatAfterSuccess(result.inputs, result.effects('payments'), orderIdOf)).toEqual([]);
  });

  it('throws a ConfigError for an inputKey that is not a function', () => {
    expect(() => checks.noRepeatAfterSuccess([], [], orderIdOf, { inputKey: 'orderId' as never })).toThrow(
      ConfigError,
    );
  });
});

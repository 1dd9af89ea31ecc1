import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  checks,
  type Fault,
  runScenario,
  type Scenario,
  type ScenarioSetup,
} from '../../../src/index.js';

interface Order {
  readonly orderId: string;
}
const orderIdOf = (e: { args: unknown }) => (e.args as Order).orderId;
const inputKey = (body: unknown) => (body as Order).orderId;

/** Charges each record (through `charge`), reporting exactly the records whose charge threw. */
function honest(
  charge: (order: Order, api: ReturnType<Parameters<ScenarioSetup>[0]['api']>) => Promise<unknown>,
  keyed = false,
): ScenarioSetup<Order> {
  return (sim) => {
    const payments = sim.api(
      'payments',
      keyed ? { idempotencyKey: (_op, args) => (args as Order).orderId } : {},
    );
    return () => async (event: SQSEvent) => {
      const failed: string[] = [];
      for (const record of event.Records) {
        try {
          await charge(JSON.parse(record.body) as Order, payments);
        } catch {
          failed.push(record.messageId);
        }
      }
      return { batchItemFailures: failed.map((id) => ({ itemIdentifier: id })) };
    };
  };
}

/** A client-side timeout of 1 s around the charge: a charge whose answer never comes fails the record after it landed. */
const withClientTimeout = honest((order, payments) =>
  Promise.race([
    payments.call('charge', order),
    new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 1_000)),
  ]),
);

function batchOf(
  orders: readonly string[],
  faults: readonly Fault[],
  atMs: (i: number) => number = () => 0,
): Scenario<Order> {
  return {
    model: 'sqs',
    seed: 0,
    events: orders.map((orderId, i) => ({ atMs: atMs(i), body: { orderId } })),
    config: { reportBatchItemFailures: true, batchSize: 10, maxReceiveCount: 3, timeoutS: 10 },
    delivery: {},
    faults: [...faults],
  };
}

const check = (result: Awaited<ReturnType<typeof runScenario>>) =>
  checks.honestBatchResponses(result, result.effects('payments'), orderIdOf, { inputKey });

describe('checks.honestBatchResponses: what it cannot see is not blamed', () => {
  it('a record that timed out client-side after its charge landed is honest to report (callTimeout hit the invocation)', async () => {
    const faults: Fault[] = [{ kind: 'callTimeout', service: 'payments', call: 1, landed: true }];
    const result = await runScenario(batchOf(['o-1', 'o-2'], faults), withClientTimeout);
    const first = result.inputs.find((i) => i.eventIndex === 0)!;
    expect(first.attempts[0]!.batch).toMatchObject({ outcome: 'partiallyFailed', failedIds: [first.id] });
    expect(first.attempts[0]!.effects.map(orderIdOf)).toContain('o-1');
    expect(check(result)).toEqual([]);
  });

  it('a record that failed after a charge the API answers from its idempotency key is honest to report', async () => {
    const chargeThenReceipt = honest(async (order, payments) => {
      await payments.call('charge', order);
      await payments.call('receipt', order);
    }, true);
    const faults: Fault[] = [{ kind: 'callError', service: 'payments', call: 2 }];
    const result = await runScenario(batchOf(['o-1', 'o-2'], faults), chargeThenReceipt);
    const charges = result.effects('payments').filter((e) => e.op === 'charge');
    expect(checks.honestBatchResponses(result, charges, orderIdOf, { inputKey })).toEqual([]);
    // Without the key the redelivery charges again, and the report is what made it happen.
    const unkeyed = await runScenario(
      batchOf(['o-1', 'o-2'], faults),
      honest(async (order, payments) => {
        await payments.call('charge', order);
        await payments.call('receipt', order);
      }),
    );
    const found = checks.honestBatchResponses(
      unkeyed,
      unkeyed.effects('payments').filter((e) => e.op === 'charge'),
      orderIdOf,
      { inputKey },
    );
    expect(found.map((v) => [v.kind, v.key])).toEqual([['failedAfterEffect', 'o-1']]);
  });

  it('a record deleted without its effect is reported even when a later duplicate of its order charged it', async () => {
    const swallow: ScenarioSetup<Order> = (sim) => {
      const payments = sim.api('payments');
      return () => async (event: SQSEvent) => {
        for (const record of event.Records)
          await payments.call('charge', JSON.parse(record.body)).catch(() => undefined);
        return { batchItemFailures: [] };
      };
    };
    const faults: Fault[] = [{ kind: 'callError', service: 'payments', call: 1 }];
    const result = await runScenario(
      batchOf(['o-1', 'o-1'], faults, (i) => i * 60_000),
      swallow,
    );
    expect(result.effects('payments')).toHaveLength(1);
    expect(check(result).map((v) => [v.kind, v.key, v.input.eventIndex])).toEqual([
      ['deletedWithoutEffect', 'o-1', 0],
    ]);
  });

  it('throws a ConfigError without an inputKey', () => {
    expect(() =>
      checks.honestBatchResponses({ inputs: [], messages: [] }, [], orderIdOf, {} as never),
    ).toThrow(ConfigError);
  });
});

import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  change,
  checks,
  ConfigError,
  runScenario,
  type Scenario,
  type ScenarioSetup,
} from '../../../src/index.js';
import { chargeRun, CRASH_AFTER_CHARGE, CRASH_AFTER_WRITE } from './runs.js';

describe('checks.sameAsFaultFree', () => {
  it('passes the idempotent handler: same charges and same table as without the crash', async () => {
    const run = await chargeRun({ idempotent: true, faults: CRASH_AFTER_CHARGE, orders: ['o-1', 'o-2'] });
    expect(run.result.asyncEvents[0]!.attempts).toBe(2);
    expect(await checks.sameAsFaultFree(run)).toEqual([]);
  });

  it('sees only the extra charge when the crash came before the naive handler wrote', async () => {
    const run = await chargeRun({ idempotent: false, faults: CRASH_AFTER_CHARGE });
    expect((await checks.sameAsFaultFree(run)).map((v) => [v.kind, v.service])).toEqual([
      ['effectsDiffer', 'payments'],
    ]);
  });

  it('finds the extra charge and the double-counted order of the naive handler', async () => {
    const run = await chargeRun({ idempotent: false, faults: CRASH_AFTER_WRITE, orders: ['o-1', 'o-2'] });
    const violations = await checks.sameAsFaultFree(run);
    expect(violations).toHaveLength(2);
    const [state, effects] = violations;
    expect(state).toMatchObject({
      check: 'sameAsFaultFree',
      kind: 'stateDiffers',
      service: 'orders',
      faulty: [
        { orderId: 'o-1', charges: 2 },
        { orderId: 'o-2', charges: 1 },
      ],
      faultFree: [
        { orderId: 'o-1', charges: 1 },
        { orderId: 'o-2', charges: 1 },
      ],
      onlyFaulty: [{ orderId: 'o-1', charges: 2 }],
      onlyFaultFree: [{ orderId: 'o-1', charges: 1 }],
    });
    expect(effects).toMatchObject({
      kind: 'effectsDiffer',
      service: 'payments',
      onlyFaulty: [{ op: 'charge', args: { orderId: 'o-1' } }],
      onlyFaultFree: [],
    });
    expect(effects!.faulty).toHaveLength(3);
    expect(effects!.faultFree).toHaveLength(2);
    expect(state!.message).toBe(
      'table orders ends in a different state under faults than in the fault-free run of the same workload ' +
        '(only under faults: [{"orderId":"o-1","charges":2}]; only without faults: [{"orderId":"o-1","charges":1}]). ' +
        'A retry, redelivery, timeout or crash changed the outcome: make it idempotent (a conditional write on an ' +
        'idempotency key before the call, or an idempotency key the API honours); write a done-marker only after ' +
        'the effect, and never read-modify-write without a condition.',
    );
    expect(effects!.message).toMatch(/^api payments received different effects \(op \+ args\) under faults/);
  });

  it('compares only the named services', async () => {
    const run = await chargeRun({ idempotent: false, faults: CRASH_AFTER_WRITE });
    expect((await checks.sameAsFaultFree(run, { apis: ['payments'] })).map((v) => v.service)).toEqual([
      'payments',
    ]);
    expect((await checks.sameAsFaultFree(run, { tables: ['orders'] })).map((v) => v.service)).toEqual([
      'orders',
    ]);
    expect(await checks.sameAsFaultFree(run, { tables: [], apis: [] })).toEqual([]);
  });

  it('rejects a name that is not a service of the simulation, before rerunning', async () => {
    const run = await chargeRun({ idempotent: false });
    let reruns = 0;
    const counted = { sim: run.sim, rerunFaultFree: () => (reruns++, run.rerunFaultFree()) };
    await expect(checks.sameAsFaultFree(counted, { tables: ['order'] })).rejects.toThrow(ConfigError);
    await expect(checks.sameAsFaultFree(counted, { apis: ['orders'] })).rejects.toThrow(
      'checks.sameAsFaultFree: apis must name APIs defined on the simulation (defined: payments), got "orders"',
    );
    expect(reruns).toBe(0);
  });
});

/** A correct SQS handler: charges with the order's idempotency key, records the order as a set value. */
const idempotentConsumer: ScenarioSetup<{ orderId: string }> = (sim) => {
  const payments = sim.api('payments', {
    idempotencyKey: (_op, args) => (args as { orderId: string }).orderId,
  });
  const orders = sim.table<{ orderId: string; status: string }>('orders', { key: 'orderId' });
  return () => async (event: SQSEvent) => {
    for (const record of event.Records) {
      const { orderId } = JSON.parse(record.body) as { orderId: string };
      await payments.call('charge', { orderId });
      await orders.put({ orderId, status: 'charged' });
    }
  };
};

/** Two orders, one batch each; the first invocation fails and `maxReceiveCount: 1` dead-letters its message. */
const deadLettered: Scenario<{ orderId: string }> = {
  model: 'sqs',
  seed: 3,
  events: [
    { atMs: 0, body: { orderId: 'o-1' } },
    { atMs: 5_000, body: { orderId: 'o-2' } },
  ],
  config: { batchSize: 1, maxReceiveCount: 1, visibilityTimeoutS: 30, timeoutS: 10 },
  delivery: {},
  faults: [{ kind: 'handlerError', fn: 'Handler', invocation: 1 }],
};

describe('checks.sameAsFaultFree compares like with like (issue 11 item 3)', () => {
  it('passes a correct handler whose message a fault dead-lettered: the input did not complete, nothing repeated', async () => {
    const result = await runScenario(deadLettered, idempotentConsumer);
    expect(result.inputs.map((i) => [i.eventIndex, i.state])).toEqual([
      [0, 'deadLettered'],
      [1, 'completed'],
    ]);
    expect(await checks.sameAsFaultFree(result)).toEqual([]);
  });

  it('reports the dead-lettered input as its own finding on request, naming it and never blaming idempotency', async () => {
    const result = await runScenario(deadLettered, idempotentConsumer);
    const found = await checks.sameAsFaultFree(result, { notCompleted: 'report' });
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'inputNotCompleted',
        input: expect.objectContaining({ eventIndex: 0 }),
        faultyState: 'deadLettered to HandlerQueue-dlq',
        faultFreeState: 'completed',
      }),
    ]);
    expect(found[0]!.message).toMatch(
      /^SQS message \S+ on HandlerQueue \(scenario event 0\), body \{"orderId":"o-1"\}, ended deadLettered to HandlerQueue-dlq under faults but completed without faults: .*left out of the state comparison \(this is no repeat/,
    );
    expect(found[0]!.message).not.toMatch(/make it idempotent/);
  });

  it('still finds a repeat among the inputs that completed in both runs, naming the input and what was left out', async () => {
    const naive: ScenarioSetup<{ orderId: string }> = (sim) => {
      const payments = sim.api('payments');
      return () => async (event: SQSEvent) => {
        for (const record of event.Records) await payments.call('charge', JSON.parse(record.body));
      };
    };
    const scenario: Scenario<{ orderId: string }> = {
      ...deadLettered,
      config: { ...deadLettered.config, maxReceiveCount: 2 },
      faults: [
        { kind: 'handlerError', fn: 'Handler', invocation: 1 },
        { kind: 'crashAfterCalls', fn: 'Handler', invocation: 2, calls: 1 },
        { kind: 'handlerError', fn: 'Handler', invocation: 3 },
      ],
    };
    const result = await runScenario(scenario, naive);
    expect(result.inputs.map((i) => [i.eventIndex, i.state])).toEqual([
      [0, 'deadLettered'],
      [1, 'completed'],
    ]);
    const found = await checks.sameAsFaultFree(result);
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'effectsDiffer',
        service: 'payments',
        onlyFaulty: [{ op: 'charge', args: { orderId: 'o-2' } }],
        onlyFaultFree: [],
        inputs: [expect.objectContaining({ eventIndex: 1 })],
        leftOut: [expect.objectContaining({ eventIndex: 0 })],
      }),
    ]);
    expect(found[0]!.message).toMatch(
      /Inputs involved: SQS message \S+ on HandlerQueue \(scenario event 1\), body \{"orderId":"o-2"\}\. Compared like with like: 1 input that did not complete in both runs \(scenario event 0\) left out\. A retry/,
    );
  });

  it("leaves out an item a left-out input shares with a compared one (its difference may be the left-out input's)", async () => {
    const counting: ScenarioSetup<{ orderId: string }> = (sim) => {
      const orders = sim.table<{ orderId: string; events: number }>('orders', { key: 'orderId' });
      return () => async (event: SQSEvent) => {
        for (const record of event.Records) {
          const { orderId } = JSON.parse(record.body) as { orderId: string };
          await orders.update(orderId, { events: change.add(1) });
        }
      };
    };
    const scenario: Scenario<{ orderId: string }> = {
      ...deadLettered,
      events: [
        { atMs: 0, body: { orderId: 'o-1' } },
        { atMs: 5_000, body: { orderId: 'o-1' } },
      ],
    };
    const result = await runScenario(scenario, counting);
    expect(result.inputs.map((i) => i.state)).toEqual(['deadLettered', 'completed']);
    expect(await checks.sameAsFaultFree(result)).toEqual([]);
  });
});

import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createSimulation, isAcknowledged, runScenario, type Scenario } from '../../../src/index.js';

interface Order {
  readonly orderId: string;
}

describe('result.inputs (the input ledger)', () => {
  it('ties an async event to its attempts, the fault that hit one, and the effects each made', async () => {
    const sim = createSimulation({
      seed: 1,
      faults: [{ kind: 'crashAfterCalls', fn: 'Charge', invocation: 1, calls: 1 }],
    });
    const payments = sim.api('payments');
    const fn = sim.fn('Charge', () => async (order: Order) => {
      await payments.call('charge', order);
    });
    await sim.invokeAsync(fn, { orderId: 'o-1' });
    const result = await sim.run();
    expect(result.inputs).toHaveLength(1);
    const input = result.inputs[0]!;
    expect(input).toMatchObject({
      model: 'async',
      id: result.asyncEvents[0]!.requestId,
      where: 'Charge',
      state: 'completed',
      body: { orderId: 'o-1' },
      eventIndex: undefined,
    });
    expect(input.attempts.map((a) => [a.outcome, a.attribution, a.faults.map((f) => f.fault)])).toEqual([
      ['failed', 'own', ['crashAfterCalls']],
      ['succeeded', 'own', []],
    ]);
    const [first, second] = input.attempts;
    expect(first!.requestId).toBe(input.id);
    expect(first!.effects.map((e) => e.callId)).toEqual([result.effects('payments')[0]!.callId]);
    expect(second!.effects.map((e) => e.callId)).toEqual([result.effects('payments')[1]!.callId]);
    expect(input.effects).toEqual(result.effects('payments'));
    expect(isAcknowledged(input)).toBe(true);
    expect(result.inputs).toBe(result.inputs); // computed once
  });

  it('names a call fault on the attempt that made the call, and a sync request answered with an error', async () => {
    const sim = createSimulation({ seed: 2, faults: [{ kind: 'callError', service: 'payments', call: 1 }] });
    const payments = sim.api('payments');
    const fn = sim.fn('Charge', () => async (order: Order) => payments.call('charge', order));
    void sim.invoke(fn, { orderId: 'o-1' });
    void sim.invoke(fn, { orderId: 'o-2' });
    const result = await sim.run();
    expect(result.inputs.map((i) => [i.model, i.state, i.body])).toEqual([
      ['sync', 'failed', { orderId: 'o-1' }],
      ['sync', 'completed', { orderId: 'o-2' }],
    ]);
    const failed = result.inputs[0]!;
    expect(failed.state === 'failed' && failed.errorType).toBe('ServiceUnavailable');
    expect(failed.attempts[0]!.faults.map((f) => [f.fault, f.target, f.at])).toEqual([
      ['callError', 'payments', 1],
    ]);
    expect(failed.effects).toEqual([]);
    expect(result.inputs[1]!.effects.map((e) => e.args)).toEqual([{ orderId: 'o-2' }]);
  });

  it('lists an SQS batch attempt on every message, attributed to the batch; a one-record batch is own', async () => {
    const sim = createSimulation({ seed: 3 });
    const payments = sim.api('payments');
    const dlq = sim.sqs('orders-dlq');
    const queue = sim.sqs('orders', { redrive: { deadLetter: dlq, maxReceiveCount: 1 } });
    const fn = sim.fn('Charge', () => async (event: SQSEvent) => {
      for (const record of event.Records) {
        const order = JSON.parse(record.body) as Order;
        if (order.orderId === 'bad') throw new Error('bad order');
        await payments.call('charge', order);
      }
    });
    sim.mapping(queue, fn, { batchSize: 10 });
    sim.at(0, () => {
      void queue.send({ orderId: 'o-1' });
      void queue.send({ orderId: 'o-2' });
    });
    sim.at(60_000, () => void queue.send({ orderId: 'bad' }));
    const result = await sim.run();
    const inputs = result.inputs;
    expect(inputs.map((i) => [i.model, i.where, i.state, i.body])).toEqual([
      ['sqs', 'orders', 'completed', '{"orderId":"o-1"}'],
      ['sqs', 'orders', 'completed', '{"orderId":"o-2"}'],
      ['sqs', 'orders', 'deadLettered', '{"orderId":"bad"}'],
    ]);
    const [a, b, bad] = inputs;
    expect(a!.attempts).toHaveLength(1);
    expect(a!.attempts[0]).toBe(b!.attempts[0]);
    expect(a!.attempts[0]!).toMatchObject({
      attribution: 'batch',
      outcome: 'succeeded',
      batch: { messageIds: [a!.id, b!.id], outcome: 'succeeded', failedIds: [] },
    });
    expect(a!.effects).toHaveLength(2);
    expect(bad!.attempts.map((t) => [t.attribution, t.outcome, t.batch?.outcome])).toEqual([
      ['own', 'failed', 'failed'],
    ]);
    expect(bad!.state === 'deadLettered' && bad!.target).toBe('orders-dlq');
    expect(inputs.filter((i) => i.where === 'orders-dlq')).toEqual([]); // the DLQ's copy is not an input
  });

  it('gives each scenario input the index of the event that made it', async () => {
    const events = [
      { atMs: 0, body: { orderId: 'o-1' } },
      { atMs: 5, body: { orderId: 'o-2' } },
    ];
    const setup = (sim: Parameters<Parameters<typeof runScenario>[1]>[0]) => {
      const payments = sim.api('payments');
      return () => async (event: unknown) => {
        const records = (event as Partial<SQSEvent>).Records;
        if (records === undefined) await payments.call('charge', event);
        else for (const r of records) await payments.call('charge', JSON.parse(r.body));
      };
    };
    for (const model of ['sync', 'async', 'sqs'] as const) {
      const scenario: Scenario<Order> = { model, seed: 4, events, config: {}, delivery: {}, faults: [] };
      const result = await runScenario(scenario, setup);
      const byIndex = result.inputs.map((i) => [i.eventIndex, i.state]);
      expect(byIndex, model).toEqual([
        [0, 'completed'],
        [1, 'completed'],
      ]);
    }
  });

  it("records a producer's retry as its own input, with its event's index, its new id and the fault on it", async () => {
    const events = [
      { atMs: 0, body: { orderId: 'o-1' } },
      { atMs: 5, body: { orderId: 'o-2' } },
    ];
    const setup = (sim: Parameters<Parameters<typeof runScenario>[1]>[0]) => {
      sim.api('payments');
      return () => async () => undefined;
    };
    for (const [model, fault] of [
      ['async', { kind: 'producerDuplicate', fn: 'Handler', event: 2 }],
      ['sqs', { kind: 'producerDuplicate', queue: 'HandlerQueue', message: 2 }],
    ] as const) {
      const scenario: Scenario<Order> = { model, seed: 4, events, config: {}, delivery: {}, faults: [fault] };
      const { inputs } = await runScenario(scenario, setup);
      const rows = inputs.map((i) => [i.eventIndex, i.state, i.faults.map((f) => f.fault)]);
      expect(rows, model).toEqual([
        [0, 'completed', []],
        [1, 'completed', []],
        [1, 'completed', ['producerDuplicate']],
      ]);
      const [, original, retry] = inputs;
      expect(retry!.id, model).not.toBe(original!.id);
      expect(retry!.body, model).toEqual(original!.body);
      expect(retry!.attempts.length, model).toBeGreaterThan(0);
    }
  });
});

import { POISON_BODY } from '../../../src/faults/Fault.js';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  casesReached,
  type KinesisScenarioSetup,
  runScenario,
  type Scenario,
  scenarios,
} from '../../../src/index.js';
import { KINESIS_PARTITION_KEYS } from '../../../src/scenario/arbitraries.js';

interface Charge {
  readonly id: number;
}

const dataOf = (record: KinesisStreamEvent['Records'][number]): string =>
  Buffer.from(record.kinesis.data, 'base64').toString('utf8');

/** Charges every record; throws on data that is not JSON (a poison record). */
const charging: KinesisScenarioSetup = (sim) => {
  const payments = sim.api('payments', { latencyMs: 10 });
  return () => async (event) => {
    for (const record of event.Records) {
      const charge = JSON.parse(dataOf(record)) as Charge;
      await payments.call('charge', { eventId: record.eventID, id: charge.id });
    }
  };
};

function scenario(over: Partial<Scenario<Charge>>): Scenario<Charge> {
  return {
    model: 'kinesis',
    seed: 1,
    events: [
      { atMs: 0, group: 'pk-1', body: { id: 1 } },
      { atMs: 0, group: 'pk-1', body: { id: 2 } },
      { atMs: 0, group: 'pk-1', body: { id: 3 } },
    ],
    config: { batchSize: 10 },
    delivery: {},
    faults: [],
    ...over,
  };
}

describe('scenarios.kinesis', () => {
  const events = fc.record({ id: fc.integer({ min: 1, max: 100 }) });

  it('draws partition keys from a small pool and config within the ranges AWS accepts', () => {
    const arb = scenarios.kinesis({ events, services: ['payments'] });
    const keys = new Set<string>();
    for (const s of fc.sample(arb, { seed: 3, numRuns: 200 })) {
      expect(s.model).toBe('kinesis');
      for (const e of s.events) keys.add(e.group!);
      const c = s.config;
      expect(c.batchSize).toBeGreaterThanOrEqual(1);
      expect(c.shards).toBeGreaterThanOrEqual(1);
      expect(c.parallelizationFactor).toBeLessThanOrEqual(10);
      expect(
        c.maximumRetryAttempts === -1 || (c.maximumRetryAttempts! >= 0 && c.maximumRetryAttempts! <= 10_000),
      ).toBe(true);
      expect(
        c.maximumRecordAgeS === -1 || (c.maximumRecordAgeS! >= 60 && c.maximumRecordAgeS! <= 604_800),
      ).toBe(true);
      for (const f of s.faults) if ('stream' in f) expect(f.stream).toBe('HandlerStream');
    }
    expect([...keys].sort()).toEqual([...KINESIS_PARTITION_KEYS]);
  });

  it('uses partitionKeyOf when given, and refuses a bad one', () => {
    const arb = scenarios.kinesis({ events, partitionKeyOf: (e) => `user-${e.id % 2}` });
    for (const s of fc.sample(arb, { seed: 1, numRuns: 20 }))
      for (const e of s.events) expect(e.group).toBe(`user-${e.body.id % 2}`);
    expect(() => scenarios.kinesis({ events, partitionKeyOf: 'id' as never })).toThrow(
      /scenarios\.kinesis: partitionKeyOf must be a function/,
    );
    expect(() => scenarios.kinesis({ events, groupOf: () => 'g' } as never)).toThrow(ConfigError);
  });

  it('refuses fixed config outside what AWS accepts, naming the scenario field', () => {
    expect(() => scenarios.kinesis({ events, config: { maximumRecordAgeS: 30 } })).toThrow(
      'scenarios.kinesis: config.maximumRecordAgeS must be -1 or an integer between 60 and 604800, got 30',
    );
    expect(() => scenarios.kinesis({ events, config: { parallelizationFactor: 11 } })).toThrow(
      /config\.parallelizationFactor/,
    );
    expect(() => scenarios.kinesis({ events, config: { fifo: true } })).toThrow(
      /config\.fifo applies to the sqs model only/,
    );
  });

  it('generates stream faults: a poison record and a duplicate batch delivery', () => {
    const arb = scenarios.kinesis({ events, faults: { kinds: ['poisonRecord', 'duplicateDelivery'] } });
    const kinds = new Set<string>();
    for (const s of fc.sample(arb, { seed: 5, numRuns: 100 }))
      for (const f of s.faults)
        kinds.add(`${f.kind}:${'record' in f ? 'record' : 'batch' in f ? 'batch' : '?'}`);
    expect(kinds).toEqual(new Set(['poisonRecord:record', 'duplicateDelivery:batch']));
  });
});

describe('runScenario: kinesis', () => {
  it('puts each event with its partition key and indexes the ledger by event', async () => {
    const result = await runScenario(scenario({}), charging);
    expect(result.effects('payments').map((e) => (e.args as Charge).id)).toEqual([1, 2, 3]);
    expect(result.inputs.map((i) => [i.model, i.eventIndex, i.state])).toEqual([
      ['kinesis', 0, 'completed'],
      ['kinesis', 1, 'completed'],
      ['kinesis', 2, 'completed'],
    ]);
    expect(result.streamRecords.every((r) => r.partitionKey === 'pk-1')).toBe(true);
  });

  it('a poisonRecord fault replaces the record data: the shard blocks and, bisected, the record is given up', async () => {
    const result = await runScenario(
      scenario({
        config: { batchSize: 10, maximumRetryAttempts: 1, bisectBatchOnFunctionError: true },
        faults: [{ kind: 'poisonRecord', stream: 'HandlerStream', record: 2 }],
      }),
      charging,
    );
    const fates = result.streamRecords.map((r) => r.fate.state);
    expect(fates).toEqual(['processed', 'discarded', 'processed']);
    expect(Buffer.from(result.streamRecords[1]!.data, 'base64').toString()).toBe(POISON_BODY);
    const reached = casesReached(result);
    expect(reached.has('shardBlocked')).toBe(true);
    expect(reached.has('batchBisected')).toBe(true);
    expect(reached.has('onFailureDestination')).toBe(true);
    expect(result.unreachedFaults).toEqual([]);
  });

  it('a duplicateDelivery fault delivers a succeeded batch once more before the checkpoint moves', async () => {
    const invoked: string[][] = [];
    const result = await runScenario(
      scenario({ faults: [{ kind: 'duplicateDelivery', stream: 'HandlerStream', batch: 1 }] }),
      (sim) => {
        sim.api('payments');
        return () => async (event: KinesisStreamEvent) => {
          invoked.push(event.Records.map(dataOf));
        };
      },
    );
    expect(invoked).toEqual([
      ['{"id":1}', '{"id":2}', '{"id":3}'],
      ['{"id":1}', '{"id":2}', '{"id":3}'],
    ]);
    expect(result.inputs.every((i) => i.state === 'completed' && i.attempts.length === 2)).toBe(true);
  });

  it('a checkpoint moved past a failure (partial batch response) is a coverage case', async () => {
    const result = await runScenario(
      scenario({ config: { batchSize: 10, reportBatchItemFailures: true } }),
      (sim) => {
        sim.api('payments');
        let failedOnce = false;
        return () =>
          async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
            const last = event.Records.at(-1)!;
            if (failedOnce || event.Records.length < 2) return { batchItemFailures: [] };
            failedOnce = true;
            return { batchItemFailures: [{ itemIdentifier: last.kinesis.sequenceNumber }] };
          };
      },
    );
    expect(casesReached(result).has('checkpointPastFailure')).toBe(true);
    expect(result.streamRecords.every((r) => r.fate.state === 'processed')).toBe(true);
  });

  it('record age exceeded is a coverage case', async () => {
    const result = await runScenario(
      scenario({
        events: [{ atMs: 0, group: 'pk-1', body: { id: 1 } }],
        config: { maximumRecordAgeS: 60 },
        faults: [{ kind: 'poisonRecord', stream: 'HandlerStream', record: 1 }],
      }),
      charging,
    );
    expect(casesReached(result).has('recordAgeExceeded')).toBe(true);
    expect(result.streamRecords[0]!.fate).toMatchObject({
      state: 'discarded',
      condition: 'RecordAgeExceeded',
    });
  });

  it('refuses a fault aimed at a stream the scenario does not have', async () => {
    await expect(
      runScenario(scenario({ faults: [{ kind: 'poisonRecord', stream: 'Other', record: 1 }] }), charging),
    ).rejects.toThrow(/faults\[0\]\.stream must name a stream of this simulation \(defined: HandlerStream\)/);
  });

  it('is deterministic: the self-check passes and a replay gives the same trace hash', async () => {
    const arb = scenarios.kinesis({
      events: fc.record({ id: fc.integer({ min: 1, max: 9 }) }),
      services: ['payments'],
      faults: { kinds: ['poisonRecord', 'duplicateDelivery', 'handlerError', 'handlerTimeout', 'throttle'] },
    });
    for (const s of fc.sample(arb, { seed: 11, numRuns: 15 })) {
      const a = await runScenario(s, charging, { checkDeterminism: true });
      const b = await runScenario(JSON.parse(JSON.stringify(s)) as Scenario<Charge>, charging);
      expect(b.traceHash).toBe(a.traceHash);
    }
  });
});

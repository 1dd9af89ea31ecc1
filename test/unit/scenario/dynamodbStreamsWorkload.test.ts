import type { DynamoDBStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { ledgerNotes } from '../../helpers/ledgerNotes.js';
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation } from '../../../src/index.js';
import type { ScenarioEvent } from '../../../src/scenario/Scenario.js';
import {
  applyWrite,
  type ItemWrite,
  itemWritesArb,
  scheduleItemWrites,
} from '../../../src/scenario/dynamodbStreamsWorkload.js';

type User = {
  readonly userId: string;
  readonly plan?: string;
  readonly expiresAt?: number;
};

const EPOCH_S = 1_767_225_600; // the default start of virtual time, in epoch seconds

const users = fc.record({
  userId: fc.constantFrom('u-1', 'u-2', 'u-3', 'u-4'),
  plan: fc.constantFrom('free', 'pro'),
});

/** A table with a stream and TTL, and a mapping whose handler keeps every record's name and key. */
function setup(ttlDeletionDelayS = 0) {
  const sim = createSimulation({ seed: 1 });
  const table = sim.table<User>('users', {
    key: 'userId',
    stream: 'NEW_AND_OLD_IMAGES',
    ttlAttribute: 'expiresAt',
    ttlDeletionDelayS,
  });
  const seen: string[] = [];
  const fn = sim.fn('OnUser', () => async (e: DynamoDBStreamEvent) => {
    for (const r of e.Records)
      seen.push(`${r.eventName} ${r.dynamodb!.Keys!.userId!.S}${r.userIdentity === undefined ? '' : ' ttl'}`);
  });
  sim.mapping(table, fn, { startingPosition: 'TRIM_HORIZON', batchSize: 10 });
  return { sim, table, seen };
}

describe('itemWritesArb: item writes as scenario events', () => {
  it('draws sorted plain-data events of every op, each grouped by its item key; overwrites and deletes aim at keys written before', () => {
    const arb = itemWritesArb({ items: users, key: 'userId', ttl: true, maxEvents: 12, spreadMs: 500 });
    const ops = new Set<string>();
    for (const events of fc.sample(arb, { seed: 7, numRuns: 200 })) {
      expect(JSON.parse(JSON.stringify(events))).toEqual(events);
      const written = new Set<string>();
      let last = 0;
      for (const e of events) {
        expect(e.atMs).toBeGreaterThanOrEqual(last);
        expect(e.atMs).toBeLessThanOrEqual(500);
        last = e.atMs;
        const body = e.body;
        if (body.op === 'put') {
          expect(e.group).toBe(JSON.stringify({ userId: body.item.userId }));
          ops.add(body.expiresInS === undefined ? 'put' : 'ttl');
          if (body.expiresInS !== undefined) {
            expect(body.expiresInS).toBeGreaterThanOrEqual(1);
            expect(body.expiresInS).toBeLessThanOrEqual(3_600);
          }
          written.add(e.group!);
        } else {
          ops.add('delete');
          expect(e.group).toBe(JSON.stringify(body.key));
          expect(written.has(e.group!)).toBe(true);
        }
      }
    }
    expect([...ops].sort()).toEqual(['delete', 'put', 'ttl']);
  });

  it('overwrites re-key a drawn item onto an earlier key (MODIFY) even when item keys never collide', () => {
    const unique = fc.record({ userId: fc.uuid(), plan: fc.constantFrom('free', 'pro') });
    const arb = itemWritesArb({ items: unique, key: 'userId', maxEvents: 10 });
    let overwrites = 0;
    for (const events of fc.sample(arb, { seed: 3, numRuns: 100 })) {
      const seen = new Set<string>();
      for (const e of events) {
        if (e.body.op === 'put' && seen.has(e.group!)) overwrites++;
        seen.add(e.group!);
      }
    }
    expect(overwrites).toBeGreaterThan(20);
  });

  it('deletes: false draws puts only (items leave by TTL alone)', () => {
    const arb = itemWritesArb({ items: users, key: 'userId', ttl: true, deletes: false, maxEvents: 10 });
    const ops = new Set<string>();
    for (const events of fc.sample(arb, { seed: 7, numRuns: 100 }))
      for (const e of events)
        ops.add(e.body.op === 'put' ? (e.body.expiresInS === undefined ? 'put' : 'ttl') : 'delete');
    expect([...ops].sort()).toEqual(['put', 'ttl']);
    expect(() => itemWritesArb({ items: users, key: 'userId', deletes: 'no' as never })).toThrow(
      /deletes must be a boolean/,
    );
  });

  it('without ttl no put carries expiresInS; with a sort key the group holds both key attributes', () => {
    const orders = fc.record({
      customerId: fc.constantFrom('c-1', 'c-2'),
      orderId: fc.constantFrom('o-1', 'o-2'),
    });
    const arb = itemWritesArb({ items: orders, key: 'customerId', sortKey: 'orderId', maxEvents: 8 });
    for (const events of fc.sample(arb, { seed: 5, numRuns: 100 }))
      for (const e of events) {
        if (e.body.op === 'put') {
          expect(e.body.expiresInS).toBeUndefined();
          expect(e.group).toBe(
            JSON.stringify({ customerId: e.body.item.customerId, orderId: e.body.item.orderId }),
          );
        } else expect(Object.keys(e.body.key)).toEqual(['customerId', 'orderId']);
      }
  });

  it('shrinks a failure that needs one TTL put to exactly that event, at instant 0, with the shortest TTL', () => {
    const arb = itemWritesArb({ items: users, key: 'userId', ttl: true, maxEvents: 10 });
    const details = fc.check(
      fc.property(
        arb,
        (events) => !events.some((e) => e.body.op === 'put' && e.body.expiresInS !== undefined),
      ),
      { seed: 11, numRuns: 200 }, // seed 11 kept [ttl put, put] before the fix
    );
    expect(details.failed).toBe(true);
    const [events] = details.counterexample as [ScenarioEvent<ItemWrite<User>>[]];
    expect(events).toEqual([
      {
        atMs: 0,
        group: JSON.stringify({ userId: 'u-1' }),
        body: { op: 'put', item: { userId: 'u-1', plan: 'free' }, expiresInS: 1 },
      },
    ]);
  });

  it('refuses bad options with a ConfigError naming the field', () => {
    expect(() => itemWritesArb({ items: 1 as never, key: 'userId' })).toThrow(
      /items must be a fast-check arbitrary/,
    );
    expect(() => itemWritesArb({ items: users, key: '' })).toThrow(ConfigError);
    expect(() => itemWritesArb({ items: users, key: 'userId', sortKey: 'userId' })).toThrow(
      /sortKey must differ from the partition key/,
    );
    expect(() => itemWritesArb({ items: users, key: 'userId', maxEvents: 0, minEvents: 1 })).toThrow(
      /maxEvents must be an integer between 1/,
    );
    expect(() => itemWritesArb({ items: users, key: 'userId', ttl: { minS: 0, maxS: 10 } })).toThrow(
      /ttl.minS must be an integer between 1/,
    );
  });
});

describe('applyWrite: one workload write on a table, at this instant', () => {
  it('put new → INSERT, changed put → MODIFY, identical put → nothing, delete → REMOVE, delete of an absent key → nothing', async () => {
    const { sim, table, seen } = setup();
    const writes: ItemWrite<User>[] = [
      { op: 'put', item: { userId: 'u-1', plan: 'free' } },
      { op: 'put', item: { userId: 'u-1', plan: 'pro' } },
      { op: 'put', item: { userId: 'u-1', plan: 'pro' } },
      { op: 'delete', key: { userId: 'u-1' } },
      { op: 'delete', key: { userId: 'u-9' } },
    ];
    const made: number[] = [];
    writes.forEach((body, i) =>
      sim.at(i, () => {
        const r = applyWrite(sim, table, body);
        made.push(r.ok ? r.records : -1);
      }),
    );
    await sim.run();
    expect(seen).toEqual(['INSERT u-1', 'MODIFY u-1', 'REMOVE u-1']);
    expect(made).toEqual([1, 1, 0, 1, 0]);
  });

  it('a put with expiresInS sets the TTL attribute from the event instant; the service removes it expiresInS + ttlDeletionDelayS later', async () => {
    const { sim, table, seen } = setup(30);
    sim.at(2_000, () => {
      applyWrite(sim, table, { op: 'put', item: { userId: 'u-1' }, expiresInS: 60 });
    });
    const result = await sim.run();
    expect(seen).toEqual(['INSERT u-1', 'REMOVE u-1 ttl']);
    const removed = result.trace.filter((e) => e.kind === 'dynamodb.streamRecord');
    expect(removed.map((e) => e.atMs)).toEqual([2_000, 92_000]);
    expect(table.snapshot()).toEqual([]);
  });

  it('a bad write is a value, not a throw: an item without its key, a TTL on a table without ttlAttribute', async () => {
    const sim = createSimulation({ seed: 1 });
    const plain = sim.table<User>('plain', { key: 'userId', stream: 'KEYS_ONLY' });
    const out: unknown[] = [];
    sim.at(0, () => {
      out.push(applyWrite(sim, plain, { op: 'put', item: { plan: 'x' } as unknown as User }));
      out.push(applyWrite(sim, plain, { op: 'put', item: { userId: 'u-1' }, expiresInS: 5 }));
    });
    await sim.run();
    expect(out).toMatchObject([
      {
        ok: false,
        error: { name: 'ValidationException', message: expect.stringMatching(/Missing the key userId/) },
      },
      {
        ok: false,
        error: {
          name: 'ConfigError',
          message: expect.stringMatching(/expiresInS needs a table with a ttlAttribute/),
        },
      },
    ]);
    expect(plain.snapshot()).toEqual([]);
  });
});

describe('scheduleItemWrites: the workload of a scenario, and which event each stream record came from', () => {
  it("files every record a workload write made (and the service's TTL REMOVE of its item) under the event's index; a handler's own writes under none", async () => {
    const sim = createSimulation({ seed: 1 });
    const table = sim.table<User>('users', {
      key: 'userId',
      stream: 'NEW_AND_OLD_IMAGES',
      ttlAttribute: 'expiresAt',
    });
    const audit = sim.table<{ id: string }>('audit', { key: 'id' });
    // The handler writes back to the table once (a MODIFY nobody's event made), then only audits.
    const fn = sim.fn('OnUser', () => async (e: DynamoDBStreamEvent) => {
      for (const r of e.Records) {
        await audit.put({ id: r.eventID! });
        if (r.eventName === 'INSERT' && r.dynamodb!.Keys!.userId!.S === 'u-2')
          await table.update('u-2', { plan: 'touched' });
      }
    });
    sim.mapping(table, fn, { startingPosition: 'TRIM_HORIZON' });
    const events: ScenarioEvent<ItemWrite<User>>[] = [
      { atMs: 0, group: '{"userId":"u-1"}', body: { op: 'put', item: { userId: 'u-1' }, expiresInS: 10 } },
      { atMs: 0, group: '{"userId":"u-2"}', body: { op: 'put', item: { userId: 'u-2' } } },
      { atMs: 5_000, group: '{"userId":"u-2"}', body: { op: 'delete', key: { userId: 'u-2' } } },
      { atMs: 6_000, group: '{"userId":"u-3"}', body: { op: 'put', item: { userId: 'u-3' }, expiresInS: 1 } },
    ];
    const notes = ledgerNotes(sim);
    scheduleItemWrites(sim, table, events, notes);
    const result = await sim.run();
    expect(notes.refused).toEqual([]);
    const byRecord = result.inputs.map((i) => {
      const body = i.body as { eventName: string; dynamodb: { Keys: { userId: { S: string } } } };
      return `${body.eventName} ${body.dynamodb.Keys.userId.S} ← ${i.eventIndex ?? '-'}`;
    });
    expect(byRecord).toEqual([
      'INSERT u-1 ← 0',
      'INSERT u-2 ← 1',
      'MODIFY u-2 ← -',
      'REMOVE u-2 ← 2',
      'INSERT u-3 ← 3',
      'REMOVE u-3 ← 3',
      'REMOVE u-1 ← 0',
    ]);
  });

  it("a TTL deletion of an item a handler rewrote after the event is not the event's", async () => {
    const sim = createSimulation({ seed: 1 });
    const table = sim.table<User>('users', { key: 'userId', stream: 'KEYS_ONLY', ttlAttribute: 'expiresAt' });
    const fn = sim.fn('OnUser', () => async (e: DynamoDBStreamEvent) => {
      for (const r of e.Records)
        if (r.eventName === 'INSERT') await table.put({ userId: 'u-1', expiresAt: EPOCH_S + 50 });
    });
    sim.mapping(table, fn, { startingPosition: 'TRIM_HORIZON' });
    scheduleItemWrites(
      sim,
      table,
      [{ atMs: 0, group: '{"userId":"u-1"}', body: { op: 'put', item: { userId: 'u-1' }, expiresInS: 100 } }],
      ledgerNotes(sim),
    );
    const result = await sim.run();
    expect(result.inputs.map((i) => [(i.body as { eventName: string }).eventName, i.eventIndex])).toEqual([
      ['INSERT', 0],
      ['MODIFY', undefined],
      ['REMOVE', undefined],
    ]);
  });

  it('collects refused writes by event index; a table without a stream is a ConfigError', async () => {
    const sim = createSimulation({ seed: 1 });
    const table = sim.table<User>('users', { key: 'userId', stream: 'KEYS_ONLY' });
    const notes = ledgerNotes(sim);
    scheduleItemWrites(
      sim,
      table,
      [
        { atMs: 0, group: '{}', body: { op: 'put', item: {} as User } },
        { atMs: 5, group: '{"userId":"u-1"}', body: { op: 'put', item: { userId: 'u-1' } } },
      ],
      notes,
    );
    await sim.run();
    expect(notes.refused.map((r) => [r.index, (r.error as Error).name])).toEqual([
      [0, 'ValidationException'],
    ]);
    expect(table.snapshot()).toEqual([{ userId: 'u-1' }]);
    const other = createSimulation({ seed: 1 });
    const plain = other.table<User>('plain', { key: 'userId' });
    expect(() => scheduleItemWrites(other, plain, [], ledgerNotes(other))).toThrow(
      /must have a DynamoDB stream/,
    );
  });
});

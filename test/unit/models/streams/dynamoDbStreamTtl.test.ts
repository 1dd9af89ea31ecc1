import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createSimulation, type StreamMappingOptions } from '../../../../src/index.js';

const EPOCH_S = 1_767_225_600; // the default start of virtual time, in epoch seconds
const DAY_S = 86_400;

type Session = { id: string; expiresAt?: number };

/** A table with a stream and TTL, read by a mapping whose handler keeps each record's name and key. */
function setup(filters?: StreamMappingOptions['filters']) {
  const sim = createSimulation({ seed: 1 });
  const sessions = sim.table<Session>('sessions', {
    key: 'id',
    stream: 'KEYS_ONLY',
    ttlAttribute: 'expiresAt',
  });
  const seen: string[] = [];
  const fn = sim.fn('OnSession', () => async (e: DynamoDBStreamEvent) => {
    for (const r of e.Records) seen.push(`${r.eventName} ${r.dynamodb!.Keys!.id!.S}`);
  });
  sim.mapping(sessions, fn, {
    startingPosition: 'TRIM_HORIZON',
    ...(filters === undefined ? {} : { filters }),
  });
  return { sim, sessions, seen };
}

describe('DynamoDbStream: the TTL process only waits for items that will still expire', () => {
  it('an item deleted before its expiry leaves no TTL deletion pending: the run ends when the work does, not at the old expiry', async () => {
    const { sim, sessions, seen } = setup();
    sim.spawn('writer', async () => {
      await sessions.put({ id: 's-1', expiresAt: EPOCH_S + 30 * DAY_S });
      await sessions.delete('s-1');
    });
    const result = await sim.run();
    expect(seen).toEqual(['INSERT s-1', 'REMOVE s-1']);
    expect(result.end.kind).toBe('quiescent');
    expect(result.end.atMs).toBeLessThan(60_000);
  });

  it('an item rewritten with a later expiry is deleted once, at the later expiry; without a TTL, never', async () => {
    const { sim, sessions, seen } = setup();
    sim.spawn('writer', async () => {
      await sessions.put({ id: 's-1', expiresAt: EPOCH_S + 60 });
      await sessions.put({ id: 's-1', expiresAt: EPOCH_S + 120 });
      await sessions.put({ id: 's-2', expiresAt: EPOCH_S + 10 * DAY_S });
      await sessions.put({ id: 's-2' });
    });
    const result = await sim.run();
    expect(seen).toEqual(['INSERT s-1', 'MODIFY s-1', 'INSERT s-2', 'MODIFY s-2', 'REMOVE s-1']);
    const removes = result.trace.filter(
      (e) => e.kind === 'dynamodb.streamRecord' && e.eventName === 'REMOVE',
    );
    expect(removes.map((e) => e.atMs)).toEqual([120_000]);
    expect(result.end.atMs).toBeLessThan(180_000);
  });
});

describe('DynamoDbStream: filters see the TTL identity', () => {
  it("a FilterCriteria pattern on userIdentity selects the TTL process's REMOVE records only (AWS's archive-on-expiry pattern)", async () => {
    const { sim, sessions, seen } = setup([
      { userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] } },
    ]);
    sim.spawn('writer', async () => {
      await sessions.put({ id: 's-1', expiresAt: EPOCH_S + 60 });
      await sessions.put({ id: 's-2' });
      await sessions.delete('s-2');
    });
    const result = await sim.run();
    expect(seen).toEqual(['REMOVE s-1']);
    expect(result.streamRecords.map((r) => r.fate.state)).toEqual([
      'filtered',
      'filtered',
      'filtered',
      'processed',
    ]);
  });
});

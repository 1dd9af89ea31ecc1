import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  type DynamoDbStreamsScenarioSetup,
  formatScenario,
  type ItemWrite,
  runScenario,
  SCENARIO_TABLE_NAME,
  type Scenario,
  saveScenario,
  scenarios,
} from '../../../src/index.js';
import { validateScenario } from '../../../src/scenario/validateScenario.js';
import { replayScenarioFile } from '../../../src/vitest/index.js';

type User = { readonly userId: string; readonly plan: string };

const users = fc.record({
  userId: fc.integer({ min: 1, max: 5 }).map((n) => `u-${n}`),
  plan: fc.constantFrom('free', 'pro'),
});

/** Notes every record it reads, with the seeded u-0's plan read from the table the setup got. */
const noting: DynamoDbStreamsScenarioSetup<User> = (sim, table) => {
  const mailer = sim.api('mailer', { latencyMs: 5 });
  table.seed([{ userId: 'u-0', plan: 'seeded' }]); // no stream record
  return () => async (event: DynamoDBStreamEvent) => {
    const seeded = (await table.get('u-0'))?.plan;
    for (const r of event.Records)
      await mailer.call(r.eventName!, {
        userId: r.dynamodb!.Keys!.userId!.S,
        by: r.userIdentity?.type ?? 'app',
        seeded,
      });
  };
};

function scenario(over: Partial<Scenario<ItemWrite<User>>> = {}): Scenario<ItemWrite<User>> {
  return {
    model: 'dynamodb-streams',
    seed: 1,
    events: [
      {
        atMs: 0,
        group: '{"userId":"u-1"}',
        body: { op: 'put', item: { userId: 'u-1', plan: 'free' }, expiresInS: 5 },
      },
      { atMs: 10, group: '{"userId":"u-2"}', body: { op: 'put', item: { userId: 'u-2', plan: 'free' } } },
      { atMs: 20, group: '{"userId":"u-2"}', body: { op: 'put', item: { userId: 'u-2', plan: 'pro' } } },
      { atMs: 30, group: '{"userId":"u-2"}', body: { op: 'delete', key: { userId: 'u-2' } } },
    ],
    config: { key: 'userId', ttlAttribute: 'expiresAt' },
    delivery: {},
    faults: [],
    ...over,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'lambdasim-ddb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dynamodb-streams scenarios: runScenario', () => {
  it('defines HandlerTable before the setup (which gets it) and files every record under its write', async () => {
    const result = await runScenario(scenario(), noting);
    const mail = result
      .effects('mailer')
      .map(
        (e) =>
          `${e.op} ${(e.args as { userId: string; by: string }).userId} ${(e.args as { by: string }).by}`,
      );
    expect(mail).toEqual([
      'INSERT u-1 app',
      'INSERT u-2 app',
      'MODIFY u-2 app',
      'REMOVE u-2 app',
      'REMOVE u-1 Service',
    ]);
    expect(result.effects('mailer').every((e) => (e.args as { seeded: string }).seeded === 'seeded')).toBe(
      true,
    );
    // Each record is its write's; the TTL REMOVE is the TTL put's (event 0).
    expect(result.inputs.map((i) => i.eventIndex)).toEqual([0, 1, 2, 3, 0]);
    expect(
      result.inputs.every((i) => i.model === 'dynamodb-streams' && i.where === SCENARIO_TABLE_NAME),
    ).toBe(true);
  });

  it('a duplicateDelivery of a batch aims at the table stream; a poisonRecord there is a ConfigError', async () => {
    const dup = await runScenario(
      scenario({ faults: [{ kind: 'duplicateDelivery', stream: SCENARIO_TABLE_NAME, batch: 1 }] }),
      noting,
    );
    expect(dup.trace.some((e) => e.kind === 'fault.injected')).toBe(true);
    expect(dup.effects('mailer').filter((e) => e.op === 'INSERT')).toHaveLength(3);
    await expect(
      runScenario(
        scenario({ faults: [{ kind: 'poisonRecord', stream: SCENARIO_TABLE_NAME, record: 1 }] }),
        noting,
      ),
    ).rejects.toThrow(/faults\[0\]\.stream must name a Kinesis stream: a DynamoDB stream's records/);
  });

  it('refuses a scenario without a key, a body that is not an item write, and names a refused write', async () => {
    await expect(runScenario(scenario({ config: {} }), noting)).rejects.toThrow(/runScenario: config\.key/);
    expect(() =>
      validateScenario({ ...scenario(), events: [{ atMs: 0, body: { op: 'upsert', item: {} } }] }),
    ).toThrow(/events\[0\]\.body must be an item write/);
    expect(() => validateScenario({ ...scenario(), config: { key: 'userId', shards: 2 } })).toThrow(
      /config\.shards applies to the kinesis model only/,
    );
    await expect(
      runScenario(
        scenario({ events: [{ atMs: 0, body: { op: 'put', item: { plan: 'free' } as User } }] }),
        noting,
      ),
    ).rejects.toThrow(/events\[0\]\.body was refused by DynamoDB/);
  });

  it('the table stream has the config view type (NEW_AND_OLD_IMAGES unless config.streamViewType says)', async () => {
    const images: DynamoDbStreamsScenarioSetup<User> = () => () => async (event: DynamoDBStreamEvent) => {
      for (const r of event.Records)
        if (r.eventName === 'INSERT' && r.dynamodb?.NewImage === undefined) throw new Error('no image');
    };
    const keysOnly = await runScenario(
      scenario({
        config: {
          key: 'userId',
          ttlAttribute: 'expiresAt',
          streamViewType: 'KEYS_ONLY',
          maximumRetryAttempts: 0,
        },
      }),
      images,
    );
    expect(keysOnly.trace.some((e) => e.kind === 'invoke.failed')).toBe(true);
    const full = await runScenario(scenario(), images);
    expect(full.trace.some((e) => e.kind === 'invoke.failed')).toBe(false);
  });

  it('saves, prints and replays a scenario file: the same trace', async () => {
    const s = scenario({ config: { key: 'userId', ttlAttribute: 'expiresAt', batchSize: 2 } });
    const file = join(dir, 'ddb.json');
    saveScenario(file, s);
    const replayed = await replayScenarioFile(file, noting);
    expect(replayed.scenario).toEqual(s);
    expect(replayed.traceHash).toBe((await runScenario(s, noting)).traceHash);
    expect(formatScenario(s)).toContain("config: { key: 'userId', ttlAttribute: 'expiresAt', batchSize: 2 }");
  });
});

describe('scenarios.dynamodbStreams', () => {
  it('draws item writes (groups are the keys as JSON) and the mapping config within AWS ranges; the table key is fixed', () => {
    const arb = scenarios.dynamodbStreams({ events: users, key: 'userId', ttl: true, services: ['mailer'] });
    const ops = new Set<string>();
    for (const s of fc.sample(arb, { seed: 5, numRuns: 100 })) {
      expect(s.model).toBe('dynamodb-streams');
      expect(s.config).toMatchObject({ key: 'userId', ttlAttribute: 'expiresAt' });
      expect([0, 60, 3_600]).toContain(s.config.ttlDeletionDelayS);
      expect(s.config.batchSize).toBeGreaterThanOrEqual(1);
      for (const e of s.events) {
        const keys = e.body.op === 'put' ? { userId: e.body.item.userId } : e.body.key;
        expect(e.group).toBe(JSON.stringify(keys));
        ops.add(e.body.op === 'put' && e.body.expiresInS !== undefined ? 'ttl' : e.body.op);
      }
    }
    expect([...ops].sort()).toEqual(['delete', 'put', 'ttl']);
  });

  it('aims duplicateDelivery at HandlerTable and drops poisonRecord (a record is an item change)', () => {
    const arb = scenarios.dynamodbStreams({
      events: users,
      key: 'userId',
      faults: { kinds: ['poisonRecord', 'duplicateDelivery'] },
    });
    const kinds = new Set<string>();
    for (const s of fc.sample(arb, { seed: 4, numRuns: 100 }))
      for (const f of s.faults) {
        kinds.add(f.kind);
        expect(f).toMatchObject({ stream: SCENARIO_TABLE_NAME });
      }
    expect([...kinds]).toEqual(['duplicateDelivery']);
  });

  it('runs its scenarios, and refuses bad options naming scenarios.dynamodbStreams', async () => {
    const arb = scenarios.dynamodbStreams({
      events: users,
      key: 'userId',
      ttl: true,
      deletes: false,
      services: ['mailer'],
    });
    for (const s of fc.sample(arb, { seed: 2, numRuns: 5 })) {
      expect(s.events.every((e) => e.body.op === 'put')).toBe(true);
      await runScenario(s, noting);
    }
    expect(() => scenarios.dynamodbStreams({ events: users } as never)).toThrow(
      /scenarios\.dynamodbStreams: key is required/,
    );
    expect(() =>
      scenarios.dynamodbStreams({ events: users, key: 'userId', uniqueBy: () => 1 } as never),
    ).toThrow(ConfigError);
    expect(() => scenarios.dynamodbStreams({ events: users, key: 'userId', config: { key: 'id' } })).toThrow(
      /config\.key must be left out or equal the key option's "userId"/,
    );
    expect(() =>
      scenarios.dynamodbStreams({ events: users, key: 'userId', config: { batchSize: 0 } }),
    ).toThrow(/scenarios\.dynamodbStreams: config\.batchSize/);
  });
});

/**
 * Golden scenarios (like fast-check's NoRegression.spec.ts): for seeds 1..5 the scenario
 * arbitraries of every model (plain, with a group / partition key, FIFO and fixed configs) must
 * draw exactly the scenarios checked in at fixtures/golden/scenarios.json, and each bundled
 * example's first scenario at those seeds must run to the same trace hash with its buggy handler
 * and its fixed twin. A refactor of the property layer (the model descriptors) must keep both.
 *
 * To accept an intended change: `UPDATE_GOLDEN=1 npx vitest run test/e2e/scenarioGolden.test.ts`,
 * review `git diff fixtures/golden`, commit. A missing file is written and the test fails.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { examples } from '../../fixtures/examples/index.js';
import { exampleScenarios } from '../../fixtures/examples/property.js';
import { runScenario, type Scenario, scenarios } from '../../src/index.js';
import { goldenText } from './goldenFile.js';

const SEEDS = [1, 2, 3, 4, 5];
const GOLDEN_PATH = fileURLToPath(new URL('../../fixtures/golden/scenarios.json', import.meta.url));

const order = fc.record({ orderId: fc.uuid(), amountCents: fc.integer({ min: 1, max: 10_000 }) });
const services = ['payments'];
const user = fc.record({ userId: fc.integer({ min: 1, max: 5 }).map((n) => `u-${n}`), plan: fc.string() });

/** Arbitraries covering every model and the options that change what a model draws. */
const ARBITRARIES: Readonly<Record<string, fc.Arbitrary<Scenario<unknown>>>> = {
  sync: scenarios.sync({ events: order, services }),
  'sync none': scenarios.sync({ events: order, faults: 'none', delivery: 'none' }),
  async: scenarios.async({ events: order, services, uniqueBy: (o) => o.orderId }),
  'async fixed': scenarios.async({ events: order, config: { maximumRetryAttempts: 0, timeoutS: 3 } }),
  sqs: scenarios.sqs({ events: order, services }),
  'sqs groupOf': scenarios.sqs({ events: order, groupOf: (o) => o.orderId.slice(0, 1) }),
  'sqs fifo': scenarios.sqs({ events: order, config: { fifo: true }, faults: { kinds: ['poisonRecord'] } }),
  'sqs window': scenarios.sqs({
    events: order,
    config: { maximumBatchingWindowS: 2, visibilityTimeoutS: 10 },
  }),
  kinesis: scenarios.kinesis({ events: order, services }),
  'kinesis partitionKeyOf': scenarios.kinesis({ events: order, partitionKeyOf: (o) => o.orderId }),
  'kinesis fixed': scenarios.kinesis({
    events: fc.string(),
    config: { shards: 2, maximumRetryAttempts: -1 },
  }),
  'dynamodb-streams': scenarios.dynamodbStreams({ events: user, key: 'userId', ttl: true, services }),
  'dynamodb-streams fixed': scenarios.dynamodbStreams({
    events: user,
    key: 'userId',
    deletes: false,
    config: { streamViewType: 'KEYS_ONLY', ttlDeletionDelayS: 60 },
  }),
};

async function drawAndRun(): Promise<unknown> {
  const drawn: Record<string, unknown> = {};
  for (const [name, arb] of Object.entries(ARBITRARIES))
    drawn[name] = SEEDS.map((seed) => fc.sample(arb, { seed, numRuns: 1 })[0]);
  const traces: Record<string, Record<string, string>> = {};
  for (const example of examples) {
    const hashes: Record<string, string> = {};
    for (const variant of ['buggy', 'fixed'] as const)
      for (const seed of SEEDS) {
        const [scenario] = fc.sample(exampleScenarios(example, variant), { seed, numRuns: 1 });
        const result = await runScenario(scenario!, example[variant]);
        hashes[`${variant} ${seed}`] = result.traceHash;
      }
    traces[example.name] = hashes;
  }
  return { scenarios: drawn, traceHashes: traces };
}

describe('golden scenarios', () => {
  it('the scenario arbitraries draw, and the examples run, as fixtures/golden/scenarios.json says', async () => {
    const text = `${JSON.stringify(await drawAndRun(), null, 2)}\n`;
    const checkedIn = goldenText(GOLDEN_PATH, text, 'scenarios and trace hashes');
    expect(JSON.parse(text)).toEqual(JSON.parse(checkedIn));
  }, 120_000);
});

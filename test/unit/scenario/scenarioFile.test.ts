import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { scenarios } from '../../../src/scenario/arbitraries.js';
import { runScenario } from '../../../src/scenario/runScenario.js';
import type { Scenario, ScenarioSetup } from '../../../src/scenario/Scenario.js';
import { formatScenario, loadScenario, saveScenario } from '../../../src/scenario/scenarioFile.js';

const dir = mkdtempSync(join(tmpdir(), 'lambdasim-scenario-'));

const example: Scenario<{ orderId: string; note: string }> = {
  // keys deliberately out of order: files and literals use the stable order
  faults: [{ invocation: 1, calls: 1, fn: 'Handler', kind: 'crashAfterCalls' }],
  delivery: { asyncReorder: true },
  config: { maximumRetryAttempts: 1, timeoutS: 3 },
  events: [
    { body: { orderId: 'o-1', note: "it's" }, atMs: 0 },
    { atMs: 250, body: { orderId: 'o-2', note: 'line\nbreak' } },
  ],
  seed: 7,
  model: 'async',
};

const setup: ScenarioSetup<{ orderId: string }> = (sim) => {
  const payments = sim.api('payments', { latencyMs: 20 });
  return () => async (event: { orderId: string }) => {
    await payments.call('charge', event);
  };
};

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function loadError(path: string): ConfigError {
  try {
    loadScenario(path);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadScenario(${path}) did not throw`);
}

describe('saveScenario / loadScenario', () => {
  it('round-trips a scenario, with a stable key order in the file', async () => {
    const path = join(dir, 'nested', 'double-charge.json');
    saveScenario(path, example);
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(`{
  "model": "async",
  "seed": 7,
  "events": [
    {
      "atMs": 0,
      "body": {
        "orderId": "o-1",
        "note": "it's"
      }
    },
    {
      "atMs": 250,
      "body": {
        "orderId": "o-2",
        "note": "line\\nbreak"
      }
    }
  ],
  "config": {
    "timeoutS": 3,
    "maximumRetryAttempts": 1
  },
  "delivery": {
    "asyncReorder": true
  },
  "faults": [
    {
      "kind": "crashAfterCalls",
      "fn": "Handler",
      "invocation": 1,
      "calls": 1
    }
  ]
}
`);
    const loaded = loadScenario<{ orderId: string; note: string }>(path);
    expect(loaded).toEqual(example);
    // The loaded scenario replays the same run.
    const [a, b] = [await runScenario(example, setup), await runScenario(loaded, setup)];
    expect(b.traceHash).toBe(a.traceHash);
  });

  it('round-trips generated scenarios of every model', () => {
    const events = fc.record({ id: fc.string(), n: fc.oneof(fc.integer(), fc.constant(null)) });
    const arbs = [
      scenarios.sync({ events, services: ['payments'] }),
      scenarios.async({ events, services: ['payments'] }),
      scenarios.sqs({ events, services: ['payments'], groupOf: (e) => `g${e.id.length}` }),
      scenarios.kinesis({
        events,
        services: ['payments'],
        faults: { kinds: ['poisonRecord', 'handlerError'] },
      }),
    ];
    const path = join(dir, 'generated.json');
    for (const arb of arbs)
      for (const scenario of fc.sample(arb, { seed: 9, numRuns: 30 })) {
        saveScenario(path, scenario);
        expect(loadScenario(path)).toEqual(scenario);
      }
  });

  it('saveScenario refuses an invalid scenario and writes nothing', () => {
    const path = join(dir, 'never.json');
    expect(() => saveScenario(path, { ...example, seed: 1.5 })).toThrow(
      `saveScenario(${JSON.stringify(path)}): seed must be a safe integer, got 1.5`,
    );
    expect(() => readFileSync(path)).toThrow();
  });
});

describe('loadScenario: a bad file gives an error naming the file and the field', () => {
  const valid = JSON.parse(JSON.stringify(example)) as Record<string, unknown>;
  const cases: [string, unknown, string | RegExp][] = [
    ['not JSON', '{ "model": ', 'file must hold a scenario as JSON, as saveScenario writes it ('],
    [
      'not JSON, with the line and column',
      '{\n  "model": "async",\n  seed: 1\n}',
      /\(Expected double-quoted property name in JSON at position 24.{0,3}line 3.{0,2}column 3\)?\)/,
    ],
    [
      'an empty file',
      '',
      'file must hold a scenario as JSON, as saveScenario writes it (the file is empty), got ""',
    ],
    [
      'an unknown model',
      { ...valid, model: 'mq' },
      'model must be one of sync, async, sqs, kinesis, dynamodb-streams, got "mq"',
    ],
    [
      'the second fault invalid',
      {
        ...valid,
        faults: [
          { kind: 'throttle', fn: 'Handler', invocation: 1 },
          { kind: 'handlerError', fn: 'Handler', invocation: 0 },
        ],
      },
      'faults[1].invocation must be an integer >= 1, got 0',
    ],
    [
      'a fault aimed at another function',
      { ...valid, faults: [{ kind: 'throttle', fn: 'Other', invocation: 1 }] },
      'faults[0].fn must be "Handler": a scenario defines one function, named Handler, got "Other"',
    ],
    ['not an object', [1, 2], 'scenario must be an object { model, seed, events, config, delivery, faults }'],
    ['a missing field', { ...valid, faults: undefined }, 'faults is required in a scenario, got undefined'],
    ['an unknown field', { ...valid, retries: 2 }, 'retries is not a field of a scenario'],
    [
      'an invalid fault plan',
      { ...valid, faults: [{ kind: 'handlerError', fn: 'Handler', invocation: 0 }] },
      'faults[0].invocation must be an integer >= 1, got 0',
    ],
    [
      'an unknown fault kind',
      { ...valid, faults: [{ kind: 'meteor', fn: 'Handler', invocation: 1 }] },
      'faults[0].kind must be one of handlerError',
    ],
    [
      'unsorted events',
      {
        ...valid,
        events: [
          { atMs: 5, body: 1 },
          { atMs: 1, body: 2 },
        ],
      },
      "events[1].atMs must be >= the previous event's atMs (5): events are sorted by time, got 1",
    ],
    ['an event without body', { ...valid, events: [{ atMs: 0 }] }, 'events[0].body is required'],
    [
      'a config value the model refuses',
      { ...valid, config: { maximumRetryAttempts: 3 } },
      'config.maximumRetryAttempts must be an integer between 0 and 2, got 3',
    ],
    [
      'a config field of another model',
      { ...valid, config: { batchSize: 3 } },
      'config.batchSize applies to the sqs, kinesis and dynamodb-streams models only, not to a async scenario',
    ],
    [
      'an SQS visibility timeout below the function timeout',
      { ...valid, model: 'sqs', delivery: {}, config: { timeoutS: 40 } },
      'config.visibilityTimeoutS must be at least the function timeout (40 s)',
    ],
    [
      'a bad message group',
      { ...valid, model: 'sqs', delivery: {}, events: [{ atMs: 0, group: 'a b', body: 1 }] },
      'events[0].group must be 1-128 printable ASCII characters without spaces',
    ],
  ];
  for (const [name, content, message] of cases)
    it(name, () => {
      const path = write(`${name.replace(/\W+/g, '-')}.json`, content);
      const error = loadError(path);
      expect(error.message.startsWith(`loadScenario(${JSON.stringify(path)}): `)).toBe(true);
      if (typeof message === 'string') expect(error.message).toContain(message);
      else expect(error.message).toMatch(message);
    });

  it('a missing file', () => {
    const path = join(dir, 'missing.json');
    expect(loadError(path).message).toBe(
      `loadScenario(${JSON.stringify(path)}): path must name a readable scenario file (ENOENT), got ${JSON.stringify(path)}`,
    );
  });
});

describe('formatScenario', () => {
  it('prints a readable literal with a stable key order', () => {
    expect(formatScenario(example)).toBe(`{
  model: 'async',
  seed: 7,
  events: [
    { atMs: 0, body: { orderId: 'o-1', note: 'it\\'s' } },
    { atMs: 250, body: { orderId: 'o-2', note: 'line\\nbreak' } },
  ],
  config: { timeoutS: 3, maximumRetryAttempts: 1 },
  delivery: { asyncReorder: true },
  faults: [{ kind: 'crashAfterCalls', fn: 'Handler', invocation: 1, calls: 1 }],
}`);
  });

  it('breaks long arrays one item a line and quotes keys that are not identifiers', () => {
    const text = formatScenario({
      model: 'sqs',
      seed: 0,
      events: Array.from({ length: 3 }, (_, i) => ({ atMs: i, group: 'g', body: { 'order-id': `o-${i}` } })),
      config: { fifo: true },
      delivery: {},
      faults: [],
    });
    expect(text).toBe(`{
  model: 'sqs',
  seed: 0,
  events: [
    { atMs: 0, group: 'g', body: { 'order-id': 'o-0' } },
    { atMs: 1, group: 'g', body: { 'order-id': 'o-1' } },
    { atMs: 2, group: 'g', body: { 'order-id': 'o-2' } },
  ],
  config: { fifo: true },
  delivery: {},
  faults: [],
}`);
  });

  it('prints a literal that evaluates back to the scenario', () => {
    const arb = scenarios.sqs({ events: fc.record({ s: fc.string(), n: fc.double({ noNaN: true }) }) });
    for (const scenario of fc.sample(arb, { seed: 4, numRuns: 50 })) {
      const value: unknown = new Function(`return (${formatScenario(scenario)});`)();
      expect(value).toEqual(scenario);
    }
  });
});

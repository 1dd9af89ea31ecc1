/**
 * Issue 6, "Bad input": each mistake a user can make around a property gives a specific,
 * actionable message (what went wrong, where, what to do), never only a stack trace from inside
 * lambdasim. Each test shows the message the user gets.
 */
import { SQS_MAX_MESSAGE_BYTES } from '../../src/models/sqs/SqsQueue.js';
import { MAX_ASYNC_PAYLOAD_BYTES } from '../../src/models/async/AsyncConfig.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import {
  ConfigError,
  formatScenario,
  loadScenario,
  runScenario,
  type Scenario,
  type ScenarioModel,
  type ScenarioSetup,
  scenarios,
} from '../../src/index.js';
import { MAX_SYNC_REQUEST_BYTES } from '../../src/models/sync.js';
import { expect, fc, it, replayScenarioFile } from '../../src/vitest/index.js';

const FILE = 'test/e2e/badInput.test.ts';

interface Order {
  readonly orderId: string;
}
const orderArb: fc.Arbitrary<Order> = fc.record({
  orderId: fc.integer({ min: 1, max: 100 }).map((n) => `o-${n}`),
});

/** A correct handler for every model (an SQS batch or one event). */
const charge: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments', { latencyMs: 20 });
  return () => async (event: Order | { Records: { body: string }[] }) => {
    const orders = 'Records' in event ? event.Records.map((r) => JSON.parse(r.body) as Order) : [event];
    for (const order of orders) await payments.call('charge', order);
  };
};

/** The user's setup reads its configuration at Init, and the test environment does not set it. */
function makeHandler(env: Readonly<Record<string, string | undefined>>) {
  const table = env.TABLE_NAME;
  if (table === undefined) throw new Error('missing TABLE_NAME');
  return async () => table;
}
const initThrows: ScenarioSetup<Order> = (sim) => {
  sim.api('payments');
  return () => makeHandler({});
};

function oneEvent(model: ScenarioModel, body: unknown = { orderId: 'o-1' }): Scenario<Order> {
  return {
    model,
    seed: 1,
    events: [{ atMs: 0, body: body as Order }],
    config: {},
    delivery: {},
    faults: [],
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

/** The failure of a property over scenarios, as fast-check hands it to vitest (the plugin ran). */
async function propertyFailure<T>(
  arb: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
): Promise<{ message: string; error: Error; details: fc.RunDetails<[T]> }> {
  const details = await fc.check(fc.asyncProperty(arb, predicate), { seed: 42, numRuns: 20 });
  expect(details.failed).toBe(true);
  const error = details.errorInstance as Error;
  return { message: error.message, error, details };
}

describe('issue 6 bad input: a property that throws its own (non-assertion) error', () => {
  it('says the error came from the property, not from a lambdasim check, with the scenario and the replay command', async () => {
    const { message, error, details } = await propertyFailure(
      scenarios.async({ events: orderArb, services: ['payments'] }),
      async (scenario) => {
        const result = await runScenario(scenario, charge);
        // The user's own bug: a typo in the check code.
        const effects = (result as unknown as { effect?: () => unknown[] }).effect;
        expect(effects!().length).toBeGreaterThan(0);
      },
    );
    expect(error).toBeInstanceOf(TypeError);
    const [scenario] = details.counterexample!;
    expect(message).toMatch(/^effects is not a function\n\n/);
    expect(message).toMatch(
      new RegExp(
        `\\nlambdasim: This TypeError was thrown by the property's own code \\(at ${FILE.replaceAll('.', '\\.')}:\\d+:\\d+\\), not by a lambdasim check or matcher`,
      ),
    );
    expect(message).toContain(
      `Scenario (the shrunk counterexample):\n  ${formatScenario(scenario).replaceAll('\n', '\n  ')}`,
    );
    expect(message).toContain(
      `Replay:\n  FC_SEED=42 FC_PATH=${details.counterexamplePath} npx vitest run ${FILE} -t 'says the error came from the property, not from a lambdasim check, with the scenario and the replay command'`,
    );
    expect(message).toContain('  without fast-check: await runScenario(<the scenario above>, setup)');
    expect(message).toMatch(
      /keep it as a regression test: saveScenario\('fixtures\/regressions\/says-the-error-came-from-the-property[a-z-]*\.json', <the scenario above>\)/,
    );
    // The stack still starts at the user's line (vitest shows it under the message).
    expect(error.stack).toContain(message);
  });

  it('names an assertion of the property, lambdasim violations thrown as an Error, and a lambdasim ConfigError for what they are', async () => {
    const arb = scenarios.sync({ events: orderArb, services: ['payments'], faults: 'none' });
    const assertion = await propertyFailure(arb, async (scenario) => {
      const result = await runScenario(scenario, charge);
      expect(result.effects('payments')).toHaveLength(0);
    });
    expect(assertion.message).toContain(
      'lambdasim: An assertion in the property failed for this scenario (not a lambdasim matcher, so no timeline',
    );

    const violations = await propertyFailure(arb, async () => {
      await Promise.resolve();
      throw new Error('1 violation:\n1. [exactlyOnce] payments.charge ran 2 times for key o-1');
    });
    expect(violations.message).toContain(
      'lambdasim: The property threw the violations of lambdasim checks (above) for this scenario.',
    );

    const rejected = await propertyFailure(arb, async (scenario) => {
      await runScenario({ ...scenario, config: { ...scenario.config, timeoutS: 0 } }, charge);
    });
    expect(rejected.message).toMatch(
      /^runScenario: config\.timeoutS must be an integer between 1 and 900, got 0\n\nlambdasim: the scenario or its setup was rejected \(the ConfigError above names the field and the rule\)/,
    );
    expect(rejected.message).not.toContain('saveScenario'); // nothing worth keeping
  });

  it('leaves lambdasim matcher failures and properties over other values as they are', async () => {
    const matcher = await propertyFailure(
      scenarios.async({ events: orderArb, services: ['payments'], faults: 'none', delivery: 'none' }),
      async (scenario) => {
        expect(await runScenario(scenario, charge)).toHaveEffectsExactlyOnce('payments', () => 'one key');
      },
    );
    expect(matcher.message).toMatch(/^toHaveEffectsExactlyOnce: 1 violation:/);
    expect(matcher.message).not.toContain('lambdasim: ');
    expect(matcher.message).toContain(`FC_SEED=42 FC_PATH=${matcher.details.counterexamplePath} npx vitest`);

    const other = await propertyFailure(fc.integer(), async (n) => {
      await Promise.resolve();
      if (n > 5) throw new TypeError('not a scenario');
    });
    expect(other.message).toBe('not a scenario');
  });
});

describe('issue 6 bad input: a handler factory that throws at Init', () => {
  const MESSAGE =
    /^runScenario: setup returned a handler factory that threw at Init in every execution environment \((\d+) Inits? failed, none finished\), so the handler never ran: each invocation failed with Lambda's Init error and its environment was discarded; fix the factory or what it reads at Init \(environment variables, configuration, clients\), got "Error: missing TABLE_NAME \(at test\/e2e\/badInput\.test\.ts:\d+:\d+\)"$/;

  for (const model of ['sync', 'async', 'sqs'] as const)
    it(`${model}: runScenario says so, with the factory's error, its line in the user's file, and the error as the cause`, async () => {
      const error = await rejection(runScenario(oneEvent(model), initThrows));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(MESSAGE);
      expect((error.cause as Error).message).toBe('missing TABLE_NAME');
      // The stack starts at the user's call of runScenario, not inside lambdasim.
      expect(error.stack!.split('\n')[1]).toContain(FILE);
    });

  it('counts the environments: an async event retried twice failed Init three times', async () => {
    const error = await rejection(
      runScenario({ ...oneEvent('async'), config: { maximumRetryAttempts: 2 } }, initThrows),
    );
    expect(error.message).toMatch(/\(3 Inits failed, none finished\)/);
  });

  it('a property over such a setup fails with that message (not a check violation, and not a pass)', async () => {
    const { message, error } = await propertyFailure(
      scenarios.async({ events: orderArb, services: ['payments'] }),
      async (scenario) => {
        const result = await runScenario(scenario, initThrows);
        expect(result).toHaveNoLostEvents(); // would pass: each event is discarded to its destination
      },
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(message.split('\n')[0]).toMatch(MESSAGE);
    expect(message).toContain('lambdasim: the scenario or its setup was rejected');
  });

  it('an async factory that rejects, and one that returns no handler, are named for what they did', async () => {
    const rejects = await rejection(
      runScenario(oneEvent('async'), (sim) => {
        sim.api('payments');
        return async () => {
          await Promise.resolve();
          throw new RangeError('bad region');
        };
      }),
    );
    expect(rejects.message).toMatch(
      /^runScenario: setup returned a handler factory that threw at Init in every execution environment .*, got "RangeError: bad region \(at test\/e2e\/badInput\.test\.ts:\d+:\d+\)"$/,
    );

    const noHandler = await rejection(
      runScenario(oneEvent('sync'), () => (() => undefined) as unknown as ReturnType<ScenarioSetup<Order>>),
    );
    expect(noHandler.message).toBe(
      "runScenario: setup returned a handler factory that built no handler at Init in every execution environment (1 Init failed, none finished) (Runtime.HandlerNotFound), so the handler never ran: each invocation failed with Lambda's Init error and its environment was discarded; the factory must return the handler, e.g. () => async (event) => { … }, got undefined",
    );
  });

  it('a factory that fails in some environments only is a run like any other', async () => {
    const flaky: ScenarioSetup<Order> = (sim) => {
      const payments = sim.api('payments');
      let inits = 0;
      return () => {
        inits += 1;
        if (inits === 1) throw new Error('first cold start fails');
        return async (event: Order) => {
          await payments.call('charge', event);
        };
      };
    };
    const result = await runScenario({ ...oneEvent('async'), config: { maximumRetryAttempts: 1 } }, flaky);
    expect(result.trace.filter((e) => e.kind === 'env.initFailed')).toHaveLength(1);
    expect(result.effects('payments')).toHaveLength(1);
  });
});

describe('issue 6 bad input: an event arbitrary over the payload limit', () => {
  const cases = [
    ['sync', MAX_SYNC_REQUEST_BYTES, 'RequestResponse invoke payload limit', '6 MiB'],
    ['async', MAX_ASYNC_PAYLOAD_BYTES, 'Event (asynchronous) invoke payload limit', '1 MiB'],
    ['sqs', SQS_MAX_MESSAGE_BYTES, 'SQS message size limit', '1 MiB'],
  ] as const;
  for (const [model, limit, what, human] of cases)
    it(`${model}: names the event, its size, the limit and the model, and how to bound the arbitrary`, async () => {
      // An arbitrary that pads the body past the limit (a blob field sized from a real payload).
      const events = fc.integer({ min: 1, max: 100 }).map((n) => ({ orderId: 'x'.repeat(limit + n) }));
      const { message, details } = await propertyFailure(
        scenarios[model]({ events, services: ['payments'] }),
        async (scenario) => {
          await runScenario(scenario, charge);
        },
      );
      const [scenario] = details.counterexample!;
      const bytes = JSON.stringify(scenario.events[0]!.body).length;
      expect(message.split('\n')[0]).toBe(
        `runScenario: events[0].body is over the ${model} model's ${what} of ${limit} bytes (${human}): ${
          model === 'sqs'
            ? 'SendMessage would be refused and the message never sent'
            : `Lambda would answer 413 RequestEntityTooLargeException and never ${model === 'sync' ? 'run the handler' : 'queue the event'}`
        }. A generated event over the limit almost always comes from an unbounded event arbitrary: bound it, e.g. fc.string({ maxLength: 1000 }) or fc.array(item, { maxLength: 100 }), got "${bytes} bytes (${bytes - limit} over)"`,
      );
      // Shrunk to the smallest body over the limit; the note leaves the huge literal out.
      expect(bytes).toBe(limit + 1 + '{"orderId":""}'.length);
      expect(message).toMatch(
        /Scenario \(the shrunk counterexample\):\n {2}\(\d+ characters as a literal, left out here/,
      );
    });

  it('sqs: an empty string body, which SQS refuses, is named before the run', async () => {
    const error = await rejection(runScenario(oneEvent('sqs', ''), charge));
    expect(error.message).toBe(
      'runScenario: events[0].body must not be empty in an sqs scenario (SQS refuses an empty MessageBody); make the event arbitrary produce non-empty strings, e.g. fc.string({ minLength: 1 }), got ""',
    );
  });
});

describe('issue 6 bad input: an invalid saved scenario file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambdasim-bad-input-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const valid = {
    model: 'async',
    seed: 1,
    events: [{ atMs: 0, body: { orderId: 'o-1' } }],
    config: {},
    delivery: {},
    faults: [{ kind: 'crashAfterCalls', fn: 'Handler', invocation: 1, calls: 1 }],
  };
  function save(name: string, content: unknown): string {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
  }
  function loadError(path: string): string {
    try {
      loadScenario(path);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error(`loadScenario(${path}) did not throw`);
  }

  it('an invalid fault: names the file, the entry and field, and the rule', () => {
    const path = save('bad-fault.json', {
      ...valid,
      faults: [...valid.faults, { kind: 'handlerError', fn: 'Handler', invocation: 0 }],
    });
    expect(loadError(path)).toBe(
      `loadScenario(${JSON.stringify(path)}): faults[1].invocation must be an integer >= 1, got 0`,
    );
  });

  it('a fault aimed at a function other than Handler', () => {
    const path = save('other-fn.json', {
      ...valid,
      faults: [{ kind: 'throttle', fn: 'ChargeOrder', invocation: 1 }],
    });
    expect(loadError(path)).toBe(
      `loadScenario(${JSON.stringify(path)}): faults[0].fn must be "Handler": a scenario defines one function, named Handler, got "ChargeOrder"`,
    );
  });

  it('a fault aimed at a service the setup does not define: named after the file when replayed', async () => {
    const path = save('other-service.json', {
      ...valid,
      faults: [{ kind: 'callError', service: 'orders', call: 1 }],
    });
    const error = await rejection(replayScenarioFile(path, charge));
    expect(error.message).toBe(
      `replayScenarioFile(${JSON.stringify(path)}): faults[0].service must name a service of this simulation (defined: payments, Handler), got "orders"`,
    );
  });

  it('a file that is not JSON: where it stops being JSON', () => {
    const path = save('not-json.json', '{\n  "model": "async",\n  seed: 1\n}\n');
    const message = loadError(path);
    expect(
      message.startsWith(`loadScenario(${JSON.stringify(path)}): file must hold a scenario as JSON`),
    ).toBe(true);
    // Node 20 gives the position only (lambdasim adds the line and column); Node 22 both.
    expect(message).toMatch(
      /, as saveScenario writes it \(Expected double-quoted property name in JSON at position 24.{0,3}line 3.{0,2}column 3\)?\), got "\{\\n {2}\\"model\\": \\"async\\",\\n {2}seed: 1\\n\}\\n"$/,
    );
    expect(loadError(save('empty.json', ''))).toContain(
      'file must hold a scenario as JSON, as saveScenario writes it (the file is empty), got ""',
    );
  });

  it('a scenario of an unknown model', () => {
    const path = save('mq.json', { ...valid, model: 'mq' });
    expect(loadError(path)).toBe(
      `loadScenario(${JSON.stringify(path)}): model must be one of sync, async, sqs, kinesis, dynamodb-streams, got "mq"`,
    );
  });
});

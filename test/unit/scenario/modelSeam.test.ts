/**
 * A model plugs in through one seam (STYLE 19): a toy model, defined here only through the
 * descriptor type and registered beside the built-ins, gets generated scenarios, validation,
 * saving, wiring, a run and the checks without any file of src/scenario or src/checks naming it.
 * And the property layer outside the descriptors switches on no model name.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactlyOnce } from '../../../src/checks/exactlyOnce.js';
import { noLostEvents } from '../../../src/checks/noLostEvents.js';
import { ConfigError } from '../../../src/errors.js';
import { scenarioArbitrary, scenarios } from '../../../src/scenario/arbitraries.js';
import {
  COMMON_CONFIG_KEYS,
  commonConfig,
  compact,
  record,
} from '../../../src/scenario/models/configArbs.js';
import { registerScenarioModel, SCENARIO_MODEL_DESCRIPTORS } from '../../../src/scenario/models/registry.js';
import type { ScenarioModelDescriptor } from '../../../src/scenario/models/ScenarioModelDescriptor.js';
import type { ScenarioConfig, ScenarioSetup } from '../../../src/scenario/Scenario.js';
import { runScenario } from '../../../src/scenario/runScenario.js';
import { validateScenario } from '../../../src/scenario/validateScenario.js';

/** A toy model: each event is one synchronous invoke (`sim.invoke`) at its `atMs`, no client, no retries. */
const directModel: ScenarioModelDescriptor<'direct'> = {
  model: 'direct',
  configKeys: [...COMMON_CONFIG_KEYS],
  deliveryKeys: [],
  deliveryFaultKinds: [],
  faultTargets: {},
  configArb: (c) => record(commonConfig(c)).map((drawn) => compact<ScenarioConfig>(drawn)),
  bodyLimit: { bytes: 1024, what: 'toy payload limit', refusal: 'the toy would refuse it' },
  wire({ sim, scenario, defineFunction, noteEvent }) {
    const fn = defineFunction();
    scenario.events.forEach((event, i) => {
      sim.at(event.atMs, () => {
        void sim.invoke(fn, event.body).then((response) => noteEvent(response.requestId, i));
      });
    });
    return { fn };
  },
};

interface Order {
  readonly orderId: string;
}

const orders = fc.record({ orderId: fc.uuid() });

/** Charges once per order; `twice` charges again (the bug exactlyOnce must find). */
function setup(twice: boolean): ScenarioSetup<Order> {
  return (sim) => {
    const payments = sim.api('payments', { latencyMs: 5 });
    return () => async (order: Order) => {
      await payments.call('charge', order);
      if (twice) await payments.call('charge', order);
    };
  };
}

describe('a model through one seam', () => {
  let unregister: () => void = () => undefined;
  beforeAll(() => {
    unregister = registerScenarioModel(directModel);
  });
  afterAll(() => unregister());

  it('a toy model registered through its descriptor runs generated scenarios and the checks', async () => {
    const arb = scenarioArbitrary(directModel, { events: orders, services: ['payments'], faults: 'none' });
    await fc.assert(
      fc.asyncProperty(arb, async (scenario) => {
        expect(scenario.model as string).toBe('direct');
        const result = await runScenario(scenario, setup(false));
        expect(result.inputs.map((i) => i.eventIndex)).toEqual(scenario.events.map((_, i) => i));
        expect(noLostEvents(result)).toEqual([]);
        expect(exactlyOnce(result.effects('payments'), (e) => (e.args as Order).orderId)).toEqual([]);
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it('the checks find the bug of a handler run by the toy model', async () => {
    const [scenario] = fc.sample(scenarioArbitrary(directModel, { events: orders, faults: 'none' }), {
      seed: 1,
      numRuns: 1,
    });
    const result = await runScenario(scenario!, setup(true));
    expect(exactlyOnce(result.effects('payments'), (e) => (e.args as Order).orderId).length).toBe(
      scenario!.events.length,
    );
  });

  it("validation reads the toy's descriptor: its config keys and its body limit", () => {
    const base = { model: 'direct', seed: 1, events: [], config: {}, delivery: {}, faults: [] };
    expect(() => validateScenario({ ...base, config: { batchSize: 2 } })).toThrow(
      /config\.batchSize applies to the sqs, kinesis and dynamodb-streams models only, not to a direct scenario/,
    );
    expect(() => validateScenario({ ...base, events: [{ atMs: 0, body: 'x'.repeat(2000) }] })).toThrow(
      /over the direct model's toy payload limit of 1024 bytes/,
    );
    expect(validateScenario({ ...base, config: { timeoutS: 3 } }).model as string).toBe('direct');
  });

  it('an unregistered model is refused, naming the models there are', () => {
    const remove = registerScenarioModel({ ...directModel, model: 'gone' });
    remove();
    const scenario = { model: 'gone', seed: 1, events: [], config: {}, delivery: {}, faults: [] };
    expect(() => validateScenario(scenario)).toThrow(ConfigError);
    expect(() => validateScenario(scenario)).toThrow(
      /model must be one of sync, async, sqs, kinesis, dynamodb-streams, direct/,
    );
    expect(() => registerScenarioModel(directModel)).toThrow(/a model named direct exists/);
  });
});

describe("the built-in descriptors' error fields", () => {
  it('rename only to fields of their own model', () => {
    for (const d of SCENARIO_MODEL_DESCRIPTORS)
      for (const field of Object.values(d.errorFields ?? {})) {
        const [block, key] = field.split('.') as [string, string];
        const keys: readonly string[] = block === 'config' ? d.configKeys : d.deliveryKeys;
        expect(keys, `${d.model}: ${field}`).toContain(key);
      }
  });

  it.each([
    ['sync', { clientMaxAttempts: 0 }, 'config.clientMaxAttempts'],
    ['async', { maximumRetryAttempts: 5 }, 'config.maximumRetryAttempts'],
    ['sqs', { maxReceiveCount: 0 }, 'config.maxReceiveCount'],
    ['sqs', { visibilityTimeoutS: 100_000 }, 'config.visibilityTimeoutS'],
    ['kinesis', { shards: 0 }, 'config.shards'],
    ['kinesis', { timeoutS: 0 }, 'config.timeoutS'],
  ] as const)("a %s model's refusal of %j names the scenario's field", (model, config, field) => {
    let error: unknown;
    try {
      scenarios[model]({ events: orders, config });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as ConfigError).api).toBe(`scenarios.${model}`);
  });
});

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
/** Layers that must reach the models through descriptors or tables, never by naming one. */
const LAYERS = ['scenario', 'checks', 'report', 'coverage'];
/** The descriptors themselves (scenario models, the checks' input models): where a model's name is written. */
const DESCRIPTORS = [join(SRC, 'scenario', 'models'), join(SRC, 'checks', 'inputModels')];
const MODEL = "'(sync|async|sqs|kinesis|dynamodb-streams)'";
/** `model === 'sqs'`, `m !== 'kinesis'`, `case 'async':`: a switch on a model's name. */
const SWITCH = new RegExp(`\\b(model|m) [!=]== ${MODEL}|case ${MODEL}:`);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return DESCRIPTORS.includes(path) ? [] : files(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Known switches left on purpose, as `file: line text` (see the report of the seam work). */
const ALLOWED: readonly string[] = [];

describe('no model switch outside the descriptors', () => {
  it(`src/{${LAYERS.join(',')}} compare no model name`, () => {
    const found: string[] = [];
    for (const layer of LAYERS)
      for (const file of files(join(SRC, layer)))
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line) => {
            if (SWITCH.test(line) && !line.trimStart().startsWith('*'))
              found.push(`${relative(SRC, file)}: ${line.trim()}`);
          });
    expect(found.filter((f) => !ALLOWED.includes(f))).toEqual([]);
  });
});

/**
 * The determinism self-check (issue 10, defect 9; madsim's check-determinism): with
 * `checkDeterminism` or `LAMBDASIM_CHECK_DETERMINISM=1`, a scenario runs twice and a
 * DeterminismCheckError names the first trace entry where the runs differ.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { examples } from '../../../fixtures/examples/index.js';
import { exampleScenarios } from '../../../fixtures/examples/property.js';
import {
  CoverageCollector,
  checkDeterminism,
  ConfigError,
  createSimulation,
  DeterminismCheckError,
  runScenario,
  type Scenario,
  type ScenarioSetup,
  withCoverage,
} from '../../../src/index.js';

interface Order {
  readonly orderId: string;
}

const SCENARIO: Scenario<Order> = {
  model: 'async',
  seed: 42,
  events: [
    { atMs: 0, body: { orderId: 'o-1' } },
    { atMs: 50, body: { orderId: 'o-2' } },
  ],
  config: {},
  delivery: {},
  faults: [],
};

const deterministic: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments');
  let charges = 0; // per simulation: built by the setup, so each run starts from zero
  return () => async (order: Order) => {
    charges++;
    await payments.call('charge', { orderId: order.orderId, charge: charges });
  };
};

// A realistic leak: a module-level counter (say, for idempotency keys or metrics) that outlives
// a run, so the second run of the same scenario starts from where the first ended.
let invocationsSoFar = 0;
const leakyCounter: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments');
  return () => async (order: Order) => {
    invocationsSoFar++;
    await payments.call('charge', { orderId: order.orderId, key: `charge-${invocationsSoFar}` });
  };
};

// Another: a module-level cache of orders already charged, which makes the second run skip them.
const chargedOrders = new Set<string>();
const leakyCache: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments');
  return () => async (order: Order) => {
    if (chargedOrders.has(order.orderId)) return 'cached';
    await payments.call('charge', order);
    chargedOrders.add(order.orderId);
    return 'charged';
  };
};

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error: unknown = await promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('runScenario checkDeterminism (issue 10, defect 9)', () => {
  it('catches a module-level counter that outlives a run, at the first diverging entry', async () => {
    const error = await rejection(runScenario(SCENARIO, leakyCounter, { checkDeterminism: true }));
    expect(error).toBeInstanceOf(DeterminismCheckError);
    const e = error as DeterminismCheckError;
    // The first difference: the first charge's arguments (charge-1 vs charge-3).
    expect(e.first?.kind).toBe('call.sent');
    expect(e.second?.kind).toBe('call.sent');
    const { result } = await (async () => ({ result: await runScenario(SCENARIO, deterministic) }))();
    expect(e.index).toBe(result.trace.findIndex((entry) => entry.kind === 'call.sent'));
    expect(e.message).toContain('runScenario (seed 42, model async, checkDeterminism): not deterministic');
    expect(e.message).toContain(`differ at trace entry ${e.index}`);
    expect(e.message).toContain(`First run, entry ${e.index}:`);
    expect(e.message).toContain(`Second run, entry ${e.index}:`);
    expect(e.message).toContain(JSON.stringify(e.first));
    expect(e.message).toContain(JSON.stringify(e.second));
    expect(e.message).toContain('payments.charge with different arguments');
    expect(e.message).toContain('module-level variables');
    // The stack starts at the caller, not inside lambdasim.
    expect(e.stack?.split('\n').find((line) => line.startsWith('    at '))).toContain(
      'checkDeterminism.test.ts',
    );
  });

  it('catches a module-level cache that changes what the second run does', async () => {
    const e = (await rejection(
      runScenario(SCENARIO, leakyCache, { checkDeterminism: true }),
    )) as DeterminismCheckError;
    expect(e).toBeInstanceOf(DeterminismCheckError);
    expect(e.first?.kind).toBe('call.sent');
    expect(e.second?.kind).not.toBe('call.sent');
    expect(e.message).toMatch(/the runs did different things here \(call\.sent by Handler#1 vs /);
  });

  it('passes a deterministic setup and returns the first run (same hash as a plain run)', async () => {
    const checked = await runScenario(SCENARIO, deterministic, { checkDeterminism: true });
    const plain = await runScenario(SCENARIO, deterministic);
    expect(checked.traceHash).toBe(plain.traceHash);
    expect(checked.effects('payments')).toHaveLength(2);
  });

  it('passes the check on to rerunFaultFree()', async () => {
    // Deterministic for its first two setups (the checked run), leaky from the third on.
    let setups = 0;
    const leaksLater: ScenarioSetup<Order> = (sim) => {
      setups++;
      const payments = sim.api('payments');
      const n = setups <= 2 ? 0 : setups;
      return () => async (order: Order) => {
        await payments.call('charge', { orderId: order.orderId, n });
      };
    };
    const checked = await runScenario(SCENARIO, leaksLater, { checkDeterminism: true });
    expect(setups).toBe(2);
    await expect(checked.rerunFaultFree()).rejects.toBeInstanceOf(DeterminismCheckError);
  });

  it('records coverage once per checked run, not once per internal run', async () => {
    const coverage = new CoverageCollector();
    // Outside fast-check, each recorded result counts as one run.
    await withCoverage(coverage, () => runScenario(SCENARIO, deterministic, { checkDeterminism: true }));
    expect(coverage.summary().runs).toBe(1);
  });

  it('LAMBDASIM_CHECK_DETERMINISM=1 turns it on for every runScenario; the option overrides it', async () => {
    vi.stubEnv('LAMBDASIM_CHECK_DETERMINISM', '1');
    const e = await rejection(runScenario(SCENARIO, leakyCounter));
    expect(e).toBeInstanceOf(DeterminismCheckError);
    expect(e.message).toContain('checkDeterminism from LAMBDASIM_CHECK_DETERMINISM=1');
    await expect(runScenario(SCENARIO, deterministic)).resolves.toBeDefined();
    await expect(runScenario(SCENARIO, leakyCounter, { checkDeterminism: false })).resolves.toBeDefined();
    vi.stubEnv('LAMBDASIM_CHECK_DETERMINISM', '0');
    await expect(runScenario(SCENARIO, leakyCounter)).resolves.toBeDefined();
  });

  it('refuses an unclear LAMBDASIM_CHECK_DETERMINISM value or a bad option', async () => {
    vi.stubEnv('LAMBDASIM_CHECK_DETERMINISM', 'yes');
    const env = await rejection(runScenario(SCENARIO, deterministic));
    expect(env).toBeInstanceOf(ConfigError);
    expect(env.message).toBe(
      'runScenario: LAMBDASIM_CHECK_DETERMINISM must be 1 (check) or 0 (do not check), got "yes"',
    );
    vi.unstubAllEnvs();
    const option = await rejection(
      runScenario(SCENARIO, deterministic, { checkDeterminism: 'yes' as unknown as boolean }),
    );
    expect(option.message).toBe('runScenario: checkDeterminism must be a boolean, got "yes"');
    const unknown = await rejection(
      runScenario(SCENARIO, deterministic, { checkDeterminsm: true } as unknown as object),
    );
    expect(unknown.message).toContain('runScenario: checkDeterminsm is not a known option');
  });
});

describe('checkDeterminism(run) for a simulation built by hand', () => {
  let leaked = 0;
  const build = (leak: boolean) => async () => {
    const sim = createSimulation({ seed: 3 });
    const fn = sim.fn('Answer', () => async () => ({ n: leak ? ++leaked : 1 }));
    void sim.invoke(fn, {});
    return sim.run();
  };

  it('returns the first result when both runs agree', async () => {
    const result = await checkDeterminism(build(false));
    expect(result.trace.some((e) => e.kind === 'invoke.succeeded')).toBe(true);
  });

  it('throws at the first diverging entry: here the same response event with another digest', async () => {
    const e = (await rejection(checkDeterminism(build(true)))) as DeterminismCheckError;
    expect(e).toBeInstanceOf(DeterminismCheckError);
    expect(e.first?.kind).toBe('invoke.succeeded');
    expect(e.message).toContain('checkDeterminism: not deterministic');
    expect(e.message).toMatch(
      /the same invoke\.succeeded with different contents \(digest [0-9a-f]{16} vs [0-9a-f]{16}\): the handler in Answer#1 returned a different response/,
    );
  });
});

describe('bundled examples under the determinism self-check', () => {
  // A handful of generated scenarios per example, buggy and fixed: every one replays exactly.
  it.each(examples.map((e) => [e.name, e] as const))('%s', async (_name, example) => {
    const samples = fc.sample(exampleScenarios(example), { seed: 20261123, numRuns: 3 });
    for (const scenario of samples)
      for (const setup of [example.buggy, example.fixed])
        await runScenario(scenario, setup, { checkDeterminism: true });
  });
});

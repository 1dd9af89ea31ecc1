import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import {
  ConfigError,
  runScenario,
  type Scenario,
  type ScenarioSetup,
  saveScenario,
} from '../../../src/index.js';
import { expect, regressionTests, replayScenarioFile } from '../../../src/vitest/index.js';

interface Order {
  readonly orderId: string;
}
const orderIdOf = (e: { args: unknown }): string => (e.args as Order).orderId;

/** Charges on every attempt: a retry after a crash charges twice. */
const buggy: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments');
  return () => async (event: Order) => {
    await payments.call('charge', { orderId: event.orderId });
  };
};

/** Charges once per order, whatever the retries (a claim in a table first). */
const fixed: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments');
  const claims = sim.table<{ orderId: string }>('claims', { key: 'orderId' });
  return () => async (event: Order) => {
    const claimed = await claims.get(event.orderId);
    if (claimed !== undefined) return;
    await claims.put({ orderId: event.orderId });
    await payments.call('charge', { orderId: event.orderId });
  };
};

const crashAfterCharge: Scenario<Order> = {
  model: 'async',
  seed: 1,
  events: [{ atMs: 0, body: { orderId: 'o-1' } }],
  config: {},
  delivery: {},
  faults: [{ kind: 'crashAfterCalls', fn: 'Handler', invocation: 1, calls: 1 }],
};

// Collected at load: regressionTests registers one test per file.
const dir = mkdtempSync(join(tmpdir(), 'lambdasim-regressions-'));
saveScenario(join(dir, 'crash-after-charge.json'), crashAfterCharge);
saveScenario(join(dir, 'two-orders.json'), {
  ...crashAfterCharge,
  events: [...crashAfterCharge.events, { atMs: 10, body: { orderId: 'o-2' } }],
});
writeFileSync(join(dir, 'notes.txt'), 'not a scenario');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('regressionTests', () => {
  regressionTests(dir, fixed, (result) => {
    expect(result.scenario.faults).toHaveLength(1);
    expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf);
    expect(result).toHaveNoLostEvents();
  });

  it('registered one test per saved scenario (*.json), in name order', ({ task }) => {
    expect(task.suite?.tasks.map((t) => t.name).slice(0, 2)).toEqual([
      'regression: crash-after-charge.json',
      'regression: two-orders.json',
    ]);
  });

  it('rejects a directory that does not exist', () => {
    expect(() => regressionTests(join(dir, 'missing'), fixed, () => {})).toThrow(ConfigError);
    expect(() => regressionTests(join(dir, 'missing'), fixed, () => {})).toThrow(
      /^regressionTests: dir must be a directory of saved scenarios \(\*\.json\), got ".*missing"/,
    );
  });
});

describe('regressionTests on an empty directory', () => {
  const empty = mkdtempSync(join(tmpdir(), 'lambdasim-regressions-empty-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));
  regressionTests(empty, fixed, () => {});

  it('registers one skipped test that says so', ({ task }) => {
    const [first] = task.suite?.tasks ?? [];
    expect(first?.name).toBe(`regression: no saved scenarios in ${empty}`);
    expect(first?.mode).toBe('skip');
  });
});

describe('replayScenarioFile', () => {
  it('replays a saved scenario: the same run and trace hash as the scenario itself', async () => {
    const file = join(dir, 'crash-after-charge.json');
    const replayed = await replayScenarioFile(file, buggy);
    const direct = await runScenario(crashAfterCharge, buggy);
    expect(replayed.traceHash).toBe(direct.traceHash);
    expect(replayed.scenario).toEqual(crashAfterCharge);
    expect(() => expect(replayed).toHaveEffectsExactlyOnce('payments', orderIdOf)).toThrow(
      /payments\.charge ran 2 times for key o-1[\s\S]*Scenario:[\s\S]*kind: 'crashAfterCalls'[\s\S]*Timeline/,
    );
  });

  it('reports an invalid saved scenario with the file and the field', async () => {
    const file = join(dir, 'bad.json.invalid');
    writeFileSync(
      file,
      JSON.stringify({
        ...crashAfterCharge,
        faults: [{ kind: 'crashAfterCalls', fn: 'Handler', invocation: 0, calls: 1 }],
      }),
    );
    await expect(replayScenarioFile(file, buggy)).rejects.toThrow(ConfigError);
    await expect(replayScenarioFile(file, buggy)).rejects.toThrow(
      /loadScenario\(".*bad\.json\.invalid"\): faults\[0\]\.invocation/,
    );
  });
});

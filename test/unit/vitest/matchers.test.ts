import { lambdasimMatchers } from '../../../src/vitest/matchers.js';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  ConfigError,
  checks,
  createSimulation,
  formatScenario,
  type Scenario,
  type ScenarioResult,
  type SimulationResult,
} from '../../../src/index.js';
import { expect, formatFailureReport } from '../../../src/vitest/index.js';

const orderIdOf = (e: { args: unknown }): string => (e.args as { orderId: string }).orderId;

/** The README quickstart: a 1 s client timeout retries a 2.5 s charge, so o-1 is charged twice (or once with a patient client). */
async function checkout(clientTimeoutMs: number): Promise<SimulationResult> {
  const sim = createSimulation({ seed: 7 });
  const payments = sim.api('payments', { latencyMs: 2500 });
  const charge = sim.fn(
    'ChargeOrder',
    () => async (event: { orderId: string }) => {
      await payments.call('charge', { orderId: event.orderId });
      return { status: 'charged' };
    },
    { timeoutS: 6 },
  );
  const client = sim.client(charge, { clientTimeoutMs, maxAttempts: 2 });
  sim.spawn('checkout', async () => {
    await client.invoke({ orderId: 'o-1' });
  });
  return sim.run();
}

/** An async event with no retries and no destination: when its handler fails, it is lost. */
async function notify(fail: boolean, untilMs?: number): Promise<SimulationResult> {
  const sim = createSimulation({ seed: 3 });
  const fn = sim.fn(
    'Notify',
    () => async () => {
      if (fail) throw new Error('boom');
      return 'ok';
    },
    { async: { maximumRetryAttempts: fail && untilMs === undefined ? 0 : 2 } },
  );
  await sim.invokeAsync(fn, { id: 1 });
  return sim.run(untilMs === undefined ? {} : { untilMs });
}

const SCENARIO: Scenario = {
  model: 'sync',
  seed: 7,
  events: [{ atMs: 0, body: { orderId: 'o-1' } }],
  config: { clientTimeoutMs: 1000, clientMaxAttempts: 2 },
  delivery: {},
  faults: [{ kind: 'callLatency', service: 'payments', call: 1, addMs: 2000 }],
};

function asScenarioResult(result: SimulationResult): ScenarioResult {
  return {
    ...result,
    effects: result.effects,
    scenario: SCENARIO,
    sim: undefined as never,
    rerunFaultFree: () => Promise.reject(new Error('not used')),
  };
}

/** The message a failing `expect` call throws. */
function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the assertion passed');
}

const REPLAY_LINE =
  /FC_SEED=<seed> FC_PATH=<path> npx vitest run test\/unit\/vitest\/matchers\.test\.ts -t 'reports .*'/;

describe('toHaveEffectsExactlyOnce', () => {
  it('passes when every key has one effect', async () => {
    const result = await checkout(5000);
    expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf);
  });

  it('reports a duplicate with the violation, the timeline, the trace hash and the replay line', async () => {
    const result = await checkout(1000);
    expect(() => expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf)).toThrow(
      /payments\.charge ran 2 times for key o-1/,
    );
    const message = failureOf(() => expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf));
    expect(message).toMatch(/^toHaveEffectsExactlyOnce: 1 violation:/);
    expect(message).toContain('Simulation seed: 7');
    expect(message).toMatch(/Timeline of the failing run[^\n]*\n\s+\+0\.000s\s+\S+\s+caller\.started/);
    expect(message).toMatch(/ChargeOrder#\d\s+invoke\.started/);
    expect(message).not.toContain('call.sent'); // compact
    expect(message).toContain(`Trace hash: ${result.traceHash}`);
    expect(message).toMatch(REPLAY_LINE);
  });

  it('reports expected keys that never ran', async () => {
    const result = await checkout(5000);
    expect(() =>
      expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf, { expectedKeys: ['o-1', 'o-2'] }),
    ).toThrow(/never ran for key o-2/);
  });

  it('rejects a received value that is not a run result, naming the matcher', () => {
    expect(() => expect([]).toHaveEffectsExactlyOnce('payments', orderIdOf)).toThrow(ConfigError);
    expect(() => expect({}).toHaveEffectsExactlyOnce('payments', orderIdOf)).toThrow(
      /^toHaveEffectsExactlyOnce: received value must be a ScenarioResult or SimulationResult/,
    );
  });

  it('supports .not', async () => {
    const result = await checkout(1000);
    expect(result).not.toHaveEffectsExactlyOnce('payments', orderIdOf);
    const ok = await checkout(5000);
    expect(() => expect(ok).not.toHaveEffectsExactlyOnce('payments', orderIdOf)).toThrow(
      /expected toHaveEffectsExactlyOnce to find violations, found none/,
    );
  });
});

describe('toHaveNoLostEvents', () => {
  it('passes when every event ended in a terminal state', async () => {
    expect(await notify(false)).toHaveNoLostEvents();
  });

  it('reports a lost event with the violation, the timeline, the trace hash and the replay line', async () => {
    const result = await notify(true);
    const message = failureOf(() => expect(result).toHaveNoLostEvents());
    expect(message).toMatch(
      /\[noLostEvents\] async event [0-9a-f-]+ to Notify was discarded \(RetriesExhausted\)/,
    );
    expect(message).toMatch(/Notify#1\s+invoke\.failed/);
    expect(message).toMatch(/Notify\s+async\.discarded/);
    expect(message).toContain(`Trace hash: ${result.traceHash}`);
    expect(message).toMatch(REPLAY_LINE);
  });

  it('does not hash the trace of a run it passes (the hash is read only for a failure report)', async () => {
    for (const fail of [false, true]) {
      const result = await notify(fail);
      let hashed = 0;
      const watched = Object.defineProperty({ ...result }, 'traceHash', {
        get: () => {
          hashed++;
          return result.traceHash;
        },
      });
      const outcome = lambdasimMatchers.toHaveNoLostEvents(watched);
      expect([outcome.pass, hashed]).toEqual([!fail, 0]);
      if (fail) expect(outcome.message()).toContain(`Trace hash: ${result.traceHash}`);
      expect(hashed).toBe(fail ? 1 : 0);
    }
    expect(() => expect({ trace: [], traceHash: 1, effects: () => [] }).toHaveNoLostEvents()).toThrow(
      /^toHaveNoLostEvents: received value must be a ScenarioResult or SimulationResult/,
    );
  });

  it('passes its options on: an event still queued at a time limit counts with requireFinished', async () => {
    const result = await notify(true, 1000);
    expect(result).toHaveNoLostEvents();
    expect(() => expect(result).toHaveNoLostEvents({ requireFinished: true })).toThrow(
      /async event [0-9a-f-]+ to Notify was still queued/,
    );
  });
});

describe('toHaveNoViolations', () => {
  it('passes on an empty list', () => {
    expect([]).toHaveNoViolations();
  });

  it('reports the violations alone, or with the run when given its result', async () => {
    const result = await checkout(1000);
    const violations = checks.exactlyOnce(result.effects('payments'), orderIdOf);
    const alone = failureOf(() => expect(violations).toHaveNoViolations());
    expect(alone).toMatch(/\[exactlyOnce\] payments\.charge ran 2 times for key o-1/);
    expect(alone).not.toContain('Timeline');
    expect(alone).toMatch(REPLAY_LINE);
    expect(() => expect(violations).toHaveNoViolations(result)).toThrow(
      /ran 2 times[\s\S]*Timeline of the failing run[\s\S]*invoke\.started[\s\S]*Trace hash: [0-9a-f]{64}[\s\S]*FC_SEED=<seed> FC_PATH=<path> npx vitest run/,
    );
  });

  it('rejects a received value that is not an array', () => {
    expect(() => expect('nope').toHaveNoViolations()).toThrow(
      /^toHaveNoViolations: received value must be a Violation\[\] \(what checks\.\* return\), got "nope"/,
    );
  });
});

describe('failure report of a scenario result', () => {
  it('reports the scenario as a literal and how to save it', async () => {
    const result = asScenarioResult(await checkout(1000));
    const message = failureOf(() => expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf));
    expect(message).toContain(`Scenario:\n  ${formatScenario(SCENARIO).replaceAll('\n', '\n  ')}`);
    expect(message).toContain(
      "faults: [{ kind: 'callLatency', service: 'payments', call: 1, addMs: 2000 }],",
    );
    expect(message).toContain('without fast-check: await runScenario(<the scenario above>, setup)');
    expect(message).toContain(
      "keep it as a regression test: saveScenario('fixtures/regressions/reports-the-scenario-as-a-literal-and-how-to-save-it.json', result.scenario)",
    );
  });

  it('caps the timeline', async () => {
    const result = await checkout(1000);
    const violations = [
      { check: 'atLeastOnce', kind: 'missingEffect', service: 's', op: undefined, key: 'k', message: 'm' },
    ] as const;
    const report = formatFailureReport(violations, result, { maxTimelineLines: 3 });
    expect(report).toMatch(/at most 3 lines\):\n(.*\n){3}\s+… \d+ more events\n/);
  });
});

describe('replay recipe inside a property', () => {
  it('fills in the seed and path of the shrunk counterexample (fc.check)', async () => {
    const result = await checkout(1000);
    const details = await fc.check(
      fc.asyncProperty(fc.nat({ max: 100 }), async (n) => {
        if (n >= 10) expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf);
      }),
      { seed: 42 },
    );
    expect(details.failed).toBe(true);
    expect(details.counterexample).toEqual([10]);
    const message = (details.errorInstance as Error).message;
    expect(message).toContain(
      `FC_SEED=42 FC_PATH=${details.counterexamplePath} npx vitest run test/unit/vitest/matchers.test.ts -t 'fills in the seed and path of the shrunk counterexample \\(fc\\.check\\)'`,
    );
    expect(message).not.toContain('<path>');
  });

  it('fills them in for fc.assert, in the cause of fast-check error', async () => {
    const result = await checkout(1000);
    const error = await fc
      .assert(
        fc.asyncProperty(fc.nat(), async () => {
          expect(result).toHaveNoLostEvents();
          expect(result).toHaveEffectsExactlyOnce('payments', orderIdOf);
        }),
        { seed: 7 },
      )
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(error?.message).toMatch(/\{ seed: 7, path: "0(:0)*"/);
    expect((error?.cause as Error).message).toMatch(/FC_SEED=7 FC_PATH=0(:0)* npx vitest run/);
  });
});

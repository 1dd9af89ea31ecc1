import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation } from '../../src/index.js';

describe('Simulation', () => {
  it('accounts for every request when the run stops at a time limit: finished ones answered, running ones listed', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn(
      'Slow',
      () => async (event: { ms: number }) => {
        await new Promise((r) => setTimeout(r, event.ms));
        return event.ms;
      },
      { timeoutS: 60, initDurationMs: 0 },
    );
    void sim.invoke(fn, { ms: 1000 });
    void sim.invoke(fn, { ms: 30_000 });
    const result = await sim.run({ untilMs: 5000 });
    expect(result.end).toEqual({ kind: 'timeLimit', atMs: 5000, events: expect.any(Number) });
    expect(result.requests).toHaveLength(2);
    expect(result.requests[0]!.response?.kind).toBe('ok');
    expect(result.requests[0]!.endedAtMs).toBe(1000);
    expect(result.requests[1]!.response).toBeUndefined();
    expect(result.requests[1]!.endedAtMs).toBeUndefined();
  });

  it('ends with eventBudget when the budget runs out before the work does', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Ticker', () => async () => {
      for (let i = 0; i < 100; i++) await new Promise((r) => setTimeout(r, 10));
    });
    void sim.invoke(fn, {});
    const result = await sim.run({ maxEvents: 20 });
    expect(result.end.kind).toBe('eventBudget');
    expect(result.end.events).toBe(20);
  });

  it('records a caller that throws as failed, with its error, and keeps running the rest', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.spawn('bad', async () => {
      throw new Error('caller bug');
    });
    sim.spawn('good', async () => {
      await sim.sleep(100);
    });
    const result = await sim.run();
    const byName = Object.fromEntries(result.callers.map((c) => [c.name, c]));
    expect(byName.bad!.status).toBe('failed');
    expect(String(byName.bad!.error)).toBe('Error: caller bug');
    expect(byName.good!.status).toBe('finished');
    expect(byName.good!.endedAtMs).toBe(100);
  });

  it('validates every options bag: unknown keys and non-numbers are ConfigErrors', async () => {
    expect(() => createSimulation({ seed: 1, faultPlan: [] } as never)).toThrow(
      'createSimulation: faultPlan is not a known option (known: seed, accountConcurrency, startEpochMs, async, faults, allowDeterminismErrors, logs), got []',
    );
    const sim = createSimulation({ seed: 1 });
    expect(() => sim.spawn('c', async () => {}, { startMs: 5 } as never)).toThrow(
      'sim.spawn: startMs is not a known option (known: atMs), got 5',
    );
    await expect(sim.run({ untilMS: 5 } as never)).rejects.toThrow(
      'sim.run: untilMS is not a known option (known: untilMs, maxEvents), got 5',
    );
    await expect(sim.run({ untilMs: '5' } as never)).rejects.toThrow(
      'sim.run: untilMs must be a number >= 0, got "5"',
    );
    await expect(sim.run({ untilMs: Number.NaN })).rejects.toThrow(
      'sim.run: untilMs must be a number >= 0, got NaN',
    );
    await expect(sim.run({ maxEvents: Number.POSITIVE_INFINITY })).rejects.toThrow(
      'sim.run: maxEvents must be an integer between 1 and 9007199254740991, got Infinity',
    );
    // A refused run did not start: the simulation still runs.
    await expect(sim.run({ untilMs: 10 })).resolves.toMatchObject({ end: { kind: 'quiescent' } });
  });

  it('rejects bad input with ConfigErrors that name the API, the value and the rule', async () => {
    expect(() => createSimulation({ seed: 1.5 })).toThrow(
      'createSimulation: seed must be a safe integer, got 1.5',
    );
    expect(() => createSimulation({ seed: 1, accountConcurrency: 50 })).toThrow(
      'createSimulation: accountConcurrency must be an integer between 100 and 1000000, got 50',
    );
    const sim = createSimulation({ seed: 1 });
    expect(() => sim.fn('Bad Name', () => async () => null)).toThrow(ConfigError);
    expect(() => sim.fn('F', () => async () => null, { timeoutS: 901 })).toThrow(
      'fn("F"): timeoutS must be an integer between 1 and 900, got 901',
    );
    expect(() => sim.fn('G', () => async () => null, { memoryMb: 256 } as never)).toThrow(
      /fn\("G"\): memoryMb is not a known option/,
    );
    expect(() => sim.at(-1, () => {})).toThrow('sim.at: atMs must be a non-negative integer, got -1');
    sim.spawn('c', async () => {});
    expect(() => sim.spawn('c', async () => {})).toThrow(
      'sim.spawn: name is already used by another caller, got "c"',
    );
    const other = createSimulation({ seed: 2 });
    const foreign = other.fn('Foreign', () => async () => null);
    expect(() => sim.invoke(foreign, {})).toThrow(/sim\.invoke: fn belongs to another simulation/);
    await sim.run();
    await expect(sim.run()).rejects.toThrow(/sim\.run: run can be called once per simulation/);
  });

  it('refuses workload code that schedules into the past while the run goes on (a ConfigError, not a kernel failure)', async () => {
    const sim = createSimulation({ seed: 1 });
    const errors: unknown[] = [];
    sim.at(100, () => {
      for (const schedule of [
        () => sim.at(50, () => {}),
        () => sim.spawn('late', async () => {}, { atMs: 99 }),
      ])
        try {
          schedule();
        } catch (error) {
          errors.push(error);
        }
      sim.at(100, () => {}); // now is fine
    });
    expect((await sim.run()).end.kind).toBe('quiescent');
    expect(errors.map((e) => (e as Error).message)).toEqual([
      'sim.at: atMs must not be before the current virtual time (100 ms), got 50',
      'sim.spawn: atMs must not be before the current virtual time (100 ms), got 99',
    ]);
    for (const error of errors) expect(error).toBeInstanceOf(ConfigError);
  });

  it('reserves concurrency against the account pool at definition time (unreserved floor of 100)', () => {
    const sim = createSimulation({ seed: 1 });
    sim.fn('A', () => async () => null, { reservedConcurrency: 800 });
    expect(() => sim.fn('B', () => async () => null, { reservedConcurrency: 101 })).toThrow(
      'fn("B"): reservedConcurrency must leave at least 100 of the account limit (1000) unreserved: at most 100 is available, got 101',
    );
  });
});

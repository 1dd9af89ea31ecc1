import { describe, expect, it } from 'vitest';
import { createSimulation, handlerModule, type InvokeResponse } from '../../../src/index.js';
import { as, events, invokeAt, invokeManyAt } from '../../conformance/helpers.js';

const counter = new URL('../../../fixtures/modules/counter.ts', import.meta.url);
const throwsAtLoad = new URL('../../../fixtures/modules/throwsAtLoad.ts', import.meta.url);
const awaitsAtLoad = new URL('../../../fixtures/modules/awaitsAtLoad.ts', import.meta.url);

/** The `invocations` counter a counter.ts instance returned. */
function invocations(response: InvokeResponse): number {
  return (as(response, 'ok').body as { invocations: number }).invocations;
}

describe('handlerModule: a module instance per execution environment', () => {
  it('module state is kept across warm invokes of one environment: 1, 2, 3', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Counter', handlerModule(counter, 'handler'));
    const responses = [invokeAt(sim, 0, fn), invokeAt(sim, 1_000, fn), invokeAt(sim, 2_000, fn)];
    const result = await sim.run();

    expect((await Promise.all(responses)).map(invocations)).toEqual([1, 2, 3]);
    expect(new Set(events(result, 'invoke.started').map((e) => e.env))).toEqual(new Set(['Counter#1']));
  });

  it('two environments have independent module state: each counts from 1 (fails if one instance serves both)', async () => {
    const sim = createSimulation({ seed: 2 });
    const fn = sim.fn('Counter', handlerModule(counter));
    const together = invokeManyAt(sim, 0, fn, 2);
    const again = invokeManyAt(sim, 1_000, fn, 2);
    const result = await sim.run();

    expect((await together).map(invocations)).toEqual([1, 1]);
    expect((await again).map(invocations)).toEqual([2, 2]);
    expect(new Set(events(result, 'invoke.started').map((e) => e.env)).size).toBe(2);
    expect(result.warnings).toEqual([]);
  });

  it('a reset (crash) discards the module instance: the next invoke loads a fresh one and counts from 1', async () => {
    const sim = createSimulation({
      seed: 3,
      faults: [{ kind: 'crashAfterCalls', fn: 'Counter', invocation: 3, calls: 0 }],
    });
    const fn = sim.fn('Counter', handlerModule(counter));
    const responses = [0, 1_000, 2_000, 3_000, 4_000].map((atMs) => invokeAt(sim, atMs, fn));
    const result = await sim.run();

    const [first, second, crashed, afterReset, warm] = await Promise.all(responses);
    expect([first!, second!].map(invocations)).toEqual([1, 2]);
    expect(as(crashed!, 'functionError').body.errorType).toBe('Runtime.ExitError');
    expect([afterReset!, warm!].map(invocations)).toEqual([1, 2]);
    expect(events(result, 'env.initStarted')).toHaveLength(2);
  });

  it('an idle environment reclaimed: the next one loads a fresh instance', async () => {
    const sim = createSimulation({ seed: 4 });
    const fn = sim.fn('Counter', handlerModule(counter), { idleTimeoutS: 60 });
    const responses = [invokeAt(sim, 0, fn), invokeAt(sim, 1_000, fn), invokeAt(sim, 120_000, fn)];
    await sim.run();

    expect((await Promise.all(responses)).map(invocations)).toEqual([1, 2, 1]);
  });

  it('loading takes no virtual time: Init lasts initDurationMs, and module-scope code sees virtual time', async () => {
    const sim = createSimulation({ seed: 5 });
    const fn = sim.fn('Counter', handlerModule(counter), { initDurationMs: 300 });
    const response = invokeAt(sim, 1_000, fn);
    const result = await sim.run();

    expect(events(result, 'invoke.started')[0]!.atMs).toBe(1_300);
    const body = as(await response, 'ok').body as { loadedAtMs: number };
    expect(body.loadedAtMs).toBe(1_767_225_600_000 + 1_000); // Date.now() at module scope, at Init's start
    expect(result.determinismErrors).toEqual([]);
  });

  it('a top-level await on the simulation (a virtual timer) is waited for in virtual time', async () => {
    const sim = createSimulation({ seed: 6 });
    const fn = sim.fn('Awaits', handlerModule(awaitsAtLoad), { initDurationMs: 100 });
    const response = invokeAt(sim, 0, fn);
    const result = await sim.run();

    expect(as(await response, 'ok').body).toEqual({
      startedAtMs: 1_767_225_600_000,
      readyAtMs: 1_767_225_600_250,
    });
    expect(events(result, 'invoke.started')[0]!.atMs).toBe(250);
    expect(result.determinismErrors).toEqual([]);
  });

  it('loading is deterministic: the same seed gives the same trace hash with many environments', async () => {
    const hashes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const sim = createSimulation({ seed: 7 });
      const fn = sim.fn('Counter', handlerModule(counter), { environment: { TABLE_NAME: 'orders' } });
      void invokeManyAt(sim, 0, fn, 5);
      void invokeManyAt(sim, 50, fn, 5);
      hashes.push((await sim.run()).traceHash);
    }
    expect(hashes[0]).toBe(hashes[1]);
  });
});

describe('handlerModule: Init errors (R-ENV-8)', () => {
  it('the module throws at top level: the invoke fails with its error, and the next invoke loads it again', async () => {
    const sim = createSimulation({ seed: 10 });
    const fn = sim.fn('Throws', handlerModule(throwsAtLoad));
    const responses = [invokeAt(sim, 0, fn), invokeAt(sim, 1_000, fn)];
    const result = await sim.run();

    for (const response of await Promise.all(responses)) {
      const failed = as(response, 'functionError');
      expect(failed.body).toMatchObject({ errorType: 'TypeError', errorMessage: 'TABLE_NAME is not set' });
    }
    expect(events(result, 'env.initFailed')).toHaveLength(2);
  });

  it('the fixed twin: with TABLE_NAME in its environment, the same module loads', async () => {
    const sim = createSimulation({ seed: 10 });
    const fn = sim.fn('Throws', handlerModule(throwsAtLoad), { environment: { TABLE_NAME: 'orders' } });
    const response = invokeAt(sim, 0, fn);
    await sim.run();
    expect(as(await response, 'ok').body).toBe('orders');
  });

  it.each([
    ['a missing export', 'handle', 'counter.handle is undefined or not exported'],
    ['an export that is not a function', 'notAFunction', 'counter.notAFunction is not a function'],
  ])(
    '%s is Runtime.HandlerNotFound, as the Node.js runtime reports it',
    async (_case, exportName, message) => {
      const sim = createSimulation({ seed: 11 });
      const fn = sim.fn('Missing', handlerModule(counter, exportName));
      const response = invokeAt(sim, 0, fn);
      await sim.run();
      expect(as(await response, 'functionError').body).toMatchObject({
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: message,
      });
    },
  );

  it('a module that does not exist is Runtime.ImportModuleError', async () => {
    const sim = createSimulation({ seed: 13 });
    const fn = sim.fn('Nowhere', handlerModule(new URL('./nowhere.ts', counter)));
    const response = invokeAt(sim, 0, fn);
    await sim.run();
    expect(as(await response, 'functionError').body.errorType).toBe('Runtime.ImportModuleError');
  });

  it('bad input is a ConfigError naming the field', () => {
    expect(() => handlerModule('fixtures/modules/counter.ts' as unknown as URL)).toThrow(
      /handlerModule: module must be a file: URL/,
    );
    expect(() => handlerModule(counter, 'not a name')).toThrow(/handlerModule: exportName/);
  });
});

describe('one handler object serving two environments at once', () => {
  it('is detected and warned about once, naming the function and the fix', async () => {
    const sim = createSimulation({ seed: 20 });
    let count = 0;
    const shared = async function chargeOrder() {
      count++;
      return count;
    };
    const fn = sim.fn('Shared', () => shared);
    void invokeManyAt(sim, 0, fn, 3);
    const result = await sim.run();

    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/Shared: the handler chargeOrder serves Shared#1 and Shared#2/);
    expect(result.warnings[0]).toMatch(/handlerModule\(/);
  });

  it('the fixed twin: a factory that builds a handler per environment is not warned about', async () => {
    const sim = createSimulation({ seed: 20 });
    const fn = sim.fn('PerEnv', () => async () => 'ok');
    void invokeManyAt(sim, 0, fn, 3);
    const result = await sim.run();
    expect(result.warnings).toEqual([]);
  });
});

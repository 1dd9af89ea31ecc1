/**
 * Isolation (DESIGN.md section 2): what a handler does to process-wide state stays inside the
 * simulation. A replaced virtual global is put back after the invocation and reported; a real
 * timer started inside a run is cancelled when the run ends (and reported); `process.env` is
 * per runtime process, so a write (even `TZ`) is seen by that process only.
 */
import timers, { setTimeout as timersSetTimeout } from 'node:timers';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createSimulation, type InvokeResponse, type SimulationResult } from '../../../src/index.js';
import { virtualGlobalSlots, virtualGlobalsInPlace } from '../../../src/sim/installVirtualGlobals.js';
import { realGlobals } from '../../../src/sim/realGlobals.js';

const EPOCH_MS = 1_600_000_000_000;

/** Runs one function: `count` invocations in a row (one environment), each handler call in turn. */
async function inSequence(
  seed: number,
  handlers: ReadonlyArray<() => Promise<unknown>>,
): Promise<{ bodies: unknown[]; result: SimulationResult }> {
  const sim = createSimulation({ seed, startEpochMs: EPOCH_MS });
  let n = 0;
  const fn = sim.fn('Probe', () => () => handlers[n++]!(), { initDurationMs: 0 });
  const bodies: unknown[] = [];
  sim.spawn('client', async () => {
    for (let i = 0; i < handlers.length; i++) bodies.push(bodyOf(await sim.invoke(fn, {})));
  });
  const result = await sim.run();
  return { bodies, result };
}

function bodyOf(response: InvokeResponse): unknown {
  return response.kind === 'ok' ? response.body : response;
}

describe('a handler that replaces a virtual global', () => {
  it('gets it put back after the invocation, for the next invocation, the test runner and the next simulation', async () => {
    const before = {
      random: Math.random,
      Date: globalThis.Date,
      setTimeout: globalThis.setTimeout,
      timersSetTimeout: timers.setTimeout,
      dateNow: Date.now,
    };
    class FrozenDate extends realGlobals.Date {}
    const { bodies, result } = await inSequence(1, [
      async () => {
        Math.random = () => 0.5;
        globalThis.Date = FrozenDate as DateConstructor;
        timers.setTimeout = (() => 0) as unknown as typeof timers.setTimeout;
        return Math.random();
      },
      async () => ({ random: Math.random(), isVirtualDate: Date === before.Date }),
    ]);
    expect(bodies[0]).toBe(0.5);
    // The second invocation (same environment) sees the virtual globals again.
    expect(bodies[1]).toMatchObject({ isVirtualDate: true });
    expect((bodies[1] as { random: number }).random).not.toBe(0.5);
    // The test runner does too: the same functions as before the run, named ESM bindings included.
    expect(Math.random).toBe(before.random);
    expect(globalThis.Date).toBe(before.Date);
    expect(Date.now).toBe(before.dateNow);
    expect(timers.setTimeout).toBe(before.timersSetTimeout);
    expect(timersSetTimeout).toBe(before.timersSetTimeout);
    expect(globalThis.setTimeout).toBe(before.setTimeout);
    // Reported once each, naming the environment and the global.
    const replaced = result.determinismErrors.map((e) => [e.by, e.resource]);
    expect(replaced).toEqual([
      ['Probe#1', 'global Date'],
      ['Probe#1', 'global Math.random'],
      ['Probe#1', 'global node:timers setTimeout'],
    ]);
    const error = result.determinismErrors[1]!;
    expect(error.message).toContain('Probe#1 replaced the global Math.random');
    expect(error.message).toContain('put its virtual Math.random back');
    expect(error.atMs).toBe(0);
    expect(result.trace).toContainEqual({
      atMs: 0,
      kind: 'determinism.violated',
      by: 'Probe#1',
      resource: 'global Math.random',
    });
    // The next simulation draws seeded values again.
    const next = await inSequence(1, [async () => Math.random()]);
    expect(next.bodies[0]).not.toBe(0.5);
    expect(next.result.determinismErrors).toEqual([]);
  });

  it('is found at the end of the run when no invocation ends after it (a simulated caller)', async () => {
    const before = Math.random;
    const sim = createSimulation({ seed: 1 });
    sim.at(5, () => {
      Math.random = () => 0.25;
    });
    const result = await sim.run();
    expect(Math.random).toBe(before);
    expect(result.determinismErrors.map((e) => [e.by, e.resource, e.site])).toEqual([
      ['simulated code', 'global Math.random', '(found when the run ended)'],
    ]);
  });

  it('keeps globals the test stubbed before sim.run() (only replacements during the run are undone)', async () => {
    const virtualRandom = Math.random;
    const stub = () => 0.75;
    Math.random = stub;
    try {
      const { bodies, result } = await inSequence(1, [async () => Math.random()]);
      expect(bodies).toEqual([0.75]);
      expect(Math.random).toBe(stub);
      expect(result.determinismErrors).toEqual([]);
    } finally {
      Math.random = virtualRandom;
    }
  });
});

describe('the check after each invocation', () => {
  it('notices a replacement of every virtual global (its unrolled fast path covers every slot)', () => {
    const slots = virtualGlobalSlots();
    expect(slots.length).toBeGreaterThanOrEqual(28);
    expect(virtualGlobalsInPlace()).toBe(true);
    const missed: string[] = [];
    for (const slot of slots) {
      const original: unknown = Reflect.get(slot.owner, slot.key);
      Reflect.set(slot.owner, slot.key, () => 0);
      if (virtualGlobalsInPlace()) missed.push(slot.name);
      Reflect.set(slot.owner, slot.key, original);
    }
    expect(missed).toEqual([]);
    expect(virtualGlobalsInPlace()).toBe(true);
  });
});

describe('a real timer started inside a run', () => {
  it('is cancelled when the run ends, so it never fires into the test process, and stays reported', async () => {
    let ticks = 0;
    let handle: NodeJS.Timeout | undefined;
    try {
      const { bodies, result } = await inSequence(1, [
        async () => {
          // A reference captured before lambdasim was imported is Node's real setInterval.
          handle = realGlobals.setInterval(() => ticks++, 1);
          return 'started';
        },
      ]);
      expect(bodies).toEqual(['started']);
      expect(result.determinismErrors.map((e) => [e.by, e.resource])).toEqual([['Probe#1', 'Timeout']]);
      const atEnd = ticks;
      await new Promise((resolve) => realGlobals.setTimeout(resolve, 30));
      expect(ticks).toBe(atEnd);
    } finally {
      realGlobals.clearInterval(handle);
    }
  });
});

describe('process.env inside a simulated runtime process', () => {
  const KEY = 'LAMBDASIM_ISOLATION_TEST';

  it('is the process own: a write is invisible to other environments, other simulations and the test runner', async () => {
    process.env.LAMBDASIM_HOST_VAR = 'from the host';
    try {
      const sim = createSimulation({ seed: 1 });
      let tzBeside: string | undefined;
      const fn = sim.fn(
        'Env',
        () => async (event: { write?: string; waitMs: number }) => {
          const seenAtStart = process.env[KEY];
          if (event.write !== undefined) {
            process.env[KEY] = event.write;
            process.env.TZ = 'America/New_York';
          }
          await new Promise((resolve) => setTimeout(resolve, event.waitMs));
          return {
            seenAtStart: seenAtStart ?? null,
            seenAtEnd: process.env[KEY] ?? null,
            host: process.env.LAMBDASIM_HOST_VAR,
            tz: process.env.TZ,
            hours: new Date(Date.UTC(2026, 0, 1, 12)).getHours(),
          };
        },
        { initDurationMs: 0 },
      );
      const writer = sim.invoke(fn, { write: 'a', waitMs: 100 }); // environment Env#1
      const reader = sim.invoke(fn, { waitMs: 200 }); // Env#2, concurrent
      sim.at(150, () => {
        tzBeside = process.env.TZ; // a simulated caller sees the real environment
      });
      const warm = new Promise<InvokeResponse>((resolve) =>
        sim.at(1_000, () => void sim.invoke(fn, { waitMs: 0 }).then(resolve)),
      );
      // Another simulation side by side.
      const other = createSimulation({ seed: 2 });
      const otherFn = other.fn('Other', () => async () => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        return process.env[KEY] ?? null;
      });
      const otherResponse = other.invoke(otherFn, {});
      const [result, otherResult] = await Promise.all([sim.run(), other.run()]);

      expect(bodyOf(await writer)).toEqual({
        seenAtStart: null,
        seenAtEnd: 'a',
        host: 'from the host',
        tz: 'America/New_York',
        hours: 12, // the zone stays UTC: see README "Determinism contract"
      });
      expect(bodyOf(await reader)).toMatchObject({ seenAtStart: null, seenAtEnd: null, tz: ':UTC' }); // Lambda's TZ
      // A warm invocation of the writer's environment keeps what its process wrote.
      expect(bodyOf(await warm)).toMatchObject({ seenAtStart: 'a', host: 'from the host' });
      expect(bodyOf(await otherResponse)).toBe(null);
      expect(tzBeside).toBe('UTC');
      expect(process.env[KEY]).toBeUndefined();
      expect(KEY in process.env).toBe(false);
      expect(result.determinismErrors).toEqual([]);
      expect(otherResult.determinismErrors).toEqual([]);
    } finally {
      delete process.env.LAMBDASIM_HOST_VAR;
    }
  });

  it('starts afresh in a new runtime process (after a reset), as in Lambda', async () => {
    const { bodies } = await inSequence(1, [
      async () => {
        process.env[KEY] = 'before the crash';
        process.exit(1);
      },
      async () => process.env[KEY] ?? null,
    ]);
    expect(bodies[1]).toBe(null);
  });

  it("keeps Node's semantics: string values, delete, in, keys, spread, defineProperty rules", async () => {
    const { bodies } = await inSequence(1, [
      async () => {
        const env = process.env as Record<string, unknown>;
        env[KEY] = 42;
        env[`${KEY}_U`] = undefined;
        const afterSet = { n: env[KEY], type: typeof env[KEY], u: env[`${KEY}_U`] };
        const listed = Object.keys(process.env).includes(KEY) && KEY in process.env;
        const spread = { ...process.env }[KEY];
        const json = (JSON.parse(JSON.stringify(process.env)) as Record<string, string>)[KEY];
        const own = Object.prototype.hasOwnProperty.call(process.env, KEY);
        const inspected = inspect(process.env).includes(`${KEY}: '42'`); // console.log(process.env)
        const deleted = delete env[KEY];
        const gone = !(KEY in process.env) && process.env[KEY] === undefined;
        const errors: string[] = [];
        try {
          env[`${KEY}_S`] = Symbol('s');
        } catch (e) {
          errors.push((e as Error).constructor.name);
        }
        try {
          Object.defineProperty(process.env, `${KEY}_G`, { get: () => 'x' });
        } catch (e) {
          errors.push((e as { code: string }).code);
        }
        try {
          Object.defineProperty(process.env, `${KEY}_V`, { value: 'x' });
        } catch (e) {
          errors.push((e as { code: string }).code);
        }
        Object.defineProperty(process.env, `${KEY}_D`, {
          value: 7,
          writable: true,
          enumerable: true,
          configurable: true,
        });
        const defined = process.env[`${KEY}_D`];
        env.__proto__ = 'plain';
        const proto = { value: env.__proto__, stillEnv: typeof process.env.hasOwnProperty === 'function' };
        return { afterSet, listed, spread, json, own, inspected, deleted, gone, errors, defined, proto };
      },
    ]);
    expect(bodies[0]).toEqual({
      afterSet: { n: '42', type: 'string', u: 'undefined' },
      listed: true,
      spread: '42',
      json: '42',
      own: true,
      inspected: true,
      deleted: true,
      gone: true,
      errors: ['TypeError', 'ERR_INVALID_OBJECT_DEFINE_PROPERTY', 'ERR_INVALID_OBJECT_DEFINE_PROPERTY'],
      defined: '7',
      proto: { value: 'plain', stillEnv: true },
    });
    expect(process.env[`${KEY}_D`]).toBeUndefined();
    expect(inspect(process.env)).not.toContain(KEY);
    expect(inspect(process.env)).toContain('PATH');
  });
});

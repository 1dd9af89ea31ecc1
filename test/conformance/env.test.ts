/*
 * Conformance tests of spec §4/§8 R-ENV (execution environment).
 *
 * R-ENV-4 as proposed with these tests (the spec file lives outside the repository):
 *
 * - **R-ENV-4** After an invoke that ends without a reset (success, or a plain function error per
 *   R-ENV-5), freeze the environment: pending timers, promises and background work are suspended
 *   (no virtual-time progress) and resume only when that environment is thawed by a later invoke;
 *   if it is reclaimed (R-ENV-6) or reset first, they never run. A service request sent by the
 *   environment that has not reached its service at the freeze either had already left the
 *   environment (it lands on time; its response waits for the thaw) or is suspended with it (it
 *   goes on with the rest of its trip when a later invoke thaws the environment, and never lands
 *   if the environment is reclaimed or reset before that). Which one is U (AWS does not say how far
 *   a request had got when the freeze came): a seeded choice per request (default: one half each),
 *   or the `landed` of a `reclaimAfterReturn` fault, which reclaims the environment as soon as the
 *   invoke ends. AWS: "Background processes or callbacks initiated by your Lambda function that did
 *   not complete when the function ended resume if AWS Lambda chooses to reuse the execution
 *   context", and code should make sure such work completes before it exits: nothing guarantees a
 *   later invoke reuses the environment. [DG23-RUNENV], [EXEC-MODEL]
 *
 *   [EXEC-MODEL] https://docs.aws.amazon.com/lambda/latest/dg/running-lambda-code.html (AWS Lambda
 *   execution model; now https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html,
 *   "Lambda freezes the execution environment when the runtime and each extension have completed
 *   and there are no pending events").
 */
import { describe, expect, it } from 'vitest';
import {
  createSimulation,
  type Effect,
  type FaultPlan,
  type InvokeResponse,
  type SimulationResult,
} from '../../src/index.js';
import { as, events, eventsOf, invokeAt, invokeManyAt, lifecycle, only, sleep } from './helpers.js';

/** Seeds for the freeze-fidelity tests: enough for both outcomes of the seeded choice. */
const FREEZE_SEEDS = Array.from({ length: 40 }, (_v, i) => i + 1);

/**
 * Invocation 1 of `Audit` starts a 20 ms call (it lands after 10 ms) without awaiting it and
 * returns at once, so the environment freezes with the call in flight; invocation 2 (if any)
 * comes at `secondAtMs` and runs for 100 ms.
 */
async function fireAndForget(
  seed: number,
  o: { secondAtMs?: number; idleTimeoutS?: number; faults?: FaultPlan },
): Promise<{
  result: SimulationResult;
  effects: readonly Effect[];
  first: InvokeResponse;
  second?: InvokeResponse;
}> {
  const sim = createSimulation({ seed, ...(o.faults === undefined ? {} : { faults: o.faults }) });
  const audit = sim.api('audit', { latencyMs: 20 });
  const fn = sim.fn(
    'Audit',
    () => async (event: { send?: boolean }) => {
      if (event.send)
        void audit.call('record', {}); // not awaited: fire and forget
      else await sleep(100); // a later invoke runs long enough for a resumed call to land
      return 'returned';
    },
    { initDurationMs: 0, ...(o.idleTimeoutS === undefined ? {} : { idleTimeoutS: o.idleTimeoutS }) },
  );
  const first = invokeAt(sim, 0, fn, { send: true });
  const second = o.secondAtMs === undefined ? undefined : invokeAt(sim, o.secondAtMs, fn);
  const result = await sim.run();
  return {
    result,
    effects: result.effects('audit'),
    first: as(await first, 'ok'),
    ...(second === undefined ? {} : { second: await second }),
  };
}

/** Env ids of `invoke.started`, in trace order. */
function startedEnvs(result: SimulationResult): string[] {
  return events(result, 'invoke.started').map((e) => e.env);
}

describe('execution environment (spec §4, §8 R-ENV)', () => {
  it('R-ENV-1: an environment busy with Init or with an invoke never takes a second request', async () => {
    const sim = createSimulation({ seed: 31 });
    const fn = sim.fn('Serial', () => async () => sleep(1000), { initDurationMs: 100 });
    const duringInit = [invokeAt(sim, 0, fn), invokeAt(sim, 50, fn)];
    const duringInvoke = invokeAt(sim, 500, fn);
    const later = invokeAt(sim, 3000, fn);
    const result = await sim.run();

    const [a, b] = await Promise.all(duringInit);
    expect(only(result, 'invoke.started', a!.requestId)).toMatchObject({ env: 'Serial#1', atMs: 100 });
    // Serial#1 was still in Init at 50 ms: a second environment was created.
    expect(only(result, 'invoke.started', b!.requestId)).toMatchObject({ env: 'Serial#2', atMs: 150 });
    // Both were running their handler at 500 ms: a third one.
    expect(only(result, 'invoke.started', (await duringInvoke).requestId)).toMatchObject({
      env: 'Serial#3',
      cold: true,
    });
    expect(only(result, 'invoke.started', (await later).requestId).cold).toBe(false);
    // On every environment, invocations strictly alternate start -> end.
    for (const env of ['Serial#1', 'Serial#2', 'Serial#3']) {
      const phases = lifecycle(result, env)
        .map((s) => s.split('@')[0])
        .filter((k) => k === 'invoke.started' || k === 'invoke.succeeded' || k === 'invoke.failed');
      for (let i = 0; i < phases.length; i++)
        expect(phases[i]).toBe(i % 2 === 0 ? 'invoke.started' : 'invoke.succeeded');
    }
  });

  it('R-ENV-2: Init runs once per environment before its first invoke; warm invokes skip it; cold latency = init + handler', async () => {
    const sim = createSimulation({ seed: 32 });
    const initAtMs: number[] = [];
    const fn = sim.fn(
      'Counter',
      () => {
        initAtMs.push(sim.nowMs);
        let n = 0;
        return async () => {
          await sleep(40);
          n++;
          return n;
        };
      },
      { initDurationMs: 250 },
    );
    const cold = invokeAt(sim, 0, fn);
    const warm = invokeAt(sim, 1000, fn);
    const warmAgain = invokeAt(sim, 2000, fn);
    const result = await sim.run();

    expect(initAtMs).toEqual([0]);
    const c = as(await cold, 'ok');
    const w = as(await warm, 'ok');
    expect([c.body, w.body, as(await warmAgain, 'ok').body]).toEqual([1, 2, 3]); // module state kept
    expect(only(result, 'invoke.started', c.requestId)).toMatchObject({ atMs: 250, cold: true });
    expect(only(result, 'request.completed', c.requestId).atMs).toBe(290); // 250 Init + 40 handler
    expect(only(result, 'invoke.started', w.requestId)).toMatchObject({ atMs: 1000, cold: false });
    expect(only(result, 'request.completed', w.requestId).atMs).toBe(1040);
    expect(events(result, 'env.initStarted').map((e) => e.atMs)).toEqual([0]);
    expect(events(result, 'env.initFinished').map((e) => e.atMs)).toEqual([250]);
  });

  it('R-ENV-3: an Init longer than 10 s is aborted and re-run inside the first invoke, on its timeout budget', async () => {
    const sim = createSimulation({ seed: 33 });
    let inits = 0;
    const fn = sim.fn(
      'SlowInit',
      () => {
        inits++;
        return async () => {
          await sleep(1000);
          return 'ready';
        };
      },
      { initDurationMs: 12_000, timeoutS: 30 },
    );
    const pending = invokeAt(sim, 0, fn);
    const result = await sim.run();

    const r = as(await pending, 'ok');
    expect(r.body).toBe('ready');
    expect(inits).toBe(2);
    expect(events(result, 'env.initStarted')).toEqual([
      { atMs: 0, kind: 'env.initStarted', env: 'SlowInit#1', budgetMs: 10_000 },
      { atMs: 10_000, kind: 'env.initStarted', env: 'SlowInit#1', budgetMs: 30_000 },
    ]);
    expect(lifecycle(result, 'SlowInit#1')).toEqual([
      'env.created@0',
      'env.initStarted@0',
      'env.initAborted@10000',
      'env.initStarted@10000',
      'env.initFinished@22000',
      'invoke.started@22000',
      'invoke.succeeded@23000',
    ]);
    expect(only(result, 'invoke.started', r.requestId).cold).toBe(true);
  });

  it('R-ENV-3: the timeout of that invoke counts from the start of the Init retry', async () => {
    const sim = createSimulation({ seed: 33 });
    const handlerTooSlow = sim.fn('HandlerTooSlow', () => async () => sleep(60_000), {
      initDurationMs: 12_000,
      timeoutS: 15,
    });
    const initTooSlow = sim.fn('InitTooSlow', () => async () => 'never', {
      initDurationMs: 12_000,
      timeoutS: 5,
    });
    const a = invokeAt(sim, 0, handlerTooSlow);
    const b = invokeAt(sim, 0, initTooSlow);
    const result = await sim.run();

    // Init retry starts at 10 s; deadline 10 s + 15 s = 25 s (not handler start 22 s + 15 s).
    const ra = as(await a, 'functionError');
    expect(ra.body).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${ra.requestId} Error: Task timed out after 15.00 seconds`,
    });
    expect(only(result, 'invoke.started', ra.requestId).atMs).toBe(22_000);
    expect(only(result, 'invoke.failed', ra.requestId).atMs).toBe(25_000);
    // The retried Init itself runs past the 5 s timeout: the invoke times out at 15 s, the handler never ran.
    const rb = as(await b, 'functionError');
    expect(rb.body.errorType).toBe('Sandbox.Timedout');
    expect(rb.body.errorMessage).toBe(`RequestId: ${rb.requestId} Error: Task timed out after 5.00 seconds`);
    expect(eventsOf(result, 'invoke.started', rb.requestId)).toEqual([]);
    expect(only(result, 'invoke.failed', rb.requestId).atMs).toBe(15_000);
    expect(lifecycle(result, 'InitTooSlow#1').slice(-2)).toEqual(['invoke.failed@15000', 'env.reset@15000']);
  });

  it('R-ENV-4: background timers are frozen with the environment and resume only when a later invoke thaws it', async () => {
    const sim = createSimulation({ seed: 34 });
    const fired: number[] = [];
    const fn = sim.fn(
      'Background',
      () => async (event: { arm?: boolean }) => {
        if (event.arm) setTimeout(() => fired.push(sim.nowMs), 1000);
        return 'answered';
      },
      { initDurationMs: 0 },
    );
    const first = invokeAt(sim, 0, fn, { arm: true });
    const second = invokeAt(sim, 5000, fn);
    const result = await sim.run();

    as(await first, 'ok');
    // The response did not wait for the timer (async handler: no drain); the timer was frozen.
    expect(only(result, 'request.completed', (await first).requestId).atMs).toBe(0);
    expect(events(result, 'env.frozen')).toEqual([
      { atMs: 0, kind: 'env.frozen', env: 'Background#1', pendingWork: 1 },
    ]);
    // Due at 1000 ms, but the environment was frozen: it ran at the thaw, 5000 ms, not before.
    expect(fired).toEqual([5000]);
    expect(events(result, 'env.thawed')).toEqual([
      { atMs: 5000, kind: 'env.thawed', env: 'Background#1', resumed: 1 },
    ]);
    expect(only(result, 'invoke.started', (await second).requestId)).toMatchObject({
      env: 'Background#1',
      cold: false,
    });
  });

  it('R-ENV-4: frozen work never runs if the environment is not thawed, and a thaw resumes only that environment', async () => {
    const sim = createSimulation({ seed: 35 });
    const fired: string[] = [];
    const fn = sim.fn(
      'TwoEnvs',
      (info) => async () => {
        setTimeout(() => fired.push(info.id), 100);
        await sleep(10);
      },
      { initDurationMs: 0 },
    );
    const both = invokeManyAt(sim, 0, fn, 2);
    const one = invokeAt(sim, 5000, fn);
    const result = await sim.run();

    expect((await both).map((r) => r.kind)).toEqual(['ok', 'ok']);
    const frozenBeforeThaw = events(result, 'env.frozen').filter((e) => e.atMs < 5000);
    expect(frozenBeforeThaw.map((e) => [e.env, e.pendingWork])).toEqual([
      ['TwoEnvs#1', 1],
      ['TwoEnvs#2', 1],
    ]);
    const thawedEnv = only(result, 'invoke.started', (await one).requestId).env;
    expect(events(result, 'env.thawed').map((e) => [e.atMs, e.env])).toEqual([[5000, thawedEnv]]);
    // Only the thawed environment's timer ran (at the thaw); the other one's is still frozen.
    expect(fired).toEqual([thawedEnv]);
  });

  it('R-ENV-4: a call not landed at the freeze is on the wire (lands on time) or suspended with the environment (lands on thaw), a seeded choice', async () => {
    const groups = { onTime: [] as number[], suspended: [] as number[] };
    for (const seed of FREEZE_SEEDS) {
      const { result, effects } = await fireAndForget(seed, { secondAtMs: 5000 });
      const suspended = events(result, 'call.suspended');
      if (suspended.length === 0) {
        groups.onTime.push(seed);
        // The request had left before the freeze: the service got it on time, while frozen.
        expect(
          effects.map((e) => e.atMs),
          `seed ${seed}`,
        ).toEqual([10]);
        continue;
      }
      groups.suspended.push(seed);
      expect(suspended, `seed ${seed}`).toEqual([
        { atMs: 0, kind: 'call.suspended', callId: 1, service: 'audit', op: 'record', env: 'Audit#1' },
      ]);
      // Nothing reached the service while the environment was frozen; the thaw at 5000 sent the
      // rest of its trip (10 ms), so it landed at 5010, once.
      expect(
        effects.map((e) => e.atMs),
        `seed ${seed}`,
      ).toEqual([5010]);
      expect(events(result, 'call.landed').map((e) => e.atMs)).toEqual([5010]);
    }
    // Both happen, about half each: what AWS leaves open is a seeded choice, not a constant.
    expect(groups.onTime.length).toBeGreaterThan(FREEZE_SEEDS.length / 5);
    expect(groups.suspended.length).toBeGreaterThan(FREEZE_SEEDS.length / 5);
    // Replayable: the same seed makes the same choice.
    const again = await fireAndForget(groups.suspended[0]!, { secondAtMs: 5000 });
    expect(events(again.result, 'call.suspended')).toHaveLength(1);
  });

  it('R-ENV-4: a call suspended, thawed and frozen again keeps only the trip it had left (frozen time never counts)', async () => {
    // Invocation 1 sends a 20 ms call (it lands 10 ms after sending) and returns at 0; invocation 2
    // at 5000 thaws the environment for 4 ms; invocation 3 at 9000 thaws it again. Suspended at
    // both freezes, the call travels 4 ms in invocation 2 and its last 6 ms in invocation 3.
    const outcomes = { twiceSuspended: 0, leftAtSecondFreeze: 0 };
    for (const seed of FREEZE_SEEDS) {
      const sim = createSimulation({ seed });
      const audit = sim.api('audit', { latencyMs: 20 });
      const fn = sim.fn(
        'Audit',
        () => async (event: { send?: boolean; holdMs?: number }) => {
          if (event.send) void audit.call('record', {}); // not awaited: fire and forget
          if (event.holdMs !== undefined) await sleep(event.holdMs);
        },
        { initDurationMs: 0 },
      );
      invokeAt(sim, 0, fn, { send: true });
      invokeAt(sim, 5000, fn, { holdMs: 4 });
      invokeAt(sim, 9000, fn, { holdMs: 100 });
      const result = await sim.run();

      const suspended = events(result, 'call.suspended').map((e) => e.atMs);
      if (suspended[0] !== 0) continue; // on the wire at the first freeze: landed at 10
      if (suspended.length === 2) {
        outcomes.twiceSuspended++;
        expect(suspended, `seed ${seed}`).toEqual([0, 5004]);
        expect(
          result.effects('audit').map((e) => e.atMs),
          `seed ${seed}`,
        ).toEqual([9006]);
      } else {
        outcomes.leftAtSecondFreeze++;
        // On the wire at the second freeze: it lands when its resumed trip ends, 5000 + 10.
        expect(
          result.effects('audit').map((e) => e.atMs),
          `seed ${seed}`,
        ).toEqual([5010]);
      }
    }
    expect(outcomes.twiceSuspended).toBeGreaterThan(0);
    expect(outcomes.leftAtSecondFreeze).toBeGreaterThan(0);
  });

  it('R-ENV-4: a suspended call never lands when its frozen environment is reclaimed (idle timeout, R-ENV-6)', async () => {
    let lost = 0;
    for (const seed of FREEZE_SEEDS) {
      const { result, effects } = await fireAndForget(seed, { secondAtMs: 60_000, idleTimeoutS: 60 });
      expect(events(result, 'env.reclaimed').map((e) => [e.atMs, e.env])).toEqual([[60_000, 'Audit#1']]);
      if (events(result, 'call.suspended').length === 0) {
        expect(
          effects.map((e) => e.atMs),
          `seed ${seed}`,
        ).toEqual([10]);
        continue;
      }
      lost++;
      expect(effects, `seed ${seed}`).toEqual([]);
      expect(events(result, 'call.landed')).toEqual([]);
      expect(events(result, 'call.lost')).toEqual([
        {
          atMs: 60_000,
          kind: 'call.lost',
          callId: 1,
          service: 'audit',
          op: 'record',
          reason: 'suspendedCallerGone',
        },
      ]);
    }
    expect(lost).toBeGreaterThan(FREEZE_SEEDS.length / 5);
  });

  it('R-ENV-4: a suspended call that no later invoke thaws has not landed when the run ends', async () => {
    let pending = 0;
    for (const seed of FREEZE_SEEDS) {
      const { result, effects } = await fireAndForget(seed, {});
      if (events(result, 'call.suspended').length === 0) continue;
      pending++;
      expect(effects, `seed ${seed}`).toEqual([]);
      expect(events(result, 'call.landed')).toEqual([]);
    }
    expect(pending).toBeGreaterThan(FREEZE_SEEDS.length / 5);
  });

  it('R-ENV-4: a reclaimAfterReturn fault reclaims the environment as the invoke returns; its landed field decides the call in flight', async () => {
    const fault = (landed: boolean) =>
      ({ kind: 'reclaimAfterReturn', fn: 'Audit', invocation: 1, landed }) as const;
    for (const seed of [1, 2, 3]) {
      const lost = await fireAndForget(seed, { secondAtMs: 5000, faults: [fault(false)] });
      expect(lost.effects).toEqual([]);
      expect(lifecycle(lost.result, 'Audit#1')).toEqual([
        'env.created@0',
        'env.initStarted@0',
        'env.initFinished@0',
        'invoke.started@0',
        'invoke.succeeded@0',
        'env.frozen@0',
        'call.suspended@0',
        'env.reclaimed@0',
      ]);
      expect(events(lost.result, 'call.lost')).toEqual([
        {
          atMs: 0,
          kind: 'call.lost',
          callId: 1,
          service: 'audit',
          op: 'record',
          reason: 'suspendedCallerGone',
        },
      ]);
      expect(events(lost.result, 'fault.injected')).toEqual([
        {
          atMs: 0,
          kind: 'fault.injected',
          fault: 'reclaimAfterReturn',
          target: 'Audit',
          point: 'invocation',
          at: 1,
        },
      ]);
      // The next invoke finds no warm environment.
      expect(only(lost.result, 'invoke.started', lost.second!.requestId)).toMatchObject({
        env: 'Audit#2',
        cold: true,
      });
      // The ledger names the fault on the attempt it followed.
      const input = lost.result.inputs.find((i) => i.id === lost.first.requestId)!;
      expect(input.state).toBe('completed');
      expect(input.effects).toEqual([]);
      expect(input.attempts[0]!.faults.map((f) => f.fault)).toEqual(['reclaimAfterReturn']);

      const landed = await fireAndForget(seed, { secondAtMs: 5000, faults: [fault(true)] });
      // The request had left: it lands on time although its environment is gone.
      expect(landed.effects.map((e) => e.atMs)).toEqual([10]);
      expect(events(landed.result, 'call.suspended')).toEqual([]);
      expect(events(landed.result, 'env.reclaimed').map((e) => [e.atMs, e.env])).toEqual([[0, 'Audit#1']]);
      expect(events(landed.result, 'call.returned')).toEqual([]);
    }
  });

  it('R-ENV-4: a reclaimAfterReturn fault drops frozen timers, and a call awaited before the return is never suspended', async () => {
    const sim = createSimulation({
      seed: 5,
      faults: [{ kind: 'reclaimAfterReturn', fn: 'Awaits', invocation: 1, landed: false }],
    });
    const audit = sim.api('audit', { latencyMs: 20 });
    let timerRan = false;
    const fn = sim.fn(
      'Awaits',
      () => async () => {
        await audit.call('record', {});
        setTimeout(() => (timerRan = true), 10);
        return 'returned';
      },
      { initDurationMs: 0 },
    );
    const first = invokeAt(sim, 0, fn);
    const result = await sim.run();
    as(await first, 'ok');
    expect(result.effects('audit').map((e) => e.atMs)).toEqual([10]);
    expect(events(result, 'call.suspended')).toEqual([]);
    expect(events(result, 'env.reclaimed').map((e) => [e.atMs, e.env])).toEqual([[20, 'Awaits#1']]);
    expect(timerRan).toBe(false);
  });

  it('R-ENV-5: a timeout discards module state and pending work; the same environment runs Init again', async () => {
    const sim = createSimulation({ seed: 36 });
    let inits = 0;
    let orphanRan = false;
    const fn = sim.fn(
      'Stateful',
      () => {
        inits++;
        let n = 0;
        return async (event: { hang?: boolean }) => {
          n++;
          if (event.hang) {
            setTimeout(() => {
              orphanRan = true;
            }, 1500);
            await sleep(60_000);
          }
          return n;
        };
      },
      { timeoutS: 1, initDurationMs: 0 },
    );
    const warmUp = invokeAt(sim, 0, fn);
    const hang = invokeAt(sim, 100, fn, { hang: true });
    const after = invokeAt(sim, 5000, fn);
    const result = await sim.run();

    expect(as(await warmUp, 'ok').body).toBe(1);
    expect(as(await hang, 'functionError').body.errorType).toBe('Sandbox.Timedout');
    const r = as(await after, 'ok');
    expect(r.body).toBe(1); // module state was discarded: the counter starts again
    expect(inits).toBe(2);
    expect(orphanRan).toBe(false);
    expect(events(result, 'env.reset')).toEqual([
      { atMs: 1100, kind: 'env.reset', env: 'Stateful#1', reason: 'timeout' },
    ]);
    expect(only(result, 'invoke.started', r.requestId)).toMatchObject({ env: 'Stateful#1', cold: true });
  });

  it('R-ENV-5: a process-level uncaught exception fails the running invoke with that error and resets the environment', async () => {
    const sim = createSimulation({ seed: 37 });
    let inits = 0;
    const fn = sim.fn(
      'Crashes',
      () => {
        inits++;
        let n = 0;
        return async (event: { crash?: boolean }) => {
          n++;
          if (event.crash)
            setTimeout(() => {
              throw new TypeError('background failure');
            }, 10);
          await sleep(100);
          return n;
        };
      },
      { initDurationMs: 0 },
    );
    const warmUp = invokeAt(sim, 0, fn);
    const crash = invokeAt(sim, 1000, fn, { crash: true });
    const after = invokeAt(sim, 2000, fn);
    const result = await sim.run();

    expect(as(await warmUp, 'ok').body).toBe(1);
    const c = as(await crash, 'functionError');
    expect(c.body).toMatchObject({ errorType: 'TypeError', errorMessage: 'background failure' });
    expect(c.body.trace?.[0]).toBe('TypeError: background failure');
    expect(only(result, 'invoke.failed', c.requestId)).toMatchObject({ atMs: 1010, cause: 'uncaught' });
    expect(events(result, 'env.reset')).toEqual([
      { atMs: 1010, kind: 'env.reset', env: 'Crashes#1', reason: 'uncaught' },
    ]);
    const a = as(await after, 'ok');
    expect(a.body).toBe(1);
    expect(inits).toBe(2);
    expect(only(result, 'invoke.started', a.requestId)).toMatchObject({ env: 'Crashes#1', cold: true });
  });

  it('R-ENV-5: process.exit discards module state; the same environment runs Init again', async () => {
    const sim = createSimulation({ seed: 38 });
    let inits = 0;
    const fn = sim.fn(
      'Exits',
      () => {
        inits++;
        let n = 0;
        return async (event: { exit?: boolean }) => {
          n++;
          if (event.exit) process.exit(1);
          return n;
        };
      },
      { initDurationMs: 0 },
    );
    const warmUp = invokeAt(sim, 0, fn);
    const exit = invokeAt(sim, 1000, fn, { exit: true });
    const after = invokeAt(sim, 2000, fn);
    const result = await sim.run();

    expect(as(await warmUp, 'ok').body).toBe(1);
    expect(as(await exit, 'functionError').body.errorType).toBe('Runtime.ExitError');
    expect(events(result, 'env.reset')).toEqual([
      { atMs: 1000, kind: 'env.reset', env: 'Exits#1', reason: 'exit' },
    ]);
    const a = as(await after, 'ok');
    expect(a.body).toBe(1);
    expect(inits).toBe(2);
    expect(only(result, 'invoke.started', a.requestId)).toMatchObject({ env: 'Exits#1', cold: true });
  });

  it('R-ENV-5: an unhandled rejection during the invoke fails it with Runtime.UnhandledPromiseRejection and resets the environment', async () => {
    const sim = createSimulation({ seed: 39 });
    let inits = 0;
    const fn = sim.fn(
      'Rejects',
      () => {
        inits++;
        let n = 0;
        const fireAndForget = async () => {
          await sleep(10);
          throw new Error('lost write');
        };
        return async (event: { leak?: boolean }) => {
          n++;
          if (event.leak) void fireAndForget();
          await sleep(100);
          return n;
        };
      },
      { initDurationMs: 0 },
    );
    const warmUp = invokeAt(sim, 0, fn);
    const leak = invokeAt(sim, 1000, fn, { leak: true });
    const after = invokeAt(sim, 2000, fn);
    const result = await sim.run();

    expect(as(await warmUp, 'ok').body).toBe(1);
    const l = as(await leak, 'functionError');
    // RIC: new UnhandledPromiseRejection(reason) - the message is String(reason).
    expect(l.body).toEqual({
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'Error: lost write',
      trace: ['Runtime.UnhandledPromiseRejection: Error: lost write'],
    });
    expect(only(result, 'invoke.failed', l.requestId).atMs).toBe(1010);
    expect(events(result, 'env.reset')).toEqual([
      { atMs: 1010, kind: 'env.reset', env: 'Rejects#1', reason: 'uncaught' },
    ]);
    const a = as(await after, 'ok');
    expect(a.body).toBe(1);
    expect(inits).toBe(2);
    expect(only(result, 'invoke.started', a.requestId)).toMatchObject({ env: 'Rejects#1', cold: true });
  });

  it('R-ENV-5: an unhandled rejection after the response resets the idle environment; the caller keeps its answer', async () => {
    const sim = createSimulation({ seed: 40 });
    let inits = 0;
    const fn = sim.fn(
      'LateReject',
      () => {
        inits++;
        return async (event: { leak?: boolean }) => {
          if (event.leak) void Promise.reject(new Error('after the answer'));
          return 'answered';
        };
      },
      { initDurationMs: 0 },
    );
    const leak = invokeAt(sim, 0, fn, { leak: true });
    const after = invokeAt(sim, 1000, fn);
    const result = await sim.run();

    expect(as(await leak, 'ok').body).toBe('answered');
    expect(events(result, 'env.reset')).toEqual([
      { atMs: 0, kind: 'env.reset', env: 'LateReject#1', reason: 'uncaught' },
    ]);
    expect(only(result, 'invoke.started', (await after).requestId)).toMatchObject({
      env: 'LateReject#1',
      cold: true,
    });
    expect(inits).toBe(2);
  });

  it('R-ENV-5: a frozen timer that throws when thawed crashes the process: the environment is reset, not discarded', async () => {
    const sim = createSimulation({ seed: 41 });
    let inits = 0;
    const fn = sim.fn(
      'ThawCrash',
      () => {
        inits++;
        return async (event: { arm?: boolean }) => {
          if (event.arm)
            setTimeout(() => {
              throw new TypeError('stale timer');
            }, 10);
          return 'ok';
        };
      },
      { initDurationMs: 0 },
    );
    const arm = invokeAt(sim, 0, fn, { arm: true });
    const thaw = invokeAt(sim, 1000, fn);
    const after = invokeAt(sim, 2000, fn);
    const result = await sim.run();

    as(await arm, 'ok');
    const t = as(await thaw, 'functionError');
    expect(t.body).toMatchObject({ errorType: 'TypeError', errorMessage: 'stale timer' });
    expect(only(result, 'invoke.failed', t.requestId)).toMatchObject({ atMs: 1000, cause: 'uncaught' });
    expect(events(result, 'env.initFailed')).toEqual([]);
    expect(events(result, 'env.reset')).toEqual([
      { atMs: 1000, kind: 'env.reset', env: 'ThawCrash#1', reason: 'uncaught' },
    ]);
    expect(only(result, 'invoke.started', (await after).requestId)).toMatchObject({
      env: 'ThawCrash#1',
      cold: true,
    });
    expect(inits).toBe(2);
  });

  it('R-ENV-5: throw, rejection and callback(err) are function errors without reset: module state and frozen timers survive', async () => {
    const sim = createSimulation({ seed: 42 });
    let inits = 0;
    const ticks: number[] = [];
    const fn = sim.fn(
      'Survives',
      () => {
        inits++;
        let n = 0;
        return (event: { how: string }, _context, callback) => {
          n++;
          setTimeout(() => ticks.push(sim.nowMs), 10);
          if (event.how === 'throw') throw new Error(`fail ${n}`);
          if (event.how === 'reject') return Promise.reject(new Error(`fail ${n}`));
          if (event.how === 'callback') return callback(new Error(`fail ${n}`));
          return callback(null, n);
        };
      },
      { initDurationMs: 0 },
    );
    const failures = [
      invokeAt(sim, 0, fn, { how: 'throw' }),
      invokeAt(sim, 1000, fn, { how: 'reject' }),
      invokeAt(sim, 2000, fn, { how: 'callback' }),
    ];
    const ok = invokeAt(sim, 3000, fn, { how: 'ok' });
    const result = await sim.run();

    const bodies = await Promise.all(
      failures.map(async (p) => as(await p, 'functionError').body.errorMessage),
    );
    expect(bodies).toEqual(['fail 1', 'fail 2', 'fail 3']);
    expect(as(await ok, 'ok').body).toBe(4);
    expect(inits).toBe(1);
    expect(events(result, 'env.reset')).toEqual([]);
    expect(events(result, 'invoke.started').map((e) => [e.env, e.cold])).toEqual([
      ['Survives#1', true],
      ['Survives#1', false],
      ['Survives#1', false],
      ['Survives#1', false],
    ]);
    // Each failing invoke left a timer that was frozen and ran at the next thaw.
    expect(events(result, 'env.frozen').map((e) => e.atMs)).toEqual([0, 1000, 2000]);
    expect(ticks).toEqual([1000, 2000, 3000, 3010]);
  });

  it('R-ENV-6: an environment idle for 600 s (the default) is reclaimed; one idle for less is reused', async () => {
    const sim = createSimulation({ seed: 43 });
    const fn = sim.fn('Idle', () => async () => 'hi', { initDurationMs: 0 });
    const first = invokeAt(sim, 0, fn);
    const justBefore = invokeAt(sim, 599_999, fn);
    const atLimit = invokeAt(sim, 599_999 + 600_000, fn);
    const result = await sim.run();

    expect(only(result, 'invoke.started', (await first).requestId).env).toBe('Idle#1');
    expect(only(result, 'invoke.started', (await justBefore).requestId)).toMatchObject({
      env: 'Idle#1',
      cold: false,
    });
    expect(events(result, 'env.reclaimed')).toEqual([
      { atMs: 1_199_999, kind: 'env.reclaimed', env: 'Idle#1', idleSinceMs: 599_999 },
    ]);
    expect(only(result, 'invoke.started', (await atLimit).requestId)).toMatchObject({
      env: 'Idle#2',
      cold: true,
    });
  });

  it('R-ENV-6: idleTimeoutS sets the idle period, and frozen work of a reclaimed environment is dropped', async () => {
    const sim = createSimulation({ seed: 44 });
    let orphanRan = false;
    const fn = sim.fn(
      'ShortIdle',
      () => async (event: { arm?: boolean }) => {
        if (event.arm)
          setTimeout(() => {
            orphanRan = true;
          }, 10);
        return 'hi';
      },
      { initDurationMs: 0, idleTimeoutS: 60 },
    );
    const first = invokeAt(sim, 0, fn, { arm: true });
    const after = invokeAt(sim, 60_000, fn);
    const result = await sim.run();

    as(await first, 'ok');
    expect(events(result, 'env.reclaimed').map((e) => [e.atMs, e.env])).toEqual([[60_000, 'ShortIdle#1']]);
    expect(only(result, 'invoke.started', (await after).requestId)).toMatchObject({
      env: 'ShortIdle#2',
      cold: true,
    });
    expect(events(result, 'env.thawed')).toEqual([]);
    expect(orphanRan).toBe(false);
  });

  it('R-ENV-6: the warm environment that serves a request is a seeded, uniform choice among idle ones', async () => {
    const run = async (seed: number): Promise<string[]> => {
      const sim = createSimulation({ seed });
      const fn = sim.fn('Pick', () => async () => sleep(10), { initDurationMs: 0 });
      void invokeManyAt(sim, 0, fn, 3);
      sim.spawn(
        'sequential',
        async () => {
          for (let i = 0; i < 300; i++) await sim.invoke(fn, {});
        },
        { atMs: 100 },
      );
      const result = await sim.run();
      expect(events(result, 'env.created')).toHaveLength(3);
      return startedEnvs(result).slice(3);
    };
    const picks = await run(45);
    expect(picks).toHaveLength(300);
    for (const env of ['Pick#1', 'Pick#2', 'Pick#3']) {
      const share = picks.filter((p) => p === env).length;
      expect(share, env).toBeGreaterThan(70);
      expect(share, env).toBeLessThan(130);
    }
    // Replayable from the seed, and the seed matters.
    expect(await run(45)).toEqual(picks);
    expect(await run(46)).not.toEqual(picks);
  });

  it('R-ENV-7: provisioned environments are initialised before traffic; requests beyond them spill over to cold on-demand ones', async () => {
    const sim = createSimulation({ seed: 47 });
    const inits: Array<{ id: string; provisioned: boolean; atMs: number }> = [];
    const fn = sim.fn(
      'Provisioned',
      (info) => {
        inits.push({ id: info.id, provisioned: info.provisioned, atMs: sim.nowMs });
        return async () => {
          await sleep(100);
          return info.id;
        };
      },
      { provisionedConcurrency: 2, initDurationMs: 500 },
    );
    const burst = invokeManyAt(sim, 1000, fn, 3);
    const muchLater = invokeManyAt(sim, 1000 + 700_000, fn, 2);
    const result = await sim.run();

    // Both provisioned environments ran Init at time 0, before any request arrived.
    expect(inits.slice(0, 2)).toEqual([
      { id: 'Provisioned#1', provisioned: true, atMs: 0 },
      { id: 'Provisioned#2', provisioned: true, atMs: 0 },
    ]);
    expect(events(result, 'env.created').map((e) => [e.env, e.provisioned])).toEqual([
      ['Provisioned#1', true],
      ['Provisioned#2', true],
      ['Provisioned#3', false],
    ]);
    const starts = (await burst).map((r) => only(result, 'invoke.started', r.requestId));
    const sorted = [...starts].sort((x, y) => x.env.localeCompare(y.env));
    expect(sorted.map((s) => [s.env, s.cold, s.atMs])).toEqual([
      ['Provisioned#1', false, 1000],
      ['Provisioned#2', false, 1000],
      ['Provisioned#3', true, 1500], // spillover: an on-demand cold start (500 ms Init)
    ]);
    expect(inits[2]).toEqual({ id: 'Provisioned#3', provisioned: false, atMs: 1000 });
    // Provisioned environments are not reclaimed when idle; the on-demand one is.
    const later = (await muchLater).map((r) => only(result, 'invoke.started', r.requestId));
    expect(later.map((s) => [s.env, s.cold]).sort()).toEqual([
      ['Provisioned#1', false],
      ['Provisioned#2', false],
    ]);
    expect(events(result, 'env.reclaimed').map((e) => e.env)).toEqual(['Provisioned#3']);
  });

  it('R-ENV-8: a module-scope throw fails the invoke that needed Init; the next invoke runs Init from scratch', async () => {
    const sim = createSimulation({ seed: 48 });
    let attempts = 0;
    let configError: Error | undefined;
    const fn = sim.fn(
      'BadInit',
      () => {
        attempts++;
        if (attempts === 1) {
          configError = new Error('TABLE_NAME is not set');
          throw configError;
        }
        return async () => 'ok now';
      },
      { initDurationMs: 0 },
    );
    const first = invokeAt(sim, 0, fn);
    const second = invokeAt(sim, 1000, fn);
    const result = await sim.run();

    const f = as(await first, 'functionError');
    expect(f.statusCode).toBe(200);
    expect(f.functionError).toBe('Unhandled');
    expect(f.body).toEqual({
      errorType: 'Error',
      errorMessage: 'TABLE_NAME is not set',
      trace: configError!.stack!.split('\n'),
    });
    expect(events(result, 'env.initFailed')).toEqual([
      { atMs: 0, kind: 'env.initFailed', env: 'BadInit#1', errorType: 'Error' },
    ]);
    expect(only(result, 'invoke.failed', f.requestId).cause).toBe('initError');
    const s = as(await second, 'ok');
    expect(s.body).toBe('ok now');
    expect(attempts).toBe(2);
    expect(only(result, 'invoke.started', s.requestId)).toMatchObject({ env: 'BadInit#2', cold: true });
  });

  it('R-ENV-8: a factory that rejects or yields no function fails with the Runtime.* init error', async () => {
    const sim = createSimulation({ seed: 49 });
    const notAFunction = sim.fn('NoHandler', () => ({ handler: 'missing' }) as never, { initDurationMs: 0 });
    const rejects = sim.fn(
      'ImportFails',
      async () => {
        await sleep(5);
        throw Object.assign(new Error("Cannot find module 'pg'"), { name: 'Runtime.ImportModuleError' });
      },
      { initDurationMs: 0 },
    );
    const a = invokeAt(sim, 0, notAFunction);
    const b = invokeAt(sim, 0, rejects);
    const again = invokeAt(sim, 1000, notAFunction);
    const result = await sim.run();

    const ra = as(await a, 'functionError');
    expect(ra.body.errorType).toBe('Runtime.HandlerNotFound');
    expect(ra.body.errorMessage).toBe('NoHandler: the handler factory returned object, not a function.');
    const rb = as(await b, 'functionError');
    expect(rb.body).toMatchObject({
      errorType: 'Runtime.ImportModuleError',
      errorMessage: "Cannot find module 'pg'",
    });
    expect(only(result, 'invoke.failed', rb.requestId)).toMatchObject({ atMs: 5, cause: 'initError' });
    // Not kept warm: the next invoke initialises a fresh environment.
    const rAgain = as(await again, 'functionError');
    expect(rAgain.body.errorType).toBe('Runtime.HandlerNotFound');
    expect(eventsOf(result, 'invoke.started', rAgain.requestId)).toEqual([]);
    expect(events(result, 'env.created').map((e) => e.env)).toEqual([
      'NoHandler#1',
      'ImportFails#1',
      'NoHandler#2',
    ]);
    expect(events(result, 'env.initFailed').map((e) => e.env)).toEqual([
      'NoHandler#1',
      'ImportFails#1',
      'NoHandler#2',
    ]);
  });
});

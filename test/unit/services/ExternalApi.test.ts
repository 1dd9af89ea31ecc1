import { describe, expect, it } from 'vitest';
import {
  type CallSite,
  ConfigError,
  createSimulation,
  type ExternalApiOptions,
  type InFlightFate,
  type InvokeResponse,
  type SimulationResult,
  type TraceEvent,
} from '../../../src/index.js';

const EPOCH_MS = 1_767_225_600_000; // the default startEpochMs

function calls(trace: readonly TraceEvent[]) {
  return trace.filter((e) => e.kind.startsWith('call.')).map((e) => `${e.kind}@${e.atMs}`);
}

function body(response: InvokeResponse): unknown {
  if (response.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(response)}`);
  return response.body;
}

describe('sim.api options', () => {
  it('rejects invalid names and options with ConfigError naming the API, value and rule', () => {
    const sim = createSimulation({ seed: 1 });
    expect(() => sim.api('')).toThrow(/sim\.api: name must be 1-255 characters/);
    expect(() => sim.api('pay ments')).toThrow(ConfigError);
    expect(() => sim.api('payments', { latencyMs: 1.5 })).toThrow(
      /api\("payments"\): latencyMs must be a non-negative integer, got 1\.5/,
    );
    expect(() => sim.api('payments', { respond: 'ok' } as unknown as ExternalApiOptions)).toThrow(
      /api\("payments"\): respond must be a function/,
    );
    expect(() => sim.api('payments', { inFlightAtDeath: 'never' as InFlightFate })).toThrow(
      /inFlightAtDeath must be one of lands, lost, random/,
    );
    expect(() => sim.api('payments', { latency: 5 } as ExternalApiOptions)).toThrow(
      /latency is not a known option/,
    );
  });

  it('fills in defaults', () => {
    const api = createSimulation({ seed: 1 }).api('payments');
    expect(api.options.latencyMs).toBe(20);
    expect(api.options.inFlightAtDeath).toBe('lands');
    expect(api.options.respond('x', undefined, {} as CallSite)).toEqual({ ok: true });
  });

  it('call with an empty op is a ConfigError; a call outside a run throws a clear Error', () => {
    const api = createSimulation({ seed: 1 }).api('payments');
    expect(() => api.call('')).toThrow(/payments\.call: op must be a non-empty operation name/);
    expect(() => api.call('charge', {})).toThrow(/payments\.charge: called outside the simulation/);
  });
});

describe('result.effects', () => {
  it('by name or object; unknown names, tables and foreign APIs are ConfigErrors', async () => {
    const sim = createSimulation({ seed: 1 });
    const payments = sim.api('payments');
    sim.table('orders', { key: 'id' });
    sim.spawn('client', async () => {
      await payments.call('charge', { orderId: 'o-1' });
    });
    const result = await sim.run();
    expect(result.effects('payments')).toHaveLength(1);
    expect(result.effects(payments)).toEqual(result.effects('payments'));
    expect(payments.effects()).toEqual(result.effects('payments'));
    expect(() => result.effects('emails')).toThrow(
      /result\.effects: service must name an API defined with sim\.api\(\) \(defined: payments\), got "emails"/,
    );
    expect(() => result.effects('orders')).toThrow(/names a table, which has no effects ledger/);
    const other = createSimulation({ seed: 1 }).api('payments');
    expect(() => result.effects(other)).toThrow(/result\.effects: service belongs to another simulation/);
  });
});

describe('calls and the effects ledger', () => {
  it('returns what respond returns; respond sees op, args, the call site and virtual time', async () => {
    const sim = createSimulation({ seed: 1 });
    const seen: Array<{ op: string; args: unknown; site: CallSite; now: number }> = [];
    const payments = sim.api('payments', {
      latencyMs: 30,
      respond: (op, args, site) => {
        seen.push({ op, args, site, now: Date.now() });
        return { chargeId: `ch-${(args as { orderId: string }).orderId}` };
      },
    });
    let response: unknown;
    sim.spawn('client', async () => {
      response = await payments.call('charge', { orderId: 'o-1', amountCents: 500 });
    });
    await sim.run();
    expect(response).toEqual({ chargeId: 'ch-o-1' });
    expect(seen).toEqual([
      {
        op: 'charge',
        args: { orderId: 'o-1', amountCents: 500 },
        site: { callId: 1, by: 'client', fn: undefined, requestId: undefined, sentAtMs: 0 },
        now: EPOCH_MS + 15,
      },
    ]);
    expect(payments.effects()).toEqual([
      {
        callId: 1,
        service: 'payments',
        op: 'charge',
        args: { orderId: 'o-1', amountCents: 500 },
        sentAtMs: 0,
        atMs: 15,
        by: 'client',
        fn: undefined,
        requestId: undefined,
      },
    ]);
  });

  it('a throw from respond rejects the caller with that error and is not an effect', async () => {
    const sim = createSimulation({ seed: 1 });
    const declined = Object.assign(new Error('card declined'), { name: 'CardDeclined' });
    const payments = sim.api('payments', {
      respond: (_op, args) => {
        if ((args as { amountCents: number }).amountCents > 100) throw declined;
        return { ok: true };
      },
    });
    const outcomes: unknown[] = [];
    sim.spawn('client', async () => {
      outcomes.push(await payments.call('charge', { amountCents: 500 }).catch((e: unknown) => e));
      outcomes.push(await payments.call('charge', { amountCents: 50 }));
    });
    const result = await sim.run();
    expect(outcomes).toEqual([declined, { ok: true }]);
    expect(outcomes[0]).toBe(declined);
    expect(payments.effects().map((e) => e.args)).toEqual([{ amountCents: 50 }]);
    expect(result.trace.filter((e) => e.kind === 'call.returned').map((e) => 'ok' in e && e.ok)).toEqual([
      false,
      true,
    ]);
  });

  it('a respond that returns a promise is a clear service error', async () => {
    const sim = createSimulation({ seed: 1 });
    const payments = sim.api('payments', { respond: async () => ({ ok: true }) });
    let error: unknown;
    sim.spawn('client', async () => {
      await payments.call('charge').catch((e: unknown) => (error = e));
    });
    await sim.run();
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/payments\.charge: respond returned a promise/);
    expect(payments.effects()).toEqual([]);
  });

  it('args are copied when sent and frozen in the ledger; responses are copies', async () => {
    const sim = createSimulation({ seed: 1 });
    const stored = { balance: 10 };
    const payments = sim.api('payments', { respond: () => stored });
    let response: { balance: number } | undefined;
    sim.spawn('client', async () => {
      const args = { orderId: 'o-1', lines: [1, 2] };
      const pending = payments.call('charge', args);
      args.orderId = 'MUTATED';
      args.lines.push(3);
      response = (await pending) as { balance: number };
      response.balance = 0;
    });
    await sim.run();
    const [effect] = payments.effects();
    expect(effect?.args).toEqual({ orderId: 'o-1', lines: [1, 2] });
    expect(Object.isFrozen(effect)).toBe(true);
    expect(Object.isFrozen((effect!.args as { lines: number[] }).lines)).toBe(true);
    expect(response).toEqual({ balance: 0 });
    expect(stored).toEqual({ balance: 10 });
  });

  it('non-JSON args reject the caller with a TypeError and are not an effect', async () => {
    const sim = createSimulation({ seed: 1 });
    const payments = sim.api('payments');
    let error: unknown;
    sim.spawn('client', async () => {
      await payments.call('charge', { amount: 1n }).catch((e: unknown) => (error = e));
    });
    await sim.run();
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/payments\.charge: args must be JSON data/);
    expect(payments.effects()).toEqual([]);
  });
});

describe('latency and attribution in handlers', () => {
  it('sent at t, lands at t + floor(latency/2), returns at t + latency; the effect carries the invocation', async () => {
    const sim = createSimulation({ seed: 1 });
    const payments = sim.api('payments', { latencyMs: 25 });
    const fn = sim.fn(
      'Charge',
      () => async (event: { orderId: string }, context) => {
        const t0 = Date.now();
        await payments.call('charge', event);
        return { t0, t1: Date.now(), requestId: context.awsRequestId };
      },
      { initDurationMs: 50 },
    );
    const pending = sim.invoke(fn, { orderId: 'o-1' });
    const result = await sim.run();
    const response = await pending;
    expect(body(response)).toEqual({ t0: EPOCH_MS + 50, t1: EPOCH_MS + 75, requestId: response.requestId });
    expect(calls(result.trace)).toEqual(['call.sent@50', 'call.landed@62', 'call.returned@75']);
    expect(result.effects('payments')).toEqual([
      {
        callId: 1,
        service: 'payments',
        op: 'charge',
        args: { orderId: 'o-1' },
        sentAtMs: 50,
        atMs: 62,
        by: 'Charge#1',
        fn: 'Charge',
        requestId: response.requestId,
      },
    ]);
  });

  it('attributes each call to the invocation that made it, across warm invocations', async () => {
    const sim = createSimulation({ seed: 1 });
    const payments = sim.api('payments');
    const fn = sim.fn('Charge', () => async (event: { orderId: string }) => payments.call('charge', event), {
      initDurationMs: 0,
    });
    const responses: InvokeResponse[] = [];
    sim.spawn('client', async () => {
      responses.push(await sim.invoke(fn, { orderId: 'a' }));
      responses.push(await sim.invoke(fn, { orderId: 'b' }));
    });
    const result = await sim.run();
    expect(responses.map((r) => r.kind)).toEqual(['ok', 'ok']);
    expect(
      result.effects('payments').map((e) => [(e.args as { orderId: string }).orderId, e.requestId, e.by]),
    ).toEqual([
      ['a', responses[0]?.requestId, 'Charge#1'],
      ['b', responses[1]?.requestId, 'Charge#1'],
    ]);
    expect(responses[0]?.requestId).not.toBe(responses[1]?.requestId);
  });
});

describe('death and freeze', () => {
  function timedOut(fate: InFlightFate, seed = 1) {
    const sim = createSimulation({ seed });
    const payments = sim.api('payments', { latencyMs: 20, inFlightAtDeath: fate });
    const fn = sim.fn(
      'Slow',
      () => async () => {
        await new Promise((resolve) => setTimeout(resolve, 995));
        await payments.call('charge', { orderId: 'o-1' }); // sent at 995, lands at 1_005; timeout at 1_000
        return 'unreachable';
      },
      { timeoutS: 1, initDurationMs: 0 },
    );
    const pending = sim.invoke(fn, {});
    return { run: sim.run(), pending };
  }

  it('a call in flight at the timeout lands with inFlightAtDeath "lands" (its response never returns)', async () => {
    const { run, pending } = timedOut('lands');
    const result = await run;
    const response = await pending;
    expect(response.kind).toBe('functionError');
    expect(calls(result.trace)).toEqual(['call.sent@995', 'call.landed@1005']);
    expect(result.effects('payments')).toMatchObject([
      { atMs: 1005, sentAtMs: 995, requestId: response.requestId },
    ]);
  });

  it('a call in flight at the timeout does not land with inFlightAtDeath "lost"', async () => {
    const { run } = timedOut('lost');
    const result = await run;
    expect(calls(result.trace)).toEqual(['call.sent@995', 'call.lost@1005']);
    expect(result.effects('payments')).toEqual([]);
  });

  it('inFlightAtDeath "random" is decided by the seed: same seed, same fate; both fates occur', async () => {
    const fates: boolean[] = [];
    for (let seed = 1; seed <= 16; seed++) {
      const first = (await timedOut('random', seed).run).effects('payments').length;
      const again = (await timedOut('random', seed).run).effects('payments').length;
      expect(again).toBe(first);
      fates.push(first === 1);
    }
    expect(fates).toContain(true);
    expect(fates).toContain(false);
  });

  it('a call made after the invocation timed out never lands', async () => {
    const sim = createSimulation({ seed: 1 });
    const payments = sim.api('payments');
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fn = sim.fn(
      'Late',
      () => async () => {
        setTimeout(() => {}, 10_000); // pending work: the invocation runs into its 1 s timeout
        await gate; // opened at 1_500 by a caller, so this continuation runs in the dead environment
        await payments.call('charge', { orderId: 'o-1' });
      },
      { timeoutS: 1, initDurationMs: 0 },
    );
    const pending = sim.invoke(fn, {});
    sim.spawn('opener', async () => {
      await sim.sleep(1_500);
      release();
    });
    const result = await sim.run();
    expect(result.trace.find((e) => e.kind === 'invoke.failed')).toMatchObject({
      atMs: 1_000,
      cause: 'timeout',
    });
    expect((await pending).kind).toBe('functionError');
    expect(result.effects('payments')).toEqual([]);
    expect(result.trace.filter((e) => e.kind.startsWith('call.'))).toEqual([
      {
        atMs: 1500,
        kind: 'call.dropped',
        service: 'payments',
        op: 'charge',
        by: 'Late#1',
        reason: 'callerDead',
      },
    ]);
  });

  it('a handler timer that would fire after the timeout never runs, so its call never happens', async () => {
    const sim = createSimulation({ seed: 1 });
    const payments = sim.api('payments');
    const fn = sim.fn(
      'Late',
      () => async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await payments.call('charge', {});
      },
      { timeoutS: 1, initDurationMs: 0 },
    );
    sim.invoke(fn, {});
    const result = await sim.run();
    expect(result.effects('payments')).toEqual([]);
    expect(calls(result.trace)).toEqual([]);
  });

  it('a response arriving while the environment is frozen is delivered when the next invocation thaws it', async () => {
    const sim = createSimulation({ seed: 1 });
    const payments = sim.api('payments', { latencyMs: 20 });
    const seenAtMs: number[] = [];
    const fn = sim.fn(
      'Audit',
      () => async (event: { background: boolean }) => {
        if (event.background) {
          void payments.call('audit', {}).then(() => seenAtMs.push(Date.now() - EPOCH_MS)); // not awaited
          // Return after the request landed (10 ms) and before the response (20 ms): only the
          // response is left in flight at the freeze (a request would be suspended or not, R-ENV-4).
          await new Promise((resolve) => setTimeout(resolve, 15));
        }
        return 'returned';
      },
      { initDurationMs: 0 },
    );
    const responses: InvokeResponse[] = [];
    sim.spawn('client', async () => {
      responses.push(await sim.invoke(fn, { background: true }));
      await sim.sleep(5_000);
      responses.push(await sim.invoke(fn, { background: false }));
    });
    const result = await sim.run();
    expect(responses.map(body)).toEqual(['returned', 'returned']);
    expect(seenAtMs).toEqual([5_015]);
    // the request landed before the freeze; only the response waited for the thaw
    expect(calls(result.trace)).toEqual(['call.sent@0', 'call.landed@10', 'call.returned@5015']);
    expect(result.effects('payments')).toMatchObject([{ atMs: 10, requestId: responses[0]?.requestId }]);
    const frozen = result.trace.find((e) => e.kind === 'env.frozen');
    const thawed = result.trace.find((e) => e.kind === 'env.thawed');
    expect(frozen).toMatchObject({ atMs: 15, pendingWork: 1 });
    expect(thawed).toMatchObject({ atMs: 5_015, resumed: 1 });
  });

  it('a frozen response is never delivered when no invocation thaws the environment', async () => {
    const sim = createSimulation({ seed: 1 });
    const payments = sim.api('payments');
    let delivered = false;
    const fn = sim.fn(
      'Audit',
      () => async () => {
        void payments.call('audit', {}).then(() => (delivered = true));
        await new Promise((resolve) => setTimeout(resolve, 15)); // the request lands first
        return 'returned';
      },
      { initDurationMs: 0 },
    );
    sim.invoke(fn, {});
    const result: SimulationResult = await sim.run();
    expect(delivered).toBe(false);
    expect(calls(result.trace)).toEqual(['call.sent@0', 'call.landed@10']);
    expect(result.effects('payments')).toHaveLength(1);
  });
});

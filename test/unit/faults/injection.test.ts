import { describe, expect, it } from 'vitest';
import {
  createSimulation,
  type FaultPlan,
  type InvokeResponse,
  type TraceEvent,
} from '../../../src/index.js';

/** One function that charges through an API then records the order; `n` sequential sync invokes. */
async function run(faults: FaultPlan, n = 2, latencyMs = 20) {
  const sim = createSimulation({ seed: 5, faults });
  const payments = sim.api('payments', { latencyMs });
  const orders = sim.table<{ orderId: string }>('orders', { key: 'orderId', latencyMs: 10 });
  let inits = 0;
  const fn = sim.fn(
    'Charge',
    () => {
      inits++;
      return async (event: { orderId: string }) => {
        await payments.call('charge', event);
        await orders.put({ orderId: event.orderId });
        return 'ok';
      };
    },
    { timeoutS: 3, initDurationMs: 100 },
  );
  const responses: InvokeResponse[] = [];
  sim.spawn('client', async () => {
    for (let i = 1; i <= n; i++) responses.push(await sim.invoke(fn, { orderId: `o-${i}` }));
  });
  const result = await sim.run();
  const kinds = (kind: TraceEvent['kind']) => result.trace.filter((e) => e.kind === kind);
  return { result, responses, effects: result.effects(payments), orders: orders.snapshot(), inits, kinds };
}

function errorType(r: InvokeResponse | undefined): string | undefined {
  return r?.kind === 'functionError' ? r.body.errorType : undefined;
}

describe('fault plan: invocation faults', () => {
  it('handlerError fails exactly the aimed invocation, before any effect, and keeps the environment warm', async () => {
    const { responses, effects, inits, kinds } = await run([
      { kind: 'handlerError', fn: 'Charge', invocation: 2, message: 'boom' },
    ]);
    expect(responses.map((r) => r.kind)).toEqual(['ok', 'functionError']);
    expect(responses[1]!.kind === 'functionError' && responses[1]!.body.errorMessage).toBe('boom');
    expect(effects.map((e) => (e.args as { orderId: string }).orderId)).toEqual(['o-1']);
    expect(inits).toBe(1);
    expect(kinds('fault.injected')).toEqual([
      {
        atMs: expect.any(Number),
        kind: 'fault.injected',
        fault: 'handlerError',
        point: 'invocation',
        target: 'Charge',
        at: 2,
      },
    ]);
  });

  it('handlerTimeout hangs to the deadline: Sandbox.Timedout at start + 3 s, environment reset', async () => {
    const { responses, kinds, effects } = await run(
      [{ kind: 'handlerTimeout', fn: 'Charge', invocation: 1 }],
      1,
    );
    expect(errorType(responses[0])).toBe('Sandbox.Timedout');
    expect(kinds('invoke.failed')[0]!.atMs).toBe(3100);
    expect(kinds('env.reset')).toHaveLength(1);
    expect(effects).toHaveLength(0);
  });

  it('crashAfterCalls: the effect of the N-th call lands, then the process is killed before reading the answer', async () => {
    const { responses, effects, orders, kinds } = await run(
      [{ kind: 'crashAfterCalls', fn: 'Charge', invocation: 1, calls: 1 }],
      1,
    );
    expect(errorType(responses[0])).toBe('Runtime.ExitError');
    expect(responses[0]!.kind === 'functionError' && responses[0]!.body.errorMessage).toMatch(
      /signal: killed$/,
    );
    expect(effects).toHaveLength(1); // charged …
    expect(orders).toEqual([]); // … but never recorded
    expect(kinds('env.reset')).toEqual([expect.objectContaining({ reason: 'exit' })]);
    // killed at the instant the charge landed: 100 ms Init + 10 ms (half the latency)
    expect(kinds('invoke.failed')[0]!.atMs).toBe(110);
  });

  it('crashAfterCalls with calls 0 kills the process before the handler runs', async () => {
    const { responses, effects } = await run(
      [{ kind: 'crashAfterCalls', fn: 'Charge', invocation: 1, calls: 0 }],
      1,
    );
    expect(errorType(responses[0])).toBe('Runtime.ExitError');
    expect(effects).toHaveLength(0);
  });

  it('coldStart reclaims warm environments before the aimed invocation', async () => {
    const plain = await run([], 2);
    const cold = await run([{ kind: 'coldStart', fn: 'Charge', invocation: 2 }], 2);
    expect(plain.inits).toBe(1);
    expect(cold.inits).toBe(2);
    expect(cold.kinds('invoke.started').map((e) => e.kind === 'invoke.started' && e.cold)).toEqual([
      true,
      true,
    ]);
  });

  it('throttle answers the aimed sync invoke with 429 and runs nothing', async () => {
    const { responses, effects } = await run([{ kind: 'throttle', fn: 'Charge', invocation: 1 }], 2);
    expect(responses[0]).toMatchObject({ kind: 'rejected', statusCode: 429 });
    expect(responses[1]!.kind).toBe('ok');
    expect(effects).toHaveLength(1);
  });
});

describe('fault plan: call faults', () => {
  it('callError fails the aimed call without its effect; the handler sees an error with the given name', async () => {
    const { responses, effects } = await run([
      { kind: 'callError', service: 'payments', call: 1, errorName: 'ThrottlingException' },
    ]);
    expect(errorType(responses[0])).toBe('ThrottlingException');
    expect(effects.map((e) => (e.args as { orderId: string }).orderId)).toEqual(['o-2']);
  });

  it('callTimeout with landed: true applies the effect but never answers: the invocation times out', async () => {
    const { responses, effects, orders } = await run(
      [{ kind: 'callTimeout', service: 'payments', call: 1, landed: true }],
      1,
    );
    expect(errorType(responses[0])).toBe('Sandbox.Timedout');
    expect(effects).toHaveLength(1);
    expect(orders).toEqual([]);
  });

  it('callTimeout with landed: false loses the request: no effect, and the invocation times out', async () => {
    const { responses, effects, kinds } = await run(
      [{ kind: 'callTimeout', service: 'payments', call: 1, landed: false }],
      1,
    );
    expect(errorType(responses[0])).toBe('Sandbox.Timedout');
    expect(effects).toHaveLength(0);
    expect(kinds('call.lost')).toEqual([expect.objectContaining({ reason: 'injectedTimeout' })]);
  });

  it('callLatency adds time split over the request and the response', async () => {
    const plain = await run([], 1);
    const slow = await run([{ kind: 'callLatency', service: 'payments', call: 1, addMs: 1000 }], 1);
    const landed = (r: typeof plain) => r.kinds('call.landed')[0]!.atMs;
    expect(landed(slow) - landed(plain)).toBe(500);
    expect(slow.result.requests[0]!.endedAtMs! - plain.result.requests[0]!.endedAtMs!).toBe(1000);
  });
});

describe('fault plan: async retries meet a crash after the side effect', () => {
  it('the classic non-idempotent charge: one crash after the charge lands gives two charges', async () => {
    const sim = createSimulation({
      seed: 1,
      faults: [{ kind: 'crashAfterCalls', fn: 'Charge', invocation: 1, calls: 1 }],
    });
    const payments = sim.api('payments', { latencyMs: 20 });
    const fn = sim.fn('Charge', () => async (event: { orderId: string }) => {
      await payments.call('charge', event);
    });
    sim.at(0, () => void sim.invokeAsync(fn, { orderId: 'o-1' }));
    const result = await sim.run();
    expect(result.effects(payments)).toHaveLength(2);
    expect(result.asyncEvents[0]).toMatchObject({ state: 'succeeded', attempts: 2 });
  });
});

describe('fault plan: validation and determinism', () => {
  it('rejects malformed plans with a message naming the entry, the field and the rule', () => {
    expect(() =>
      createSimulation({ seed: 1, faults: [{ kind: 'handlerError', fn: 'F', invocation: 0 }] }),
    ).toThrow('createSimulation: faults[0].invocation must be an integer >= 1, got 0');
    expect(() => createSimulation({ seed: 1, faults: [{ kind: 'explode' }] as never })).toThrow(
      /createSimulation: faults\[0\]\.kind must be one of handlerError, .*got "explode"/,
    );
    expect(() =>
      createSimulation({
        seed: 1,
        faults: [{ kind: 'callTimeout', service: 's', call: 1, landed: true, extra: 1 }] as never,
      }),
    ).toThrow(/faults\[0\]\.extra is not a field of a callTimeout fault/);
    expect(() => createSimulation({ seed: 1, faults: {} as never })).toThrow(
      'createSimulation: faults must be an array of faults, got {}',
    );
  });

  it('rejects at run start a fault aimed at a function or service the simulation does not have', async () => {
    const sim = createSimulation({ seed: 1, faults: [{ kind: 'throttle', fn: 'Nope', invocation: 1 }] });
    sim.fn('Charge', () => async () => null);
    await expect(sim.run()).rejects.toThrow(
      'sim.run: faults[0].fn must name a function of this simulation (defined: Charge), got "Nope"',
    );
  });

  it('a faulty run replays: same plan and seed, same trace hash', async () => {
    const plan: FaultPlan = [
      { kind: 'crashAfterCalls', fn: 'Charge', invocation: 1, calls: 1 },
      { kind: 'callLatency', service: 'orders', call: 1, addMs: 250 },
    ];
    const a = await run(plan, 3);
    const b = await run(plan, 3);
    expect(a.result.traceHash).toBe(b.result.traceHash);
    expect(a.result.traceHash).not.toBe((await run([], 3)).result.traceHash);
  });
});

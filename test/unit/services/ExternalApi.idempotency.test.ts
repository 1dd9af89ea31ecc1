/**
 * sim.api's `idempotencyKey` option: Stripe-style keys (a repeat gets the first response, no new
 * effect), the 409 while the first is being answered, a different request under a used key, and
 * what is and is not stored.
 */
import { IDEMPOTENCY_KEY_RETENTION_MS } from '../../../src/services/ExternalApi.js';
import { describe, expect, it } from 'vitest';
import {
  createSimulation,
  type ExternalApiOptions,
  type FaultPlan,
  formatTimeline,
  type IdempotencyKeyOf,
  IdempotencyError,
  type Simulation,
} from '../../../src/index.js';

interface Charge {
  readonly orderId: string;
  readonly amountCents: number;
  readonly idempotencyKey?: string;
}

const byKey: IdempotencyKeyOf = (_op, args) => (args as Charge).idempotencyKey;

function payments(sim: Simulation, options: ExternalApiOptions = {}) {
  let charges = 0;
  return sim.api('payments', {
    idempotencyKey: options.idempotencyKey ?? byKey,
    respond: (_op, args) => ({ chargeId: `ch-${++charges}`, orderId: (args as Charge).orderId }),
  });
}

/** Calls made by one simulated caller at the given instants; each outcome is the response or the error. */
async function callsAt(
  sim: Simulation,
  api: ReturnType<typeof payments>,
  calls: ReadonlyArray<{ readonly atMs: number; readonly op?: string; readonly args: Charge }>,
) {
  const outcomes: unknown[] = new Array(calls.length);
  calls.forEach((c, i) => {
    sim.spawn(
      `client-${i}`,
      async () => {
        outcomes[i] = await api.call(c.op ?? 'charge', c.args).catch((e: unknown) => e);
      },
      { atMs: c.atMs },
    );
  });
  const result = await sim.run();
  return { outcomes, result };
}

const charge = (key: string | undefined, orderId = 'o-1', amountCents = 500): Charge =>
  key === undefined ? { orderId, amountCents } : { orderId, amountCents, idempotencyKey: key };

describe('sim.api idempotencyKey option', () => {
  it('must be a function; unset by default', () => {
    const sim = createSimulation({ seed: 1 });
    expect(sim.api('plain').options.idempotencyKey).toBeUndefined();
    expect(() => sim.api('payments', { idempotencyKey: 'orderId' } as unknown as ExternalApiOptions)).toThrow(
      /api\("payments"\): idempotencyKey must be a function \(op, args\) => the call's idempotency key \(a string\) or undefined, got "orderId"/,
    );
  });

  it('the same key twice: one effect, the same response, the repeat listed as a replay of the first', async () => {
    const sim = createSimulation({ seed: 1 });
    const api = payments(sim);
    const { outcomes, result } = await callsAt(sim, api, [
      { atMs: 0, args: charge('k-1') },
      { atMs: 1_000, args: charge('k-1') },
    ]);
    expect(outcomes).toEqual([
      { chargeId: 'ch-1', orderId: 'o-1' },
      { chargeId: 'ch-1', orderId: 'o-1' },
    ]);
    expect(outcomes[0]).not.toBe(outcomes[1]); // each caller gets its own copy
    expect(result.effects('payments')).toEqual([
      expect.objectContaining({ callId: 1, op: 'charge', atMs: 10, idempotencyKey: 'k-1' }),
    ]);
    expect(result.replays('payments')).toEqual([
      expect.objectContaining({
        callId: 2,
        op: 'charge',
        atMs: 1_010,
        idempotencyKey: 'k-1',
        replayOf: 1,
        ok: true,
      }),
    ]);
    expect(result.replays(api)).toEqual(api.replays());
    const replayed = result.trace.filter((e) => e.kind === 'call.replayed');
    expect(replayed).toEqual([
      {
        atMs: 1_010,
        kind: 'call.replayed',
        callId: 2,
        service: 'payments',
        op: 'charge',
        key: 'k-1',
        replayOf: 1,
        ok: true,
      },
    ]);
    const timeline = formatTimeline(result.trace);
    expect(timeline).toMatch(
      /\+1\.010s\s+payments\s+call\.replayed\s+#2 charge key "k-1" seen before: #1's response again, no new effect/,
    );
    expect(timeline).toMatch(
      /\+1\.010s\s+payments\s+call\.landed\s+#2 charge answered from its key, no effect/,
    );
    expect(timeline).toMatch(/\+0\.010s\s+payments\s+call\.landed\s+#1 charge applied/);
  });

  it('different keys are different requests: two effects, no replay', async () => {
    const sim = createSimulation({ seed: 1 });
    const { outcomes, result } = await callsAt(sim, payments(sim), [
      { atMs: 0, args: charge('k-1') },
      { atMs: 1_000, args: charge('k-2') },
    ]);
    expect(outcomes).toEqual([
      { chargeId: 'ch-1', orderId: 'o-1' },
      { chargeId: 'ch-2', orderId: 'o-1' },
    ]);
    expect(result.effects('payments')).toHaveLength(2);
    expect(result.replays('payments')).toEqual([]);
  });

  it('a key function returning undefined leaves the call unkeyed: every call is an effect', async () => {
    const sim = createSimulation({ seed: 1 });
    const { result } = await callsAt(sim, payments(sim), [
      { atMs: 0, args: charge(undefined) },
      { atMs: 1_000, args: charge(undefined) },
    ]);
    expect(result.effects('payments')).toHaveLength(2);
    expect(result.effects('payments').map((e) => 'idempotencyKey' in e)).toEqual([false, false]);
    expect(result.replays('payments')).toEqual([]);
  });

  it('the key function sees the operation: one business id can key two endpoints apart', async () => {
    const sim = createSimulation({ seed: 1 });
    const api = payments(sim, { idempotencyKey: (op, args) => `${op}:${(args as Charge).orderId}` });
    const { outcomes, result } = await callsAt(sim, api, [
      { atMs: 0, op: 'charge', args: charge(undefined) },
      { atMs: 1_000, op: 'refund', args: charge(undefined) },
      { atMs: 2_000, op: 'refund', args: charge(undefined) },
    ]);
    expect(outcomes).toEqual([
      { chargeId: 'ch-1', orderId: 'o-1' },
      { chargeId: 'ch-2', orderId: 'o-1' },
      { chargeId: 'ch-2', orderId: 'o-1' },
    ]);
    expect(result.effects('payments').map((e) => e.op)).toEqual(['charge', 'refund']);
    expect(result.replays('payments').map((r) => [r.op, r.replayOf])).toEqual([['refund', 2]]);
  });

  it('a repeat while the first is being answered is a 409 IdempotencyError (keyInUse); after that it replays', async () => {
    const sim = createSimulation({ seed: 1 });
    // latency 20: the first lands at 10 and is answered at 20; a repeat sent at 5 lands at 15
    const { outcomes, result } = await callsAt(sim, payments(sim), [
      { atMs: 0, args: charge('k-1') },
      { atMs: 5, args: charge('k-1') },
      { atMs: 10, args: charge('k-1') }, // lands at 20: the first has been answered
    ]);
    const conflict = outcomes[1] as IdempotencyError;
    expect(conflict).toBeInstanceOf(IdempotencyError);
    expect(conflict).toMatchObject({
      name: 'IdempotencyError',
      reason: 'keyInUse',
      statusCode: 409,
      idempotencyKey: 'k-1',
    });
    expect(conflict.message).toMatch(
      /payments\.charge: there is another request in progress with idempotency key "k-1" \(call #1\); retry later with the same key \(409 Conflict\)/,
    );
    expect(outcomes[2]).toEqual(outcomes[0]);
    expect(result.effects('payments')).toHaveLength(1);
    expect(result.replays('payments').map((r) => r.callId)).toEqual([3]);
    // the conflict stored nothing and made no effect: it failed at the API
    const landed = result.trace.filter((e) => e.kind === 'call.landed').map((e) => [e.callId, e.ok]);
    expect(landed).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
  });

  it('the first call is being answered until its response is due back, added latency included', async () => {
    const sim = createSimulation({
      seed: 1,
      faults: [{ kind: 'callLatency', service: 'payments', call: 1, addMs: 1_000 }],
    });
    // the first lands at 510 and is answered at 1_020
    const { outcomes } = await callsAt(sim, payments(sim), [
      { atMs: 0, args: charge('k-1') },
      { atMs: 1_000, args: charge('k-1') }, // lands at 1_010
      { atMs: 1_010, args: charge('k-1') }, // lands at 1_020
    ]);
    expect((outcomes[1] as IdempotencyError).reason).toBe('keyInUse');
    expect(outcomes[2]).toEqual({ chargeId: 'ch-1', orderId: 'o-1' });
  });

  it('a used key with other arguments or another operation is an IdempotencyError (differentRequest), no effect', async () => {
    const sim = createSimulation({ seed: 1 });
    const { outcomes, result } = await callsAt(sim, payments(sim), [
      { atMs: 0, args: charge('k-1', 'o-1', 500) },
      { atMs: 1_000, args: charge('k-1', 'o-1', 700) },
      { atMs: 2_000, op: 'refund', args: charge('k-1', 'o-1', 500) },
    ]);
    for (const outcome of outcomes.slice(1)) {
      expect(outcome).toBeInstanceOf(IdempotencyError);
      expect(outcome).toMatchObject({ reason: 'differentRequest', statusCode: 400 });
    }
    expect((outcomes[1] as Error).message).toMatch(
      /payments\.charge: idempotency key "k-1" was first used by call #1 \(payments\.charge\) with other arguments; .*use a new key for a new request, the same arguments for a retry/,
    );
    expect((outcomes[2] as Error).message).toMatch(
      /payments\.refund: idempotency key "k-1" was first used by call #1 \(payments\.charge\)/,
    );
    expect(result.effects('payments')).toHaveLength(1);
    expect(result.replays('payments')).toEqual([]);
  });

  it('an error thrown by respond is stored too (Stripe replays 4xx/5xx): the repeat gets the same error, no effect', async () => {
    const sim = createSimulation({ seed: 1 });
    const declined = Object.assign(new Error('card declined'), { name: 'CardDeclined' });
    let attempts = 0;
    const api = sim.api('payments', {
      idempotencyKey: byKey,
      respond: () => {
        attempts++;
        throw declined;
      },
    });
    const { outcomes, result } = await callsAt(sim, api, [
      { atMs: 0, args: charge('k-1') },
      { atMs: 1_000, args: charge('k-1') },
    ]);
    expect(outcomes).toEqual([declined, declined]);
    expect(outcomes[1]).toBe(declined);
    expect(attempts).toBe(1);
    expect(result.effects('payments')).toEqual([]);
    expect(result.replays('payments')).toEqual([
      expect.objectContaining({ callId: 2, replayOf: 1, ok: false }),
    ]);
    expect(formatTimeline(result.trace)).toMatch(
      /#2 charge key "k-1" seen before: #1's error again, no new effect/,
    );
  });

  it('nothing is stored for a call failed by an injected callError: the retry runs afresh', async () => {
    const faults: FaultPlan = [{ kind: 'callError', service: 'payments', call: 1 }];
    const sim = createSimulation({ seed: 1, faults });
    const { outcomes, result } = await callsAt(sim, payments(sim), [
      { atMs: 0, args: charge('k-1') },
      { atMs: 1_000, args: charge('k-1') },
    ]);
    expect((outcomes[0] as Error).name).toBe('ServiceUnavailable');
    expect(outcomes[1]).toEqual({ chargeId: 'ch-1', orderId: 'o-1' });
    expect(result.effects('payments').map((e) => e.callId)).toEqual([2]);
    expect(result.replays('payments')).toEqual([]);
  });

  it('a call that landed but whose answer was lost (callTimeout landed) is stored: the retry replays it', async () => {
    const faults: FaultPlan = [{ kind: 'callTimeout', service: 'payments', call: 1, landed: true }];
    const sim = createSimulation({ seed: 1, faults });
    const api = payments(sim);
    const outcomes: unknown[] = [];
    sim.spawn('client', async () => {
      // a client that gives up after 100 ms and retries with the same key, as Stripe's SDKs do
      const attempt = () =>
        Promise.race([
          api.call('charge', charge('k-1')),
          new Promise((resolve) => setTimeout(() => resolve('timed out'), 100)),
        ]);
      outcomes.push(await attempt());
      outcomes.push(await attempt());
    });
    const result = await sim.run();
    expect(outcomes).toEqual(['timed out', { chargeId: 'ch-1', orderId: 'o-1' }]);
    expect(result.effects('payments')).toHaveLength(1);
    expect(result.replays('payments')).toEqual([expect.objectContaining({ callId: 2, replayOf: 1 })]);
  });

  it('a key is kept 24 h after its first call landed; later the same key runs afresh', async () => {
    const sim = createSimulation({ seed: 1 });
    const { outcomes, result } = await callsAt(sim, payments(sim), [
      { atMs: 0, args: charge('k-1') },
      { atMs: IDEMPOTENCY_KEY_RETENTION_MS - 11, args: charge('k-1') }, // lands 1 ms before expiry
      { atMs: IDEMPOTENCY_KEY_RETENTION_MS, args: charge('k-1') },
    ]);
    expect(IDEMPOTENCY_KEY_RETENTION_MS).toBe(86_400_000);
    expect(outcomes.map((o) => (o as { chargeId: string }).chargeId)).toEqual(['ch-1', 'ch-1', 'ch-2']);
    expect(result.effects('payments').map((e) => e.callId)).toEqual([1, 3]);
    expect(result.replays('payments').map((r) => r.callId)).toEqual([2]);
  });

  it('a key that is not a string of 1-255 characters is a TypeError naming the rule, and no effect', async () => {
    const sim = createSimulation({ seed: 1 });
    const bad: unknown[] = [42, '', 'x'.repeat(256)];
    const api = sim.api('payments', { idempotencyKey: (_op, args) => (args as { key: string }).key });
    const outcomes: unknown[] = [];
    sim.spawn('client', async () => {
      for (const key of bad) outcomes.push(await api.call('charge', { key }).catch((e: unknown) => e));
    });
    const result = await sim.run();
    expect(outcomes.map((o) => (o as Error).name)).toEqual(['TypeError', 'TypeError', 'TypeError']);
    expect((outcomes[0] as Error).message).toBe(
      'payments.charge: idempotencyKey must return a string of 1-255 characters or undefined, got 42',
    );
    expect(result.effects('payments')).toEqual([]);
  });

  it('result.replays names its API in errors; an API without the option has none', async () => {
    const sim = createSimulation({ seed: 1 });
    const plain = sim.api('plain');
    sim.spawn('client', async () => {
      await plain.call('send', { id: 1 });
      await plain.call('send', { id: 1 });
    });
    const result = await sim.run();
    expect(result.effects(plain)).toHaveLength(2);
    expect(result.replays(plain)).toEqual([]);
    expect(() => result.replays('nope')).toThrow(
      /result\.replays: service must name an API defined with sim\.api\(\)/,
    );
  });
});

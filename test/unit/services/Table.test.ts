import { describe, expect, it } from 'vitest';
import {
  ConditionalCheckFailedException,
  ConfigError,
  change,
  createSimulation,
  type Simulation,
  type SimulationResult,
  type Table,
  type TableOptions,
  type TraceEvent,
  ValidationException,
  when,
} from '../../../src/index.js';

interface Order extends Record<string, unknown> {
  orderId: string;
  status?: string;
  amount?: number;
  expiresAt?: number;
  note?: string;
}

const EPOCH_MS = 1_767_225_600_000; // the default startEpochMs
const EPOCH_S = EPOCH_MS / 1000;

function setup(options: Partial<TableOptions> = {}): { sim: Simulation; orders: Table<Order> } {
  const sim = createSimulation({ seed: 1 });
  const orders = sim.table<Order>('orders', { key: 'orderId', ...options });
  return { sim, orders };
}

/** Runs `body` as a simulated caller and returns its result (or what it threw, as `{ thrown }`). */
async function asCaller<T>(
  sim: Simulation,
  body: () => Promise<T>,
): Promise<{ value: T; result: SimulationResult }> {
  let value: T | undefined;
  let thrown: unknown;
  let settled = false;
  sim.spawn('client', async () => {
    try {
      value = await body();
    } catch (error) {
      thrown = error;
    }
    settled = true;
  });
  const result = await sim.run();
  expect(settled).toBe(true);
  if (thrown !== undefined) throw thrown;
  return { value: value as T, result };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function calls(trace: readonly TraceEvent[]) {
  return trace.filter((e) => e.kind.startsWith('call.'));
}

describe('sim.table options', () => {
  it('rejects invalid names and options with ConfigError naming the API, value and rule', () => {
    const sim = createSimulation({ seed: 1 });
    expect(() => sim.table('ab', { key: 'id' })).toThrow(
      /sim\.table: name must be 3-255 characters.*got "ab"/,
    );
    expect(() => sim.table('orders', {} as TableOptions)).toThrow(
      /table\("orders"\): key must be an attribute name of 1-255 characters, got undefined/,
    );
    expect(() => sim.table('orders', { key: 'id', latencyMs: -1 })).toThrow(
      /table\("orders"\): latencyMs must be a non-negative integer, got -1/,
    );
    expect(() => sim.table('orders', { key: 'id', inFlightAtDeath: 'maybe' as 'lands' })).toThrow(
      /inFlightAtDeath must be one of lands, lost, random, got "maybe"/,
    );
    expect(() => sim.table('orders', { key: 'id', ttlAttribute: 'id' })).toThrow(
      /must not be the key attribute/,
    );
    expect(() => sim.table('orders', { key: 'id', ttl: 'x' } as TableOptions)).toThrow(
      /ttl is not a known option/,
    );
    expect(() => sim.table('orders', null as unknown as TableOptions)).toThrow(ConfigError);
  });

  it('rejects a duplicate service name, across tables and APIs', () => {
    const sim = createSimulation({ seed: 1 });
    sim.table('orders', { key: 'id' });
    expect(() => sim.table('orders', { key: 'id' })).toThrow(
      /sim\.table: name is already used by another service/,
    );
    expect(() => sim.api('orders')).toThrow(/sim\.api: name is already used by another service/);
    sim.api('payments');
    expect(() => sim.table('payments', { key: 'id' })).toThrow(ConfigError);
  });

  it('fills in defaults', () => {
    const { orders } = setup();
    expect(orders.options).toEqual({
      key: 'orderId',
      latencyMs: 10,
      ttlAttribute: undefined,
      inFlightAtDeath: 'lands',
      stream: undefined,
      ttlDeletionDelayS: 0,
    });
    expect(orders.name).toBe('orders');
    expect(orders.keyAttribute).toBe('orderId');
  });
});

describe('table operations', () => {
  it('put then get returns the item; get of an absent key is undefined', async () => {
    const { sim, orders } = setup();
    const { value } = await asCaller(sim, async () => {
      await orders.put({ orderId: 'o-1', status: 'NEW', amount: 42 });
      return [await orders.get('o-1'), await orders.get('o-2')];
    });
    expect(value).toEqual([{ orderId: 'o-1', status: 'NEW', amount: 42 }, undefined]);
    expect(orders.snapshot()).toEqual([{ orderId: 'o-1', status: 'NEW', amount: 42 }]);
  });

  it('put replaces the whole item', async () => {
    const { sim, orders } = setup();
    orders.seed([{ orderId: 'o-1', status: 'NEW', amount: 42 }]);
    await asCaller(sim, () => orders.put({ orderId: 'o-1', status: 'PAID' }));
    expect(orders.peek('o-1')).toEqual({ orderId: 'o-1', status: 'PAID' });
  });

  it('string and number keys are distinct', async () => {
    const sim = createSimulation({ seed: 1 });
    const t = sim.table<{ id: string | number; v: string }>('things', { key: 'id' });
    await asCaller(sim, async () => {
      await t.put({ id: 1, v: 'number' });
      await t.put({ id: '1', v: 'string' });
    });
    expect(t.peek(1)?.v).toBe('number');
    expect(t.peek('1')?.v).toBe('string');
  });

  it('update merges into an existing item and returns the whole new item', async () => {
    const { sim, orders } = setup();
    orders.seed([{ orderId: 'o-1', status: 'NEW', amount: 42 }]);
    const { value } = await asCaller(sim, () => orders.update('o-1', { status: 'PAID' }));
    expect(value).toEqual({ orderId: 'o-1', status: 'PAID', amount: 42 });
    expect(orders.peek('o-1')).toEqual({ orderId: 'o-1', status: 'PAID', amount: 42 });
  });

  it('update upserts an absent item from the key and the changes', async () => {
    const { sim, orders } = setup();
    const { value } = await asCaller(sim, () => orders.update('o-9', { status: 'NEW' }));
    expect(value).toEqual({ orderId: 'o-9', status: 'NEW' });
    expect(orders.snapshot()).toEqual([{ orderId: 'o-9', status: 'NEW' }]);
  });

  it('update removes attributes given as undefined', async () => {
    const { sim, orders } = setup();
    orders.seed([{ orderId: 'o-1', status: 'NEW', note: 'gift' }]);
    const { value } = await asCaller(sim, () => orders.update('o-1', { note: undefined, amount: 3 }));
    expect(value).toEqual({ orderId: 'o-1', status: 'NEW', amount: 3 });
    expect(Object.hasOwn(orders.peek('o-1')!, 'note')).toBe(false);
  });

  it('update cannot change the key attribute (ValidationException, item unchanged)', async () => {
    const { sim, orders } = setup();
    orders.seed([{ orderId: 'o-1', status: 'NEW' }]);
    const { value } = await asCaller(sim, () => rejection(orders.update('o-1', { orderId: 'o-2' })));
    expect(value.name).toBe('ValidationException');
    expect(value).toBeInstanceOf(ValidationException);
    expect(value.message).toMatch(/Cannot update attribute orderId\. This attribute is part of the key/);
    expect(orders.snapshot()).toEqual([{ orderId: 'o-1', status: 'NEW' }]);
  });

  it('delete removes the item; deleting an absent key succeeds', async () => {
    const { sim, orders } = setup();
    orders.seed([{ orderId: 'o-1' }, { orderId: 'o-2' }]);
    await asCaller(sim, async () => {
      await orders.delete('o-1');
      await orders.delete('o-404');
    });
    expect(orders.peek('o-1')).toBeUndefined();
    expect(orders.snapshot()).toEqual([{ orderId: 'o-2' }]);
  });

  it('snapshot keeps the order of first write; a key deleted and written again moves to the end', async () => {
    const { sim, orders } = setup();
    await asCaller(sim, async () => {
      await orders.put({ orderId: 'b' });
      await orders.put({ orderId: 'a' });
      await orders.put({ orderId: 'c' });
      await orders.update('b', { status: 'x' });
      await orders.delete('a');
      await orders.put({ orderId: 'a' });
    });
    expect(orders.snapshot().map((o) => o.orderId)).toEqual(['b', 'c', 'a']);
  });
});

describe('conditional writes', () => {
  it('put with notExists creates once; the second put fails with ConditionalCheckFailedException', async () => {
    const { sim, orders } = setup();
    const { value } = await asCaller(sim, async () => {
      await orders.put({ orderId: 'o-1', status: 'first' }, { condition: when.notExists('orderId') });
      return rejection(
        orders.put({ orderId: 'o-1', status: 'second' }, { condition: when.notExists('orderId') }),
      );
    });
    expect(value).toBeInstanceOf(ConditionalCheckFailedException);
    expect(value.name).toBe('ConditionalCheckFailedException');
    expect(value.message).toBe('The conditional request failed');
    expect(orders.peek('o-1')?.status).toBe('first');
  });

  it('attributeExists fails on an absent item (no upsert) and holds on a present one', async () => {
    const { sim, orders } = setup();
    orders.seed([{ orderId: 'o-1', status: 'NEW' }]);
    const { value } = await asCaller(sim, async () => {
      const absent = await rejection(
        orders.update('o-2', { status: 'PAID' }, { condition: when.exists('orderId') }),
      );
      const present = await orders.update('o-1', { status: 'PAID' }, { condition: when.exists('orderId') });
      return { absent: absent.name, present };
    });
    expect(value).toEqual({
      absent: 'ConditionalCheckFailedException',
      present: { orderId: 'o-1', status: 'PAID' },
    });
    expect(orders.peek('o-2')).toBeUndefined();
  });

  it('attributeEquals guards a state transition (update and delete)', async () => {
    const { sim, orders } = setup();
    orders.seed([
      { orderId: 'o-1', status: 'NEW' },
      { orderId: 'o-2', status: 'PAID' },
    ]);
    const { value } = await asCaller(sim, async () => {
      await orders.update('o-1', { status: 'PAID' }, { condition: when.equals('status', 'NEW') });
      const again = await rejection(
        orders.update('o-1', { status: 'PAID' }, { condition: when.equals('status', 'NEW') }),
      );
      const keep = await rejection(orders.delete('o-2', { condition: when.equals('status', 'CANCELLED') }));
      await orders.delete('o-1', { condition: when.equals('status', 'PAID') });
      return [again.name, keep.name];
    });
    expect(value).toEqual(['ConditionalCheckFailedException', 'ConditionalCheckFailedException']);
    expect(orders.snapshot()).toEqual([{ orderId: 'o-2', status: 'PAID' }]);
  });

  it('and / or / lessThan express a Powertools-style idempotency claim', async () => {
    const { sim, orders } = setup();
    orders.seed([
      { orderId: 'stale', status: 'INPROGRESS', amount: 100 },
      { orderId: 'fresh', status: 'INPROGRESS', amount: 10_000 },
      { orderId: 'done', status: 'COMPLETED', amount: 100 },
    ]);
    const claim = when.any(
      when.notExists('orderId'),
      when.all(when.equals('status', 'INPROGRESS'), when.lessThan('amount', 500)),
    );
    const { value } = await asCaller(sim, async () => {
      const out: Record<string, string> = {};
      for (const id of ['new', 'stale', 'fresh', 'done']) {
        out[id] = await orders.put({ orderId: id, status: 'CLAIMED' }, { condition: claim }).then(
          () => 'claimed',
          (e: Error) => e.name,
        );
      }
      return out;
    });
    expect(value).toEqual({
      new: 'claimed',
      stale: 'claimed',
      fresh: 'ConditionalCheckFailedException',
      done: 'ConditionalCheckFailedException',
    });
  });

  it('a ConditionalCheckFailedException reaching a handler is catchable by class and by name', async () => {
    const { sim, orders } = setup();
    orders.seed([{ orderId: 'o-1', status: 'NEW' }]);
    const fn = sim.fn(
      'Place',
      () => async () => {
        try {
          await orders.put({ orderId: 'o-1', status: 'DUP' }, { condition: when.notExists('orderId') });
          return { caught: false };
        } catch (error) {
          return {
            caught: true,
            isClass: error instanceof ConditionalCheckFailedException,
            name: (error as Error).name,
          };
        }
      },
      { initDurationMs: 0 },
    );
    const response = sim.invoke(fn, {});
    await sim.run();
    const r = await response;
    expect(r.kind).toBe('ok');
    expect(r.kind === 'ok' && r.body).toEqual({
      caught: true,
      isClass: true,
      name: 'ConditionalCheckFailedException',
    });
    expect(orders.peek('o-1')?.status).toBe('NEW');
  });

  it('a malformed condition literal is a ValidationException and nothing is written', async () => {
    const { sim, orders } = setup();
    const bad = { kind: 'attributeEquals', name: 'status' } as unknown as ReturnType<typeof when.exists>;
    const { value } = await asCaller(sim, () =>
      rejection(orders.put({ orderId: 'o-1' }, { condition: bad })),
    );
    expect(value.name).toBe('ValidationException');
    expect(value.message).toMatch(/Invalid ConditionExpression: attributeEquals needs a value/);
    expect(orders.snapshot()).toEqual([]);
  });
});

describe('negated and not-equal conditions on writes', () => {
  it('notEquals holds for an absent item (the update upserts) and refuses the named value', async () => {
    const { sim, orders } = setup();
    orders.seed([{ orderId: 'cancelled', status: 'CANCELLED' }]);
    const notCancelled = { condition: when.notEquals('status', 'CANCELLED') };
    const { value } = await asCaller(sim, async () => ({
      fresh: await orders.update('fresh', { status: 'SHIPPED' }, notCancelled).then(() => 'shipped'),
      cancelled: await orders
        .update('cancelled', { status: 'SHIPPED' }, notCancelled)
        .catch((e: Error) => e.name),
    }));
    expect(value).toEqual({ fresh: 'shipped', cancelled: 'ConditionalCheckFailedException' });
    expect(orders.peek('cancelled')?.status).toBe('CANCELLED');
  });

  it('not(...) negates a nested condition on put and delete', async () => {
    const { sim, orders } = setup();
    orders.seed([
      { orderId: 'mine', status: 'LOCKED', note: 'me' },
      { orderId: 'theirs', status: 'LOCKED', note: 'you' },
    ]);
    const notMine = { condition: when.not(when.equals('note', 'me')) };
    const { value } = await asCaller(sim, async () => ({
      mine: await orders.delete('mine', notMine).then(
        () => 'deleted',
        (e: Error) => e.name,
      ),
      theirs: await orders
        .put({ orderId: 'theirs', status: 'TAKEN', note: 'me' }, notMine)
        .then(() => 'taken'),
    }));
    expect(value).toEqual({ mine: 'ConditionalCheckFailedException', theirs: 'taken' });
    expect(orders.snapshot()).toEqual([
      { orderId: 'mine', status: 'LOCKED', note: 'me' },
      { orderId: 'theirs', status: 'TAKEN', note: 'me' },
    ]);
  });
});

describe('atomic changes: change.add and change.ifNotExists', () => {
  it('add counts an absent item or attribute as 0, adds to a number, and returns the whole item', async () => {
    const { sim, orders } = setup();
    orders.seed([{ orderId: 'o-1', status: 'NEW', amount: 40 }]);
    const { value } = await asCaller(sim, async () => [
      await orders.update('o-1', { amount: change.add(2) }),
      await orders.update('o-1', { amount: change.add(-12), status: 'PAID' }),
      await orders.update('o-2', { amount: change.add(5) }),
    ]);
    expect(value).toEqual([
      { orderId: 'o-1', status: 'NEW', amount: 42 },
      { orderId: 'o-1', status: 'PAID', amount: 30 },
      { orderId: 'o-2', amount: 5 },
    ]);
  });

  it('ifNotExists sets an absent attribute and keeps a present one', async () => {
    const { sim, orders } = setup();
    orders.seed([{ orderId: 'o-1', note: 'first' }]);
    const { value } = await asCaller(sim, async () => [
      await orders.update('o-1', { note: change.ifNotExists('second'), status: change.ifNotExists('NEW') }),
      await orders.update('o-2', { note: change.ifNotExists('only') }),
    ]);
    expect(value).toEqual([
      { orderId: 'o-1', note: 'first', status: 'NEW' },
      { orderId: 'o-2', note: 'only' },
    ]);
  });

  it('is computed from the item as stored when the update lands, after the condition holds', async () => {
    const { sim, orders } = setup();
    orders.seed([{ orderId: 'o-1', status: 'DONE', amount: 1 }]);
    const { value } = await asCaller(sim, () =>
      rejection(
        orders.update('o-1', { amount: change.add(1) }, { condition: when.notEquals('status', 'DONE') }),
      ),
    );
    expect(value).toBeInstanceOf(ConditionalCheckFailedException);
    expect(orders.peek('o-1')?.amount).toBe(1);
  });

  it('add to an attribute that is not a number is a ValidationException; nothing changes', async () => {
    const { sim } = setup();
    const loose = sim.table('loose', { key: 'id' });
    loose.seed([{ id: 'a', n: '5', other: 1 }]);
    const { value } = await asCaller(sim, () => rejection(loose.update('a', { n: change.add(1), other: 2 })));
    expect(value).toBeInstanceOf(ValidationException);
    expect(value.message).toMatch(/incorrect data type: ADD n needs a number attribute, found "5"/);
    expect(loose.peek('a')).toEqual({ id: 'a', n: '5', other: 1 });
  });

  it('builders validate at once; the value of ifNotExists is copied when built', () => {
    expect(() => change.add(Number.NaN)).toThrow(ConfigError);
    expect(() => change.add('1' as unknown as number)).toThrow(
      /change\.add: n must be a finite number, got "1"/,
    );
    expect(() => change.ifNotExists(undefined)).toThrow(/change\.ifNotExists: value must be JSON data/);
    expect(() => change.ifNotExists({ big: 1n })).toThrow(/change\.ifNotExists: value must be JSON data/);
    const meta = { tags: ['a'] };
    const action = change.ifNotExists(meta);
    meta.tags.push('b');
    expect(action.value).toEqual({ tags: ['a'] });
    expect(Object.isFrozen(action)).toBe(true);
    // @ts-expect-error: change.add fits number attributes only (status is a string)
    const wrong: Parameters<Table<Order>['update']>[1] = { status: change.add(1) };
    expect(wrong).toBeDefined();
  });

  it('two environments adding 1 at the same instant leave +2, in one call each (a read-modify-write loses one)', async () => {
    async function run(variant: 'atomic' | 'readModifyWrite') {
      const sim = createSimulation({ seed: 3 });
      const counters = sim.table<{ id: string; count?: number }>('counters', { key: 'id' });
      counters.seed([{ id: 'orders', count: 10 }]);
      const fn = sim.fn(
        'Count',
        () => async () => {
          if (variant === 'atomic') return (await counters.update('orders', { count: change.add(1) })).count;
          const current = await counters.get('orders');
          return (await counters.update('orders', { count: (current?.count ?? 0) + 1 })).count;
        },
        { initDurationMs: 0 },
      );
      const responses = [sim.invoke(fn, {}), sim.invoke(fn, {})];
      const result = await sim.run();
      const bodies = (await Promise.all(responses)).map((r) => (r.kind === 'ok' ? r.body : r.kind));
      const envs = new Set(result.trace.flatMap((e) => (e.kind === 'invoke.started' ? [e.env] : [])));
      const sent = result.trace.filter((e) => e.kind === 'call.sent');
      return { count: counters.peek('orders')?.count, bodies, envs: envs.size, calls: sent.length };
    }
    const atomic = await run('atomic');
    expect(atomic).toEqual({ count: 12, bodies: [11, 12], envs: 2, calls: 2 });
    const racy = await run('readModifyWrite');
    expect(racy).toEqual({ count: 11, bodies: [11, 11], envs: 2, calls: 4 });
  });
});

describe('validation errors are service errors, returned after the latency', () => {
  it('an item without its key attribute is rejected with ValidationException, not a crash', async () => {
    const { sim, orders } = setup();
    const { value, result } = await asCaller(sim, () =>
      rejection(orders.put({ status: 'NEW' } as unknown as Order)),
    );
    expect(value).toBeInstanceOf(ValidationException);
    expect(value.message).toBe(
      'One or more parameter values were invalid: Missing the key orderId in the item',
    );
    expect(calls(result.trace).map((e) => [e.kind, e.atMs, 'ok' in e ? e.ok : undefined])).toEqual([
      ['call.sent', 0, undefined],
      ['call.landed', 5, false],
      ['call.returned', 10, false],
    ]);
    expect(result.callers[0]?.status).toBe('finished');
  });

  it('rejects empty-string, non-finite and object keys, non-object items, non-JSON items and oversized items', async () => {
    const { sim, orders } = setup();
    const { value } = await asCaller(sim, async () => {
      const names: string[] = [];
      const attempts: Array<() => Promise<unknown>> = [
        () => orders.get(''),
        () => orders.get(Number.NaN),
        () => orders.get({} as unknown as string),
        () => orders.put({ orderId: 7n } as unknown as Order),
        () => orders.put(['o-1'] as unknown as Order),
        () => orders.put({ orderId: 'big', note: 'x'.repeat(410_000) }),
        () => orders.update('o-1', 'nope' as unknown as Order),
      ];
      for (const attempt of attempts)
        names.push(await rejection(attempt()).then((e) => `${e.name}: ${e.message}`));
      return names;
    });
    expect(value).toHaveLength(7);
    for (const line of value) expect(line).toMatch(/^ValidationException: /);
    expect(value[0]).toMatch(/cannot contain an empty string value\. Key: orderId/);
    expect(value[1]).toMatch(/must be a non-empty string or a finite number, got NaN/);
    expect(value[3]).toMatch(/not JSON data/);
    expect(value[5]).toMatch(/exceeded the maximum allowed size/);
    expect(orders.snapshot()).toEqual([]);
  });
});

describe('TTL', () => {
  it('an item is visible until its expiry and absent from then on (get, peek, snapshot)', async () => {
    const { sim, orders } = setup({ ttlAttribute: 'expiresAt', latencyMs: 0 });
    orders.seed([
      { orderId: 'short', expiresAt: EPOCH_S + 5 },
      { orderId: 'long', expiresAt: EPOCH_S + 3600 },
      { orderId: 'forever' },
      { orderId: 'text', expiresAt: 'soon' as unknown as number },
    ]);
    expect(orders.peek('short')).toBeDefined();
    const { value } = await asCaller(sim, async () => {
      await sim.sleep(4_999);
      const before = await orders.get('short'); // lands at 4_999: 1 ms before the expiry
      await sim.sleep(1);
      const at = await orders.get('short'); // lands at 5_000, exactly the expiry
      return { before: before?.orderId, at };
    });
    expect(value).toEqual({ before: 'short', at: undefined });
    expect(orders.peek('short')).toBeUndefined();
    expect(orders.snapshot().map((o) => o.orderId)).toEqual(['long', 'forever', 'text']);
  });

  it('an expired item is absent for conditions and updates: notExists holds, update starts afresh', async () => {
    const { sim, orders } = setup({ ttlAttribute: 'expiresAt' });
    orders.seed([
      { orderId: 'a', status: 'OLD', note: 'stale', expiresAt: EPOCH_S },
      { orderId: 'b', status: 'OLD', note: 'stale', expiresAt: EPOCH_S },
      { orderId: 'c' },
    ]);
    await asCaller(sim, async () => {
      await orders.put({ orderId: 'a', status: 'NEW' }, { condition: when.notExists('orderId') });
      await orders.update('b', { status: 'NEW' });
    });
    expect(orders.peek('a')).toEqual({ orderId: 'a', status: 'NEW' });
    expect(orders.peek('b')).toEqual({ orderId: 'b', status: 'NEW' });
    // an item written over an expired one takes a new place, as if first written now
    expect(orders.snapshot().map((o) => o.orderId)).toEqual(['c', 'a', 'b']);
  });

  it('uses the simulation epoch (startEpochMs)', async () => {
    const sim = createSimulation({ seed: 1, startEpochMs: 1_000_000 });
    const t = sim.table<{ id: string; ttl: number }>('sessions', { key: 'id', ttlAttribute: 'ttl' });
    t.seed([
      { id: 'past', ttl: 999 },
      { id: 'future', ttl: 1001 },
    ]);
    expect(t.snapshot().map((i) => i.id)).toEqual(['future']);
  });
});

describe('copy isolation', () => {
  it('mutating an item after put, or one returned by get, never changes what is stored', async () => {
    const { sim, orders } = setup();
    const { value } = await asCaller(sim, async () => {
      const item: Order = { orderId: 'o-1', status: 'NEW' };
      const pending = orders.put(item);
      item.status = 'MUTATED-IN-FLIGHT';
      await pending;
      const got = await orders.get('o-1');
      got!.status = 'MUTATED-AFTER-GET';
      const updated = await orders.update('o-1', { amount: 1 });
      updated.amount = 999;
      return orders.get('o-1');
    });
    expect(value).toEqual({ orderId: 'o-1', status: 'NEW', amount: 1 });
  });

  it('seed, peek and snapshot copy too', () => {
    const { orders } = setup();
    const seeded: Order = { orderId: 'o-1', status: 'NEW' };
    orders.seed([seeded]);
    seeded.status = 'X';
    orders.peek('o-1')!.status = 'Y';
    orders.snapshot()[0]!.status = 'Z';
    expect(orders.peek('o-1')).toEqual({ orderId: 'o-1', status: 'NEW' });
  });
});

describe('inspection API', () => {
  it('seed validates items with a ConfigError naming the index', () => {
    const { orders } = setup();
    expect(() => orders.seed([{ orderId: 'ok' }, { status: 'x' } as unknown as Order])).toThrow(
      /table\("orders"\)\.seed: items\[1\] One or more parameter values were invalid: Missing the key orderId/,
    );
    expect(() => orders.seed('x' as unknown as Order[])).toThrow(ConfigError);
  });

  it('peek of an invalid key is a ConfigError', () => {
    const { orders } = setup();
    expect(() => orders.peek('')).toThrow(ConfigError);
  });

  it('a service call outside a run throws a clear Error', async () => {
    const { sim, orders } = setup();
    expect(() => orders.get('o-1')).toThrow(
      /orders\.get: called outside the simulation.*use the service's inspection methods/,
    );
    await sim.run();
    expect(() => orders.put({ orderId: 'o-1' })).toThrow(/orders\.put: called outside the simulation/);
  });
});

describe('latency, attribution and death', () => {
  it('a call is sent at t, lands at t + floor(latency/2) and returns at t + latency', async () => {
    const { sim, orders } = setup({ latencyMs: 15 });
    const fn = sim.fn(
      'Writer',
      () => async () => {
        const t0 = Date.now();
        await orders.put({ orderId: 'o-1' });
        const t1 = Date.now();
        return { t0, t1 };
      },
      { initDurationMs: 0 },
    );
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    const r = await response;
    expect(r.kind === 'ok' && r.body).toEqual({ t0: EPOCH_MS, t1: EPOCH_MS + 15 });
    expect(calls(result.trace).map((e) => [e.kind, e.atMs])).toEqual([
      ['call.sent', 0],
      ['call.landed', 7],
      ['call.returned', 15],
    ]);
    const sent = result.trace.find((e) => e.kind === 'call.sent');
    expect(sent).toMatchObject({ service: 'orders', op: 'put', by: 'Writer#1', requestId: r.requestId });
  });

  it('a write in flight at the timeout lands by default and is lost with inFlightAtDeath "lost"', async () => {
    for (const fate of ['lands', 'lost'] as const) {
      const { sim, orders } = setup({ latencyMs: 20, inFlightAtDeath: fate });
      const fn = sim.fn(
        'Slow',
        () => async () => {
          await new Promise((resolve) => setTimeout(resolve, 995));
          await orders.put({ orderId: 'o-1' }); // lands at 1_005, after the 1 s timeout
        },
        { timeoutS: 1, initDurationMs: 0 },
      );
      sim.invoke(fn, {});
      const result = await sim.run();
      const kinds = calls(result.trace).map((e) => `${e.kind}@${e.atMs}`);
      if (fate === 'lands') {
        expect(orders.peek('o-1')).toEqual({ orderId: 'o-1' });
        expect(kinds).toEqual(['call.sent@995', 'call.landed@1005']);
      } else {
        expect(orders.peek('o-1')).toBeUndefined();
        expect(kinds).toEqual(['call.sent@995', 'call.lost@1005']);
      }
    }
  });
});

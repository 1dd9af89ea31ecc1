import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation, when } from '../../../src/index.js';

interface Line extends Record<string, unknown> {
  customerId: string;
  orderId: string | number;
  status?: string;
}

function setup(): { sim: Simulation; lines: ReturnType<Simulation['table']> } {
  const sim = createSimulation({ seed: 1 });
  const lines = sim.table<Line>('lines', { key: 'customerId', sortKey: 'orderId' });
  return { sim, lines };
}

async function asCaller(sim: Simulation, body: () => Promise<void>): Promise<void> {
  let thrown: unknown;
  sim.spawn('client', async () => {
    try {
      await body();
    } catch (error) {
      thrown = error;
    }
  });
  await sim.run();
  if (thrown !== undefined) throw thrown;
}

describe('sim.table with a sort key (typed door)', () => {
  it('items sharing a partition key and differing by sort key are distinct; a key is an object of both', async () => {
    const { sim, lines } = setup();
    let got: unknown[] = [];
    await asCaller(sim, async () => {
      await lines.put({ customerId: 'c-1', orderId: 'o-1', status: 'NEW' });
      await lines.put({ customerId: 'c-1', orderId: 'o-2', status: 'NEW' });
      await lines.update(
        { customerId: 'c-1', orderId: 'o-2' },
        { status: 'PAID' },
        {
          condition: when.equals('status', 'NEW'),
        },
      );
      await lines.update({ customerId: 'c-2', orderId: 1 }, { status: 'UPSERTED' });
      await lines.delete({ customerId: 'c-1', orderId: 'o-1' });
      got = [
        await lines.get({ customerId: 'c-1', orderId: 'o-1' }),
        await lines.get({ customerId: 'c-1', orderId: 'o-2' }),
      ];
    });
    expect(got).toEqual([undefined, { customerId: 'c-1', orderId: 'o-2', status: 'PAID' }]);
    expect(lines.snapshot()).toEqual([
      { customerId: 'c-1', orderId: 'o-2', status: 'PAID' },
      { customerId: 'c-2', orderId: 1, status: 'UPSERTED' },
    ]);
    expect(lines.peek({ customerId: 'c-2', orderId: 1 })?.status).toBe('UPSERTED');
    expect(lines.peek({ customerId: 'c-2', orderId: '1' })).toBeUndefined();
  });

  it('rejects a scalar key, a key missing the sort key, an item without it, and an update of it', async () => {
    const { sim, lines } = setup();
    const errors: string[] = [];
    await asCaller(sim, async () => {
      const attempts: (() => Promise<unknown>)[] = [
        () => lines.get('c-1'),
        () => lines.get({ customerId: 'c-1' }),
        () => lines.get({ customerId: 'c-1', orderId: 'o-1', extra: 1 }),
        () => lines.put({ customerId: 'c-1' }),
        () => lines.update({ customerId: 'c-1', orderId: 'o-1' }, { orderId: 'o-9' }),
      ];
      for (const attempt of attempts)
        await attempt().catch((e: Error) => errors.push(`${e.name}: ${e.message}`));
    });
    expect(errors).toEqual([
      expect.stringMatching(
        /ValidationException: .*this table has a sort key: a key is an object with customerId and orderId/,
      ),
      expect.stringMatching(
        /ValidationException: .*the key orderId must be a non-empty string or a finite number, got undefined/,
      ),
      expect.stringMatching(/does not match the schema: extra is not a key attribute/),
      expect.stringMatching(/Missing the key orderId in the item/),
      expect.stringMatching(/Cannot update attribute orderId. This attribute is part of the key/),
    ]);
    expect(lines.snapshot()).toEqual([]);
  });

  it('sortKey must be an attribute name other than the key (ConfigError)', () => {
    const sim = createSimulation({ seed: 1 });
    expect(() => sim.table('lines', { key: 'pk', sortKey: 'pk' })).toThrow(
      /table\("lines"\): sortKey must differ from the partition key attribute, got "pk"/,
    );
    expect(() => sim.table('lines2', { key: 'pk', sortKey: '' })).toThrow(
      /sortKey must be an attribute name/,
    );
  });
});

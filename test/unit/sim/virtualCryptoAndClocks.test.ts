import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../../src/index.js';

interface Sample {
  bytes: string;
  cbBytes: string;
  int: number;
  cbInt: number;
  web: number[];
  node: number[];
  hr: [number, number];
  hrBig: string;
  uptime: number;
}

async function sample(seed: number): Promise<{ sample: Sample; errors: number }> {
  const sim = createSimulation({ seed });
  let out: Sample | undefined;
  const fn = sim.fn(
    'Rand',
    () => async () => {
      await new Promise((r) => setTimeout(r, 1500));
      const cbBytes = await new Promise<string>((resolve, reject) =>
        crypto.randomBytes(8, (err, buf) => (err ? reject(err) : resolve(buf.toString('hex')))),
      );
      const cbInt = await new Promise<number>((resolve, reject) =>
        crypto.randomInt(10, 20, (err, n) => (err ? reject(err) : resolve(n))),
      );
      out = {
        bytes: crypto.randomBytes(16).toString('hex'),
        cbBytes,
        int: crypto.randomInt(1000),
        cbInt,
        web: [...globalThis.crypto.getRandomValues(new Uint32Array(2))],
        node: [...crypto.getRandomValues(new Uint8Array(3))],
        hr: process.hrtime(),
        hrBig: process.hrtime.bigint().toString(),
        uptime: process.uptime(),
      };
    },
    { initDurationMs: 0 },
  );
  void sim.invoke(fn, {});
  const result = await sim.run();
  return { sample: out!, errors: result.determinismErrors.length };
}

describe('virtual crypto randomness and monotonic clocks inside a handler', () => {
  it('are seeded: same seed gives the same values, another seed others, and nothing escapes', async () => {
    const a = await sample(11);
    const b = await sample(11);
    const c = await sample(12);
    expect(a.sample).toEqual(b.sample);
    expect(c.sample.bytes).not.toBe(a.sample.bytes);
    expect(a.errors).toBe(0);
    expect(a.sample.int).toBeGreaterThanOrEqual(0);
    expect(a.sample.int).toBeLessThan(1000);
    expect(a.sample.cbInt).toBeGreaterThanOrEqual(10);
    expect(a.sample.cbInt).toBeLessThan(20);
  });

  it('hrtime, hrtime.bigint and uptime read virtual time since the start of the run', async () => {
    const { sample: s } = await sample(3);
    // The values were read after Init (0 ms) and a 1500 ms virtual sleep.
    expect(s.hr).toEqual([1, 500_000_000]);
    expect(s.hrBig).toBe('1500000000');
    expect(s.uptime).toBe(1.5);
  });

  it('outside a simulation the real functions answer', () => {
    expect(crypto.randomBytes(4)).toHaveLength(4);
    const [sec] = process.hrtime();
    expect(sec).toBeGreaterThan(0);
    expect(process.uptime()).toBeGreaterThan(0);
  });
});

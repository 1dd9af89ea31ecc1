import { describe, expect, it } from 'vitest';
import { type Rng, RngStreams, seededUuid } from '../../../src/sim/Rng.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function draw(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

describe('RngStreams', () => {
  it('gives the same sequence for the same seed and subsystem', () => {
    const a = new RngStreams(42).stream('lambda.ids');
    const b = new RngStreams(42).stream('lambda.ids');
    expect(draw(a, 50)).toEqual(draw(b, 50));
  });

  it('gives a different sequence for a different seed', () => {
    const a = draw(new RngStreams(42).stream('x'), 10);
    const b = draw(new RngStreams(43).stream('x'), 10);
    expect(a).not.toEqual(b);
  });

  it('gives different sequences to different subsystems of one seed', () => {
    const streams = new RngStreams(7);
    expect(draw(streams.stream('a'), 10)).not.toEqual(draw(streams.stream('b'), 10));
  });

  it('returns the same stream object for a subsystem (state continues, no restart)', () => {
    const streams = new RngStreams(1);
    const s = streams.stream('s');
    const first = s.next();
    expect(streams.stream('s')).toBe(s);
    expect(streams.stream('s').next()).not.toBe(first);
    const fresh = new RngStreams(1).stream('s');
    expect(fresh.next()).toBe(first);
  });

  it('keeps sub-streams independent: drawing from one does not shift another', () => {
    const quiet = new RngStreams(99);
    const expected = draw(quiet.stream('env.choice'), 20);

    const noisy = new RngStreams(99);
    const other = noisy.stream('sqs.duplicates');
    const env = noisy.stream('env.choice');
    const got: number[] = [];
    for (let i = 0; i < 20; i++) {
      for (let k = 0; k < i % 4; k++) other.next(); // interleave draws on another subsystem
      other.uint32();
      got.push(env.next());
    }
    expect(got).toEqual(expected);
  });

  it('does not depend on the order in which sub-streams are first created', () => {
    const ab = new RngStreams(5);
    ab.stream('a');
    const bFirst = draw(ab.stream('b'), 5);
    const ba = new RngStreams(5);
    const bOnly = draw(ba.stream('b'), 5);
    expect(bFirst).toEqual(bOnly);
  });

  it('is pinned: seed 42 gives these values forever (changing them breaks every saved seed)', () => {
    const s = new RngStreams(42).stream('lambda.ids');
    expect([s.uint32(), s.uint32(), s.next(), seededUuid(s)]).toEqual([
      1711204017,
      3541937640,
      0.32834620028734207,
      '57dc623e-52e6-4e20-b7ea-a9d32ecad18f',
    ]);
  });

  it('keeps the seed it was made with', () => {
    expect(new RngStreams(123).seed).toBe(123);
  });
});

describe('Rng draws', () => {
  const rng = () => new RngStreams(2024).stream('ranges');

  it('next() is a float in [0, 1)', () => {
    const r = rng();
    const bad = Array.from({ length: 5000 }, () => r.next()).filter((x) => !(x >= 0 && x < 1));
    expect(bad).toEqual([]);
  });

  it('int(n) is an integer in [0, n) and reaches every value', () => {
    for (const n of [1, 2, 3, 7, 10]) {
      const r = rng();
      const seen = new Set<number>();
      const draws = Array.from({ length: 2000 }, () => r.int(n));
      expect(draws.filter((x) => !Number.isInteger(x) || x < 0 || x >= n)).toEqual([]);
      for (const x of draws) seen.add(x);
      expect(seen.size).toBe(n);
    }
  });

  it('int(n) is roughly uniform (no value gets less than half its share)', () => {
    const r = rng();
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[r.int(8)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(500);
  });

  it('pick() returns elements of the array, every one eventually, and is seeded', () => {
    const items = ['a', 'b', 'c', 'd'] as const;
    const r = rng();
    const picks = Array.from({ length: 400 }, () => r.pick(items));
    expect(picks.filter((p) => !items.includes(p))).toEqual([]);
    expect(new Set(picks).size).toBe(items.length);
    const again = rng();
    expect(Array.from({ length: 400 }, () => again.pick(items))).toEqual(picks);
  });

  it('pick() of a one-element array returns it; of an empty array throws RangeError', () => {
    const r = rng();
    expect(r.pick(['only'])).toBe('only');
    expect(() => r.pick([])).toThrow(RangeError);
    expect(() => r.pick([])).toThrow(/empty/);
  });

  it('uint32() is an unsigned 32-bit integer and covers the high half', () => {
    const r = rng();
    const draws = Array.from({ length: 2000 }, () => r.uint32());
    expect(draws.filter((x) => !Number.isInteger(x) || x < 0 || x > 0xffff_ffff)).toEqual([]);
    const high = draws.filter((x) => x >= 0x8000_0000).length;
    expect(high).toBeGreaterThan(800); // would be 0 if the sign bit leaked as a negative number
  });
});

describe('seededUuid', () => {
  it('has the version-4 shape (version nibble 4, variant 10xx)', () => {
    const r = new RngStreams(3).stream('uuid');
    const ids = Array.from({ length: 1000 }, () => seededUuid(r));
    expect(ids.filter((id) => !UUID_V4.test(id))).toEqual([]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          seededUuid(r)
      )(new RngStreams(3).stream('u')),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          seededUuid(r)
      )(new RngStreams(3).stream('u')),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          seededUuid(r)
      )(new RngStreams(4).stream('u')),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('does not repeat over many draws', () => {
    const r = new RngStreams(11).stream('u');
    const ids = new Set(Array.from({ length: 10_000 }, () => seededUuid(r)));
    expect(ids.size).toBe(10_000);
  });

  it('uses exactly four uint32 draws (so other draws on the stream stay predictable)', () => {
    const viaUuid = new RngStreams(8).stream('u');
    seededUuid(viaUuid);
    const manual = new RngStreams(8).stream('u');
    for (let i = 0; i < 4; i++) manual.uint32();
    expect(viaUuid.uint32()).toBe(manual.uint32());
  });
});

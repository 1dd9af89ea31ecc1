import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentDigest, thrownText } from '../../../src/sim/contentDigest.js';

describe('contentDigest', () => {
  it('is 16 hex digits, the same for the same text, different for texts of the same length', () => {
    const a = contentDigest('{"amount":111}');
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(contentDigest('{"amount":111}')).toBe(a);
    expect(contentDigest('{"amount":999}')).not.toBe(a);
    expect(contentDigest('')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('pins its algorithm (so that a change of trace hashes is deliberate)', () => {
    // Short texts: FNV-1a-32 lane, then the MurmurHash2-prime lane.
    expect(contentDigest('')).toBe('811c9dc55bd1e995');
    expect(contentDigest('a')).toBe(
      `e40c292c${(Math.imul(0x5bd1e995 ^ 97, 0x5bd1e995) >>> 0).toString(16).padStart(8, '0')}`,
    );
    // Long texts: the first 16 hex digits of SHA-1.
    const long = 'x'.repeat(1000);
    expect(contentDigest(long)).toBe(createHash('sha1').update(long).digest('hex').slice(0, 16));
  });

  it('tells apart many near-identical texts on both paths', () => {
    const short = new Set(Array.from({ length: 10_000 }, (_, i) => contentDigest(`{"i":${i}}`)));
    expect(short.size).toBe(10_000);
    const pad = 'p'.repeat(300);
    const long = new Set(Array.from({ length: 1000 }, (_, i) => contentDigest(`${pad}${i}`)));
    expect(long.size).toBe(1000);
  });
});

describe('thrownText', () => {
  it('is name and message for an Error, never its stack', () => {
    const e = new TypeError('bad');
    e.stack = 'TypeError: bad\n    at /home/me/handler.ts:1:1';
    expect(thrownText(e)).toBe('TypeError: bad');
  });

  it('is the type and JSON (or string) of anything else, and never throws', () => {
    expect(thrownText({ code: 42 })).toBe('object {"code":42}');
    expect(thrownText('boom')).toBe('string "boom"');
    expect(thrownText(undefined)).toBe('undefined undefined');
    expect(thrownText(10n)).toBe('bigint 10');
    const hostile = {
      toJSON() {
        throw new Error('no');
      },
      toString() {
        throw new Error('no');
      },
    };
    expect(thrownText(hostile)).toBe('object ');
  });
});

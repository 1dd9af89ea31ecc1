import { describe as suite, expect, it } from 'vitest';
import { ConfigError, describe } from '../../src/errors.js';

suite('describe (values quoted in error messages)', () => {
  it('prints NaN, Infinity and -Infinity as themselves, not as JSON null', () => {
    expect(describe(Number.NaN)).toBe('NaN');
    expect(describe(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(describe(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(describe({ a: Number.NaN, b: [Number.POSITIVE_INFINITY, 1, null] })).toBe(
      '{"a":NaN,"b":[Infinity,1,null]}',
    );
    expect(describe(null)).toBe('null');
    expect(describe(-0)).toBe('-0');
    expect(new ConfigError('sim.run', 'maxEvents', 'must be an integer', Number.NaN).message).toBe(
      'sim.run: maxEvents must be an integer, got NaN',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { InvariantError, invariant, unreachable } from '../../../src/sim/invariant.js';

describe('invariant', () => {
  it('passes silently when the condition holds, and never builds a lazy message then', () => {
    let built = 0;
    invariant(true, 'never shown');
    invariant(1 + 1 === 2, () => {
      built++;
      return 'never shown';
    });
    expect(built).toBe(0);
  });

  it('throws an InvariantError that says it is a lambdasim bug, with the state', () => {
    const slots = { acquired: 3, released: 1, inUse: 1 };
    const fail = () =>
      invariant(
        slots.acquired === slots.released + slots.inUse,
        () => `slots: ${slots.acquired} acquired, ${slots.released} released, ${slots.inUse} in use`,
      );
    expect(fail).toThrow(InvariantError);
    try {
      fail();
    } catch (error) {
      const e = error as InvariantError;
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe('InvariantError');
      expect(e.message).toBe('lambdasim bug (please report): slots: 3 acquired, 1 released, 1 in use');
      expect(e.detail).toBe('slots: 3 acquired, 1 released, 1 in use');
    }
    expect(() => invariant(false, 'a literal message')).toThrow(
      /^lambdasim bug \(please report\): a literal message$/,
    );
  });

  it('narrows its condition for the type checker (asserts condition)', () => {
    const value: number | undefined = [7][0];
    invariant(value !== undefined, 'present');
    const n: number = value; // compiles only because invariant narrowed it
    expect(n).toBe(7);
  });
});

describe('unreachable', () => {
  type Kind = 'a' | 'b';
  function name(kind: Kind): string {
    switch (kind) {
      case 'a':
        return 'A';
      case 'b':
        return 'B';
      default:
        return unreachable(kind, 'kind');
    }
  }

  it('is a compile-time exhaustiveness check and a run-time InvariantError for a value outside the union', () => {
    expect(name('a')).toBe('A');
    expect(() => name('c' as Kind)).toThrow(new InvariantError('unreachable: unexpected kind "c"'));
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(() => unreachable(cyclic as never)).toThrow(/unreachable: unexpected value \[object Object\]$/);
  });
});

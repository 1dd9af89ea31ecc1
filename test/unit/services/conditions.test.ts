import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  type Condition,
  conditionProblem,
  evaluateCondition,
  jsonEqual,
  when,
} from '../../../src/services/conditions.js';

const item = { id: 'a', status: 'NEW', n: 5, tags: ['x', 'y'], meta: { a: 1, b: [2] } };

describe('evaluateCondition', () => {
  it('attributeExists: true only for a present attribute of a present item', () => {
    expect(evaluateCondition(when.exists('status'), item)).toBe(true);
    expect(evaluateCondition(when.exists('missing'), item)).toBe(false);
    expect(evaluateCondition(when.exists('id'), undefined)).toBe(false);
  });

  it('attributeNotExists: true for an absent attribute and for an absent item', () => {
    expect(evaluateCondition(when.notExists('missing'), item)).toBe(true);
    expect(evaluateCondition(when.notExists('id'), item)).toBe(false);
    expect(evaluateCondition(when.notExists('id'), undefined)).toBe(true);
  });

  it('attributeEquals: deep, type-sensitive, false when absent', () => {
    expect(evaluateCondition(when.equals('status', 'NEW'), item)).toBe(true);
    expect(evaluateCondition(when.equals('status', 'PAID'), item)).toBe(false);
    expect(evaluateCondition(when.equals('n', '5'), item)).toBe(false);
    expect(evaluateCondition(when.equals('meta', { b: [2], a: 1 }), item)).toBe(true);
    expect(evaluateCondition(when.equals('tags', ['y', 'x']), item)).toBe(false);
    expect(evaluateCondition(when.equals('missing', null), item)).toBe(false);
    expect(evaluateCondition(when.equals('id', 'a'), undefined)).toBe(false);
  });

  it('attributeLessThan / attributeGreaterThan compare same-typed values only', () => {
    expect(evaluateCondition(when.lessThan('n', 6), item)).toBe(true);
    expect(evaluateCondition(when.lessThan('n', 5), item)).toBe(false);
    expect(evaluateCondition(when.greaterThan('n', 4), item)).toBe(true);
    expect(evaluateCondition(when.greaterThan('status', 'A'), item)).toBe(true);
    expect(evaluateCondition(when.lessThan('n', '9'), item)).toBe(false);
    expect(evaluateCondition(when.lessThan('missing', 1), item)).toBe(false);
    expect(evaluateCondition(when.greaterThan('n', 0), undefined)).toBe(false);
  });

  it('and / or combine nested conditions', () => {
    expect(evaluateCondition(when.all(when.exists('id'), when.equals('n', 5)), item)).toBe(true);
    expect(evaluateCondition(when.all(when.exists('id'), when.equals('n', 6)), item)).toBe(false);
    expect(evaluateCondition(when.any(when.notExists('id'), when.equals('n', 5)), item)).toBe(true);
    expect(evaluateCondition(when.any(when.notExists('id'), when.equals('n', 6)), item)).toBe(false);
  });
});

describe('when builders', () => {
  it('build the documented data', () => {
    expect(when.exists('a')).toEqual({ kind: 'attributeExists', name: 'a' });
    expect(when.notExists('a')).toEqual({ kind: 'attributeNotExists', name: 'a' });
    expect(when.equals('a', 1)).toEqual({ kind: 'attributeEquals', name: 'a', value: 1 });
    expect(when.all(when.exists('a'))).toEqual({
      kind: 'and',
      conditions: [{ kind: 'attributeExists', name: 'a' }],
    });
  });

  it('reject bad arguments with a ConfigError naming the builder', () => {
    expect(() => when.exists('')).toThrow(ConfigError);
    expect(() => when.exists('')).toThrow(/when\.exists: name must be a non-empty attribute name/);
    expect(() => when.equals('a', undefined)).toThrow(/when\.equals: value must be JSON data/);
    expect(() => when.all()).toThrow(/when\.all: conditions must list at least one condition/);
    expect(() => when.any()).toThrow(ConfigError);
    expect(() => when.lessThan('a', Number.NaN)).toThrow(/finite number or a string/);
  });
});

describe('conditionProblem', () => {
  it('accepts well-formed conditions', () => {
    expect(conditionProblem(when.any(when.notExists('a'), when.all(when.equals('b', 1))))).toBeUndefined();
  });

  it('names what is wrong with a malformed one', () => {
    expect(conditionProblem({ kind: 'attributeExists', name: '' })).toMatch(/non-empty attribute name/);
    expect(conditionProblem({ kind: 'attributeEquals', name: 'a' })).toMatch(/needs a value/);
    expect(conditionProblem({ kind: 'and', conditions: [] })).toMatch(/non-empty list/);
    expect(conditionProblem({ kind: 'nope' } as unknown as Condition)).toMatch(
      /unknown condition kind "nope"/,
    );
    expect(conditionProblem('x')).toMatch(/must be an object/);
    expect(
      conditionProblem({ kind: 'or', conditions: [{ kind: 'attributeLessThan', name: 'a', value: {} }] }),
    ).toMatch(/finite number or a string/);
  });
});

describe('jsonEqual', () => {
  it('compares JSON data structurally', () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});

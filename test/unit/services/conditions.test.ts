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

describe('evaluateCondition: negation, the other comparators and the functions (DynamoDB ConditionExpression)', () => {
  const on = (c: Condition, target: Record<string, unknown> = item) => evaluateCondition(c, target);
  /** On an absent item (never written, deleted or expired). */
  const onAbsent = (c: Condition) => evaluateCondition(c, undefined);

  it('not: the exact negation of its condition (not an identity: a held condition fails under not)', () => {
    expect(on(when.exists('status'))).toBe(true);
    expect(on(when.not(when.exists('status')))).toBe(false);
    expect(on(when.not(when.exists('missing')))).toBe(true);
    expect(on(when.not(when.equals('status', 'NEW')))).toBe(false);
    expect(on(when.not(when.equals('status', 'DONE')))).toBe(true);
    // an absent item: nothing exists, so NOT attribute_exists holds
    expect(onAbsent(when.not(when.exists('id')))).toBe(true);
    expect(on(when.not(when.not(when.exists('status'))))).toBe(true);
    expect(on(when.not(when.any(when.equals('n', 1), when.equals('n', 5))))).toBe(false);
  });

  it('notEquals (<>): true for another value, another type, an absent attribute or item', () => {
    expect(on(when.notEquals('status', 'NEW'))).toBe(false);
    expect(on(when.notEquals('status', 'DONE'))).toBe(true);
    expect(on(when.notEquals('n', '5'))).toBe(true); // a number is not the string '5'
    expect(on(when.notEquals('meta', { b: [2], a: 1 }))).toBe(false); // deep, key order ignored
    expect(on(when.notEquals('missing', 1))).toBe(true);
    expect(onAbsent(when.notEquals('id', 'a'))).toBe(true);
  });

  it('lessThanOrEqual / greaterThanOrEqual: inclusive, same-typed, false when absent', () => {
    expect(on(when.lessThanOrEqual('n', 5))).toBe(true);
    expect(on(when.lessThanOrEqual('n', 4))).toBe(false);
    expect(on(when.greaterThanOrEqual('n', 5))).toBe(true);
    expect(on(when.greaterThanOrEqual('n', 6))).toBe(false);
    expect(on(when.greaterThanOrEqual('status', 'NEW'))).toBe(true);
    expect(on(when.lessThanOrEqual('n', '9'))).toBe(false);
    expect(on(when.lessThanOrEqual('missing', 1))).toBe(false);
    expect(onAbsent(when.greaterThanOrEqual('n', 0))).toBe(false);
  });

  it('between: inclusive at both ends, same-typed, false when absent', () => {
    expect(on(when.between('n', 5, 5))).toBe(true);
    expect(on(when.between('n', 1, 5))).toBe(true);
    expect(on(when.between('n', 6, 9))).toBe(false);
    expect(on(when.between('n', 0, 4))).toBe(false);
    expect(on(when.between('status', 'A', 'Z'))).toBe(true);
    expect(on(when.between('status', 'a', 'z'))).toBe(false); // code-unit order: 'N' < 'a'
    expect(on(when.between('n', '0', '9'))).toBe(false);
    expect(on(when.between('missing', 0, 9))).toBe(false);
  });

  it('in: equal (deeply, type-sensitive) to one of the values; false when absent', () => {
    expect(on(when.in('status', ['DONE', 'NEW']))).toBe(true);
    expect(on(when.in('status', ['DONE']))).toBe(false);
    expect(on(when.in('n', ['5']))).toBe(false);
    expect(on(when.in('tags', [['x', 'y']]))).toBe(true);
    expect(on(when.in('missing', [null]))).toBe(false);
  });

  it('ofType: the DynamoDB type of the stored JSON value; false when absent', () => {
    const typed = { s: 'x', n: 1, b: false, z: null, l: [], m: {} };
    expect(on(when.ofType('s', 'S'), typed)).toBe(true);
    expect(on(when.ofType('n', 'N'), typed)).toBe(true);
    expect(on(when.ofType('b', 'BOOL'), typed)).toBe(true);
    expect(on(when.ofType('z', 'NULL'), typed)).toBe(true);
    expect(on(when.ofType('l', 'L'), typed)).toBe(true);
    expect(on(when.ofType('m', 'M'), typed)).toBe(true);
    expect(on(when.ofType('n', 'S'), typed)).toBe(false);
    expect(on(when.ofType('m', 'L'), typed)).toBe(false);
    expect(on(when.ofType('missing', 'NULL'), typed)).toBe(false);
  });

  it('beginsWith: a string attribute with the prefix; other types fail', () => {
    expect(on(when.beginsWith('status', 'NE'))).toBe(true);
    expect(on(when.beginsWith('status', ''))).toBe(true);
    expect(on(when.beginsWith('status', 'EW'))).toBe(false);
    expect(on(when.beginsWith('n', '5'))).toBe(false);
    expect(on(when.beginsWith('missing', ''))).toBe(false);
  });

  it('contains: a substring of a string, an element of a list (deeply); other types fail', () => {
    expect(on(when.contains('status', 'EW'))).toBe(true);
    expect(on(when.contains('status', 'X'))).toBe(false);
    expect(on(when.contains('tags', 'y'))).toBe(true);
    expect(on(when.contains('tags', 'z'))).toBe(false);
    expect(on(when.contains('meta', 1))).toBe(false); // a map is not searched (DynamoDB: strings, sets, lists)
    expect(on(when.contains('tags', ['x']), { tags: [['x']] })).toBe(true);
    expect(on(when.contains('n', 5))).toBe(false);
    expect(on(when.contains('missing', 'a'))).toBe(false);
  });

  it('size: UTF-8 bytes of a string, length of a list, attributes of a map; none for others', () => {
    expect(on(when.size('status', '=', 3))).toBe(true);
    expect(on(when.size('status', '=', 4), { status: 'é€' })).toBe(false);
    expect(on(when.size('status', '=', 5), { status: 'é€' })).toBe(true); // 2 + 3 bytes
    expect(on(when.size('tags', '<', 3))).toBe(true);
    expect(on(when.size('tags', '>=', 3))).toBe(false);
    expect(on(when.size('meta', '<>', 1))).toBe(true);
    expect(on(when.size('meta', '<=', 2))).toBe(true);
    expect(on(when.size('meta', '>', 2))).toBe(false);
    // a number has no size, and an absent attribute neither: every comparison fails
    expect(on(when.size('n', '<>', 0))).toBe(false);
    expect(on(when.size('missing', '>=', 0))).toBe(false);
  });

  it('compose: a guard that is only expressible with NOT and <>', () => {
    // "create, or take over from anyone but the current owner, unless finished"
    const guard = when.all(when.notEquals('status', 'DONE'), when.not(when.equals('owner', 'me')));
    expect(onAbsent(guard)).toBe(true);
    expect(on(guard, { status: 'NEW', owner: 'you' })).toBe(true);
    expect(on(guard, { status: 'NEW', owner: 'me' })).toBe(false);
    expect(on(guard, { status: 'DONE', owner: 'you' })).toBe(false);
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

  it('build the new kinds as plain, JSON-serialisable data', () => {
    const all = when.all(
      when.not(when.notEquals('a', { x: [1] })),
      when.lessThanOrEqual('n', 1),
      when.greaterThanOrEqual('n', 0),
      when.between('s', 'a', 'b'),
      when.in('a', [1, 'one']),
      when.ofType('a', 'M'),
      when.beginsWith('s', 'a'),
      when.contains('l', 2),
      when.size('l', '<=', 3),
    );
    expect(JSON.parse(JSON.stringify(all))).toEqual(all);
    expect(conditionProblem(JSON.parse(JSON.stringify(all)))).toBeUndefined();
    expect(when.not(when.exists('a'))).toEqual({
      kind: 'not',
      condition: { kind: 'attributeExists', name: 'a' },
    });
    expect(when.between('n', 1, 2)).toEqual({ kind: 'attributeBetween', name: 'n', low: 1, high: 2 });
    expect(when.size('l', '<', 2)).toEqual({ kind: 'attributeSize', name: 'l', comparator: '<', value: 2 });
  });

  it('reject bad arguments of the new builders as DynamoDB would (ValidationException there, ConfigError here)', () => {
    expect(() => when.not(undefined as unknown as Condition)).toThrow(
      /when\.not: condition must be a condition/,
    );
    expect(() => when.notEquals('a', undefined)).toThrow(/when\.notEquals: value must be JSON data/);
    expect(() => when.lessThanOrEqual('a', [1] as unknown as number)).toThrow(
      /when\.lessThanOrEqual: value must be a finite number or a string/,
    );
    expect(() => when.between('a', 2, 1)).toThrow(
      /when\.between: high must be greater than or equal to low, got 1/,
    );
    expect(() => when.between('a', 1, 'z')).toThrow(
      /when\.between: high must have the type of low \(number\)/,
    );
    expect(() => when.between('a', Number.NaN, 1)).toThrow(/when\.between: low must be a finite number/);
    expect(() => when.in('a', [])).toThrow(/when\.in: values must be a list of 1 to 100 values, got \[\]/);
    expect(() =>
      when.in(
        'a',
        Array.from({ length: 101 }, (_, i) => i),
      ),
    ).toThrow(/1 to 100 values/);
    expect(() => when.ofType('a', 'SS' as 'S')).toThrow(
      /when\.ofType: type must be one of S, N, BOOL, NULL, L, M \(sets and binary are not modelled/,
    );
    expect(() => when.beginsWith('a', 1 as unknown as string)).toThrow(
      /when\.beginsWith: prefix must be a string/,
    );
    expect(() => when.contains('', 'x')).toThrow(/when\.contains: name must be a non-empty attribute name/);
    expect(() => when.size('a', '==' as '=', 1)).toThrow(
      /when\.size: comparator must be one of = <> < <= > >=/,
    );
    expect(() => when.size('a', '<', Infinity)).toThrow(/when\.size: value must be a finite number/);
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

  it('names what is wrong with a malformed literal of the new kinds', () => {
    const problem = (c: unknown) => conditionProblem(c);
    expect(problem({ kind: 'not' })).toMatch(/must be an object/);
    expect(problem({ kind: 'not', condition: { kind: 'attributeExists' } })).toMatch(
      /non-empty attribute name/,
    );
    expect(problem({ kind: 'attributeNotEquals', name: 'a' })).toMatch(/attributeNotEquals needs a value/);
    expect(problem({ kind: 'attributeGreaterThanOrEqual', name: 'a', value: true })).toMatch(
      /finite number or a string/,
    );
    expect(problem({ kind: 'attributeBetween', name: 'a', low: 3, high: 1 })).toMatch(/low <= high/);
    expect(problem({ kind: 'attributeBetween', name: 'a', low: 1 })).toMatch(/bounds low and high/);
    expect(problem({ kind: 'attributeIn', name: 'a', values: [] })).toMatch(/1 to 100 values/);
    expect(problem({ kind: 'attributeType', name: 'a', type: 'B' })).toMatch(/type among S, N/);
    expect(problem({ kind: 'attributeBeginsWith', name: 'a', prefix: 1 })).toMatch(/string prefix/);
    expect(problem({ kind: 'attributeContains', name: '' })).toMatch(/non-empty attribute name/);
    expect(problem({ kind: 'attributeSize', name: 'a', comparator: '!=', value: 1 })).toMatch(
      /comparator among/,
    );
    expect(problem({ kind: 'attributeSize', name: 'a', comparator: '=', value: '1' })).toMatch(
      /finite number value/,
    );
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

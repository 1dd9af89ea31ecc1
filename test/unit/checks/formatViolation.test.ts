import { describe, expect, it } from 'vitest';
import {
  assertNoViolations,
  CheckFailedError,
  checks,
  formatViolation,
  formatViolations,
  type Effect,
  type Violation,
  type ViolationData,
} from '../../../src/index.js';
import { chargeRun, CRASH_AFTER_CHARGE, orderIdOf } from './runs.js';

/** One violation of every check and kind, as data. */
const SAMPLES: readonly ViolationData[] = [
  {
    check: 'exactlyOnce',
    kind: 'duplicateEffect',
    service: 'payments',
    op: 'charge',
    key: 'o-1',
    count: 2,
    effects: [],
  },
  { check: 'exactlyOnce', kind: 'missingEffect', service: 'payments', key: 'o-1', count: 0, effects: [] },
  { check: 'atLeastOnce', kind: 'missingEffect', service: 'mailer', op: 'send', key: 'o-1' },
  ...(['sync', 'async', 'sqs'] as const).flatMap((model) =>
    (['lost', 'unfinished'] as const).map((kind): ViolationData => ({
      check: 'noLostEvents',
      kind,
      model,
      input: 'id-1',
      where: 'W',
      state:
        model === 'sqs'
          ? kind === 'lost'
            ? 'expired'
            : 'visible'
          : kind === 'lost'
            ? 'discarded'
            : 'queued',
      condition: kind === 'lost' && model === 'async' ? 'RetriesExhausted' : undefined,
      failureDelivery: kind === 'lost' && model === 'async' ? 'notConfigured' : undefined,
      deliveryErrors: [],
    })),
  ),
  { check: 'orderedPerKey', kind: 'outOfOrder', key: 'g-1', expected: [1, 2], actual: [2, 1] },
  ...(['sync', 'async', 'sqs'] as const).flatMap((model) =>
    (['tooManyAttempts', 'retryTooEarly', 'retriedAfterSuccess'] as const).map((kind): ViolationData => ({
      check: 'retryPolicyHonored',
      kind,
      model,
      input: 'id-1',
      where: 'W',
      attempts: 2,
      limit: 1,
      atMs: 61_000,
      earliestMs: 90_000,
    })),
  ),
  {
    check: 'sameAsFaultFree',
    kind: 'stateDiffers',
    inputs: [],
    leftOut: [],
    service: 'orders',
    faulty: [],
    faultFree: [],
    onlyFaulty: [{ id: 1 }],
    onlyFaultFree: [],
  },
  {
    check: 'sameAsFaultFree',
    kind: 'effectsDiffer',
    inputs: [],
    leftOut: [],
    service: 'payments',
    faulty: [],
    faultFree: [],
    onlyFaulty: [],
    onlyFaultFree: [{ op: 'charge', args: {} }],
  },
];

describe('formatViolation', () => {
  it('words every kind of every check: the finding, then the rule or the fix', () => {
    for (const v of SAMPLES) {
      const text = formatViolation(v);
      expect(text, JSON.stringify(v)).toMatch(/^\S.*\. [A-Z].+\.$/s);
      expect(text).not.toContain('undefined');
    }
  });

  it('words the kinds distinctly', () => {
    expect(new Set(SAMPLES.map((v) => formatViolation(v))).size).toBe(SAMPLES.length);
  });

  it('gives the example message for a duplicate charge', () => {
    expect(formatViolation(SAMPLES[0]!)).toBe(
      'payments.charge ran 2 times for key o-1 (expected exactly once). A retry or redelivery repeated the side ' +
        'effect: make it idempotent (a conditional write on an idempotency key before the call, or an idempotency ' +
        'key the API honours).',
    );
  });

  it('formats a list with a count and numbered, check-tagged lines; nothing for none', () => {
    expect(formatViolations([])).toBe('');
    const text = formatViolations(SAMPLES.slice(0, 2));
    const lines = text.split('\n');
    expect(lines[0]).toBe('2 violations:');
    expect(lines[1]).toBe(`1. [exactlyOnce] ${formatViolation(SAMPLES[0]!)}`);
    expect(lines[2]).toBe(`2. [exactlyOnce] ${formatViolation(SAMPLES[1]!)}`);
    expect(formatViolations(SAMPLES.slice(0, 1)).split('\n')[0]).toBe('1 violation:');
  });

  it('words the first 100 violations and counts the rest by check', () => {
    const many = Array.from({ length: 1000 }, (_, i) => SAMPLES[i % SAMPLES.length]!);
    const lines = formatViolations(many).split('\n');
    expect(lines).toHaveLength(1 + 100 + 1);
    expect(lines[0]).toBe('1000 violations:');
    expect(lines[100]).toBe(`100. [${many[99]!.check}] ${formatViolation(many[99]!)}`);
    const rest = new Map<string, number>();
    for (const v of many.slice(100)) rest.set(v.check, (rest.get(v.check) ?? 0) + 1);
    const counts = [...rest].map(([check, n]) => `${n} ${check}`).join(', ');
    expect(lines[101]).toBe(`… and 900 more (${counts}), not listed: every one is in the violations array`);
    expect(formatViolations(many.slice(0, 100)).split('\n')).toHaveLength(101);
  });

  it('cuts long lists of values', () => {
    const long: ViolationData = {
      ...SAMPLES[SAMPLES.length - 1]!,
      onlyFaultFree: Array.from({ length: 200 }, (_, i) => i),
    } as ViolationData;
    expect(formatViolation(long)).toContain(',10...).');
  });

  it('writes a long list only up to the cut (a whole list as JSON can pass the maximum string length)', () => {
    let written = 0;
    const item = {
      toJSON: () => {
        written++;
        return 'x';
      },
    };
    const long = {
      ...SAMPLES[SAMPLES.length - 1]!,
      onlyFaulty: Array.from({ length: 100_000 }, () => item),
    } as ViolationData;
    expect(formatViolation(long)).toContain(`(only under faults: [${'"x",'.repeat(74)}...;`);
    expect(written).toBeLessThan(100);
  });

  it('names the first 10 requests of a duplicate effect and counts the rest', () => {
    // Only the fields the message reads: whose request each effect came from.
    const effects = Array.from({ length: 25 }, (_, i) => ({ requestId: `r-${i % 20}`, by: 'Charge#1' }));
    const duplicate = SAMPLES[0] as Extract<ViolationData, { check: 'exactlyOnce' }>;
    const text = formatViolation({ ...duplicate, count: 25, effects: effects as unknown as Effect[] });
    expect(text).toContain('ran 25 times for key o-1 (expected exactly once) in requests r-0, r-1, r-2, ');
    expect(text).toContain(', r-9, … (20 in all). A retry or redelivery');
  });
});

describe('assertNoViolations', () => {
  it('does nothing for no violations', () => {
    expect(() => assertNoViolations([])).not.toThrow();
  });

  it('throws a CheckFailedError whose message is the formatted list, with the violations as data', async () => {
    const { result } = await chargeRun({ idempotent: false, faults: CRASH_AFTER_CHARGE });
    const violations: Violation[] = [
      ...checks.exactlyOnce(result.effects('payments'), orderIdOf),
      ...checks.noLostEvents(result),
    ];
    expect(violations).toHaveLength(1);
    let caught: unknown;
    try {
      assertNoViolations(violations);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CheckFailedError);
    const error = caught as CheckFailedError;
    expect(error.name).toBe('CheckFailedError');
    expect(error.message).toBe(formatViolations(violations));
    expect(error.message).toContain('[exactlyOnce] payments.charge ran 2 times for key o-1');
    expect(error.violations).toBe(violations);
  });

  it("every check returns violations carrying the formatter's message", async () => {
    const { result } = await chargeRun({ idempotent: false, faults: CRASH_AFTER_CHARGE });
    for (const v of checks.exactlyOnce(result.effects('payments'), orderIdOf))
      expect(v.message).toBe(formatViolation(v));
  });
});

describe('checks registry', () => {
  it('lists the eight checks by name', () => {
    expect(Object.keys(checks)).toEqual([
      'exactlyOnce',
      'noRepeatAfterSuccess',
      'honestBatchResponses',
      'atLeastOnce',
      'noLostEvents',
      'orderedPerKey',
      'retryPolicyHonored',
      'sameAsFaultFree',
    ]);
  });
});

describe('formatViolations: repeated violations', () => {
  const twice = (key: string): ViolationData => ({
    check: 'exactlyOnce',
    kind: 'duplicateEffect',
    service: 'thumbnails',
    op: 'render',
    key,
    count: 2,
    effects: [],
  });

  it('collapses neighbours that say the same of different keys into one entry naming the keys', () => {
    const keys = ['m-1', 'm-2', 'm-3', 'm-4', 'm-5', 'm-6', 'm-7'];
    const lines = formatViolations([...keys.map(twice), SAMPLES[2]!]).split('\n');
    expect(lines).toEqual([
      '8 violations:',
      `1. [exactlyOnce] 7 keys (m-1, m-2, m-3, m-4, m-5, … 2 more): ${formatViolation(twice('m-1')).replace('key m-1', 'each key')}`,
      `2. [atLeastOnce] ${formatViolation(SAMPLES[2]!)}`,
    ]);
    expect(lines[1]).toContain('thumbnails.render ran 2 times for each key (expected exactly once)');
  });

  it('keeps apart violations that differ beyond their key', () => {
    const other: ViolationData = { ...twice('m-2'), count: 3 } as ViolationData;
    expect(formatViolations([twice('m-1'), other]).split('\n')).toHaveLength(3);
  });
});

import { describe, expect, it } from 'vitest';
import { checks, type ExactlyOnceViolation } from '../../../src/index.js';
import { chargeRun, CRASH_AFTER_CHARGE, orderIdOf } from './runs.js';

describe('checks.exactlyOnce', () => {
  it('passes a fault-free run: one charge per order', async () => {
    const { result } = await chargeRun({ idempotent: false, orders: ['o-1', 'o-2'] });
    expect(
      checks.exactlyOnce(result.effects('payments'), orderIdOf, { expectedKeys: ['o-1', 'o-2'] }),
    ).toEqual([]);
  });

  it('finds the duplicate charge of a non-idempotent handler retried after a crash', async () => {
    const { result } = await chargeRun({ idempotent: false, faults: CRASH_AFTER_CHARGE });
    const violations = checks.exactlyOnce(result.effects('payments'), orderIdOf);
    expect(violations).toHaveLength(1);
    const v = violations[0]!;
    expect(v).toMatchObject({
      check: 'exactlyOnce',
      kind: 'duplicateEffect',
      service: 'payments',
      op: 'charge',
      key: 'o-1',
      count: 2,
    });
    expect(v.effects.map((e) => e.requestId)).toEqual([
      result.asyncEvents[0]!.requestId,
      result.asyncEvents[0]!.requestId,
    ]);
    expect(v.message).toBe(
      `payments.charge ran 2 times for key o-1 (expected exactly once) in request ${result.asyncEvents[0]!.requestId}. ` +
        'A retry or redelivery repeated the side effect: make it idempotent (a conditional write on an idempotency ' +
        'key before the call, or an idempotency key the API honours).',
    );
  });

  it('passes the idempotent twin under the same crash', async () => {
    const { result } = await chargeRun({ idempotent: true, faults: CRASH_AFTER_CHARGE });
    expect(result.asyncEvents[0]!.attempts).toBe(2);
    expect(checks.exactlyOnce(result.effects('payments'), orderIdOf, { expectedKeys: ['o-1'] })).toEqual([]);
  });

  it('reports expected keys without any effect, and leaves out effects keyed undefined', async () => {
    const { result } = await chargeRun({ idempotent: false, orders: ['o-1'] });
    const violations: ExactlyOnceViolation[] = checks.exactlyOnce(
      result.effects('payments'),
      (e) => (orderIdOf(e) === 'o-1' ? undefined : orderIdOf(e)),
      { expectedKeys: ['o-2', 'o-2'], service: 'payments', op: 'charge' },
    );
    expect(violations).toEqual([
      expect.objectContaining({ kind: 'missingEffect', key: 'o-2', count: 0, effects: [] }),
    ]);
    expect(violations[0]!.message).toMatch(
      /^payments\.charge never ran for key o-2 \(expected exactly once\)\./,
    );
  });

  it('names the effects "effects" when given none and no label', () => {
    const [v] = checks.exactlyOnce([], () => 'k', { expectedKeys: ['k'] });
    expect(v).toMatchObject({ service: 'effects', op: undefined });
  });
});

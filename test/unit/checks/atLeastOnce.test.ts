import { describe, expect, it } from 'vitest';
import { checks, createSimulation, type FaultPlan } from '../../../src/index.js';
import { chargeRun, type Order, orderIdOf } from './runs.js';

/** A handler that sends an email; `swallow` catches a failed send and reports success anyway. */
async function emailRun(swallow: boolean, faults: FaultPlan) {
  const sim = createSimulation({ seed: 3, faults });
  const mailer = sim.api('mailer');
  const fn = sim.fn('Welcome', () => async (event: Order) => {
    try {
      await mailer.call('send', event);
    } catch (error) {
      if (!swallow) throw error;
    }
  });
  void sim.invokeAsync(fn, { orderId: 'o-1' });
  void sim.invokeAsync(fn, { orderId: 'o-2' });
  return sim.run();
}

const SEND_FAILS: FaultPlan = [{ kind: 'callError', service: 'mailer', call: 1 }];

describe('checks.atLeastOnce', () => {
  it('passes when a failed attempt throws and Lambda retries it', async () => {
    const result = await emailRun(false, SEND_FAILS);
    expect(result.asyncEvents.map((e) => e.attempts)).toEqual([2, 1]);
    expect(checks.atLeastOnce(result.effects('mailer'), orderIdOf, ['o-1', 'o-2'])).toEqual([]);
  });

  it('finds the email never sent when the handler swallows the error', async () => {
    const result = await emailRun(true, SEND_FAILS);
    const violations = checks.atLeastOnce(result.effects('mailer'), orderIdOf, ['o-1', 'o-2']);
    expect(violations).toEqual([
      expect.objectContaining({
        check: 'atLeastOnce',
        kind: 'missingEffect',
        service: 'mailer',
        op: 'send',
        key: 'o-1',
      }),
    ]);
    expect(violations[0]!.message).toMatch(
      /^mailer\.send never ran for key o-1 \(expected at least once\)\. .*do not swallow them/,
    );
  });

  it("allows duplicates (that is exactlyOnce's job)", async () => {
    const { result } = await chargeRun({
      idempotent: false,
      faults: [{ kind: 'crashAfterCalls', fn: 'Charge', invocation: 1, calls: 1 }],
    });
    expect(result.effects('payments')).toHaveLength(2);
    expect(checks.atLeastOnce(result.effects('payments'), orderIdOf, ['o-1'])).toEqual([]);
  });
});

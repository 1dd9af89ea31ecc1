import { describe, expect, it } from 'vitest';
import { checks, ConfigError } from '../../../src/index.js';
import { chargeRun, CRASH_AFTER_CHARGE, CRASH_AFTER_WRITE } from './runs.js';

describe('checks.sameAsFaultFree', () => {
  it('passes the idempotent handler: same charges and same table as without the crash', async () => {
    const run = await chargeRun({ idempotent: true, faults: CRASH_AFTER_CHARGE, orders: ['o-1', 'o-2'] });
    expect(run.result.asyncEvents[0]!.attempts).toBe(2);
    expect(await checks.sameAsFaultFree(run)).toEqual([]);
  });

  it('sees only the extra charge when the crash came before the naive handler wrote', async () => {
    const run = await chargeRun({ idempotent: false, faults: CRASH_AFTER_CHARGE });
    expect((await checks.sameAsFaultFree(run)).map((v) => [v.kind, v.service])).toEqual([
      ['effectsDiffer', 'payments'],
    ]);
  });

  it('finds the extra charge and the double-counted order of the naive handler', async () => {
    const run = await chargeRun({ idempotent: false, faults: CRASH_AFTER_WRITE, orders: ['o-1', 'o-2'] });
    const violations = await checks.sameAsFaultFree(run);
    expect(violations).toHaveLength(2);
    const [state, effects] = violations;
    expect(state).toMatchObject({
      check: 'sameAsFaultFree',
      kind: 'stateDiffers',
      service: 'orders',
      faulty: [
        { orderId: 'o-1', charges: 2 },
        { orderId: 'o-2', charges: 1 },
      ],
      faultFree: [
        { orderId: 'o-1', charges: 1 },
        { orderId: 'o-2', charges: 1 },
      ],
      onlyFaulty: [{ orderId: 'o-1', charges: 2 }],
      onlyFaultFree: [{ orderId: 'o-1', charges: 1 }],
    });
    expect(effects).toMatchObject({
      kind: 'effectsDiffer',
      service: 'payments',
      onlyFaulty: [{ op: 'charge', args: { orderId: 'o-1' } }],
      onlyFaultFree: [],
    });
    expect(effects!.faulty).toHaveLength(3);
    expect(effects!.faultFree).toHaveLength(2);
    expect(state!.message).toBe(
      'table orders ends in a different state under faults than in the fault-free run of the same workload ' +
        '(only under faults: [{"orderId":"o-1","charges":2}]; only without faults: [{"orderId":"o-1","charges":1}]). ' +
        'A retry, redelivery, timeout or crash changed the outcome: make it idempotent (a conditional write on an ' +
        'idempotency key before the call, or an idempotency key the API honours); write a done-marker only after ' +
        'the effect, and never read-modify-write without a condition.',
    );
    expect(effects!.message).toMatch(/^api payments received different effects \(op \+ args\) under faults/);
  });

  it('compares only the named services', async () => {
    const run = await chargeRun({ idempotent: false, faults: CRASH_AFTER_WRITE });
    expect((await checks.sameAsFaultFree(run, { apis: ['payments'] })).map((v) => v.service)).toEqual([
      'payments',
    ]);
    expect((await checks.sameAsFaultFree(run, { tables: ['orders'] })).map((v) => v.service)).toEqual([
      'orders',
    ]);
    expect(await checks.sameAsFaultFree(run, { tables: [], apis: [] })).toEqual([]);
  });

  it('rejects a name that is not a service of the simulation, before rerunning', async () => {
    const run = await chargeRun({ idempotent: false });
    let reruns = 0;
    const counted = { sim: run.sim, rerunFaultFree: () => (reruns++, run.rerunFaultFree()) };
    await expect(checks.sameAsFaultFree(counted, { tables: ['order'] })).rejects.toThrow(ConfigError);
    await expect(checks.sameAsFaultFree(counted, { apis: ['orders'] })).rejects.toThrow(
      'checks.sameAsFaultFree: apis must name APIs defined on the simulation (defined: payments), got "orders"',
    );
    expect(reruns).toBe(0);
  });
});

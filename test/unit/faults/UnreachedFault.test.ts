import { formatUnreachedFault } from '../../../src/faults/UnreachedFault.js';
import { describe, expect, it } from 'vitest';
import { summarizeRun, formatRunSummary } from '../../../src/cli/runSummary.js';
import { createSimulation, type FaultPlan } from '../../../src/index.js';
import { formatFailureReport } from '../../../src/vitest/index.js';

/** Three sequential invokes of Charge, each one call to payments (unless a fault stops it first). */
async function run(faults: FaultPlan) {
  const sim = createSimulation({ seed: 5, faults });
  const payments = sim.api('payments', { latencyMs: 10 });
  const orders = sim.sqs('orders');
  const fn = sim.fn('Charge', () => async () => {
    await payments.call('charge', {});
    return 'ok';
  });
  sim.spawn('client', async () => {
    for (let i = 1; i <= 3; i++) await sim.invoke(fn, {});
  });
  void orders.send('one');
  return sim.run();
}

const PLAN: FaultPlan = [
  { kind: 'callError', service: 'payments', call: 1 },
  { kind: 'callError', service: 'payments', call: 5 },
  { kind: 'handlerError', fn: 'Charge', invocation: 1 },
  { kind: 'throttle', fn: 'Charge', invocation: 3 },
  { kind: 'handlerTimeout', fn: 'Charge', invocation: 3 },
  { kind: 'coldStart', fn: 'Charge', invocation: 9 },
  { kind: 'poisonRecord', queue: 'orders', message: 2 },
];

describe('unreached faults', () => {
  it('lists each fault of the plan that never took effect, with how far the run got and why', async () => {
    const result = await run(PLAN);
    expect(result.unreachedFaults.map((u) => [u.index, u.reached])).toEqual([
      [1, 1],
      [4, 3],
      [5, 3],
      [6, 1],
    ]);
    expect(result.unreachedFaults.map(formatUnreachedFault)).toEqual([
      'faults[1] (callError payments call 5) was never reached: the run made 1 call to payments',
      'faults[4] (handlerTimeout Charge invocation 3) never took effect: invocation 3 of Charge ended before its handler ran (throttled, or Init failed), so the fault could not apply',
      'faults[5] (coldStart Charge invocation 9) was never reached: the run tried Charge 3 times',
      'faults[6] (poisonRecord orders message 2) was never reached: 1 message was sent to orders',
    ]);
    // Information, not a failure: the run itself is as it would be.
    expect(result.end.kind).toBe('quiescent');
  });

  it('is empty without a plan and when every fault fired', async () => {
    expect((await run([])).unreachedFaults).toEqual([]);
    expect((await run([PLAN[0]!, PLAN[2]!])).unreachedFaults).toEqual([]);
  });

  it('is printed in the failure report and in the replay summary', async () => {
    const result = await run(PLAN);
    const violations = [
      { check: 'atLeastOnce', kind: 'missingEffect', service: 's', op: undefined, key: 'k', message: 'm' },
    ] as const;
    const report = formatFailureReport(violations, result);
    expect(report).toContain(
      'Faults of the plan that never took effect (information, not a failure):\n' +
        '  faults[1] (callError payments call 5) was never reached: the run made 1 call to payments\n',
    );
    const summary = summarizeRun(result);
    expect(summary.faultsUnreached).toEqual(result.unreachedFaults.map(formatUnreachedFault));
    expect(formatRunSummary(summary).split('\n')).toContain(
      '  faults unreached 4: faults[1] (callError payments call 5) was never reached: the run made 1 call to payments',
    );
    expect(formatRunSummary(summarizeRun(await run([])))).not.toContain('faults unreached');
  });
});

import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../../src/index.js';
import { events, invokeAt, sleep } from '../../conformance/helpers.js';

/**
 * Invocation 1 starts a 200 ms call (it lands after 100 ms) without awaiting it and returns, so
 * the environment freezes with the call in flight; invocations 2 (at 1000, 10 ms long) and 3 (at
 * 2000, 200 ms long) thaw it, and between them it freezes again.
 */
async function refrozen(seed: number) {
  const sim = createSimulation({ seed });
  const audit = sim.api('audit', { latencyMs: 200 });
  const fn = sim.fn(
    'Audit',
    () => async (event: { send?: boolean; runMs?: number }) => {
      if (event.send)
        void audit.call('record', {}); // not awaited: fire and forget
      else await sleep(event.runMs ?? 0);
      return 'returned';
    },
    { initDurationMs: 0 },
  );
  invokeAt(sim, 0, fn, { send: true });
  invokeAt(sim, 1000, fn, { runMs: 10 });
  invokeAt(sim, 2000, fn, { runMs: 200 });
  return sim.run();
}

describe('a call suspended with its environment more than once', () => {
  it('R-ENV-4: a call frozen, thawed and frozen again before it lands keeps the rest of its trip: it lands that long after the next thaw', async () => {
    const twice: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const result = await refrozen(seed);
      const suspended = events(result, 'call.suspended');
      if (suspended.length < 2) continue;
      twice.push(seed);
      expect(
        suspended.map((e) => e.atMs),
        `seed ${seed}`,
      ).toEqual([0, 1010]);
      // 100 ms to the service: none of it while frozen (0–1000), 10 ms of it while invocation 2
      // ran (1000–1010), the other 90 ms after the thaw at 2000.
      expect(
        events(result, 'call.landed').map((e) => e.atMs),
        `seed ${seed}`,
      ).toEqual([2090]);
    }
    expect(twice.length).toBeGreaterThan(0);
  });
});

/**
 * Property runs per second (issue 6 / DESIGN §7 target: >= 1,000 runs/s for a 10-event scenario
 * with faults). Each run: generate a scenario (exactly 10 async events, a fault plan, delivery
 * behaviours), run it through a small idempotent handler, check exactlyOnce + noLostEvents, once
 * with duplicates only and once in both directions over the input ledger (`result.inputs`).
 * (noLostEvents reads the ledger too, so both rows build it: the difference between them is the
 * both-direction matching; the ledger's own cost is timed directly.) Rows run in turn, three
 * rounds, medians reported.
 * Anchor measured in the same run: the same number of fast-check runs of a trivial property over
 * the same arbitrary (generation and shrinking machinery only), so the ratio is the simulation's
 * own cost. `npx tsx bench/properties.ts [--runs=3000]`
 */
import fc from 'fast-check';
import {
  checks,
  ConditionalCheckFailedException,
  runScenario,
  type ScenarioSetup,
  scenarios,
  when,
} from '../src/index.js';

const RUNS = Number(process.argv.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 3000);

interface Order {
  readonly orderId: string;
}
/** Claims as `charging`, charges with an idempotency key the API honours, marks `charged`. */
const setup: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments', {
    latencyMs: 30,
    idempotencyKey: (_op, args) => (args as { idempotencyKey?: string }).idempotencyKey,
  });
  const claims = sim.table<{ orderId: string; status: string }>('claims', { key: 'orderId' });
  return () => async (event: Order) => {
    try {
      await claims.put(
        { orderId: event.orderId, status: 'charging' },
        { condition: when.notExists('orderId') },
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if ((await claims.get(event.orderId))?.status === 'charged') return;
    }
    await payments.call('charge', { orderId: event.orderId, idempotencyKey: `charge-${event.orderId}` });
    await claims.put({ orderId: event.orderId, status: 'charged' });
  };
};

const arb = scenarios.async({
  events: fc.record({ orderId: fc.integer({ min: 1, max: 1_000_000_000 }).map((n) => `o-${n}`) }),
  minEvents: 10,
  maxEvents: 10,
  services: ['payments', 'claims'],
});

async function time<T extends [unknown, ...unknown[]]>(
  label: string,
  property: fc.IAsyncProperty<T>,
): Promise<number> {
  await fc.check(property, { numRuns: 200, seed: 1 }); // warm-up
  const t0 = performance.now();
  const details = await fc.check(property, { numRuns: RUNS, seed: 2 });
  const ms = performance.now() - t0;
  if (details.failed) throw new Error(`${label}: the property failed: ${String(details.errorInstance)}`);
  const perS = (RUNS / ms) * 1000;
  console.log(
    `${label.padEnd(46)} ${String(RUNS).padStart(6)} runs  ${ms.toFixed(0).padStart(6)} ms  ${perS.toFixed(0).padStart(7)} runs/s  ${((ms * 1000) / RUNS).toFixed(0).padStart(6)} µs/run`,
  );
  return perS;
}

console.log(
  `property runs, Node ${process.version}, 10 async events per scenario with a generated fault plan\n`,
);
const ROUNDS = 3;
/** Rows measured in turn, ROUNDS times, so that load drifting over the run hits every row alike. */
const rounds: Array<{ anchor: number; duplicatesOnly: number; full: number }> = [];
/** Time spent building the ledger (`result.inputs`, first read) and in the runs, interleaved. */
let ledgerMs = 0;
let runsMs = 0;
for (let round = 0; round < ROUNDS; round++) {
  console.log(`round ${round + 1} of ${ROUNDS}`);
  const anchor = await time(
    'anchor: same arbitrary, trivial property',
    fc.asyncProperty(arb, async (_scenario) => true),
  );
  const duplicatesOnly = await time(
    'scenario run + exactlyOnce (duplicates only)',
    fc.asyncProperty(arb, async (scenario) => {
      const result = await runScenario(scenario, setup);
      const violations = [
        ...checks.exactlyOnce(result.effects('payments'), (e) => (e.args as Order).orderId, {
          direction: 'duplicatesOnly',
        }),
        ...checks.noLostEvents(result),
      ];
      return violations.length === 0;
    }),
  );
  const full = await time(
    'scenario run + exactlyOnce (ledger) + noLostEvents',
    fc.asyncProperty(arb, async (scenario) => {
      const t0 = performance.now();
      const result = await runScenario(scenario, setup);
      const t1 = performance.now();
      const inputs = result.inputs;
      const t2 = performance.now();
      const violations = [
        ...checks.exactlyOnce(result.effects('payments'), (e) => (e.args as Order).orderId, { inputs }),
        ...checks.noLostEvents(result),
      ];
      const t3 = performance.now();
      ledgerMs += t2 - t1;
      runsMs += t3 - t0;
      return violations.length === 0;
    }),
  );
  rounds.push({ anchor, duplicatesOnly, full });
}
/** The median of each row over the rounds. */
const median = (row: 'anchor' | 'duplicatesOnly' | 'full'): number => {
  const sorted = rounds.map((r) => r[row]).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const anchor = median('anchor');
const duplicatesOnly = median('duplicatesOnly');
const full = median('full');
console.log(
  `\nbuilding the ledger: ${((ledgerMs / runsMs) * 100).toFixed(1)} % of the time of a property run (run + checks; warm-up runs included)`,
);
console.log(
  `\nexactlyOnce in both directions (over the ledger) against duplicates only: ${((1 - full / duplicatesOnly) * 100).toFixed(1)} % of property runs/s (${(anchor / duplicatesOnly).toFixed(2)}x -> ${(anchor / full).toFixed(2)}x the anchor)`,
);
console.log(`\nsimulation + checks cost ${(anchor / full).toFixed(1)}x the generation-only anchor`);
console.log(
  `${full >= 1000 ? 'PASS' : 'FAIL'}  >= 1,000 property runs/s for a 10-event scenario with faults: ${full.toFixed(0)} runs/s`,
);

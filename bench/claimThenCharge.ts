/**
 * Issue 11 item 2's figures: the README's flagship property (`toHaveEffectsExactlyOnce` +
 * `toHaveNoLostEvents`, unchanged, as the checks they run) over the claim-then-charge handler, at 50 search seeds of 100
 * runs each (how many seeds find the lost charge, and after how many runs), and its fixed twin
 * over 10 seeds of 1,000 runs (failures). `npx tsx bench/claimThenCharge.ts [--seeds=50]`
 */
import fc from 'fast-check';
import { checks, runScenario, type Scenario, type ScenarioSetup, scenarios } from '../src/index.js';
import {
  claimThenCharge,
  claimThenChargeFixed,
  type Order,
  orderArb,
  orderIdOf,
} from '../test/e2e/claimThenCharge.js';

const SEEDS = Number(process.argv.find((a) => a.startsWith('--seeds='))?.split('=')[1] ?? 50);
const arb = scenarios.async({ events: orderArb, services: ['payments'] });
const property = (setup: ScenarioSetup<Order>) =>
  fc.asyncProperty(arb, async (scenario: Scenario<Order>) => {
    const result = await runScenario(scenario, setup);
    // What the two matchers check (outside vitest: the matchers need its worker state).
    const violations = [
      ...checks.exactlyOnce(result.effects('payments'), orderIdOf, {
        service: 'payments',
        inputs: result.inputs,
      }),
      ...checks.noLostEvents(result),
    ];
    return violations.length === 0;
  });

let found = 0;
const runsToFind: number[] = [];
for (let seed = 1; seed <= SEEDS; seed++) {
  const details = await fc.check(property(claimThenCharge), { seed, numRuns: 100, endOnFailure: true });
  if (details.failed) {
    found++;
    runsToFind.push(details.numRuns);
  }
}
runsToFind.sort((a, b) => a - b);
const median = runsToFind[Math.floor(runsToFind.length / 2)] ?? 0;
console.log(
  `claim-then-charge: lost charge found at ${found} of ${SEEDS} seeds within 100 runs (runs to find: median ${median}, max ${runsToFind.at(-1) ?? 0})`,
);

let fixedRuns = 0;
let fixedFailures = 0;
for (let seed = 1; seed <= 10; seed++) {
  const details = await fc.check(property(claimThenChargeFixed), { seed, numRuns: 1_000 });
  fixedRuns += details.numRuns;
  if (details.failed) {
    fixedFailures++;
    console.log(String(details.errorInstance).slice(0, 2000));
  }
}
console.log(`fixed twin: ${fixedRuns} runs over 10 seeds, ${fixedFailures} failures`);

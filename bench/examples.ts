/**
 * Figures for the bundled examples (issue 6): for each buggy handler, runs to the first failure
 * over 50 seeds (median, worst) and the shrunk counterexample's size; for each fixed twin, false
 * positives over N runs. `npx tsx bench/examples.ts [--twin-runs=10000] [--seeds=50] [--only=name,…]
 * [--shrink-stats]`. `--shrink-stats` adds, per example, the shrunk fault counts (a histogram), the
 * accepted shrink steps and the property runs spent shrinking (median/worst), how many shrunk
 * counterexamples are one event and one fault, and the time the searches took.
 */
import fc from 'fast-check';
import { type Example, examples } from '../fixtures/examples/index.js';
import { exampleScenarios } from '../fixtures/examples/property.js';
import { runScenario, type Scenario } from '../src/index.js';

const arg = (name: string, fallback: number) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.split('=')[1]);
};
const SEEDS = arg('seeds', 50);
const TWIN_RUNS = arg('twin-runs', 10_000);
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.split('=')[1]
  ?.split(',');
const SHRINK_STATS = process.argv.includes('--shrink-stats');

/** Property evaluations so far (to count the runs spent shrinking). */
let evaluations = 0;

function property(example: Example<never>, variant: 'buggy' | 'fixed') {
  return fc.asyncProperty(exampleScenarios(example, variant), async (scenario) => {
    evaluations++;
    const result = await runScenario(scenario, example[variant]);
    return (await example.check(result)).length === 0;
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

console.log(
  `examples: ${SEEDS} seeds for each buggy handler (default run count 100), ${TWIN_RUNS} runs for each twin\n`,
);
console.log(
  'example                      found  runs-to-failure median/worst  shrunk events median/worst  faults worst  twin false positives  twin runs/s',
);
for (const example of examples.filter((e) => ONLY === undefined || ONLY.includes(e.name))) {
  const runs: number[] = [];
  const events: number[] = [];
  const faults: number[] = [];
  const shrinks: number[] = [];
  const shrinkRuns: number[] = [];
  let found = 0;
  let oneAndOne = 0;
  const searchT0 = performance.now();
  for (let seed = 1; seed <= SEEDS; seed++) {
    evaluations = 0;
    const details = await fc.check(property(example, 'buggy'), { seed, numRuns: 1000 });
    if (!details.failed) continue;
    shrinks.push(details.numShrinks);
    shrinkRuns.push(evaluations - details.numRuns);
    const [cex] = details.counterexample as [Scenario<never>];
    const real = (await example.check(await runScenario(cex, example.buggy))).length > 0;
    if (!real)
      throw new Error(
        `${example.name}: seed ${seed} failed with an error, not a violation: ${String(details.errorInstance)}`,
      );
    if (details.numRuns <= 100) found++;
    runs.push(details.numRuns);
    const [scenario] = details.counterexample as [Scenario<never>];
    events.push(scenario.events.length);
    faults.push(scenario.faults.length);
    if (scenario.events.length === 1 && scenario.faults.length === 1) oneAndOne++;
  }
  const searchS = (performance.now() - searchT0) / 1000;
  const t0 = performance.now();
  const twin = await fc.check(property(example, 'fixed'), { seed: 1, numRuns: TWIN_RUNS });
  const twinS = (performance.now() - t0) / 1000;
  console.log(
    `${example.name.padEnd(28)} ${`${found}/${SEEDS}`.padStart(5)}  ${`${median(runs)} / ${Math.max(...runs)}`.padStart(29)}  ${`${median(events)} / ${Math.max(...events)}`.padStart(26)}  ${`${faults.filter((f) => f <= 1).length}/${faults.length} / ${Math.max(...faults)}`.padStart(17)}  ${String(twin.failed ? `FAILED at run ${twin.numRuns}` : 0).padStart(20)}  ${Math.round(
      twin.numRuns / twinS,
    )
      .toString()
      .padStart(11)}`,
  );
  if (SHRINK_STATS) {
    const histogram = [...new Set(faults)]
      .sort((a, b) => a - b)
      .map((n) => `${n}: ${faults.filter((f) => f === n).length}`)
      .join(', ');
    console.log(
      `  shrunk faults { ${histogram} }; shrink steps ${median(shrinks)} / ${Math.max(...shrinks)}; runs spent shrinking ${median(shrinkRuns)} / ${Math.max(...shrinkRuns)}; one event + one fault ${oneAndOne}/${faults.length}; ${searchS.toFixed(1)} s for the ${SEEDS} searches`,
    );
  }
}

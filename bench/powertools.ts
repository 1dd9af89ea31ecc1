/**
 * The Powertools example (examples/powertools/payment.ts, `handlerWithKey`: the real
 * `makeIdempotent` with its DynamoDB persistence layer over a `sim.table`, a `fetch` to the
 * payment provider) under property runs, in the same process run:
 *
 * 1. Property runs per second: the same 100 async scenarios with AWS faults (fast-check samples,
 *    fixed seed), each run and checked (`checks.exactlyOnce`), with a fresh module instance per
 *    execution environment (`handlerModule`) and, as the anchor, with the module loaded once and
 *    its handler handed to every environment (`() => handler`).
 * 2. Init cost per environment: ENVS concurrent invokes (ENVS environments, each with its Init)
 *    then a warm invoke each, with `handlerModule` against the anchor of one import.
 *
 * Under tsx, handlerModule loads instances with Node's native import(); the Powertools and AWS SDK
 * packages the module imports are loaded once and shared. `npm run bench:powertools [-- --reps=5]`
 */
import {
  checks,
  createSimulation,
  type Effect,
  type Handler,
  handlerModule,
  type HandlerFactory,
  runScenario,
  type Scenario,
  scenarios,
  type Simulation,
} from '../src/index.js';
import fc from 'fast-check';
import { median, relativeRange, sig3 } from './stats.js';

const REPS = Number(process.argv.find((a) => a.startsWith('--reps='))?.split('=')[1] ?? 5);
const RUNS = 100;
const ENVS = 100;
const payment = new URL('../examples/powertools/payment.ts', import.meta.url);
const once = (await import(payment.href)) as { handlerWithKey: Handler };

interface Order {
  readonly orderId: string;
  readonly amountCents: number;
}
const orderIdOf = (e: Effect) => (e.args as { body: Order }).body.orderId;

function world(sim: Simulation): void {
  sim.table('idempotency', { key: 'id', latencyMs: 10 });
  sim.api('payments', {
    host: 'payments.example',
    latencyMs: 40,
    idempotencyKey: (_op, args) => (args as { headers: Record<string, string> }).headers['idempotency-key'],
    respond: (_op, args) => ({ id: `ch_${(args as { body: Order }).body.orderId}` }),
  });
}
const factoryOf = (kind: 'module' | 'once'): HandlerFactory =>
  kind === 'module' ? handlerModule(payment, 'handlerWithKey') : () => once.handlerWithKey;

const arb = scenarios.async({
  events: fc.record({
    orderId: fc.integer({ min: 1, max: 10_000 }).map((n) => `o-${n}`),
    amountCents: fc.integer({ min: 1, max: 10_000 }),
  }),
  uniqueBy: (o) => o.orderId,
  maxEvents: 5,
  services: ['payments', 'idempotency'],
});
const sample = fc.sample(arb, { seed: 20261202, numRuns: RUNS }) as Scenario<Order>[];

/** Runs and checks the 100 scenarios; property runs per second. */
async function properties(kind: 'module' | 'once'): Promise<number> {
  const t0 = performance.now();
  for (const scenario of sample) {
    const result = await runScenario(scenario, (sim) => {
      world(sim);
      return factoryOf(kind);
    });
    if (checks.exactlyOnce(result.effects('payments'), orderIdOf, { inputs: result.inputs }).length > 0)
      throw new Error(`the fixed twin failed at ${JSON.stringify(scenario)}`);
  }
  return (RUNS * 1000) / (performance.now() - t0);
}

/** ENVS environments at once, then a warm invoke each: real ms per environment. */
async function inits(kind: 'module' | 'once'): Promise<number> {
  const sim = createSimulation({ seed: 1 });
  world(sim);
  const fn = sim.fn('Pay', factoryOf(kind), { timeoutS: 10 });
  sim.at(0, () => {
    for (let i = 0; i < ENVS; i++) void sim.invoke(fn, { orderId: `o-${i}`, amountCents: 100 });
  });
  sim.at(20_000, () => {
    for (let i = 0; i < ENVS; i++) void sim.invoke(fn, { orderId: `o-${i}`, amountCents: 100 });
  });
  const t0 = performance.now();
  const result = await sim.run();
  const ms = performance.now() - t0;
  const count = result.trace.filter((e) => e.kind === 'env.initFinished').length;
  if (count !== ENVS) throw new Error(`expected ${ENVS} Inits, got ${count}`);
  return ms / ENVS;
}

await properties('module'); // warm-up: tsx's transform cache, JIT
await properties('once');
await inits('module');
await inits('once');
const runs = { module: [] as number[], once: [] as number[] };
const init = { module: [] as number[], once: [] as number[] };
for (let i = 0; i < REPS; i++) {
  for (const kind of ['module', 'once'] as const) {
    runs[kind].push(await properties(kind));
    init[kind].push(await inits(kind));
  }
}
const spread = (xs: number[]) => `(spread ${sig3(relativeRange(xs) * 100)} %)`;
console.log(`Powertools example, Node ${process.version}, ${REPS} repetitions (medians)\n`);
console.log(`property runs/s, ${RUNS} async scenarios with faults, run + exactlyOnce:`);
console.log(
  `  anchor: module loaded once, () => handler   ${sig3(median(runs.once)).padStart(7)} runs/s ${spread(runs.once)}`,
);
console.log(
  `  handlerModule: an instance per environment  ${sig3(median(runs.module)).padStart(7)} runs/s ${spread(runs.module)}`,
);
console.log(`  ratio handlerModule / anchor: ${sig3(median(runs.module) / median(runs.once))}x\n`);
console.log(`Init cost per environment (${ENVS} environments, Init + 2 invokes each):`);
console.log(
  `  anchor: one import, its handler everywhere  ${sig3(median(init.once) * 1000).padStart(7)} µs/env ${spread(init.once)}`,
);
console.log(
  `  handlerModule: a fresh instance             ${sig3(median(init.module) * 1000).padStart(7)} µs/env ${spread(init.module)}`,
);
console.log(
  `  loading an instance adds ${sig3((median(init.module) - median(init.once)) * 1000)} µs per environment: ${sig3(median(init.module) / median(init.once))}x the anchor`,
);

/**
 * Init cost per execution environment of loading a fresh module instance (handlerModule) against
 * loading the module once and handing its handler to every environment, in the same run.
 * Each repetition: ENVS concurrent invokes at t = 0 (so ENVS environments, each with its Init),
 * then one warm invoke each. The anchor is the same simulation with a factory returning the
 * handler of one import (module state shared: what handlerModule exists to avoid), so the
 * difference is the loading. Under tsx this measures Node's native import() (plus tsx's
 * transform cache); under vitest the instance goes through vitest's module runner instead.
 * `npx tsx bench/modules.ts [--envs=200] [--reps=5]`
 */
import { createSimulation, handlerModule, type Handler } from '../src/index.js';
import { median, relativeRange, sig3 } from './stats.js';

const ENVS = Number(process.argv.find((a) => a.startsWith('--envs='))?.split('=')[1] ?? 200);
const REPS = Number(process.argv.find((a) => a.startsWith('--reps='))?.split('=')[1] ?? 5);
const counter = new URL('../fixtures/modules/counter.ts', import.meta.url);
const once = (await import(counter.href)) as { handler: Handler };

/** One run with `factory`: real ms per environment (Init + 2 invokes each). */
async function run(fn: 'module' | 'once'): Promise<number> {
  const sim = createSimulation({ seed: 1 });
  const f = sim.fn('Counter', fn === 'module' ? handlerModule(counter) : () => once.handler, {
    environment: { TABLE_NAME: 'orders' },
  });
  sim.at(0, () => {
    for (let i = 0; i < ENVS; i++) void sim.invoke(f, {});
  });
  sim.at(10_000, () => {
    for (let i = 0; i < ENVS; i++) void sim.invoke(f, {});
  });
  const t0 = performance.now();
  const result = await sim.run();
  const ms = performance.now() - t0;
  const inits = result.trace.filter((e) => e.kind === 'env.initFinished').length;
  if (inits !== ENVS) throw new Error(`expected ${ENVS} Inits, got ${inits}`);
  return ms / ENVS;
}

await run('module'); // warm-up: tsx's transform cache, JIT
await run('once');
const moduleMs: number[] = [];
const onceMs: number[] = [];
for (let i = 0; i < REPS; i++) {
  moduleMs.push(await run('module'));
  onceMs.push(await run('once'));
}
/** The loader alone: import() of a new instance URL, one after the other, as Init does. */
let instance = 0;
const importMs: number[] = [];
for (let i = 0; i < REPS; i++) {
  const t0 = performance.now();
  for (let j = 0; j < ENVS; j++) await import(`${counter.href}?bench-instance=${++instance}`);
  importMs.push((performance.now() - t0) / ENVS);
}
const m = median(moduleMs);
const o = median(onceMs);
console.log(
  `Init cost per environment, Node ${process.version}, ${ENVS} environments x ${REPS} repetitions (medians)\n`,
);
console.log(
  `anchor: one import, its handler to every environment   ${sig3(o * 1000).padStart(7)} µs/env  (spread ${sig3(relativeRange(onceMs) * 100)} %)`,
);
console.log(
  `handlerModule: a fresh instance per environment        ${sig3(m * 1000).padStart(7)} µs/env  (spread ${sig3(relativeRange(moduleMs) * 100)} %)`,
);
console.log(
  `of which import() of a new instance alone               ${sig3(median(importMs) * 1000).padStart(7)} µs/env  (spread ${sig3(relativeRange(importMs) * 100)} %)`,
);
console.log(
  `\nloading an instance adds ${sig3((m - o) * 1000)} µs per environment: ${sig3(m / o)}x the anchor`,
);

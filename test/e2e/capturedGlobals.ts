/**
 * Runs in a fresh process, so that modules load in the order a user's test file loads them:
 * first a module that captured Node's real `setInterval` (imported before lambdasim), then
 * lambdasim, then a handler dependency that captures the clock, randomness and timers at its
 * load. Prints one JSON object for capturedGlobals.test.ts.
 *
 * Usage: node --import tsx test/e2e/capturedGlobals.ts
 */
import { realSetInterval } from './fixtures/capturedBeforeLambdasim.js';
import { createSimulation } from '../../src/index.js';
import { sampleCaptured, sampleLive } from './fixtures/capturesGlobalsAtLoad.js';

export const EPOCH_MS = 1_600_000_000_000;

async function run(seed: number, handler: () => Promise<unknown>) {
  const sim = createSimulation({ seed, startEpochMs: EPOCH_MS });
  const fn = sim.fn('Captures', () => handler, { initDurationMs: 100 });
  const pending = sim.invoke(fn, {});
  const result = await sim.run();
  const response = await pending;
  return {
    body: response.kind === 'ok' ? response.body : response,
    traceHash: result.traceHash,
    determinismErrors: result.determinismErrors.map((e) => e.resource),
  };
}

const captured = [await run(7, sampleCaptured), await run(7, sampleCaptured)];
const live = await run(7, sampleLive);
// Outside any run the captured references are the real ones.
const outside = await sampleCaptured();
const realNowMs = Date.now();

// A handler starts the real interval; the invocation and the run end at once.
let ticks = 0;
const leaky = await run(8, async () => {
  realSetInterval(() => ticks++, 2);
  return 'started';
});
const ticksAtEnd = ticks;
await new Promise((resolve) => setTimeout(resolve, 50)); // real time, outside the run
const ticksAfter = ticks;

process.stdout.write(
  `${JSON.stringify({ captured, live, outside, realNowMs, leaky: { ...leaky, ticksAtEnd, ticksAfter } })}\n`,
);
process.exit(0); // a leaked real interval would keep the process alive

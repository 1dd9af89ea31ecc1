/**
 * Runs in a fresh process, so that modules load in the order a user's test file loads them:
 * lambdasim, then a handler dependency that captures the clock, randomness and timers at its
 * load. Prints one JSON object for capturedGlobals.test.ts.
 *
 * Usage: node --import tsx test/e2e/capturedGlobals.ts
 */
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

process.stdout.write(`${JSON.stringify({ captured, live, outside, realNowMs })}\n`);

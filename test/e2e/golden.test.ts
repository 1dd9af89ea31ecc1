/**
 * Golden trace (like fast-check's NoRegression.spec.ts): the determinism scenario at seed 42 must
 * produce exactly the trace checked in at fixtures/golden/sync-basic.trace.json. Any change in
 * the simulator's behaviour, ids, random streams or trace format shows up here as a diff.
 *
 * To accept an intended change: `UPDATE_GOLDEN=1 npx vitest run test/e2e/golden.test.ts`, review
 * `git diff fixtures/golden`, commit. A missing file is written and the test fails, so it can
 * never pass silently without a reviewed file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/index.js';
import { Trace } from '../../src/sim/Trace.js';
import { runScenario } from './determinismScenario.js';
import { goldenText } from './goldenFile.js';

const SEED = 42;
const GOLDEN_PATH = fileURLToPath(new URL('../../fixtures/golden/sync-basic.trace.json', import.meta.url));

/**
 * Stable, reviewable text: `JSON.stringify(…, null, 2)`, which is also what the repository's
 * formatter (biome) leaves unchanged, so `npm run format` never rewrites the golden file.
 */
function serialize(result: SimulationResult): string {
  const golden = {
    scenario: 'test/e2e/determinismScenario.ts',
    seed: result.seed,
    end: result.end,
    traceHash: result.traceHash,
    trace: result.trace,
  };
  return `${JSON.stringify(golden, null, 2)}\n`;
}

describe('golden trace', () => {
  it(`sync-basic at seed ${SEED} matches fixtures/golden/sync-basic.trace.json exactly`, async () => {
    const { result } = await runScenario(SEED);
    expect(result.determinismErrors).toEqual([]);
    const text = serialize(result);
    const golden = goldenText(GOLDEN_PATH, text, `${result.trace.length} entries`);
    const parsed = JSON.parse(golden) as { seed: number; traceHash: string; trace: unknown[] };
    // Entry-by-entry first, for a readable diff; then the whole file, byte for byte.
    expect(result.trace).toEqual(parsed.trace);
    expect(result.traceHash).toBe(parsed.traceHash);
    expect(text).toBe(golden);
  });

  it('the golden file is well-formed and its hash is the hash of its own trace', () => {
    if (!existsSync(GOLDEN_PATH))
      return expect.fail(`${GOLDEN_PATH} is missing: run the test above to create it`);
    const parsed = JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as {
      seed: number;
      traceHash: string;
      trace: Array<{ atMs: number; kind: string }>;
    };
    const trace = new Trace(parsed.trace);
    expect(parsed.seed).toBe(SEED);
    expect(trace.hash()).toBe(parsed.traceHash);
    expect(parsed.trace.length).toBeGreaterThan(50);
    // Virtual time never goes backwards.
    const times = parsed.trace.map((e) => e.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

/**
 * Prints the trace hash of the determinism scenario for each seed, as one JSON object
 * `{ "<seed>": "<sha256>" }`, so that determinism.test.ts can compare hashes computed in a
 * separate process (fresh module state, different time zone) with its own.
 *
 * Usage: node --import tsx test/e2e/printTraceHashes.ts '[0,1,2]'
 */
import { runScenario } from './determinismScenario.js';

const arg = process.argv[2];
const seeds: unknown = arg === undefined ? undefined : JSON.parse(arg);
if (!Array.isArray(seeds) || !seeds.every((s) => Number.isSafeInteger(s))) {
  process.stderr.write("usage: printTraceHashes.ts '[seed, ...]' (a JSON array of safe integers)\n");
  process.exit(2);
}
const hashes: Record<string, string> = {};
for (const seed of seeds as number[]) hashes[String(seed)] = (await runScenario(seed)).result.traceHash;
process.stdout.write(`${JSON.stringify(hashes)}\n`);

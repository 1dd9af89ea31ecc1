import type { CoverageCollector } from './CoverageCollector.js';
import { installCoveragePlugin } from './coveragePlugin.js';
import { coverageState } from './coverageState.js';

/**
 * Runs `body` with `collector` as the active coverage collector: every `runScenario` result,
 * {@link sometimes} label and {@link requireReached} name inside it (across awaits) goes to it,
 * counted per fast-check run (installs {@link coveragePlugin} globally). For use without
 * lambdasim/vitest, e.g. in a script; read `collector.summary()` after, format it with
 * {@link formatCoverageTable} and {@link coverageFindings}.
 *
 * @example
 * ```ts
 * const collector = new CoverageCollector();
 * await withCoverage(collector, () => fc.assert(property, { numRuns: 200 }));
 * console.log(formatCoverageTable(collector.summary(), { title: 'charges once' }));
 * ```
 */
export function withCoverage<T>(collector: CoverageCollector, body: () => T): T {
  installCoveragePlugin();
  return coverageState().scoped.run(collector, body);
}

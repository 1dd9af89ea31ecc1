import fc from 'fast-check';
import { type CoverageRun, coverageState } from './coverageState.js';

type Run = ReturnType<NonNullable<ReturnType<fc.Plugin<unknown>>['decorateRun']>>;
type RunOutcome = ReturnType<Run>;

/**
 * A fast-check plugin that marks where each run of a property begins and ends, so that coverage
 * (built-in cases and {@link sometimes} labels) is counted per run: the results of
 * `runScenario` and `rerunFaultFree()` in one run count once. It records nothing by itself and
 * costs a closure and an `AsyncLocalStorage` scope per run: the run's code, and only it, sees the
 * run, so properties running at once (`Promise.all`, two {@link withCoverage} scopes) keep apart.
 * lambdasim/vitest and {@link withCoverage} install it globally.
 *
 * @example
 * ```ts
 * await fc.assert(property, { plugins: [coveragePlugin] });
 * ```
 */
export const coveragePlugin: fc.Plugin<unknown> = () => ({
  decorateRun: (nested) =>
    ((value: unknown) => {
      const run: CoverageRun = { entered: [] };
      const done = (): void => {
        for (const collector of run.entered) collector.endRun();
      };
      // The run's code (and what it awaits) sees `run`, and only it: a property running alongside
      // has its own.
      let out: RunOutcome;
      try {
        out = coverageState().run.run(run, () => nested(value));
      } catch (error) {
        done();
        throw error;
      }
      if (out !== null && typeof out === 'object' && 'then' in out) {
        return (out as Promise<unknown>).then(
          (r) => {
            done();
            return r;
          },
          (error: unknown) => {
            done();
            throw error;
          },
        );
      }
      done();
      return out;
    }) as Run,
});

const INSTALLED = Symbol.for('lambdasim.coverage.plugin');

/**
 * Installs {@link coveragePlugin} in fast-check's global plugins, once per fast-check instance.
 *
 * @example
 * ```ts
 * installCoveragePlugin();
 * await withCoverage(collector, () => fc.assert(property));
 * ```
 */
export function installCoveragePlugin(): void {
  const registry = globalThis as { [INSTALLED]?: WeakSet<object> };
  const installed = (registry[INSTALLED] ??= new WeakSet<object>());
  if (installed.has(fc.installGlobalPlugin)) return;
  installed.add(fc.installGlobalPlugin);
  fc.installGlobalPlugin(coveragePlugin);
}

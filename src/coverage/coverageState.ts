import { AsyncLocalStorage } from 'node:async_hooks';
import type { CoverageCollector } from './CoverageCollector.js';

/** One fast-check run in progress (see {@link coveragePlugin}). */
export interface CoverageRun {
  /** Collectors that began a run for it: the plugin ends their run when it ends. */
  readonly entered: CoverageCollector[];
}

/**
 * The ambient coverage state, shared through `globalThis` by every copy of this module (a test
 * runner may evaluate the library once per test file while fast-check, which runs the plugin,
 * is loaded once): the collector of a {@link withCoverage} scope, the test runner's provider,
 * and the fast-check run in progress. The scope and the run follow the code that runs in them
 * across awaits (`AsyncLocalStorage`), so two properties running at once, or a property that
 * ended while another ran, never see each other's run.
 */
interface CoverageState {
  /** The collector of the enclosing `withCoverage` call. */
  readonly scoped: AsyncLocalStorage<CoverageCollector>;
  /** The test runner's collector for the running test (lambdasim/vitest sets it). */
  provider: (() => CoverageCollector | undefined) | undefined;
  /** The fast-check run in progress (set by the coverage plugin). */
  readonly run: AsyncLocalStorage<CoverageRun>;
}

const STATE = Symbol.for('lambdasim.coverage.state');

export function coverageState(): CoverageState {
  const g = globalThis as { [STATE]?: CoverageState };
  return (g[STATE] ??= {
    scoped: new AsyncLocalStorage<CoverageCollector>(),
    provider: undefined,
    run: new AsyncLocalStorage<CoverageRun>(),
  });
}

/** The collector results and labels go to: the `withCoverage` scope's, else the test runner's. */
export function activeCollector(): CoverageCollector | undefined {
  const s = coverageState();
  return s.scoped.getStore() ?? s.provider?.();
}

/**
 * Sets (or clears) the test runner's provider of the running test's collector. Internal: used by
 * lambdasim/vitest.
 */
export function setCoverageProvider(provider: (() => CoverageCollector | undefined) | undefined): void {
  coverageState().provider = provider;
}

/**
 * Inside a fast-check run, makes `collector` count it (once per run); returns false outside one.
 */
export function enterCurrentRun(collector: CoverageCollector): boolean {
  const run = coverageState().run.getStore();
  if (run === undefined) return false;
  if (!run.entered.includes(collector)) {
    collector.beginRun();
    run.entered.push(collector);
  }
  return true;
}

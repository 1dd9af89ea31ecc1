import { AsyncLocalStorage } from 'node:async_hooks';
import type { CoverageCollector } from './CoverageCollector.js';

/**
 * The ambient coverage state, shared through `globalThis` by every copy of this module (a test
 * runner may evaluate the library once per test file while fast-check, which runs the plugin,
 * is loaded once): the collector of a {@link withCoverage} scope, the test runner's provider,
 * and the fast-check run in progress.
 */
interface CoverageState {
  /** The collector of the enclosing `withCoverage` call. */
  readonly scoped: AsyncLocalStorage<CoverageCollector>;
  /** The test runner's collector for the running test (lambdasim/vitest sets it). */
  provider: (() => CoverageCollector | undefined) | undefined;
  /** The fast-check run in progress (set by the coverage plugin), else undefined. */
  runId: number | undefined;
  serial: number;
  /** Collectors that began a run for `runId`: the plugin ends their run when it ends. */
  entered: CoverageCollector[];
}

const STATE = Symbol.for('lambdasim.coverage.state');

export function coverageState(): CoverageState {
  const g = globalThis as { [STATE]?: CoverageState };
  return (g[STATE] ??= {
    scoped: new AsyncLocalStorage<CoverageCollector>(),
    provider: undefined,
    runId: undefined,
    serial: 0,
    entered: [],
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
  const s = coverageState();
  if (s.runId === undefined) return false;
  if (!s.entered.includes(collector)) {
    collector.beginRun();
    s.entered.push(collector);
  }
  return true;
}

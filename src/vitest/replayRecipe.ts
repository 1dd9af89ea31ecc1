import { relative } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';

/**
 * Written by a matcher when it fails; replaced by the exact `FC_SEED=… FC_PATH=…` of the shrunk
 * counterexample once fast-check has finished (see {@link installReplayPlugin}). Left as is when
 * the assertion failed outside a property.
 */
const SEED_PATH_PLACEHOLDER = 'FC_SEED=<seed> FC_PATH=<path>';
const PLACEHOLDER_NOTE = `  (<seed> and <path>: fast-check's "{ seed, path }" line)`;

/** @fast-check/vitest names a property test `<name> (with seed=N)`. */
const SEED_SUFFIX = / \(with seed=-?\d+\)$/;

/** The name of the running vitest test (its own name, without @fast-check/vitest's seed suffix). */
export function currentTestName(): string | undefined {
  const full = expect.getState().currentTestName;
  if (full === undefined) return undefined;
  const own = full.split(' > ').at(-1) ?? full;
  return own.replace(SEED_SUFFIX, '');
}

/** The running test file, relative to the working directory. */
export function currentTestFile(): string | undefined {
  const path = expect.getState().testPath;
  return path === undefined ? undefined : relative(process.cwd(), path);
}

/** `'a (b)'` → `'a \(b\)'`, quoted for a POSIX shell: vitest's `-t` is a regular expression. */
function shellQuotedPattern(name: string): string {
  const pattern = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `'${pattern.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command that reruns the failing property at fast-check's seed and path, e.g.
 * `FC_SEED=42 FC_PATH=3:1:0 npx vitest run test/orders.test.ts -t 'charges once'`. With no
 * `seed` and `path`, a placeholder that the replay plugin fills in when the property completes.
 */
export function replayCommand(seedAndPath?: { readonly seed: number; readonly path: string }): string {
  const file = currentTestFile();
  const name = currentTestName();
  const env =
    seedAndPath === undefined
      ? SEED_PATH_PLACEHOLDER
      : `FC_SEED=${seedAndPath.seed} FC_PATH=${seedAndPath.path}`;
  const command = `${env} npx vitest run${file === undefined ? '' : ` ${file}`}${name === undefined ? '' : ` -t ${shellQuotedPattern(name)}`}`;
  return seedAndPath === undefined ? `${command}${PLACEHOLDER_NOTE}` : command;
}

/**
 * Puts the counterexample's seed and path into a matcher's failure message (and stack), in place
 * of the placeholder. Does nothing to other errors.
 */
export function fillReplayPlaceholder(error: unknown, seed: number, path: string): void {
  if (!(error instanceof Error) || !error.message.includes(SEED_PATH_PLACEHOLDER)) return;
  const fill = (text: string): string =>
    text
      .replaceAll(PLACEHOLDER_NOTE, '')
      .replaceAll(SEED_PATH_PLACEHOLDER, `FC_SEED=${seed} FC_PATH=${path}`);
  error.message = fill(error.message);
  if (error.stack !== undefined) error.stack = fill(error.stack);
}

/** A fast-check plugin: when a property fails, writes its seed and path into the failure. */
const replayPlugin: fc.Plugin<unknown> = () => ({
  onAllRunsComplete: (details) => {
    if (details.failed && details.counterexamplePath !== null) {
      fillReplayPlaceholder(details.errorInstance, details.seed, details.counterexamplePath);
    }
  },
});

const INSTALLED = Symbol.for('lambdasim.vitest.replayPlugin');

/**
 * Installs the replay plugin in fast-check once per fast-check instance (test files share the
 * externalised fast-check module, and re-evaluate this one).
 */
export function installReplayPlugin(): void {
  const registry = globalThis as { [INSTALLED]?: WeakSet<object> };
  const installed = (registry[INSTALLED] ??= new WeakSet<object>());
  if (installed.has(fc.installGlobalPlugin)) return;
  installed.add(fc.installGlobalPlugin);
  fc.installGlobalPlugin(replayPlugin);
}

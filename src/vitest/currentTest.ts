import { relative } from 'node:path';
import { expect } from 'vitest';

/** @fast-check/vitest names a property test `<name> (with seed=N)`. */
const SEED_SUFFIX = / \(with seed=-?\d+\)$/;

/** `charges once (with seed=42)` → `charges once`: a test's name as its author wrote it. */
export function withoutSeedSuffix(testName: string): string {
  return testName.replace(SEED_SUFFIX, '');
}

/** The name of the running vitest test (its own name, without @fast-check/vitest's seed suffix). */
export function currentTestName(): string | undefined {
  const full = expect.getState().currentTestName;
  if (full === undefined) return undefined;
  return withoutSeedSuffix(full.split(' > ').at(-1) ?? full);
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
 * The command that reruns the running test (or `test`, when the caller knows which test it is):
 * `npx vitest run test/orders.test.ts -t 'charges once'`.
 */
export function rerunCommand(test?: { readonly file?: string; readonly name?: string }): string {
  const file = test === undefined ? currentTestFile() : test.file;
  const name = test === undefined ? currentTestName() : test.name;
  return `npx vitest run${file === undefined ? '' : ` ${file}`}${name === undefined ? '' : ` -t ${shellQuotedPattern(name)}`}`;
}

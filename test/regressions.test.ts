/**
 * The saved counterexamples of fixtures/regressions/<example>/*.json (recorded by
 * fixtures/regressions/record.ts) replayed as plain regression tests, without fast-check: each
 * passes the example's check against the fixed twin and still fails it against the buggy handler,
 * so no saved file is vacuous.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { type Example, examples } from '../fixtures/examples/index.js';
import { expect, regressionTests, replayScenarioFile } from '../src/vitest/index.js';

const ROOT = fileURLToPath(new URL('../fixtures/regressions/', import.meta.url));
const dirs = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function exampleNamed(name: string): Example<never> {
  const example = examples.find((e) => e.name === name);
  if (example === undefined)
    throw new Error(
      `fixtures/regressions/${name}/ is named after no example (examples: ${examples.map((e) => e.name).join(', ')})`,
    );
  return example;
}

it('keeps saved counterexamples of at least two examples, each directory named after its example', () => {
  expect(dirs.length).toBeGreaterThanOrEqual(2);
  for (const name of dirs) expect(() => exampleNamed(name)).not.toThrow();
});

describe.each(dirs)('regressions of example %s', (name) => {
  const example = exampleNamed(name);
  const dir = join(ROOT, name);
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort();

  describe('the fixed twin', () => {
    regressionTests(dir, example.fixed, async (result) => {
      expect(await example.check(result)).toHaveNoViolations(result);
    });
  });

  it('the buggy handler still breaks the invariant on every saved scenario (the files are not vacuous)', async () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const path = join(dir, file);
      const result = await replayScenarioFile(path, example.buggy);
      const violations = await example.check(result);
      expect(violations.length, `${relative(process.cwd(), path)} shows no bug`).toBeGreaterThan(0);
    }
  });
});

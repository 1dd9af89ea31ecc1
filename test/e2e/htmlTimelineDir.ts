import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, type RunnerTestCase } from 'vitest';

/**
 * A temporary directory that failing matchers write their HTML timelines to while this file's
 * tests run (`LAMBDASIM_HTML`), put back and removed after them.
 */
export function htmlTimelineDirForFile(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const saved = process.env.LAMBDASIM_HTML;
  beforeAll(() => {
    process.env.LAMBDASIM_HTML = dir;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.LAMBDASIM_HTML;
    else process.env.LAMBDASIM_HTML = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** The test named `name` in the suite of `task` (a test that reads what an earlier one left). */
export function testNamed(task: RunnerTestCase, name: string): RunnerTestCase {
  const found = task.suite?.tasks.find((t) => t.name === name);
  if (found?.type !== 'test') throw new Error(`no test named ${name}`);
  return found;
}

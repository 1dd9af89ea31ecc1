import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The checked-in golden file at `path`, for the caller to compare with `text`. With
 * `UPDATE_GOLDEN=1`, or when the file is missing, writes `text` there and fails the test (`what`
 * says what was written): a golden test never passes on a file it has just written.
 */
export function goldenText(path: string, text: string, what: string): string {
  const update = process.env.UPDATE_GOLDEN === '1';
  if (update || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    const file = relative(ROOT, path);
    expect.fail(
      `${update ? 'UPDATE_GOLDEN=1' : 'Golden file was missing'}: wrote ${file} (${what}). ` +
        `Review it (git diff ${file}), commit it, then re-run without UPDATE_GOLDEN. ` +
        'This test never passes on a file it has just written.',
    );
  }
  return readFileSync(path, 'utf8');
}

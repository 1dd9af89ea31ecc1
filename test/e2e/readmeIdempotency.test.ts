import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = readFileSync(`${root}examples/idempotentCharge.ts`, 'utf8');

function run(file: string): string {
  return execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' });
}

describe('README: idempotency keys and atomic updates', () => {
  it('shows examples/idempotentCharge.ts verbatim (with the package import)', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const block = /## Idempotency keys and atomic updates[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example.replace("'../src/index.js'", "'lambdasim'"));
  });

  it('runs as it says: one charge and one replay with the key, two charges without it', () => {
    expect(run('examples/idempotentCharge.ts')).toBe('charges: 1\nreplays: 1\ntries: 2, status: PAID\n');

    const dir = mkdtempSync(join(tmpdir(), 'lambdasim-readme-'));
    try {
      const withoutKey = example
        .replace("'../src/index.js'", JSON.stringify(pathToFileURL(`${root}src/index.ts`).href))
        .replace(/^ {2}idempotencyKey: .*\n/m, '');
      expect(withoutKey).not.toContain('idempotencyKey: (');
      const file = join(dir, 'withoutKey.mts'); // an ES module outside the package (top-level await)
      writeFileSync(file, withoutKey);
      expect(run(file)).toBe('charges: 2\nreplays: 0\ntries: 2, status: PAID\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('README example', () => {
  it('is examples/quickstart.ts verbatim (with the package import)', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const example = readFileSync(`${root}examples/quickstart.ts`, 'utf8').replace(
      "'../src/index.js'",
      "'lambdasim'",
    );
    const block = /## Example[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example);
  });

  it('runs and shows the double charge it describes', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/quickstart.ts'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).toContain('charges: 2');
    expect(out).toMatch(/request\.clientTimedOut\s+req [0-9a-f]{8}: caller gave up after 1000 ms/);
    const again = execFileSync(process.execPath, ['--import', 'tsx', 'examples/quickstart.ts'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(again).toBe(out);
  });
});

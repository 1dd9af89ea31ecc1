import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

describe("README's flagship property", () => {
  it('keeps order ids distinct while shrinking (its orders arbitrary, run as written)', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const block = /## Property tests[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const lines = block.split('\n');
    const start = lines.findIndex((l) => l.startsWith('interface Order'));
    const end = lines.findIndex((l) => l.startsWith('const orders = '));
    expect(start, 'the block defines Order').toBeGreaterThanOrEqual(0);
    expect(end, 'the block defines its orders arbitrary').toBeGreaterThan(start);
    const dir = mkdtempSync(join(tmpdir(), 'lambdasim-readme-'));
    try {
      const file = join(dir, 'flagship.mts');
      writeFileSync(
        file,
        [
          `import { scenarios } from ${JSON.stringify(pathToFileURL(`${root}src/index.ts`).href)};`,
          `import fc from ${JSON.stringify(pathToFileURL(`${root}node_modules/fast-check/lib/fast-check.js`).href)};`,
          ...lines.slice(start, end + 1),
          // A property that fails on any two orders: shrinking then pushes both ids toward one value.
          'const details = fc.check(fc.property(orders, (s) => s.events.length < 2), { seed: 1 });',
          'const ids = (details.counterexample?.[0]?.events ?? []).map((e) => e.body.orderId);',
          'console.log(`${ids.length} events, ${new Set(ids).size} ids`);',
        ].join('\n'),
      );
      const out = execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' });
      expect(out).toBe('2 events, 2 ids\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('README links', () => {
  it('work on the registry page too: each is absolute (https) or an anchor of the README itself', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    // Links outside fenced code blocks; `[text](target)` and `[text]: target` forms.
    const prose = readme.replace(/```[\s\S]*?```/g, '');
    const targets = [
      ...[...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!),
      ...[...prose.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]!),
    ];
    expect(targets.length).toBeGreaterThan(0);
    const anchors = new Set(
      [...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^\p{L}\p{N} -]/gu, '')
          .replaceAll(' ', '-'),
      ),
    );
    const dead = targets.filter((t) =>
      t.startsWith('#') ? !anchors.has(t.slice(1)) : !/^https:\/\//.test(t),
    );
    expect(dead, 'a relative link is dead on the npm registry page: name the file in code instead').toEqual(
      [],
    );
  });
});

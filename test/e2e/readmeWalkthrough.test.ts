/**
 * The README's "Your first property" runs as written: its blocks are written to a project in a
 * temporary folder inside the repository (so `import 'lambdasim'` resolves to the sources through
 * the `lambdasim-source` condition), vitest runs it in a child process, and the output must hold
 * the lines the README shows; then the README's fix is applied and the same run must pass. The
 * blocks marked `typecheck:file=` (the services reference and scenario configuration) and the
 * walkthrough's own files are typechecked with tsc.
 *
 * Markers, each an HTML comment on the line before a fenced block:
 * - `walkthrough:file=<path>`: a file of the project;
 * - `walkthrough:patch=<path>`: a diff applied to that file (`-` lines replaced by `+` lines);
 * - `walkthrough:output=fails|passes`: `$ <env> npx vitest run`, then lines the output must
 *   hold in order; a line `…` skips any lines, `…` inside a line matches any text;
 * - `typecheck:file=<path>`: a file that is only typechecked.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Block {
  readonly marker: 'walkthrough:file' | 'walkthrough:patch' | 'walkthrough:output' | 'typecheck:file';
  readonly value: string;
  readonly text: string;
}

/** The marked blocks of the README, in order. */
export function markedBlocks(readme: string): Block[] {
  const pattern =
    /<!-- (walkthrough:file|walkthrough:patch|walkthrough:output|typecheck:file)=(\S+) -->\n```[a-z]*\n([\s\S]*?)```/g;
  return [...readme.matchAll(pattern)].map((m) => ({
    marker: m[1] as Block['marker'],
    value: m[2]!,
    text: m[3]!,
  }));
}

/** `file` with the patch's `-` lines replaced by its `+` lines (the `-` lines must be there once). */
export function applyPatch(file: string, patch: string): string {
  const lines = patch.split('\n').filter((l) => l !== '');
  const removed = lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1));
  const added = lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1));
  const old = `${removed.join('\n')}\n`;
  const at = file.indexOf(old);
  if (removed.length === 0 || at < 0 || file.indexOf(old, at + 1) >= 0)
    throw new Error(`the patch's - lines are not in the file exactly once:\n${old}`);
  return `${file.slice(0, at)}${added.join('\n')}\n${file.slice(at + old.length)}`;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `output` holds the `expected` lines in order: lines between two `…` lines are
 * consecutive in the output; `…` inside a line matches any text. Returns the first line not
 * found, or undefined.
 */
export function missingLine(output: string, expected: readonly string[]): string | undefined {
  const actual = output.split('\n').map((l) => l.trimEnd());
  let from = 0;
  let adjacent = false;
  for (const line of expected) {
    if (line.trim() === '…') {
      adjacent = false;
      continue;
    }
    const match = new RegExp(`^${line.trimEnd().split('…').map(escape).join('.*')}$`);
    const at = adjacent
      ? match.test(actual[from] ?? '')
        ? from
        : -1
      : actual.findIndex((l, i) => i >= from && match.test(l));
    if (at < 0) return line;
    from = at + 1;
    adjacent = true;
  }
  return undefined;
}

/** The `$ VAR=value npx vitest run` line of an output block: the environment it sets. */
function commandEnv(block: Block): Record<string, string> {
  const command = block.text.split('\n')[0] ?? '';
  const m = /^\$ ((?:\w+=\S+ )*)npx vitest run$/.exec(command);
  if (m === null)
    throw new Error(`an output block starts with "$ [VAR=value ...] npx vitest run", got ${command}`);
  return Object.fromEntries(
    m[1]!
      .trim()
      .split(' ')
      .filter((p) => p !== '')
      .map((p) => p.split('=') as [string, string]),
  );
}

async function runVitest(
  dir: string,
  env: Record<string, string>,
): Promise<{ status: number; output: string }> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(FC_|LAMBDASIM_|VITEST|CI$)/.test(k)),
  );
  const args = [
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--config',
    'vitest.walkthrough.config.ts',
  ];
  const options = {
    cwd: dir,
    encoding: 'utf8' as const,
    env: { ...clean, ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
  };
  const done = await promisify(execFile)(process.execPath, args, options).then(
    (r) => ({ status: 0, ...r }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      status: e.code ?? -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    }),
  );
  // eslint-disable-next-line no-control-regex
  const output = `${done.stdout}${done.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  return { status: done.status, output };
}

describe('README: Your first property', () => {
  it('fails as shown on the buggy handler, passes after the fix, and every marked block typechecks', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const blocks = markedBlocks(readme);
    const files = blocks.filter((b) => b.marker === 'walkthrough:file');
    const patch = blocks.find((b) => b.marker === 'walkthrough:patch');
    const fails = blocks.find((b) => b.marker === 'walkthrough:output' && b.value === 'fails');
    const passes = blocks.find((b) => b.marker === 'walkthrough:output' && b.value === 'passes');
    expect(files.map((f) => f.value)).toEqual([
      'vitest.config.ts',
      'test/setup.ts',
      'src/checkout.ts',
      'test/checkout.test.ts',
    ]);
    if (patch === undefined || fails === undefined || passes === undefined)
      throw new Error('the README lacks the walkthrough patch or output blocks');

    mkdirSync(join(root, 'scratch'), { recursive: true });
    const dir = mkdtempSync(join(root, 'scratch', 'walkthrough-'));
    const write = (path: string, text: string): void => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    try {
      for (const f of files) write(f.value, f.text);
      // The README's config plus what a user's installed package does not need: the source condition.
      write(
        'vitest.walkthrough.config.ts',
        [
          "import { defaultServerConditions } from 'vite';",
          "import { mergeConfig } from 'vitest/config';",
          "import config from './vitest.config.ts';",
          "const conditions = ['lambdasim-source', ...defaultServerConditions.filter((c) => c !== 'module')];",
          'export default mergeConfig(config, { ssr: { resolve: { conditions } } });',
          '',
        ].join('\n'),
      );

      const failing = await runVitest(dir, commandEnv(fails));
      expect(failing.status, failing.output).toBe(1);
      expect(
        missingLine(failing.output, fails.text.trimEnd().split('\n').slice(1)),
        failing.output,
      ).toBeUndefined();

      const patched = applyPatch(readFileSync(join(dir, patch.value), 'utf8'), patch.text);
      write(patch.value, patched);
      for (const b of blocks.filter((b) => b.marker === 'typecheck:file')) write(b.value, b.text);
      write(
        'tsconfig.json',
        JSON.stringify({
          extends: join(root, 'tsconfig.json'),
          compilerOptions: { noEmit: true, rootDir: root },
          include: ['**/*.ts'],
          exclude: ['vitest.walkthrough.config.ts'],
        }),
      );
      // The fixed run and the typecheck (of the fixed walkthrough and the reference blocks) side by side.
      const [passing, tsc] = await Promise.all([
        runVitest(dir, commandEnv(passes)),
        promisify(execFile)(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], {
          encoding: 'utf8',
        }).then(
          (r) => `${r.stdout}${r.stderr}`,
          (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}` || 'tsc failed',
        ),
      ]);
      expect(passing.status, passing.output).toBe(0);
      expect(
        missingLine(passing.output, passes.text.trimEnd().split('\n').slice(1)),
        passing.output,
      ).toBeUndefined();
      expect(tsc).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000); // two child vitest runs and a tsc: 30-50 s on a loaded 2-core machine
});

describe('README walkthrough markers', () => {
  it('matches lines in order, consecutive between … lines, with … inside a line as any text', () => {
    const out = 'a\nb 123 c\nd\ne\n';
    expect(missingLine(out, ['a', 'b … c', 'd'])).toBeUndefined();
    expect(missingLine(out, ['a', 'd'])).toBe('d');
    expect(missingLine(out, ['a', '…', 'd'])).toBeUndefined();
    expect(missingLine(out, ['d', '…', 'a'])).toBe('a');
  });

  it('applies a patch only where its - lines are, once', () => {
    expect(applyPatch('x\ny\nz\n', '-y\n+Y\n+Y2\n')).toBe('x\nY\nY2\nz\n');
    expect(() => applyPatch('x\n', '-y\n+Y\n')).toThrow(/exactly once/);
    expect(() => applyPatch('y\ny\n', '-y\n+Y\n')).toThrow(/exactly once/);
  });
});

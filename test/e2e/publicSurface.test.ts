/**
 * The public surface is a decision: every name `lambdasim` and `lambdasim/vitest` export (values
 * and types, as the TypeScript checker sees the entry modules) is listed in
 * test/e2e/fixtures/public-surface.txt. A new export, or a removed one, fails this test with the
 * difference; accept it by running the test with LAMBDASIM_UPDATE_SURFACE=1 and committing the
 * list (a reviewer then sees the surface change in the diff).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const LIST = fileURLToPath(new URL('./fixtures/public-surface.txt', import.meta.url));
const ENTRIES = { lambdasim: 'src/index.ts', 'lambdasim/vitest': 'src/vitest/index.ts' } as const;

/** `entry: name (kind)` for every export of the entry modules, sorted. */
function surface(): string[] {
  const config = ts.readConfigFile(`${root}tsconfig.json`, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram(
    Object.values(ENTRIES).map((file) => `${root}${file}`),
    parsed.options,
  );
  const checker = program.getTypeChecker();
  const lines: string[] = [];
  for (const [entry, file] of Object.entries(ENTRIES)) {
    const source = program.getSourceFile(`${root}${file}`);
    if (source === undefined) throw new Error(`no source file ${file}`);
    const module = checker.getSymbolAtLocation(source);
    if (module === undefined) throw new Error(`${file} is not a module`);
    for (const symbol of checker.getExportsOfModule(module)) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const kind = target.flags & ts.SymbolFlags.Value ? 'value' : 'type';
      lines.push(`${entry}: ${symbol.name} (${kind})`);
    }
  }
  return lines.sort();
}

describe('the public surface', () => {
  it('is the reviewed list of exports', () => {
    const now = surface();
    if (process.env.LAMBDASIM_UPDATE_SURFACE === '1') writeFileSync(LIST, `${now.join('\n')}\n`);
    const listed = readFileSync(LIST, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    const added = now.filter((line) => !listed.includes(line));
    const removed = listed.filter((line) => !now.includes(line));
    expect(
      { added, removed },
      'the exports changed: if that is intended, rerun with LAMBDASIM_UPDATE_SURFACE=1 and commit test/e2e/fixtures/public-surface.txt',
    ).toEqual({ added: [], removed: [] });
  }, 120_000);
});

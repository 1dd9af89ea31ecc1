/**
 * The public surface is a decision: every name `lambdasim` and `lambdasim/vitest` export (values
 * and types, as the TypeScript checker sees the entry modules) is listed in
 * test/e2e/fixtures/public-surface.txt. A new export, or a removed one, fails this test with the
 * difference; accept it by running the test with LAMBDASIM_UPDATE_SURFACE=1 and committing the
 * list (a reviewer then sees the surface change in the diff).
 *
 * The declarations a user gets (built as `npm pack` builds them: stripInternal, private members
 * untyped) also name nothing the entries do not export, but for the reviewed parts below: every
 * type a public declaration mentions can be written in a user's annotation, and no kernel type
 * (World, Kernel, the models) leaks in through a public field, constructor or method.
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

/**
 * Types the public declarations mention that no entry exports, reviewed: building blocks a user
 * never names (the common fields of a union's members, a helper generic), and the shape of the
 * AWS SDK's request handler that `interceptHttpHandler` takes (users pass the SDK's class).
 */
const UNEXPORTED_PARTS = [
  'AbortSignalLike',
  'AttemptCommon',
  'Handle',
  'InputCommon',
  'SmithyHandlerConfig',
  'SmithyHandlerInstance',
  'SmithyHandlerOptions',
  'SmithyRequest',
  'WithoutMessage',
];

/** The .d.ts files the build emits (tsconfig.build.json), in memory, by path. */
function emitDeclarations(): { options: ts.CompilerOptions; files: Map<string, string> } {
  const config = ts.readConfigFile(`${root}tsconfig.build.json`, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const options = { ...parsed.options, noEmit: false, declaration: true, emitDeclarationOnly: true };
  const files = new Map<string, string>();
  const program = ts.createProgram(parsed.fileNames, options);
  program.emit(undefined, (file, text) => files.set(file, text), undefined, true);
  return { options, files };
}

/**
 * The declarations' problems (a class that no longer implements a stripped interface member:
 * TS2420) and, per type they mention from a public export but no entry exports, the path to it.
 */
function unexportedMentions(): { problems: string[]; mentions: Map<string, string> } {
  const { options, files } = emitDeclarations();
  const outDir = options.outDir!;
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  const built = (file: string): boolean => file.startsWith(`${outDir}/`);
  host.fileExists = (file) => (built(file) ? files.has(file) : fileExists.call(host, file));
  host.readFile = (file) => (built(file) ? files.get(file) : readFile.call(host, file));
  host.directoryExists = (dir) =>
    built(`${dir}/`) ? [...files.keys()].some((f) => f.startsWith(`${dir}/`)) : ts.sys.directoryExists(dir);
  host.getSourceFile = (file, language, onError) =>
    built(file)
      ? files.has(file)
        ? ts.createSourceFile(file, files.get(file)!, language)
        : undefined
      : getSourceFile.call(host, file, language, onError);
  const entries = Object.values(ENTRIES).map(
    (f) => `${outDir}/${f.replace(/^src\//, '').replace(/\.ts$/, '.d.ts')}`,
  );
  const program = ts.createProgram(
    entries,
    { ...options, customConditions: [], noEmit: true, skipLibCheck: false },
    host,
  );
  const ours = program.getSourceFiles().filter((f) => built(f.fileName));
  const problems = ours
    .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])
    .map(
      (d) =>
        `${d.file?.fileName.slice(outDir.length + 1)}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
  const checker = program.getTypeChecker();
  const exported = new Set<ts.Symbol>();
  const reached = new Map<ts.Symbol, string>();
  const resolve = (symbol: ts.Symbol): ts.Symbol =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const visit = (symbol: ts.Symbol, path: string): void => {
    if (reached.has(symbol)) return;
    const declarations = (symbol.declarations ?? []).filter((d) => built(d.getSourceFile().fileName));
    if (declarations.length === 0) return;
    reached.set(symbol, path);
    for (const d of declarations) walk(d, path);
  };
  const walk = (node: ts.Node, path: string): void => {
    const modifiers = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
    if (modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)) return;
    const name = ts.isTypeReferenceNode(node)
      ? node.typeName
      : ts.isExpressionWithTypeArguments(node)
        ? node.expression
        : ts.isTypeQueryNode(node)
          ? node.exprName
          : undefined;
    const symbol = name && checker.getSymbolAtLocation(name);
    if (symbol !== undefined) visit(resolve(symbol), `${path} > ${resolve(symbol).name}`);
    const member =
      (ts.isPropertySignature(node) ||
        ts.isPropertyDeclaration(node) ||
        ts.isMethodSignature(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isGetAccessorDeclaration(node)) &&
      node.name !== undefined;
    ts.forEachChild(node, (child) => walk(child, member ? `${path}.${node.name.getText()}` : path));
  };
  const roots: [ts.Symbol, string][] = [];
  for (const entry of entries) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const symbol of checker.getExportsOfModule(module)) {
      exported.add(resolve(symbol));
      roots.push([resolve(symbol), symbol.name]);
    }
  }
  for (const [symbol, name] of roots) visit(symbol, name);
  const typeKinds =
    ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Enum;
  const mentions = new Map<string, string>();
  for (const [symbol, path] of reached)
    if (symbol.flags & typeKinds && !exported.has(symbol)) mentions.set(symbol.name, path);
  return { problems, mentions };
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

  it('is declarations that typecheck and name only exported types, or reviewed parts', () => {
    const { problems, mentions } = unexportedMentions();
    expect(problems).toEqual([]);
    const unreviewed = [...mentions].filter(([name]) => !UNEXPORTED_PARTS.includes(name));
    expect(
      unreviewed.map(([name, path]) => `${name} (via ${path})`),
      'a public declaration mentions a type no entry exports: export it (a user may need to name it), or keep it out of the declarations (private, @internal)',
    ).toEqual([]);
    expect(
      UNEXPORTED_PARTS.filter((name) => !mentions.has(name)),
      'reviewed parts no longer mentioned',
    ).toEqual([]);
  }, 180_000);
});

import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScenarioSetup } from '../scenario/Scenario.js';
import { CliError, UserCodeError } from './CliError.js';
import type { SetupSpecifier } from './parseCliArgs.js';

/** Extensions of modules that need a TypeScript loader. */
const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/**
 * True when this module itself was loaded from TypeScript source (`npx tsx src/cli/main.ts`, or a
 * test runner): a TypeScript loader is already active and TypeScript setup modules load as they are.
 */
const RUNNING_FROM_TYPESCRIPT = import.meta.url.endsWith('.ts');

/**
 * Imports the user's setup module and picks the {@link ScenarioSetup} in it: the export named
 * by `spec.exportPath` (a dotted path into objects), else the default export when it is a
 * function, else the export named `setup` (for a CommonJS module, `module.exports` itself and
 * `exports.setup`). A TypeScript module (`.ts`, `.mts`, `.cts`, `.tsx`) is loaded through tsx's
 * loader when lambdasim runs as compiled JavaScript. Relative paths are from the current directory.
 *
 * @example
 * ```ts
 * const setup = await loadSetup({ path: 'fixtures/examples/welcomeEmail.ts', exportPath: ['welcomeEmail', 'buggy'] });
 * await runScenario(loadScenario('regression.json'), setup);
 * ```
 * @throws CliError (one line for the user) for a missing module, a missing export, an export that
 * is not a function, or a TypeScript module without tsx installed; UserCodeError when the
 * module throws while it loads (its own error, to show with its stack).
 */
export async function loadSetup(spec: SetupSpecifier): Promise<ScenarioSetup<unknown>> {
  const path = resolve(spec.path);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) throw new CliError(`--setup ${spec.path}: no such file (looked for ${path})`);
  if (!stat.isFile()) throw new CliError(`--setup ${spec.path}: not a file (name the setup module itself)`);
  if (TYPESCRIPT_EXTENSIONS.has(extname(path)) && !RUNNING_FROM_TYPESCRIPT) await registerTsx(spec.path);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UserCodeError(`the setup module ${spec.path} threw while loading`, error);
  }
  return pickSetup(spec, namespace);
}

/**
 * Registers tsx's loaders for the rest of the process: tsx as lambdasim resolves it, else as the
 * setup module's own project does. Both the ESM and the CommonJS one: in a package without
 * `"type": "module"` a `.ts` file is CommonJS, and the ESM loader alone cannot load it.
 *
 * @throws CliError saying to install tsx or pass compiled JavaScript when neither has it.
 */
export async function registerTsx(modulePath: string, tsxPackage = 'tsx'): Promise<void> {
  const from = async (api: string) =>
    (await importRegister(api)) ?? (await importRegister(api, resolve(modulePath)));
  const esm = await from(`${tsxPackage}/esm/api`);
  if (esm === undefined)
    throw new CliError(
      `--setup ${modulePath} is TypeScript, and loading it needs tsx, which is not installed: install it (npm install --save-dev tsx) or pass the compiled JavaScript module`,
    );
  (await from(`${tsxPackage}/cjs/api`))?.();
  esm();
}

/**
 * The `register` function of the module `specifier`, imported as this module resolves it or as a
 * module at `parentPath` would; undefined when it is not found.
 */
async function importRegister(specifier: string, parentPath?: string): Promise<(() => unknown) | undefined> {
  try {
    const target =
      parentPath === undefined ? specifier : pathToFileURL(createRequire(parentPath).resolve(specifier)).href;
    const api = (await import(target)) as { register?: unknown };
    const register = api.register;
    return typeof register === 'function' ? () => register() : undefined;
  } catch {
    return undefined;
  }
}

/** The setup function in a module namespace, by export path or by the default / `setup` rule. */
function pickSetup(spec: SetupSpecifier, namespace: Record<string, unknown>): ScenarioSetup<unknown> {
  const exportsList = `exports: ${Object.keys(namespace).sort().join(', ') || 'none'}`;
  let value: unknown;
  let name: string;
  if (spec.exportPath === undefined) {
    // A CommonJS module's namespace always has a default (module.exports): a default that is no
    // function gives way to an export named setup, as `exports.setup = …` means it.
    const fromDefault = defaultFunction(namespace.default);
    const setup = namespace.setup ?? (namespace.default as { setup?: unknown } | null | undefined)?.setup;
    if (fromDefault !== undefined) {
      value = fromDefault;
      name = 'its default export';
    } else if (setup !== undefined) {
      value = setup;
      name = 'its export setup';
    } else if (namespace.default !== undefined) {
      value = namespace.default;
      name = 'its default export';
    } else
      throw new CliError(
        `--setup ${spec.path}: the module has no default export and no export named setup; name the export with ${spec.path}#<export> (${exportsList})`,
      );
  } else {
    const [first, ...rest] = spec.exportPath;
    if (first === undefined || !Object.hasOwn(namespace, first))
      throw new CliError(`--setup ${spec.path}: the module has no export ${first ?? '""'} (${exportsList})`);
    value = namespace[first];
    let reached = first;
    for (const key of rest) {
      const holder = value;
      if (holder === null || (typeof holder !== 'object' && typeof holder !== 'function') || !(key in holder))
        throw new CliError(
          `--setup ${spec.path}#${spec.exportPath.join('.')}: ${reached} has no property ${key}`,
        );
      value = (holder as Record<string, unknown>)[key];
      reached = `${reached}.${key}`;
    }
    name = reached;
  }
  if (typeof value !== 'function') {
    const functions =
      value !== null && typeof value === 'object'
        ? Object.entries(value)
            .filter(([, v]) => typeof v === 'function')
            .map(([k]) => k)
        : [];
    const hint =
      functions.length > 0
        ? `; its functions: ${functions.join(', ')} (e.g. ${spec.path}#${spec.exportPath?.join('.') ?? 'default'}.${functions[0]})`
        : '';
    throw new CliError(
      `--setup ${spec.path}: ${name} is ${kindOf(value)}, not a setup function (sim) => handler factory${hint}`,
    );
  }
  return value as ScenarioSetup<unknown>;
}

/**
 * The default export when it is a function, or the function a CommonJS module compiled from
 * `export default` holds (`module.exports = { default: setup }`); else undefined.
 */
function defaultFunction(value: unknown): ((...args: unknown[]) => unknown) | undefined {
  if (typeof value === 'function') return value as (...args: unknown[]) => unknown;
  const inner = (value as { default?: unknown } | null | undefined)?.default;
  return typeof inner === 'function' ? (inner as (...args: unknown[]) => unknown) : undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import type { HandlerFactory } from './Handler.js';
import type { ErrorBody } from './errorBodies.js';
import { serializeThrown } from './errorBodies.js';

/** Where a function's handler lives: a module and the name of the export, as Lambda's `Handler` setting. */
export interface HandlerModuleSpec {
  /** The module, a `file:` URL. */
  readonly url: URL;
  readonly exportName: string;
  /** Lambda's handler string, `<module file name without extension>.<export>` (`_HANDLER`). */
  readonly handlerString: string;
}

const SPEC = Symbol('lambdasim.handlerModule');

/**
 * A function's handler as Lambda finds it: the export `exportName` of the module at `module`.
 * Each execution environment's Init loads a fresh instance of that module, so its module-scope
 * state (clients, caches, counters, a Powertools processor) belongs to that environment: kept
 * across its warm invocations, lost when it is reset or reclaimed, never shared with another.
 *
 * Loading happens outside virtual time (the clock stands still while the file is read and
 * transformed), so Init still takes the function's `initDurationMs`. The module's top-level code
 * runs inside the environment: it sees the virtual clock, seeded randomness and the environment's
 * own `process.env` (Lambda's variables and the function's `environment`); a top-level `await` on
 * a simulated call or a virtual timer is waited for in virtual time. A module that throws at top
 * level, cannot be found, or has no such function export fails Init as Lambda reports it
 * (R-ENV-8): the error it threw, `Runtime.ImportModuleError`, `Runtime.UserCodeSyntaxError` or
 * `Runtime.HandlerNotFound`.
 *
 * Works under vitest (through vitest's module runner, so TypeScript and aliases work as in the
 * test), under plain Node.js or tsx (native `import()`), and in a CLI `--setup` module.
 *
 * Gotchas: only the named module is loaded afresh. The modules it imports, the user's own
 * (`./db.ts`) as well as packages (`@aws-sdk/*`, Powertools), are loaded once per test process
 * and shared by every environment, as one module graph: keep per-environment state in the
 * handler module itself, or create it there (e.g. `const cache = createCache()` at the handler
 * module's top level, not a cache exported by a helper module). Each instance stays in the
 * module cache of the test process until it exits (Node.js never unloads a module).
 *
 * @param module - a `file:` URL, usually `new URL('./handler.ts', import.meta.url)`
 * @param exportName - the exported handler function. @defaultValue 'handler'
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 1 });
 * const checkout = sim.fn('Checkout', handlerModule(new URL('./checkout.ts', import.meta.url), 'handler'), {
 *   environment: { TABLE_NAME: 'orders' },
 * });
 * ```
 */
export function handlerModule<TEvent = unknown, TResult = unknown>(
  module: URL | string,
  exportName = 'handler',
): HandlerFactory<TEvent, TResult> {
  const api = 'handlerModule';
  let url: URL | undefined;
  try {
    url = typeof module === 'string' || module instanceof URL ? new URL(module) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'file:')
    throw new ConfigError(
      api,
      'module',
      "must be a file: URL, e.g. new URL('./handler.ts', import.meta.url)",
      module instanceof URL ? module.href : module,
    );
  if (typeof exportName !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(exportName))
    throw new ConfigError(api, 'exportName', 'must be the name of an export (an identifier)', exportName);
  const file = basename(url.pathname);
  const spec: HandlerModuleSpec = {
    url,
    exportName,
    handlerString: `${file.slice(0, file.length - extname(file).length)}.${exportName}`,
  };
  // Called by lambdasim's Init, which sees the spec and loads the module outside virtual time. A
  // factory that calls it itself would load inside virtual time: say so as the Init error.
  const factory = () =>
    Promise.reject(
      new Error(
        `handlerModule(${spec.handlerString}) must be passed to sim.fn (or returned by a scenario setup) as it is, not called from another factory`,
      ),
    );
  return Object.assign(factory, { [SPEC]: spec }) as unknown as HandlerFactory<TEvent, TResult>;
}

/** The module a factory made by {@link handlerModule} names, or undefined for any other factory. */
export function handlerModuleSpec(factory: HandlerFactory): HandlerModuleSpec | undefined {
  return (factory as unknown as { [SPEC]?: HandlerModuleSpec })[SPEC];
}

/** Instances loaded so far in this process: each load gets its own module URL. */
let instances = 0;

/**
 * Loads a fresh instance of the module: its URL with a query of its own (`?lambdasim-env=N`),
 * which both Node.js's ESM loader and vite's module runner treat as a module of its own, while the
 * modules it imports resolve to their usual URLs and stay shared. Under vitest it goes through
 * vitest's module runner (`vi.importActual`), as lambdasim itself is an external module there
 * whose native `import()` could not load TypeScript.
 */
export async function loadModuleInstance(spec: HandlerModuleSpec): Promise<Record<string, unknown>> {
  const url = new URL(spec.url.href);
  url.searchParams.set('lambdasim-env', String(++instances));
  if ('__vitest_worker__' in globalThis) {
    const { vi } = await import('vitest');
    return vi.importActual<Record<string, unknown>>(`${fileURLToPath(url)}${url.search}`);
  }
  return (await import(url.href)) as Record<string, unknown>;
}

/**
 * The handler a loaded module exports, or the Init error the Node.js runtime reports for it
 * (RIC `UserFunction.js`: `HandlerNotFound` with these messages).
 */
export function exportedHandler(
  spec: HandlerModuleSpec,
  namespace: Record<string, unknown>,
): { readonly handler: unknown } | { readonly error: ErrorBody } {
  const value = namespace[spec.exportName];
  if (value === undefined)
    return { error: runtimeError('HandlerNotFound', `${spec.handlerString} is undefined or not exported`) };
  if (typeof value !== 'function')
    return { error: runtimeError('HandlerNotFound', `${spec.handlerString} is not a function`) };
  return { handler: value };
}

/**
 * The Init error for a module that failed to load, as the Node.js runtime classifies it (RIC
 * `UserFunction.js`): a module not found is `Runtime.ImportModuleError`, a syntax error
 * `Runtime.UserCodeSyntaxError`, anything the module's top-level code threw is that error itself.
 */
export function loadErrorBody(error: unknown): ErrorBody {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  if (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    code === 'ERR_LOAD_URL' ||
    /^(Failed to load url|Cannot find module)/.test(message)
  )
    return runtimeError('ImportModuleError', String(error));
  if (error instanceof SyntaxError) return runtimeError('UserCodeSyntaxError', String(error));
  return serializeThrown(error);
}

function runtimeError(name: string, message: string): ErrorBody {
  return { errorType: `Runtime.${name}`, errorMessage: message, trace: [`Runtime.${name}: ${message}`] };
}

import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { stackFrames } from './stackFrames.js';

/**
 * What code running on behalf of a simulation sees in place of the real clock, timers and
 * randomness. The lambda layer implements it per execution environment; simulated callers get one
 * per simulation. The kernel installs the patches; scopes only answer.
 */
export interface VirtualScope {
  /** Virtual wall-clock time, epoch milliseconds. */
  epochMs(): number;
  /** Virtual monotonic time for `performance.now()`. */
  monotonicMs(): number;
  random(): number;
  randomUUID(): string;
  setTimer(callback: () => void, delayMs: number, repeat: boolean): VirtualTimer;
  clearTimer(timer: VirtualTimer): void;
  /** `process.exit(code)` called inside the scope. Must not return normally. */
  exit(code: number): never;
  /**
   * The object `process.env` stands for in this scope (its writes stay here), or undefined for
   * the process's own environment.
   */
  env(): Record<string, string> | undefined;
  /**
   * Real I/O or a real timer was started inside the scope: a determinism error. `resource` is
   * Node's object for it (a real timer's `Timeout` or `Immediate`, which the run cancels at its end).
   */
  escaped(resourceType: string, stack: string, resource: object): void;
  /**
   * True while the scope loads code outside virtual time (a handler module at Init): the loader's
   * own I/O is not an escape, and is not even looked at (a stack capture per resource is costly).
   */
  readonly loading?: boolean;
}

/** The object a virtualised `setTimeout` returns; shaped like Node's `Timeout`. */
export class VirtualTimer {
  private refed = true;
  constructor(
    readonly id: number,
    readonly owner: VirtualScope,
    readonly rearm: (timer: VirtualTimer) => void,
  ) {}
  ref(): this {
    this.refed = true;
    return this;
  }
  unref(): this {
    this.refed = false;
    return this;
  }
  hasRef(): boolean {
    return this.refed;
  }
  refresh(): this {
    this.rearm(this);
    return this;
  }
  close(): this {
    this.owner.clearTimer(this);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

const storage = new AsyncLocalStorage<VirtualScope>();

/** The scope of the code running now, or undefined outside any simulation. */
export function currentScope(): VirtualScope | undefined {
  return storage.getStore();
}

/** Runs `fn` (and every continuation it creates) inside `scope`. */
export function runInScope<T>(scope: VirtualScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/**
 * Resource types that carry no input into the simulation (promises, microtasks, console
 * output). Any other async resource created inside a scope is real I/O or a real timer.
 */
const HARMLESS = new Set(['PROMISE', 'TickObject', 'Microtask', 'WRITEWRAP', 'SHUTDOWNWRAP', 'SIGNALWRAP']);

/**
 * Node's `*Sync` APIs (`zlib.gunzipSync`, `crypto.pbkdf2Sync`, `scryptSync`, `hkdfSync`, …) create
 * an async resource (`ZLIB`, `PBKDF2REQUEST`, …) but finish before they return: no callback ever
 * comes back, so nothing enters from outside virtual time. Recognised by a Node-internal frame
 * named `…Sync` above any user frame on the creating stack. Real randomness stays an escape.
 */
const SYNC_API_FRAME = /^\s*at [^(]*Sync\]? \(node:/;
const REAL_RANDOMNESS = new Set([
  'RANDOMBYTESREQUEST',
  'RANDOMPRIMEREQUEST',
  'KEYPAIRGENREQUEST',
  'SECRETKEYGENREQUEST',
]);

function createdBySyncApi(type: string, stack: string): boolean {
  if (REAL_RANDOMNESS.has(type)) return false;
  const frames = stack.split('\n');
  // frames[0] is "Error" (the hook's own frame is left out); stop at the first frame that is not Node's own.
  for (let i = 1; i < frames.length; i++) {
    const frame = frames[i]!;
    if (!frame.includes('(node:')) return false;
    if (SYNC_API_FRAME.test(frame)) return true;
  }
  return false;
}

/**
 * Frames kept for an escape's site: the user's line can sit below many frames of Node and of the
 * dependency it called (an SDK's middleware stack), past V8's default of 10.
 */
const ESCAPE_STACK_FRAMES = 50;

function onInit(_id: number, type: string, _triggerId: number, resource: object): void {
  if (type === 'PROMISE' || HARMLESS.has(type)) return;
  const scope = storage.getStore();
  if (scope === undefined || scope.loading === true) return;
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = ESCAPE_STACK_FRAMES;
  // Frames from the caller of this hook on: none of lambdasim's own, however its files are named.
  Error.captureStackTrace(holder, onInit);
  Error.stackTraceLimit = limit;
  const stack = holder.stack ?? '';
  if (createdBySyncApi(type, stack) || continuesNodeWork(stack) || startedByModuleLoader(stack)) return;
  scope.escaped(type, stack, resource);
}

/**
 * @internal Whether the first frame outside Node is a module loader's (tsx, vite, vitest, esbuild): its
 * transform cache reads and writes, which can outlast the load of a `handlerModule` instance, are
 * the test tooling's I/O, not the handler's.
 */
export function startedByModuleLoader(stack: string): boolean {
  const error = new Error();
  error.stack = stack;
  // lambdasim's own frames (its fs interception for the SDK's config files) are passed over too.
  const first = stackFrames(error).find((f) => f.owner !== 'node' && f.owner !== 'lambdasim');
  return first !== undefined && MODULE_LOADER_FRAME.test(first.file);
}

const MODULE_LOADER_FRAME = /[\\/]node_modules[\\/](?:tsx|vite|vitest|esbuild)[\\/]/;

/**
 * @internal Whether every frame is Node's own: the resource continues work started earlier (the close of a
 * `writeFile` whose open was reported with its caller's line, or made by a module loader while a
 * module instance loaded, such as tsx writing its transform cache on Node 22). A sequence of real
 * I/O is reported once, where user code started it.
 */
export function continuesNodeWork(stack: string): boolean {
  const frames = stack.split('\n').slice(1);
  return frames.length > 0 && frames.every((frame) => /^\s*at (?:.*\()?node:/.test(frame));
}

const escapeHook = createHook({ init: onInit });

let watchers = 0;

/** Starts watching for real resources created inside scopes (reference counted across runs). */
export function watchEscapes(): () => void {
  if (watchers++ === 0) escapeHook.enable();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    if (--watchers === 0) escapeHook.disable();
  };
}

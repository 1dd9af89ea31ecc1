import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

/**
 * lambdasim's own code: the parent of `report/`, so `src/` in this repository and `dist/` in the
 * installed package (`…/node_modules/lambdasim/dist/`).
 */
export const LAMBDASIM_DIR = fileURLToPath(new URL('../', import.meta.url));

/**
 * Whose code a stack frame is in: lambdasim's own (see {@link LAMBDASIM_DIR}), Node's
 * (`node:…`), a dependency's (under `node_modules/`, lambdasim itself excepted), or the user's
 * (any other absolute path: tests, fixtures, the code under test).
 */
export type FrameOwner = 'lambdasim' | 'node' | 'dependency' | 'user';

/** One frame of a stack trace that names a file. */
export interface StackFrame {
  /** The file: an absolute path (a `file://` URL is converted), or a `node:` specifier. */
  readonly file: string;
  /**
   * `path:line:column` for messages: the path relative to the working directory when the file is
   * below it, else absolute; a `node:` specifier as it is.
   */
  readonly location: string;
  readonly owner: FrameOwner;
}

/** Options of {@link stackFrames}, {@link userFrame} and {@link userStack}. */
export interface StackFrameOptions {
  /** Directories whose files are lambdasim's own code. @defaultValue [LAMBDASIM_DIR] */
  readonly lambdasimDirs?: readonly string[];
  /** The directory locations are relative to. @defaultValue process.cwd() */
  readonly cwd?: string;
}

interface ResolvedStackFrameOptions {
  /** Each with a trailing separator, so `/a/dist` does not own `/a/dist2/x.js`. */
  readonly lambdasimDirs: readonly string[];
  readonly cwd: string;
}

function resolveOptions(options: StackFrameOptions): ResolvedStackFrameOptions {
  return {
    lambdasimDirs: (options.lambdasimDirs ?? [LAMBDASIM_DIR]).map((dir) =>
      dir.endsWith(sep) ? dir : `${dir}${sep}`,
    ),
    cwd: options.cwd ?? process.cwd(),
  };
}

/**
 * A V8 frame line that names a file: `    at fn (file:line:col)`, `    at file:line:col`,
 * `    at async fn (file:line:col)`. Lines naming no file (`at new Promise (<anonymous>)`,
 * `at async Promise.all (index 0)`) do not match; `eval` and `<anonymous>` files are dropped
 * later as not absolute.
 */
const FRAME_LINE = /^\s+at (?:async )?(?:.*? \()?(.+?):(\d+):(\d+)\)?$/;
const ANY_FRAME_LINE = /^\s+at /;
const NODE_MODULES = `${sep}node_modules${sep}`;
/** tsx, the TypeScript loader: its frames are never what the user is looking for. */
const TYPESCRIPT_LOADER = `${sep}node_modules${sep}tsx${sep}`;

function parseFrame(line: string, o: ResolvedStackFrameOptions): StackFrame | undefined {
  const at = FRAME_LINE.exec(line);
  if (at === null) return undefined;
  let file = at[1] ?? '';
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  let owner: FrameOwner;
  if (file.startsWith('node:')) owner = 'node';
  else if (!isAbsolute(file))
    return undefined; // <anonymous>, eval, native
  // lambdasim first: installed, its own files are under node_modules too.
  else if (o.lambdasimDirs.some((dir) => file.startsWith(dir))) owner = 'lambdasim';
  else if (file.includes(NODE_MODULES)) owner = 'dependency';
  else owner = 'user';
  const below = owner === 'node' ? file : relative(o.cwd, file);
  const outside = below === '..' || below.startsWith(`..${sep}`) || isAbsolute(below);
  const path = owner === 'node' || outside ? file : below;
  return { file, location: `${path}:${at[2]}:${at[3]}`, owner };
}

/**
 * The frames of `error`'s stack that name a file, innermost first, each with its owner (none for
 * a value that is not an Error, or an Error without a stack).
 *
 * @example
 * ```ts
 * stackFrames(error).map((f) => f.owner); // ['lambdasim', 'node', 'user']
 * ```
 */
export function stackFrames(error: unknown, options: StackFrameOptions = {}): StackFrame[] {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return [];
  const o = resolveOptions(options);
  const frames: StackFrame[] = [];
  for (const line of error.stack.split('\n')) {
    const frame = parseFrame(line, o);
    if (frame !== undefined) frames.push(frame);
  }
  return frames;
}

/**
 * The innermost frame of `error` in the user's code (not lambdasim's, Node's or a dependency's),
 * as `path:line:column`; undefined if there is none. For one-line messages such as
 * `got "Error: missing TABLE_NAME (at test/orders.test.ts:12:11)"`.
 *
 * @example
 * ```ts
 * userFrame(new Error('missing TABLE_NAME')); // 'test/orders.test.ts:12:11'
 * ```
 */
export function userFrame(error: unknown, options: StackFrameOptions = {}): string | undefined {
  return stackFrames(error, options).find((f) => f.owner === 'user')?.location;
}

/**
 * Like {@link userFrame}, but only a frame of user code that lambdasim called (a setup function,
 * a handler factory): a user frame with a lambdasim frame further out. The frames of the code
 * that merely called lambdasim (a test, a script) do not count, so an error lambdasim raised about
 * its own input gets no location.
 *
 * @example
 * ```ts
 * // sim.api('payments', { latencyMs: -1 }) inside the setup that runScenario called:
 * userCallbackFrame(configError); // 'test/setup.ts:4:7'
 * ```
 */
export function userCallbackFrame(error: unknown, options: StackFrameOptions = {}): string | undefined {
  const frames = stackFrames(error, options);
  const outermostOwn = frames.findLastIndex((f) => f.owner === 'lambdasim');
  return frames.slice(0, Math.max(0, outermostOwn)).find((f) => f.owner === 'user')?.location;
}

/**
 * What the user's code threw, with its stack as the user needs it: the message lines kept, the
 * frames inside lambdasim, Node's internals (`node:internal/…`) and the TypeScript loader (tsx)
 * removed, so that the first frames are theirs; the other frames (their dependencies', `node:fs`,
 * `<anonymous>`) are kept as printed. A value that is not an Error, or an Error without a stack,
 * is shown as `util.inspect` shows it.
 *
 * @example
 * ```ts
 * userStack(new Error('no table'));
 * // 'Error: no table\n    at setup (/home/me/app/test/setup.ts:4:9)'
 * ```
 */
export function userStack(thrown: unknown, options: StackFrameOptions = {}): string {
  if (!(thrown instanceof Error) || typeof thrown.stack !== 'string') return inspect(thrown);
  const o = resolveOptions(options);
  const lines = thrown.stack.split('\n');
  const firstFrame = lines.findIndex((line) => ANY_FRAME_LINE.test(line));
  if (firstFrame < 0) return thrown.stack;
  const kept = lines.slice(firstFrame).filter((line) => {
    const frame = parseFrame(line, o);
    if (frame === undefined) return true;
    return !(
      frame.owner === 'lambdasim' ||
      frame.file.startsWith('node:internal/') ||
      frame.file.includes(TYPESCRIPT_LOADER)
    );
  });
  return [...lines.slice(0, firstFrame), ...kept].join('\n');
}

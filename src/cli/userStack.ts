import { inspect } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** lambdasim's own code: `src/` in this repository, `dist/` in the package (the parent of `cli/`). */
const LAMBDASIM_DIR = fileURLToPath(new URL('../', import.meta.url));

/**
 * What the user's code threw, with its stack as the user needs it: the frames inside lambdasim,
 * Node's internals and the TypeScript loader removed, so that the first frames are theirs.
 * A value that is not an Error is shown as `util.inspect` shows it.
 *
 * @example
 * ```ts
 * userStack(new Error('no table'));
 * // 'Error: no table\n    at setup (/home/me/app/test/setup.ts:4:9)'
 * ```
 */
export function userStack(thrown: unknown, internalDirs: readonly string[] = [LAMBDASIM_DIR]): string {
  if (!(thrown instanceof Error) || typeof thrown.stack !== 'string') return inspect(thrown);
  const lines = thrown.stack.split('\n');
  const firstFrame = lines.findIndex((line) => /^\s+at /.test(line));
  if (firstFrame < 0) return thrown.stack;
  const internal = internalDirs.flatMap((dir) => [dir, pathToFileURL(dir).href]);
  const frames = lines
    .slice(firstFrame)
    .filter(
      (line) =>
        !internal.some((dir) => line.includes(dir)) &&
        !line.includes('node:internal/') &&
        !line.includes('/node_modules/tsx/'),
    );
  return [...lines.slice(0, firstFrame), ...frames].join('\n');
}

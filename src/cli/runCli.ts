import { readFileSync } from 'node:fs';
import { userCallbackFrame, userStack } from '../sim/stackFrames.js';
import { CliError, UserCodeError } from './CliError.js';
import { demoCommand } from './demoCommand.js';
import type { CliIo } from './CliIo.js';
import { isConfigError } from './isConfigError.js';
import { parseCliArgs } from './parseCliArgs.js';
import { replayCommand } from './replayCommand.js';
import { showCommand } from './showCommand.js';
import { helpText, USAGE } from './usage.js';

/** Exit code of a run that completed (and of help and version). */
export const EXIT_OK = 0;
/** Exit code when a check asked for with `--check` found violations. */
export const EXIT_CHECK_FAILED = 1;
/** Exit code of a usage error, an invalid scenario, or a setup module that cannot be loaded or run. */
export const EXIT_USAGE = 2;

/**
 * Runs the `lambdasim` CLI on `argv` (the arguments after `lambdasim`), writing to `io`, and
 * returns the exit code. Never throws: an error the user caused is one line on stderr (a
 * ConfigError from a lambdasim API their setup called ends with the line of that call), an error
 * from the user's own code is shown with its stack, anything else as a lambdasim bug.
 *
 * @example
 * ```ts
 * const code = await runCli(['show', 'fixtures/regressions/double-charge.json'], {
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 * });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const command = parseCliArgs(argv);
    switch (command.kind) {
      case 'help':
        io.out(helpText(command.topic));
        return EXIT_OK;
      case 'version':
        io.out(version());
        return EXIT_OK;
      case 'demo':
        return await demoCommand(command.args, io);
      case 'show':
        return showCommand(command, io);
      case 'replay':
        return await replayCommand(command, io);
      default: {
        const never: never = command;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CliError) {
    io.err(`lambdasim: ${error.message}`);
    if (error.usage !== undefined) {
      io.err(USAGE[error.usage]);
      io.err(`Run "lambdasim${error.usage === 'main' ? '' : ` ${error.usage}`} --help" for more.`);
    }
    return EXIT_USAGE;
  }
  if (isConfigError(error)) {
    // A lambdasim API the setup misused (`sim.fn(…)` with a bad option): where, in one line.
    const at = userCallbackFrame(error);
    io.err(`lambdasim: ${error.message}${at === undefined ? '' : ` (at ${at})`}`);
    return EXIT_USAGE;
  }
  if (error instanceof UserCodeError) {
    io.err(`lambdasim: ${error.what}:\n${userStack(error.cause)}`);
    return EXIT_USAGE;
  }
  io.err(
    `lambdasim: internal error, please report it with the scenario file and command line:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return EXIT_USAGE;
}

/** The version in lambdasim's package.json (two levels up from `src/cli/` and `dist/cli/`). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  return String(pkg.version);
}

import type { HelpTopic } from './usage.js';

/**
 * An error the user caused (a bad argument, a missing or invalid file, a setup module without
 * the export asked for): the CLI prints its message as one line on stderr, never a stack trace,
 * and exits with code 2. With `usage`, the usage line of that command follows the message.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** The command whose usage line to print after the message (a usage error). */
    readonly usage?: HelpTopic,
  ) {
    super(message);
  }
}

/**
 * An error thrown by the user's own code (the setup module while it loads, or the setup function
 * while it runs): the CLI prints it with the user's stack, the frames inside lambdasim and Node
 * removed, and exits with code 2.
 */
export class UserCodeError extends Error {
  override readonly name = 'UserCodeError';
  constructor(
    /** What the user's code was doing, e.g. `the setup module fixtures/setup.ts threw while loading`. */
    readonly what: string,
    /** What it threw. */
    override readonly cause: unknown,
  ) {
    super(what);
  }
}

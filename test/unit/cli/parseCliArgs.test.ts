import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/cli/CliError.js';
import { parseCliArgs, setupSpecifier } from '../../../src/cli/parseCliArgs.js';

/** The CliError parseCliArgs throws for `argv`: its message and the usage it asks for. */
function usageError(argv: string[]): { message: string; usage: string | undefined } {
  try {
    parseCliArgs(argv);
  } catch (error) {
    if (error instanceof CliError) return { message: error.message, usage: error.usage };
    throw error;
  }
  throw new Error(`parseCliArgs(${JSON.stringify(argv)}) did not throw`);
}

describe('parseCliArgs', () => {
  it('parses show and replay with every replay option', () => {
    expect(parseCliArgs(['show', 'x.json'])).toEqual({ kind: 'show', scenarioPath: 'x.json' });
    expect(
      parseCliArgs([
        'replay',
        'x.json',
        '--setup',
        'setup.ts#welcomeEmail.buggy',
        '--check',
        'no-lost-events',
        '--check=sameAsFaultFree',
        '--check',
        'noLostEvents',
        '--max-lines',
        '20',
        '--all-calls',
        '--json',
      ]),
    ).toEqual({
      kind: 'replay',
      scenarioPath: 'x.json',
      setup: { path: 'setup.ts', exportPath: ['welcomeEmail', 'buggy'] },
      checks: ['noLostEvents', 'sameAsFaultFree'],
      maxLines: 20,
      allCalls: true,
      json: true,
    });
    expect(parseCliArgs(['replay', 'x.json', '--setup', 'setup.mjs'])).toEqual({
      kind: 'replay',
      scenarioPath: 'x.json',
      setup: { path: 'setup.mjs', exportPath: undefined },
      checks: [],
      maxLines: undefined,
      allCalls: false,
      json: false,
    });
  });

  it('help and version: --help, -h, help <command>, <command> --help, --version', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help', topic: 'main' });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help', topic: 'main' });
    expect(parseCliArgs(['help', 'replay'])).toEqual({ kind: 'help', topic: 'replay' });
    expect(parseCliArgs(['show', '--help'])).toEqual({ kind: 'help', topic: 'show' });
    // --help wins over the command's other arguments, even wrong ones.
    expect(parseCliArgs(['replay', '--frob', '-h'])).toEqual({ kind: 'help', topic: 'replay' });
    expect(parseCliArgs(['--version'])).toEqual({ kind: 'version' });
  });

  it('usage errors name the problem and the command whose usage line follows', () => {
    expect(usageError([])).toEqual({ message: 'no command given', usage: 'main' });
    expect(usageError(['frob'])).toEqual({
      message: 'unknown command "frob" (commands: show, replay)',
      usage: 'main',
    });
    expect(usageError(['--frob'])).toEqual({ message: 'unknown option --frob', usage: 'main' });
    expect(usageError(['show'])).toEqual({ message: 'show needs a scenario file', usage: 'show' });
    expect(usageError(['show', 'a.json', 'b.json'])).toEqual({
      message: 'show takes one scenario file, got also b.json',
      usage: 'show',
    });
    expect(usageError(['show', 'a.json', '--json'])).toEqual({
      message: 'unknown option --json',
      usage: 'show',
    });
    expect(usageError(['replay', 'a.json'])).toEqual({
      message: 'replay needs --setup <module>[#export]: the ScenarioSetup to run',
      usage: 'replay',
    });
    expect(usageError(['replay', 'a.json', '--setup', 's.ts', '--check', 'exactly-once'])).toEqual({
      message:
        '--check "exactly-once" is not a check lambdasim can run here (checks: no-lost-events, retry-policy, same-as-fault-free)',
      usage: 'replay',
    });
    expect(usageError(['replay', 'a.json', '--setup', 's.ts', '--check', 'toString']).usage).toBe('replay');
    expect(usageError(['replay', 'a.json', '--setup', 's.ts', '--max-lines', '1.5'])).toEqual({
      message: '--max-lines must be a non-negative integer, got "1.5"',
      usage: 'replay',
    });
    expect(usageError(['replay', 'a.json', '--setup'])).toEqual({
      message: "Option '--setup <value>' argument missing",
      usage: 'replay',
    });
  });
});

describe('setupSpecifier', () => {
  it('splits at the last # followed by an export path; any other # is part of the path', () => {
    expect(setupSpecifier('a/setup.ts#setup')).toEqual({ path: 'a/setup.ts', exportPath: ['setup'] });
    expect(setupSpecifier('a/setup.ts#x.$y._z')).toEqual({
      path: 'a/setup.ts',
      exportPath: ['x', '$y', '_z'],
    });
    expect(setupSpecifier('issue#12/setup.ts')).toEqual({ path: 'issue#12/setup.ts', exportPath: undefined });
    expect(setupSpecifier('#setup.ts')).toEqual({ path: '#setup.ts', exportPath: undefined });
    expect(() => setupSpecifier('setup.ts#')).toThrow(
      '--setup setup.ts#: name the export after #, or drop the #',
    );
  });
});

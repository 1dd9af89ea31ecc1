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
    expect(parseCliArgs(['show', 'x.json'])).toEqual({
      kind: 'show',
      scenarioPath: 'x.json',
      timeline: { maxLines: undefined, allCalls: false, senderIds: false },
    });
    expect(parseCliArgs(['show', 't.json', '--max-lines', '3', '--sender-ids'])).toMatchObject({
      timeline: { maxLines: 3, allCalls: false, senderIds: true },
    });
    expect(parseCliArgs(['demo', '--seed', '7', '--all'])).toEqual({
      kind: 'demo',
      args: ['--seed', '7', '--all'],
    });
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
      effects: undefined,
      timeline: { maxLines: 20, allCalls: true, senderIds: false },
      json: true,
    });
    expect(parseCliArgs(['replay', 'x.json', '--setup', 'setup.mjs'])).toEqual({
      kind: 'replay',
      scenarioPath: 'x.json',
      setup: { path: 'setup.mjs', exportPath: undefined },
      checks: [],
      effects: undefined,
      timeline: { maxLines: undefined, allCalls: false, senderIds: false },
      json: false,
    });
  });

  it('--check exactly-once takes --key (a path into the call args), and --service / --op to pick the effects', () => {
    const replay = ['replay', 'x.json', '--setup', 's.ts'];
    expect(parseCliArgs([...replay, '--check', 'exactly-once', '--key', 'args.order.id'])).toMatchObject({
      checks: ['exactlyOnce'],
      effects: { key: 'args.order.id', path: ['args', 'order', 'id'], service: undefined, op: undefined },
    });
    const options = ['--check=exactlyOnce', '--key=requestId', '--service', 'payments', '--op', 'charge'];
    expect(parseCliArgs([...replay, ...options, '--check', 'no-lost-events'])).toMatchObject({
      checks: ['exactlyOnce', 'noLostEvents'],
      effects: { key: 'requestId', path: ['requestId'], service: 'payments', op: 'charge' },
    });
  });

  it('--check exactly-once without --key, a bad --key, or --key/--service/--op without it: one line naming what is valid', () => {
    const replay = ['replay', 'a.json', '--setup', 's.ts'];
    const keyRule =
      'a path into the call: args.<field>[.<field>...] (e.g. args.orderId), requestId or idempotencyKey';
    expect(usageError([...replay, '--check', 'exactly-once'])).toEqual({
      message: `--check exactly-once needs --key, ${keyRule}`,
      usage: undefined,
    });
    for (const key of ['orderId', 'args', 'args.', 'args..id', 'args.order id', 'effect.args.id'])
      expect(usageError([...replay, '--check', 'exactly-once', '--key', key])).toEqual({
        message: `--key ${JSON.stringify(key)} is not ${keyRule}`,
        usage: undefined,
      });
    for (const option of ['--key', '--service', '--op'])
      expect(usageError([...replay, option, 'x'])).toEqual({
        message: `${option} is an option of --check exactly-once, which was not given`,
        usage: undefined,
      });
    expect(usageError([...replay, '--check', 'exactly-once', '--key', 'args.id', '--service', ''])).toEqual({
      message: '--service needs the name of an external api (sim.api), got ""',
      usage: undefined,
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
      message: 'unknown command "frob" (commands: demo, show, replay)',
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
    expect(usageError(['replay', 'a.json', '--setup', 's.ts', '--check', 'exactly-one'])).toEqual({
      message:
        '--check "exactly-one" is not a check lambdasim can run here (checks: exactly-once, no-lost-events, retry-policy, same-as-fault-free)',
      usage: undefined,
    });
    expect(usageError(['replay', 'a.json', '--setup', 's.ts', '--check', 'toString']).message).toMatch(
      /^--check "toString" is not a check/,
    );
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

import { parseArgs } from 'node:util';
import { CliError } from './CliError.js';
import { CHECK_NAMES, type HelpTopic } from './usage.js';

/** A check `--check` can run, by its name in the `checks` registry. */
export type CliCheck = (typeof CHECK_NAMES)[keyof typeof CHECK_NAMES];

/** Where the setup comes from: a module path and, optionally, which export (a dotted path). */
export interface SetupSpecifier {
  /** The module path as given (relative to the current directory, or absolute). */
  readonly path: string;
  /** The export to use, e.g. `['welcomeEmail', 'buggy']`; undefined: default export, else `setup`. */
  readonly exportPath: readonly string[] | undefined;
}

/**
 * What `--check exactly-once` checks: the effects of one external api (and op), keyed by a path
 * into each effect.
 */
export interface EffectCheckSpec {
  /** The path as given, e.g. `args.orderId`. */
  readonly key: string;
  /** Its segments: `['args', 'orderId']`, or `['requestId']` / `['idempotencyKey']`. */
  readonly path: readonly string[];
  /** `--service`: the api; undefined: the only api, else the only one that made effects. */
  readonly service: string | undefined;
  /** `--op`: only effects of this operation; undefined: every operation of the api. */
  readonly op: string | undefined;
}

/** What the command line asks for, one kind per command. */
export type CliCommand =
  | { readonly kind: 'help'; readonly topic: HelpTopic }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'demo';
      /** The arguments after `demo`, which the demo parses itself. */
      readonly args: readonly string[];
    }
  | { readonly kind: 'show'; readonly scenarioPath: string; readonly timeline: TimelineFlags }
  | {
      readonly kind: 'replay';
      readonly scenarioPath: string;
      readonly setup: SetupSpecifier;
      readonly checks: readonly CliCheck[];
      /** With `--check exactly-once`: which effects, keyed how; undefined otherwise. */
      readonly effects: EffectCheckSpec | undefined;
      readonly timeline: TimelineFlags;
      readonly json: boolean;
    };

/** How `show` (of a trace) and `replay` print the timeline. */
export interface TimelineFlags {
  /** `--max-lines`; undefined: formatTimeline's default. */
  readonly maxLines: number | undefined;
  /** `--all-calls`: also call.sent / call.returned. */
  readonly allCalls: boolean;
  /** `--sender-ids`: the SenderId on each sqs.sent. */
  readonly senderIds: boolean;
}

/** The parseArgs options of {@link TimelineFlags}. */
const TIMELINE_OPTIONS = {
  'max-lines': { type: 'string' },
  'all-calls': { type: 'boolean' },
  'sender-ids': { type: 'boolean' },
} as const;

const COMMANDS: readonly HelpTopic[] = ['demo', 'show', 'replay'];
const EXPORT_PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
/** A `--key`: a path into the call's arguments, or an effect field that identifies the call. */
const KEY_PATH = /^(args(\.[^.\s]+)+|requestId|idempotencyKey)$/;
const KEY_RULE =
  'a path into the call: args.<field>[.<field>...] (e.g. args.orderId), requestId or idempotencyKey';

/**
 * Parses the arguments after `lambdasim` (`process.argv.slice(2)`).
 *
 * @example
 * ```ts
 * parseCliArgs(['replay', 'x.json', '--setup', 'setup.ts#welcomeEmail.buggy']);
 * // { kind: 'replay', scenarioPath: 'x.json', setup: { path: 'setup.ts', exportPath: ['welcomeEmail', 'buggy'] }, ... }
 * ```
 * @throws CliError with the usage line of the command for an unknown command or option, a
 * missing or extra argument, or an invalid option value.
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const [first, ...rest] = argv;
  if (first === undefined) throw new CliError('no command given', 'main');
  if (first === '--help' || first === '-h') return { kind: 'help', topic: 'main' };
  if (first === '--version' || first === '-v') return { kind: 'version' };
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { kind: 'help', topic: 'main' };
    return { kind: 'help', topic: command(topic) };
  }
  if (first.startsWith('-')) throw new CliError(`unknown option ${first}`, 'main');
  const topic = command(first);
  if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', topic };
  switch (topic) {
    case 'demo':
      return { kind: 'demo', args: rest };
    case 'show':
      return parseShow(rest);
    case 'replay':
      return parseReplay(rest);
    default:
      throw new CliError(`unknown command ${JSON.stringify(first)}`, 'main');
  }
}

function command(name: string): HelpTopic {
  const found = COMMANDS.find((c) => c === name);
  if (found === undefined)
    throw new CliError(`unknown command ${JSON.stringify(name)} (commands: ${COMMANDS.join(', ')})`, 'main');
  return found;
}

function parseShow(args: readonly string[]): CliCommand {
  const { values, positionals } = parse('show', () =>
    parseArgs({ args: [...args], options: TIMELINE_OPTIONS, allowPositionals: true, strict: true }),
  );
  return {
    kind: 'show',
    scenarioPath: scenarioPath('show', positionals),
    timeline: timelineFlags('show', values),
  };
}

function parseReplay(args: readonly string[]): CliCommand {
  const { values, positionals } = parse('replay', () =>
    parseArgs({
      args: [...args],
      options: {
        setup: { type: 'string' },
        check: { type: 'string', multiple: true },
        key: { type: 'string' },
        service: { type: 'string' },
        op: { type: 'string' },
        ...TIMELINE_OPTIONS,
        json: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  const path = scenarioPath('replay', positionals);
  const setup = values.setup;
  if (typeof setup !== 'string' || setup === '')
    throw new CliError('replay needs --setup <module>[#export]: the ScenarioSetup to run', 'replay');
  const checks = [...new Set((values.check ?? []).map(checkName))];
  return {
    kind: 'replay',
    scenarioPath: path,
    setup: setupSpecifier(setup),
    checks,
    effects: effectCheck(checks.includes('exactlyOnce'), values),
    timeline: timelineFlags('replay', values),
    json: values.json === true,
  };
}

/** Runs `parseArgs`, its errors turned into usage errors of `topic`. */
function parse<T>(topic: HelpTopic, run: () => T): T {
  try {
    return run();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))
      throw new CliError(parseArgsMessage(error as Error), topic);
    throw error;
  }
}

/** parseArgs's message without its hints for scripts (`To specify a positional argument …`). */
function parseArgsMessage(error: Error): string {
  const first = error.message.split('\n')[0] ?? error.message;
  const unknown = /^Unknown option '([^']+)'/.exec(first);
  if (unknown !== null) return `unknown option ${unknown[1]}`;
  return first.replace(/\.\s.*$/, '').replace(/\.$/, '');
}

function scenarioPath(topic: HelpTopic, positionals: readonly string[]): string {
  const [path, ...extra] = positionals;
  if (path === undefined) throw new CliError(`${topic} needs a scenario file`, topic);
  if (extra.length > 0)
    throw new CliError(`${topic} takes one scenario file, got also ${extra.join(' ')}`, topic);
  return path;
}

/** `path#a.b` → the path and the export path; a `#` not followed by an identifier path is part of the path. */
export function setupSpecifier(text: string): SetupSpecifier {
  const hash = text.lastIndexOf('#');
  if (hash > 0) {
    const name = text.slice(hash + 1);
    if (EXPORT_PATH.test(name)) return { path: text.slice(0, hash), exportPath: name.split('.') };
    if (name === '') throw new CliError(`--setup ${text}: name the export after #, or drop the #`, 'replay');
  }
  return { path: text, exportPath: undefined };
}

function checkName(name: string): CliCheck {
  const byName: Readonly<Record<string, CliCheck>> = CHECK_NAMES;
  // The kebab-case name, or the check's own name in the registry (`noLostEvents`).
  const found =
    (Object.hasOwn(byName, name) ? byName[name] : undefined) ??
    Object.values(CHECK_NAMES).find((check) => check === name);
  if (found === undefined)
    throw new CliError(
      `--check ${JSON.stringify(name)} is not a check lambdasim can run here (checks: ${Object.keys(CHECK_NAMES).join(', ')})`,
    );
  return found;
}

/** The `--key`, `--service` and `--op` of `--check exactly-once` (an error without it). */
function effectCheck(
  asked: boolean,
  values: { key?: string | undefined; service?: string | undefined; op?: string | undefined },
): EffectCheckSpec | undefined {
  const { key, service, op } = values;
  if (!asked) {
    const given = (['key', 'service', 'op'] as const).find((name) => values[name] !== undefined);
    if (given !== undefined)
      throw new CliError(`--${given} is an option of --check exactly-once, which was not given`);
    return undefined;
  }
  if (key === undefined) throw new CliError(`--check exactly-once needs --key, ${KEY_RULE}`);
  if (!KEY_PATH.test(key)) throw new CliError(`--key ${JSON.stringify(key)} is not ${KEY_RULE}`);
  if (service === '') throw new CliError('--service needs the name of an external api (sim.api), got ""');
  if (op === '') throw new CliError('--op needs the name of an operation (e.g. charge), got ""');
  return { key, path: key.split('.'), service, op };
}

function timelineFlags(
  topic: HelpTopic,
  values: {
    'max-lines'?: string | undefined;
    'all-calls'?: boolean | undefined;
    'sender-ids'?: boolean | undefined;
  },
): TimelineFlags {
  return {
    maxLines: maxLines(topic, values['max-lines']),
    allCalls: values['all-calls'] === true,
    senderIds: values['sender-ids'] === true,
  };
}

function maxLines(topic: HelpTopic, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw new CliError(`--max-lines must be a non-negative integer, got ${JSON.stringify(text)}`, topic);
  return n;
}

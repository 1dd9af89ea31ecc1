import { formatViolations } from '../checks/formatViolation.js';
import { noLostEvents } from '../checks/noLostEvents.js';
import { retryPolicyHonored } from '../checks/retryPolicyHonored.js';
import { sameAsFaultFree } from '../checks/sameAsFaultFree.js';
import type { Violation } from '../checks/Violation.js';
import { formatTimeline, type TimelineOptions } from '../report/timeline.js';
import { runScenario } from '../scenario/runScenario.js';
import type { Scenario, ScenarioResult, ScenarioSetup } from '../scenario/Scenario.js';
import { loadScenario } from '../scenario/scenarioFile.js';
import { UserCodeError } from './CliError.js';
import type { CliIo } from './CliIo.js';
import { describeScenario } from './describeScenario.js';
import { checkEffects, type EffectCheckOutcome, uncheckedEffectsNote } from './effectCheck.js';
import { isConfigError } from './isConfigError.js';
import { loadSetup } from './loadSetup.js';
import type { CliCheck, CliCommand, SetupSpecifier, TimelineFlags } from './parseCliArgs.js';
import { formatRunSummary, summarizeRun } from './runSummary.js';

/** The parsed `lambdasim replay` command line. */
export type ReplayCommand = Extract<CliCommand, { kind: 'replay' }>;

/** The check every replay reports (judged only when asked with `--check`). */
const REPORTED_CHECK: CliCheck = 'noLostEvents';
/** The check that needs to be told which effects to check (`--key`): a replay without it says so. */
const EFFECT_CHECK: CliCheck = 'exactlyOnce';

/**
 * One replayed run and what its checks found: what every output of `replay` is written from (the
 * text report, `--json`, and further outputs such as an HTML timeline).
 */
export interface ReplayRun {
  readonly scenario: Scenario<unknown>;
  /** The setup as the user named it: `path` or `path#export.path`. */
  readonly setupLabel: string;
  readonly result: ScenarioResult<unknown>;
  /** The checks run, noLostEvents first, and the violations of each. */
  readonly checks: readonly CliCheck[];
  readonly violations: ReadonlyMap<CliCheck, readonly Violation[]>;
  /** What `--check exactly-once` checked; undefined when effects were not checked. */
  readonly effects: EffectCheckOutcome | undefined;
  /** The checks asked for with `--check` that found violations (exit 1 when any). */
  readonly failed: readonly CliCheck[];
}

/**
 * `lambdasim replay <scenario.json> --setup <module>[#export]`: loads the scenario and the setup,
 * runs them with {@link runScenario} and prints the timeline, a summary, the noLostEvents
 * violations and checks asked for, and the trace hash (or all of it as one JSON object).
 *
 * @returns the exit code: 1 when a check given with `--check` found violations, else 0.
 * @throws ConfigError for an invalid scenario or a setup that does not fit it; CliError for a
 * setup module that cannot be loaded; UserCodeError when the setup module or function throws.
 */
export async function replayCommand(command: ReplayCommand, io: CliIo): Promise<number> {
  const run = await replayRun(command);
  if (command.json) printJson(run, command, io);
  else printText(run, command, io);
  if (run.failed.length === 0) return 0;
  io.err(
    `lambdasim: --check found violations: ${run.failed.map((name) => `${name} (${run.violations.get(name)?.length ?? 0})`).join(', ')}`,
  );
  return 1;
}

/** Loads, runs and checks the scenario of a `replay` command line. */
export async function replayRun(command: ReplayCommand): Promise<ReplayRun> {
  const scenario = loadScenario(command.scenarioPath);
  const label = setupLabel(command.setup);
  const setup = guarded(await loadSetup(command.setup), label);
  const result = await runScenario(scenario, setup);
  const names = [REPORTED_CHECK, ...command.checks.filter((c) => c !== REPORTED_CHECK)];
  const violations = new Map<CliCheck, readonly Violation[]>();
  let effects: EffectCheckOutcome | undefined;
  for (const name of names) {
    if (name === EFFECT_CHECK && command.effects !== undefined) {
      effects = checkEffects(result, command.effects);
      violations.set(name, effects.violations);
    } else violations.set(name, await runCheck(name, result));
  }
  const failed = command.checks.filter((name) => (violations.get(name)?.length ?? 0) > 0);
  return { scenario, setupLabel: label, result, checks: names, violations, effects, failed };
}

function printJson(run: ReplayRun, command: ReplayCommand, io: CliIo): void {
  const { result, checks: names, violations, effects } = run;
  const { end, ...summary } = summarizeRun(result);
  const report = {
    scenario: command.scenarioPath,
    setup: run.setupLabel,
    traceHash: result.traceHash,
    end,
    summary,
    checks: {
      ...Object.fromEntries(
        names.map((name) => [
          name,
          {
            judged: command.checks.includes(name),
            violations: violations.get(name)?.length ?? 0,
            ...(name === EFFECT_CHECK ? effectLabel(effects, command) : {}),
          },
        ]),
      ),
      // Not run: effects were not checked (null, not 0 violations).
      ...(effects === undefined ? { [EFFECT_CHECK]: { judged: false, violations: null } } : {}),
    },
    violations: names.flatMap((name) => violations.get(name) ?? []),
    determinismErrors: result.determinismErrors,
  };
  io.out(JSON.stringify(report, null, 2));
}

function printText(run: ReplayRun, command: ReplayCommand, io: CliIo): void {
  const { result, checks: names, violations, effects } = run;
  io.out(`Replaying ${command.scenarioPath}: ${describeScenario(run.scenario)}`);
  io.out(`Setup: ${run.setupLabel}`);
  if (command.timeline.maxLines !== 0)
    io.out(
      `\nTimeline (virtual time):\n${formatTimeline(result.trace, { ...timelineOptions(command.timeline), logs: result.logs })}`,
    );
  io.out(`\n${formatRunSummary(summarizeRun(result))}`);
  if (result.determinismErrors.length > 0) {
    io.out(
      `\nDeterminism errors: ${result.determinismErrors.length} (real I/O or timers escaped virtual time: this run may not replay bit for bit)`,
    );
    for (const e of result.determinismErrors) io.out(`  - ${e.message}`);
  }
  io.out('');
  for (const name of names) {
    const found = violations.get(name) ?? [];
    const judged = command.checks.includes(name) ? '' : ' (reported, not judged)';
    const what =
      name === EFFECT_CHECK && effects !== undefined
        ? ` (${effects.service}${effects.op === undefined ? '' : `.${effects.op}`}, key ${command.effects?.key ?? '?'}, both directions)`
        : '';
    io.out(
      found.length === 0
        ? `${name}: no violations${what}`
        : `${name}${judged}: ${formatViolations(found).replaceAll('\n', '\n  ')}`,
    );
  }
  if (effects === undefined) io.out(`${EFFECT_CHECK}: ${uncheckedEffectsNote(result)}`);
  io.out(`Trace hash: ${result.traceHash}`);
}

/** The formatTimeline options of `--max-lines`, `--all-calls` and `--sender-ids`. */
export function timelineOptions(flags: TimelineFlags): TimelineOptions {
  return {
    compactCalls: !flags.allCalls,
    senderIds: flags.senderIds,
    ...(flags.maxLines === undefined ? {} : { maxLines: flags.maxLines }),
  };
}

/** What `--check exactly-once` checked, for the JSON report. */
function effectLabel(
  effects: EffectCheckOutcome | undefined,
  command: ReplayCommand,
): Record<string, string> {
  if (effects === undefined || command.effects === undefined) return {};
  return {
    service: effects.service,
    ...(effects.op === undefined ? {} : { op: effects.op }),
    key: command.effects.key,
  };
}

async function runCheck(name: CliCheck, result: ScenarioResult<unknown>): Promise<readonly Violation[]> {
  switch (name) {
    case 'exactlyOnce':
      throw new Error('exactlyOnce runs through checkEffects (it needs --key)');
    case 'noLostEvents':
      return noLostEvents(result);
    case 'retryPolicyHonored':
      return retryPolicyHonored(result);
    case 'sameAsFaultFree':
      return sameAsFaultFree(result);
    default: {
      const never: never = name;
      throw new Error(`unknown check ${String(never)}`);
    }
  }
}

/** The setup as the user named it: `path` or `path#export.path`. */
function setupLabel(spec: SetupSpecifier): string {
  return spec.exportPath === undefined ? spec.path : `${spec.path}#${spec.exportPath.join('.')}`;
}

/** The setup, with what it throws marked as the user's (a ConfigError stays one: a misused API). */
function guarded(setup: ScenarioSetup<unknown>, label: string): ScenarioSetup<unknown> {
  return (sim) => {
    try {
      return setup(sim);
    } catch (error) {
      if (isConfigError(error)) throw error;
      throw new UserCodeError(`the setup ${label} threw`, error);
    }
  };
}

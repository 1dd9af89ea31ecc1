import { readFileSync } from 'node:fs';
import { formatTimeline } from '../report/timeline.js';
import { formatScenario, loadScenario } from '../scenario/scenarioFile.js';
import { Trace } from '../sim/Trace.js';
import type { TraceEvent } from '../TraceEvent.js';
import { CliError } from './CliError.js';
import type { CliIo } from './CliIo.js';
import { describeScenario } from './describeScenario.js';
import type { CliCommand } from './parseCliArgs.js';
import { timelineOptions } from './replayCommand.js';

/** The parsed `lambdasim show` command line. */
export type ShowCommand = Extract<CliCommand, { kind: 'show' }>;

/**
 * `lambdasim show <file>`: a trace file (JSON holding a `trace` array of trace events, as the
 * golden traces do, or the array itself) is printed as a timeline after a comment saying whether
 * its `traceHash` matches its entries; any other file is a scenario, validated as
 * {@link loadScenario} does and printed as a one-line summary comment and a literal
 * ({@link formatScenario}).
 *
 * @example
 * ```ts
 * showCommand({ kind: 'show', scenarioPath: 'fixtures/golden/sync-basic.trace.json', timeline }, io);
 * ```
 * @returns the exit code, 0.
 * @throws ConfigError for an unreadable or invalid scenario; CliError for a trace whose entries
 * are not trace events.
 */
export function showCommand(command: ShowCommand, io: CliIo): number {
  const path = command.scenarioPath;
  const saved = traceFile(path);
  if (saved === undefined) {
    const scenario = loadScenario(path);
    io.out(`// ${path}: ${describeScenario(scenario)}`);
    io.out(formatScenario(scenario));
    return 0;
  }
  const hash = new Trace(saved.trace).hash();
  const verdict =
    saved.traceHash === undefined
      ? `hash ${hash.slice(0, 16)}…`
      : `hash ${saved.traceHash.slice(0, 16)}… (${saved.traceHash === hash ? 'matches its entries' : `does NOT match its entries, which hash to ${hash.slice(0, 16)}…`})`;
  io.out(`// ${path}: trace of ${saved.trace.length} events, ${verdict}`);
  io.out(formatTimeline(saved.trace, timelineOptions(command.timeline)));
  return 0;
}

/** The trace a file holds, or undefined when it holds no trace (a scenario, or not JSON). */
function traceFile(path: string): { trace: TraceEvent[]; traceHash: string | undefined } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // loadScenario says what is wrong with it
  }
  const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const trace = Array.isArray(value) ? value : record.trace;
  if (!Array.isArray(trace)) return undefined;
  trace.forEach((entry: unknown, i) => {
    const e = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
    if (typeof e.atMs !== 'number' || typeof e.kind !== 'string')
      throw new CliError(
        `show ${path}: trace[${i}] must be a trace event ({ atMs: number, kind: string, ... }), got ${JSON.stringify(entry)?.slice(0, 80)}`,
        'show',
      );
  });
  const traceHash = typeof record.traceHash === 'string' ? record.traceHash : undefined;
  return { trace: trace as TraceEvent[], traceHash };
}

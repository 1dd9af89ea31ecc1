import type { LogLevel, LogSource } from '../sim/captureOutput.js';
import { realGlobals } from '../sim/realGlobals.js';

/**
 * One line a handler wrote (`console.*`, or `process.stdout` / `process.stderr` directly), as
 * CloudWatch Logs would hold it, with where and when it was written.
 */
export interface LogLine {
  /** Virtual time it was written, ms since the start of the run. */
  readonly atMs: number;
  /** The same instant as epoch milliseconds (what CloudWatch shows as its timestamp). */
  readonly epochMs: number;
  readonly fn: string;
  /** The execution environment, e.g. `Checkout#2`. */
  readonly env: string;
  /**
   * The invocation it belongs to; undefined for output of Init (module-scope code), as the
   * Node.js runtime prints `undefined` there.
   */
  readonly requestId: string | undefined;
  /** `console.log`/`info` are INFO; raw stdout writes are INFO, raw stderr writes ERROR. */
  readonly level: LogLevel;
  readonly source: LogSource;
  readonly message: string;
  /** @internal How many trace entries there were when it was written (places it in the timeline). */
  readonly traceIndex: number;
}

/**
 * A log line as the Node.js runtime writes it to CloudWatch in its text format:
 * `timestamp<TAB>requestId<TAB>LEVEL<TAB>message` for `console.*`, the raw text for a direct
 * stdout/stderr write (Powertools Logger's JSON lines).
 *
 * @example
 * ```ts
 * result.logs.map(formatLogLine);
 * // ['2026-01-01T00:00:00.100Z\t6f1c…\tINFO\tcharging o-1']
 * ```
 */
export function formatLogLine(line: LogLine): string {
  if (line.source !== 'console') return line.message;
  return `${new realGlobals.Date(line.epochMs).toISOString()}\t${line.requestId ?? 'undefined'}\t${line.level}\t${line.message}`;
}

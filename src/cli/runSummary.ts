import { formatUnreachedFault } from '../faults/UnreachedFault.js';
import type { QueueAccounting } from '../models/sqs/SqsQueue.js';
import type { RequestRecord } from '../models/sync.js';
import { formatTime } from '../report/timeline.js';
import type { RunEnd } from '../sim/Kernel.js';
import type { SimulationResult } from '../Simulation.js';

/** Calls to one `service.op`, by how they ended. */
export interface CallCounts {
  /** Landed and accepted (an effect). */
  readonly applied: number;
  /** Landed and refused by the service (e.g. a failed condition). */
  readonly failed: number;
  /** Never arrived (the caller died or an injected timeout). */
  readonly lost: number;
}

/** The counts `lambdasim replay` prints: what happened to every input, call and fault (and which faults never did). */
export interface RunSummary {
  readonly end: RunEnd;
  /** Synchronous requests by outcome (`ok`, `functionError Unhandled`, `rejected 429 TooManyRequestsException`, `unfinished`). */
  readonly requests: Readonly<Record<string, number>>;
  /** Synchronous requests whose caller stopped waiting before Lambda answered. */
  readonly clientTimeouts: number;
  /** Async events by state (`discarded` with its condition). */
  readonly asyncEvents: Readonly<Record<string, number>>;
  /** Queues that held at least one message. */
  readonly queues: readonly QueueAccounting[];
  /** Calls by `service.op`. */
  readonly calls: Readonly<Record<string, CallCounts>>;
  /** Faults injected, in order, e.g. `crashAfterCalls on Handler (invocation #1)`. */
  readonly faultsInjected: readonly string[];
  /**
   * Faults of the plan that never took effect, in plan order, e.g. `faults[1] (callError payments
   * call 5) was never reached: the run made 3 calls to payments` (`result.unreachedFaults`).
   */
  readonly faultsUnreached: readonly string[];
  readonly determinismErrors: number;
}

/**
 * Counts a run's requests, async events, queue messages, calls and injected faults.
 *
 * @example
 * ```ts
 * const summary = summarizeRun(await runScenario(scenario, setup));
 * summary.asyncEvents; // { succeeded: 1 }
 * ```
 */
export function summarizeRun(result: SimulationResult): RunSummary {
  const requests: Record<string, number> = {};
  for (const r of result.requests) bump(requests, requestOutcome(r));
  const asyncEvents: Record<string, number> = {};
  for (const e of result.asyncEvents)
    bump(asyncEvents, e.state === 'discarded' ? `discarded ${e.condition ?? ''}`.trimEnd() : e.state);
  const calls: Record<string, { applied: number; failed: number; lost: number }> = {};
  const faultsInjected: string[] = [];
  for (const ev of result.trace) {
    if (ev.kind === 'call.landed' || ev.kind === 'call.lost') {
      const counts = (calls[`${ev.service}.${ev.op}`] ??= { applied: 0, failed: 0, lost: 0 });
      if (ev.kind === 'call.lost') counts.lost++;
      else if (ev.ok) counts.applied++;
      else counts.failed++;
    } else if (ev.kind === 'fault.injected')
      faultsInjected.push(`${ev.fault} on ${ev.target} (${ev.point} #${ev.at})`);
  }
  return {
    end: result.end,
    requests,
    clientTimeouts: result.requests.filter((r) => r.clientTimedOutAtMs !== undefined).length,
    asyncEvents,
    queues: result.queues.filter((q) => q.sent + q.redrivenIn + q.deduplicated > 0),
    calls,
    faultsInjected,
    faultsUnreached: (result.unreachedFaults ?? []).map(formatUnreachedFault),
    determinismErrors: result.determinismErrors.length,
  };
}

/**
 * The summary as indented lines under a first line saying how the run ended.
 *
 * @example
 * ```ts
 * formatRunSummary(summary);
 * // Run ended quiescent at +1m01.240s (10 simulation events)
 * //   async events     1: 1 succeeded
 * //   calls            mailer.send: 2 applied
 * //   faults injected  1: callTimeout on mailer (call #1)
 * ```
 */
export function formatRunSummary(summary: RunSummary): string {
  const { end } = summary;
  const lines = [`Run ended ${end.kind} at ${formatTime(end.atMs)} (${end.events} simulation events)`];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(16)} ${text}`);
  const requestCount = total(summary.requests);
  if (requestCount > 0)
    row(
      'sync requests',
      `${requestCount}: ${counts(summary.requests)}${summary.clientTimeouts > 0 ? `; ${summary.clientTimeouts} caller(s) gave up (client timeout)` : ''}`,
    );
  const asyncCount = total(summary.asyncEvents);
  if (asyncCount > 0) row('async events', `${asyncCount}: ${counts(summary.asyncEvents)}`);
  for (const q of summary.queues) {
    const { queue, sent, redrivenIn, deduplicated, ...statuses } = q;
    const entered = counts({ sent, 'redriven in': redrivenIn, deduplicated }) || '0 sent';
    row('queue', `${queue}: ${entered} → ${counts(statuses) || 'none left'}`);
  }
  const calls = Object.entries(summary.calls);
  if (calls.length > 0)
    row(
      'calls',
      calls
        .map(([name, c]) => {
          const parts = Object.entries(c)
            .filter(([, n]) => n > 0)
            .map(([k, n]) => `${n} ${k}`);
          return `${name}: ${parts.join(', ')}`;
        })
        .join('; '),
    );
  row(
    'faults injected',
    summary.faultsInjected.length === 0
      ? 'none'
      : `${summary.faultsInjected.length}: ${summary.faultsInjected.join(', ')}`,
  );
  const unreached = summary.faultsUnreached;
  if (unreached.length > 0) {
    row('faults unreached', `${unreached.length}: ${unreached[0]}`);
    for (const line of unreached.slice(1))
      lines.push(`  ${''.padEnd(16)} ${' '.repeat(String(unreached.length).length + 2)}${line}`);
  }
  return lines.join('\n');
}

function requestOutcome(r: RequestRecord): string {
  const response = r.response;
  if (response === undefined) return 'unfinished';
  switch (response.kind) {
    case 'ok':
    case 'dryRun':
      return response.kind;
    case 'functionError':
      return `functionError ${response.body.errorType}`;
    case 'rejected':
      return `rejected ${response.statusCode} ${response.error.code}`;
    default: {
      const never: never = response;
      return String(never);
    }
  }
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function total(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** `2 succeeded, 1 discarded RetriesExhausted` (zero counts left out). */
function counts(byName: Readonly<Record<string, number>>): string {
  return Object.entries(byName)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${n} ${name}`)
    .join(', ');
}

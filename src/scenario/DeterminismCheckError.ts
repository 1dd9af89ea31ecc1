import type { DeterminismError } from '../world/World.js';
import { formatTimeline } from '../report/timeline.js';
import type { TraceEvent } from '../TraceEvent.js';

/** Where two runs of the same scenario and seed first differ. */
export interface TraceDivergence {
  /** The index of the first trace entry that differs (or that one run has and the other not). */
  readonly index: number;
  /** That entry in the first run; undefined when the first run's trace ended before it. */
  readonly first: TraceEvent | undefined;
  /** That entry in the second run; undefined when the second run's trace ended before it. */
  readonly second: TraceEvent | undefined;
}

/** Common entries shown before the divergence, for context. */
const CONTEXT_ENTRIES = 3;
/** Determinism errors listed per run. */
const MAX_ESCAPES = 3;

/**
 * Thrown by the determinism self-check (`runScenario(…, { checkDeterminism: true })`,
 * `LAMBDASIM_CHECK_DETERMINISM=1`, {@link checkDeterminism}) when two runs of the same scenario
 * and seed differ: the simulation cannot replay this test, so a failure it finds could not be
 * reproduced. The message shows the first diverging trace entry of both runs (as timeline lines
 * and as JSON, where a differing `digest` means different contents), the entries just before it,
 * what most likely differs, and the real I/O or timers the runs reported (`determinismErrors`).
 *
 * The usual cause is state that outlives a run: a module-level counter, cache or client created
 * outside the setup and the handler factory, which the second run finds already changed.
 *
 * @example
 * ```ts
 * try {
 *   await runScenario(scenario, setup, { checkDeterminism: true });
 * } catch (error) {
 *   if (error instanceof DeterminismCheckError) console.log(error.index, error.first, error.second);
 *   throw error;
 * }
 * ```
 */
export class DeterminismCheckError extends Error {
  override readonly name = 'DeterminismCheckError';
  /** The index of the first trace entry that differs. */
  readonly index: number;
  /** That entry in the first run (undefined: the first run ended before it). */
  readonly first: TraceEvent | undefined;
  /** That entry in the second run (undefined: the second run ended before it). */
  readonly second: TraceEvent | undefined;
  /** Real I/O or timers reported by either run (first run's, then the second's). */
  readonly determinismErrors: readonly DeterminismError[];

  constructor(
    /** Who ran the check, e.g. `runScenario (seed 42, model sqs)`. */
    readonly subject: string,
    divergence: TraceDivergence,
    firstTrace: readonly TraceEvent[],
    secondTrace: readonly TraceEvent[],
    escapes: { readonly first: readonly DeterminismError[]; readonly second: readonly DeterminismError[] },
  ) {
    super(formatDivergence(subject, divergence, firstTrace, secondTrace, escapes));
    this.index = divergence.index;
    this.first = divergence.first;
    this.second = divergence.second;
    this.determinismErrors = [...escapes.first, ...escapes.second];
  }
}

function formatDivergence(
  subject: string,
  d: TraceDivergence,
  firstTrace: readonly TraceEvent[],
  secondTrace: readonly TraceEvent[],
  escapes: { readonly first: readonly DeterminismError[]; readonly second: readonly DeterminismError[] },
): string {
  const lines = [
    `${subject}: not deterministic. Two runs with the same seed differ at trace entry ${d.index} ` +
      `(the first run has ${firstTrace.length} entries, the second ${secondTrace.length}), so a failure found here could not be replayed.`,
  ];
  const context = firstTrace.slice(Math.max(0, d.index - CONTEXT_ENTRIES), d.index);
  if (context.length > 0)
    lines.push('Both runs:', indent(formatTimeline(context, { maxLines: CONTEXT_ENTRIES })));
  lines.push(`First run, entry ${d.index}:`, indent(entryText(d.first)));
  lines.push(`Second run, entry ${d.index}:`, indent(entryText(d.second)));
  lines.push(`What differs: ${whatDiffers(d)}`);
  for (const [run, list] of [
    ['first', escapes.first],
    ['second', escapes.second],
  ] as const) {
    if (list.length === 0) continue;
    lines.push(`Real I/O or timers in the ${run} run (determinismErrors):`);
    for (const e of list.slice(0, MAX_ESCAPES)) lines.push(`  ${e.message} (at ${e.site || 'unknown site'})`);
    if (list.length > MAX_ESCAPES) lines.push(`  … ${list.length - MAX_ESCAPES} more`);
  }
  lines.push(
    'Look for state that outlives a run (module-level variables, counters, caches or clients created outside the setup and the handler factory), ' +
      'real time or randomness read outside a handler (in setup or workload code), and real I/O. ' +
      'Everything a run uses must be built from `sim` in the setup or in the handler factory.',
  );
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function entryText(entry: TraceEvent | undefined): string {
  if (entry === undefined) return '(none: this run ended here)';
  return `${formatTimeline([entry])}\n${JSON.stringify(entry)}`;
}

/** Who did the diverging thing, for the explanation. */
function actor(e: TraceEvent): string {
  if ('env' in e && typeof e.env === 'string') return e.env;
  if ('by' in e && typeof e.by === 'string') return e.by;
  if ('fn' in e && typeof e.fn === 'string') return e.fn;
  return 'the simulation';
}

function whatDiffers(d: TraceDivergence): string {
  const { first, second } = d;
  if (first === undefined || second === undefined)
    return `the ${first === undefined ? 'first' : 'second'} run stopped earlier: the other went on with ${(first ?? second)!.kind} by ${actor((first ?? second)!)}.`;
  if (first.kind !== second.kind)
    return `the runs did different things here (${first.kind} by ${actor(first)} vs ${second.kind} by ${actor(second)}).`;
  const { digest: digestA, ...restA } = first as { digest?: string };
  const { digest: digestB, ...restB } = second as { digest?: string };
  if (digestA !== digestB && JSON.stringify(restA) === JSON.stringify(restB))
    return `the same ${first.kind} with different contents (digest ${digestA ?? 'none'} vs ${digestB ?? 'none'}): ${contentHint(first)}.`;
  const fields = Object.keys({ ...first, ...second }).filter(
    (k) =>
      JSON.stringify((first as unknown as Record<string, unknown>)[k]) !==
      JSON.stringify((second as unknown as Record<string, unknown>)[k]),
  );
  return `the same ${first.kind} by ${actor(first)} with a different ${fields.join(', ')}.`;
}

function contentHint(e: TraceEvent): string {
  switch (e.kind) {
    case 'invoke.succeeded':
      return `the handler in ${e.env} returned a different response`;
    case 'invoke.failed':
      return `the handler in ${e.env} failed with a different error message`;
    case 'call.sent':
      return `${e.by} called ${e.service}.${e.op} with different arguments`;
    case 'call.landed':
      return `${e.service}.${e.op} answered differently (a respond function or seeded data that depends on state outside the run?)`;
    case 'request.received':
    case 'async.accepted':
      return `${e.fn} was invoked with a different payload (built from state outside the run?)`;
    case 'sqs.sent':
      return `${e.by} sent a different message body to ${e.queue}`;
    case 'sns.published':
      return `a different message was published to ${e.topic}`;
    default:
      return 'its contents differ';
  }
}

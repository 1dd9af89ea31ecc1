import { simulationInternals } from '../Simulation.js';
import { SCENARIO_FUNCTION_NAME } from '../scenario/Scenario.js';
import type { CheckedResult } from './CheckedResult.js';
import { withMessage } from './formatViolation.js';
import { queueOfMapping } from './noLostEvents.js';
import type { RetryPolicyViolation } from './Violation.js';

/** Options of {@link retryPolicyHonored}. */
export interface RetryPolicyOptions {
  /**
   * The async `maximumRetryAttempts` (0-2) the functions were configured with: one number for
   * every function, or per function name.
   * @defaultValue the scenario's `config.maximumRetryAttempts` for the scenario's function when
   * the result is a scenario result, else 2 (AWS's default and maximum, so the check never
   * reports a valid configuration)
   */
  readonly maximumRetryAttempts?: number | Readonly<Record<string, number>>;
}

/** AWS's waits before the 1st and 2nd retry of an async event, in ms (R-ASYNC-3). */
const AWS_RETRY_DELAYS_MS: readonly [number, number] = [60_000, 120_000];
const AWS_MAXIMUM_RETRY_ATTEMPTS = 2;

interface Attempt {
  readonly env: string;
  /** When the handler started (`invoke.started`). */
  startMs: number | undefined;
  /** When Lambda dispatched the attempt: the start, or for a cold start when its environment was created. */
  dispatchedMs: number | undefined;
  endMs: number | undefined;
  /** The attempt number `invoke.started` gave (per delivery); undefined when Init failed before it. */
  attempt: number | undefined;
  ok: boolean | undefined;
}

interface AsyncInput {
  readonly fn: string;
  readonly deliveries: number;
  ended: number;
  succeeded: boolean;
}

/**
 * Lambda followed its retry rules, read from the trace:
 * - a synchronous request is never retried by Lambda: each request id runs at most once (a client
 *   retry is a new request);
 * - an async event runs at most `maximumRetryAttempts + 1` attempts per delivery, never after it
 *   succeeded, and each retry starts no earlier than the configured delay (R-ASYNC-3: 1 minute,
 *   then 2; read from `result.sim` when present) after the failed attempt ended;
 * - an SQS message is invoked only after a receive: a deleted message runs again only when the
 *   queue delivered it again (a duplicate), and a message is invoked at most once per receive.
 *
 * Gotcha: an attempt that failed in Init has no `invoke.started`; its retry timing is checked
 * against the failed attempt's end only.
 *
 * @example
 * ```ts
 * assertNoViolations(checks.retryPolicyHonored(result, { maximumRetryAttempts: 1 }));
 * ```
 */
export function retryPolicyHonored(
  result: CheckedResult,
  options: RetryPolicyOptions = {},
): RetryPolicyViolation[] {
  const maxRetriesOf = maxRetriesResolver(result, options);
  const asyncOptions = result.sim === undefined ? undefined : simulationInternals(result.sim).async.options;
  const delaysMs = asyncOptions?.retryDelaysMs ?? AWS_RETRY_DELAYS_MS;
  const fromStart = asyncOptions?.retryDelayFrom === 'attemptStart';

  const sync = new Map(result.requests.map((r) => [r.requestId, r.fn]));
  const asyncInputs = new Map<string, AsyncInput>();
  for (const e of result.asyncEvents) {
    if (e.state === 'rejected') continue;
    const found = asyncInputs.get(e.requestId);
    asyncInputs.set(e.requestId, {
      fn: e.fn,
      deliveries: (found?.deliveries ?? 0) + 1,
      ended: 0,
      succeeded: false,
    });
  }
  const attempts = new Map<string, Attempt[]>();
  const open = new Map<string, Attempt>();
  const received = new Map<string, number>();
  const invoked = new Map<string, number>();
  const deleted = new Set<string>();
  const envCreatedMs = new Map<string, number>();
  const reported = new Set<string>();
  const out: RetryPolicyViolation[] = [];
  const report = (v: Omit<RetryPolicyViolation, 'message'>): void => {
    const id = `${v.model}|${v.input}|${v.kind}`;
    if (reported.has(id)) return;
    reported.add(id);
    out.push(withMessage(v));
  };
  const attemptsOf = (requestId: string): Attempt[] => {
    let list = attempts.get(requestId);
    if (list === undefined) attempts.set(requestId, (list = []));
    return list;
  };

  /** Count rules, after a new attempt of a Lambda-invoked request appeared at `atMs`. */
  const checkCount = (requestId: string, atMs: number, attempt: number | undefined): void => {
    const count = attempts.get(requestId)?.length ?? 0;
    const fn = sync.get(requestId);
    if (fn !== undefined) {
      if (count > 1) report(base('sync', 'tooManyAttempts', requestId, fn, count, atMs, { limit: 1 }));
      return;
    }
    const input = asyncInputs.get(requestId);
    if (input === undefined) return;
    const perDelivery = maxRetriesOf(input.fn) + 1;
    const limit = perDelivery * input.deliveries;
    if (input.ended >= input.deliveries) {
      const kind = input.succeeded ? 'retriedAfterSuccess' : 'tooManyAttempts';
      report(base('async', kind, requestId, input.fn, count, atMs, { limit }));
    } else if (count > limit || (attempt !== undefined && attempt > perDelivery))
      report(base('async', 'tooManyAttempts', requestId, input.fn, count, atMs, { limit }));
  };

  /** Timing rule for attempt `n` > 1 of an async event, started at `atMs`. */
  const checkDelay = (requestId: string, current: Attempt, atMs: number): void => {
    const input = asyncInputs.get(requestId);
    const n = current.attempt;
    if (input === undefined || n === undefined || n < 2) return;
    const delayMs = delaysMs[n - 2];
    if (delayMs === undefined) return; // beyond the retries AWS makes: a count violation already
    const previous = (attempts.get(requestId) ?? []).filter(
      (a) => a !== current && a.endMs !== undefined && (a.attempt === n - 1 || a.attempt === undefined),
    );
    const failed = previous.filter((a) => a.ok === false);
    if (failed.length === 0) {
      if (previous.some((a) => a.ok === true))
        report(base('async', 'retriedAfterSuccess', requestId, input.fn, n, atMs, {}));
      return;
    }
    // A loop, not Math.min(...failed): a spread passes one argument per attempt and overflows
    // the stack past about 125,000.
    let earliestMs = Infinity;
    for (const a of failed) {
      const readyMs =
        fromStart && a.dispatchedMs !== undefined
          ? Math.max(a.endMs!, a.dispatchedMs + delayMs)
          : fromStart
            ? a.endMs!
            : a.endMs! + delayMs;
      if (readyMs < earliestMs) earliestMs = readyMs;
    }
    if (atMs < earliestMs)
      report(base('async', 'retryTooEarly', requestId, input.fn, n, atMs, { earliestMs }));
  };

  for (const ev of result.trace) {
    switch (ev.kind) {
      case 'env.created':
        envCreatedMs.set(ev.env, ev.atMs);
        break;
      case 'invoke.started': {
        const a: Attempt = {
          env: ev.env,
          startMs: ev.atMs,
          dispatchedMs: ev.cold ? (envCreatedMs.get(ev.env) ?? ev.atMs) : ev.atMs,
          endMs: undefined,
          attempt: ev.attempt,
          ok: undefined,
        };
        attemptsOf(ev.requestId).push(a);
        open.set(`${ev.requestId}|${ev.env}`, a);
        checkCount(ev.requestId, ev.atMs, ev.attempt);
        checkDelay(ev.requestId, a, ev.atMs);
        break;
      }
      case 'invoke.succeeded':
      case 'invoke.failed': {
        const id = `${ev.requestId}|${ev.env}`;
        const ok = ev.kind === 'invoke.succeeded';
        const a = open.get(id);
        if (a !== undefined) {
          open.delete(id);
          a.endMs = ev.atMs;
          a.ok = ok;
        } else {
          // Failed in Init, before the handler started: an attempt all the same.
          attemptsOf(ev.requestId).push({
            env: ev.env,
            startMs: undefined,
            dispatchedMs: undefined,
            endMs: ev.atMs,
            attempt: undefined,
            ok,
          });
          checkCount(ev.requestId, ev.atMs, undefined);
        }
        break;
      }
      case 'async.succeeded':
      case 'async.discarded':
      case 'async.dropped': {
        const input = asyncInputs.get(ev.requestId);
        if (input !== undefined) {
          input.ended++;
          if (ev.kind === 'async.succeeded') input.succeeded = true;
        }
        break;
      }
      case 'sqs.received': {
        const id = `${ev.queue}|${ev.messageId}`;
        received.set(id, (received.get(id) ?? 0) + 1);
        break;
      }
      case 'sqs.deleted':
        deleted.add(`${ev.queue}|${ev.messageId}`);
        break;
      case 'batch.invoked': {
        const queue = queueOfMapping(ev.mapping);
        for (const messageId of ev.messageIds) {
          const id = `${queue}|${messageId}`;
          const count = (invoked.get(id) ?? 0) + 1;
          invoked.set(id, count);
          const deliveries = received.get(id) ?? 0;
          if (count > deliveries)
            report(
              base(
                'sqs',
                deleted.has(id) ? 'retriedAfterSuccess' : 'tooManyAttempts',
                messageId,
                queue,
                count,
                ev.atMs,
                {
                  limit: deliveries,
                },
              ),
            );
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

function base(
  model: RetryPolicyViolation['model'],
  kind: RetryPolicyViolation['kind'],
  input: string,
  where: string,
  attempts: number,
  atMs: number,
  extra: { readonly limit?: number; readonly earliestMs?: number },
): Omit<RetryPolicyViolation, 'message'> {
  return {
    check: 'retryPolicyHonored',
    kind,
    model,
    input,
    where,
    attempts,
    limit: extra.limit,
    atMs,
    earliestMs: extra.earliestMs,
  };
}

function maxRetriesResolver(result: CheckedResult, options: RetryPolicyOptions): (fn: string) => number {
  const given = options.maximumRetryAttempts;
  if (typeof given === 'number') return () => given;
  const scenarioMax = result.scenario?.config.maximumRetryAttempts;
  return (fn) =>
    (given !== undefined && Object.hasOwn(given, fn) ? given[fn] : undefined) ??
    (fn === SCENARIO_FUNCTION_NAME ? scenarioMax : undefined) ??
    AWS_MAXIMUM_RETRY_ATTEMPTS;
}

import { formatTime } from '../report/timeline.js';
import type { Violation, ViolationData } from './Violation.js';

const IDEMPOTENCY_FIX =
  'make it idempotent (a conditional write on an idempotency key before the call, or an idempotency key the API honours)';

const MODEL_BUG_FIX =
  'This is a rule of Lambda itself, not of your handler: if the check was given the right settings, the simulation broke it; report it to lambdasim with the seed and scenario';

/**
 * The message of a violation: what happened, the rule it breaks, and how to fix it. Every word a
 * check says is here, built from the violation's data.
 *
 * @example
 * ```ts
 * formatViolation(violations[0]!);
 * // 'payments.charge ran 2 times for key o-1 (expected exactly once). A retry or redelivery ...'
 * ```
 */
export function formatViolation(v: Violation | ViolationData): string {
  switch (v.check) {
    case 'exactlyOnce': {
      const subject = subjectOf(v.service, v.op);
      if (v.kind === 'duplicateEffect') {
        const by = requestsOf(v.effects.map((e) => e.requestId ?? e.by));
        return `${subject} ran ${v.count} times for key ${v.key} (expected exactly once)${by}. A retry or redelivery repeated the side effect: ${IDEMPOTENCY_FIX}.`;
      }
      if (v.kind === 'acknowledgedWithoutEffect') return formatWithoutEffect(v, subject);
      return `${subject} never ran for key ${v.key ?? '?'} (expected exactly once). The input was lost or gave up before the call landed: let a failed attempt throw so Lambda retries it, and check noLostEvents.`;
    }
    case 'atLeastOnce':
      return `${subjectOf(v.service, v.op)} never ran for key ${v.key} (expected at least once). Nothing made the work happen after a failure: let errors propagate so Lambda retries or redelivers (do not swallow them), give failed inputs a DLQ or on-failure destination, and check noLostEvents.`;
    case 'noLostEvents':
      return formatLost(v);
    case 'orderedPerKey':
      return `items for key ${v.key} arrived in the order ${list(v.actual)} but were sent as ${list(v.expected)} (expected send order within a key). Something reordered them: send through a FIFO queue with the key as message group id, process a group's records in order, and stop at a group's first failure (report the rest as batch item failures).`;
    case 'retryPolicyHonored':
      return formatRetry(v);
    case 'custom':
      return v.explanation;
    case 'sameAsFaultFree': {
      const what =
        v.kind === 'stateDiffers'
          ? `table ${v.service} ends in a different state under faults than in the fault-free run of the same workload`
          : `api ${v.service} received different effects (op + args) under faults than in the fault-free run of the same workload`;
      const diff = `only under faults: ${list(v.onlyFaulty)}; only without faults: ${list(v.onlyFaultFree)}`;
      return `${what} (${diff}). A retry, redelivery, timeout or crash changed the outcome: ${IDEMPOTENCY_FIX}; write a done-marker only after the effect, and never read-modify-write without a condition.`;
    }
    default:
      return assertNever(v);
  }
}

/** How many violations {@link formatViolations} words; the rest are counted by check. */
const MAX_LISTED_VIOLATIONS = 100;

/**
 * The messages of several violations, one numbered paragraph each (empty string for none). Past
 * the first 100, the rest are counted by check in one line: the text stays readable and within
 * a string's maximum length when a run loses millions of inputs.
 *
 * @example
 * ```ts
 * console.log(formatViolations(checks.exactlyOnce(result.effects('payments'), (e) => orderIdOf(e))));
 * ```
 */
export function formatViolations(violations: readonly (Violation | ViolationData)[]): string {
  if (violations.length === 0) return '';
  const lines = [`${violations.length} violation${violations.length === 1 ? '' : 's'}:`];
  const listed = Math.min(violations.length, MAX_LISTED_VIOLATIONS);
  for (let i = 0; i < listed; i++) {
    const v = violations[i]!;
    lines.push(`${i + 1}. [${v.check}] ${formatViolation(v)}`);
  }
  if (listed < violations.length) {
    const byCheck = new Map<string, number>();
    for (let i = listed; i < violations.length; i++) {
      const check = violations[i]!.check;
      byCheck.set(check, (byCheck.get(check) ?? 0) + 1);
    }
    const counts = [...byCheck].map(([check, n]) => `${n} ${check}`).join(', ');
    lines.push(
      `… and ${violations.length - listed} more (${counts}), not listed: every one is in the violations array`,
    );
  }
  return lines.join('\n');
}

const CLAIM_THEN_ACT =
  'Such handlers usually go wrong by claim-then-act: the claim (a conditional put, a done-marker) was recorded, the act failed (an error, a timeout, a crash), and the retry saw the claim and skipped the act. Mark the claim done only after the effect landed and let a retry redo the act while it is not (with an idempotency key the API honours), or record both in one atomic step';

function formatWithoutEffect(v: Extract<ViolationData, { check: 'exactlyOnce' }>, subject: string): string {
  const input = v.input;
  const key = v.key === undefined ? '' : ` for key ${v.key}`;
  if (input === undefined) return `${subject} never ran${key} for an acknowledged input. ${CLAIM_THEN_ACT}.`;
  const event = input.eventIndex === undefined ? '' : ` (scenario event ${input.eventIndex})`;
  const what =
    input.model === 'sqs'
      ? `SQS message ${input.id} on ${input.where}${event} was deleted after its processing succeeded`
      : input.model === 'kinesis' || input.model === 'dynamodb-streams'
        ? `stream record ${input.id} of ${input.where}${event} was checkpointed after its processing succeeded`
        : input.model === 'async'
          ? `async event ${input.id} to ${input.where}${event} succeeded${input.state === 'sentToDestination' ? ' (its record went to the on-success destination)' : ''}`
          : `synchronous request ${input.id} to ${input.where}${event} was answered 200`;
  const faults = input.attempts.flatMap((a) =>
    a.faults.map((f) => `${f.fault} ${f.target} ${f.point} ${f.at}`),
  );
  const attempts = `${input.attempts.length} attempt${input.attempts.length === 1 ? '' : 's'}${faults.length > 0 ? `, faults: ${faults.join(', ')}` : ''}`;
  const hint =
    v.key === undefined
      ? ' (No attempt of it made the effect; if another input carries the same business key on purpose, or one invocation handles several inputs, give the check an inputKey so inputs are matched to effects by key.)'
      : '';
  return `${what} (${attempts}), but ${subject} never landed for it${key}: acknowledged without its effect. ${CLAIM_THEN_ACT}.${hint}`;
}

function formatLost(v: Extract<ViolationData, { check: 'noLostEvents' }>): string {
  switch (v.model) {
    case 'sync':
      return `synchronous request ${v.input} to ${v.where} had no response when the run ended (${v.kind}; every request must be answered). Let the run reach quiescence, or find the work that never completes.`;
    case 'async':
      if (v.kind === 'unfinished')
        return `async event ${v.input} to ${v.where} was still ${v.state} when the run ended (unfinished; every event must succeed or be discarded to a destination). Let the run reach quiescence (retries come 1 and 2 minutes after a failure), or look for throttling that never clears.`;
      if (v.state === 'dropped')
        return `async event ${v.input} to ${v.where} was dropped before any attempt (lost). AWS may drop asynchronous events: for inputs you cannot lose, send them through SQS or invoke synchronously, or reconcile from the source.`;
      if (v.failureDelivery === 'failed')
        return `async event ${v.input} to ${v.where} was discarded (${v.condition ?? 'unknown condition'}) and its record could not be delivered: ${v.deliveryErrors.join('; ')} (lost). Fix the on-failure destination / DLQ (e.g. a standard queue, not FIFO) so discarded events can be replayed.`;
      return `async event ${v.input} to ${v.where} was discarded (${v.condition ?? 'unknown condition'}) with no on-failure destination or dead-letter queue (lost). Configure one so discarded events are kept and can be replayed.`;
    case 'sqs':
      if (v.kind === 'lost')
        return `SQS message ${v.input} on ${v.where} ended ${v.state} without being processed (lost). It stayed past the queue's retention period: give the queue a redrive policy (DLQ, maxReceiveCount) so failing messages leave it, and make sure the consumer keeps up.`;
      return `SQS message ${v.input} on ${v.where} was still ${v.state} when the run ended (unfinished; every message must be deleted, filtered or dead-lettered). Let the run reach quiescence, or give the queue a redrive policy so a message that keeps failing ends in a DLQ.`;
    case 'kinesis':
    case 'dynamodb-streams':
      if (v.kind === 'unfinished')
        return `stream record ${v.input} of ${v.where} was still in the stream when the run ended (unfinished; see result.shards for a blocked shard). Let the run reach quiescence, or bound retries (maximumRetryAttempts, maximumRecordAgeS, bisectBatchOnFunctionError) so a poison record cannot hold its shard.`;
      if (v.state === 'expired')
        return `stream record ${v.input} of ${v.where} left the stream's retention before its mapping processed it (lost). A failing batch held its shard until the records expired: bound retries (maximumRetryAttempts, maximumRecordAgeS) and give the mapping an on-failure destination.`;
      return `stream record ${v.input} of ${v.where} was given up (${v.condition ?? 'unknown condition'}) ${v.failureDelivery === 'failed' ? `and its on-failure record could not be delivered: ${v.deliveryErrors.join('; ')}` : 'with no on-failure destination'} (lost). Configure onFailure on the mapping so given-up records can be re-read from the stream.`;
    default:
      return assertNever(v.model);
  }
}

function formatRetry(v: Extract<ViolationData, { check: 'retryPolicyHonored' }>): string {
  const at = formatTime(v.atMs);
  const input =
    v.model === 'sync'
      ? `synchronous request ${v.input} to ${v.where}`
      : v.model === 'async'
        ? `async event ${v.input} to ${v.where}`
        : `SQS message ${v.input} on ${v.where}`;
  switch (v.kind) {
    case 'tooManyAttempts':
      if (v.model === 'sync')
        return `${input} was invoked ${v.attempts} times (Lambda never retries a synchronous invoke: at most once per request id; a client retry is a new request). ${MODEL_BUG_FIX}.`;
      if (v.model === 'async')
        return `${input} ran ${v.attempts} attempts, the last at ${at} (at most ${v.limit ?? '?'}: maximumRetryAttempts + 1 per delivery). ${MODEL_BUG_FIX}.`;
      return `${input} was invoked ${v.attempts} times at ${at} but delivered only ${v.limit ?? '?'} times (each invocation needs a receive). ${MODEL_BUG_FIX}.`;
    case 'retryTooEarly':
      return `${input} started attempt ${v.attempts} at ${at}, before ${formatTime(v.earliestMs ?? 0)} (a retry waits the configured delay after the failed attempt: 1 minute, then 2, by default). ${MODEL_BUG_FIX}.`;
    case 'retriedAfterSuccess':
      return v.model === 'sqs'
        ? `${input} was invoked again at ${at} after it had been deleted, without being delivered again (a deleted message is never redelivered). ${MODEL_BUG_FIX}.`
        : `${input} was invoked again at ${at} after it had succeeded (attempt ${v.attempts}; Lambda retries only failed attempts). ${MODEL_BUG_FIX}.`;
    default:
      return assertNever(v.kind);
  }
}

function subjectOf(service: string, op: string | undefined): string {
  return op === undefined ? service : `${service}.${op}`;
}

const MAX_LISTED_REQUESTS = 10;

/** The distinct request ids, the first 10 named (a key every call shares can have millions). */
function requestsOf(ids: readonly string[]): string {
  const unique = new Set(ids);
  if (unique.size === 0) return '';
  const named: string[] = [];
  for (const id of unique) {
    if (named.length === MAX_LISTED_REQUESTS) break;
    named.push(id);
  }
  const more = unique.size > named.length ? `, … (${unique.size} in all)` : '';
  return ` in request${unique.size === 1 ? '' : 's'} ${named.join(', ')}${more}`;
}

const MAX_LIST_CHARS = 300;

/**
 * Compact JSON of a list, cut at a readable length. Written item by item up to the cut: the
 * whole list as JSON can pass a string's maximum length (about 2^29 characters) first.
 */
function list(values: readonly unknown[]): string {
  let text = '[';
  for (let i = 0; i < values.length && text.length <= MAX_LIST_CHARS; i++) {
    if (i > 0) text += ',';
    text += itemJson(values[i]);
  }
  if (text.length <= MAX_LIST_CHARS) text += ']';
  return text.length > MAX_LIST_CHARS ? `${text.slice(0, MAX_LIST_CHARS - 3)}...` : text;
}

/** An item as JSON.stringify writes it inside an array; String(item) when it has no JSON. */
function itemJson(item: unknown): string {
  try {
    return JSON.stringify(item) ?? 'null';
  } catch {
    return String(item);
  }
}

function assertNever(value: never): never {
  throw new Error(`formatViolation: unknown violation ${JSON.stringify(value)}`);
}

/** @internal Completes a check's finding with its message. */
export function withMessage<V extends ViolationData>(data: V): V & { readonly message: string } {
  return { ...data, message: formatViolation(data) };
}

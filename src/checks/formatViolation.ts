import { formatTime } from '../report/timeline.js';
import type { InputRecord } from '../results/InputRecord.js';
import { inputModel } from './inputModels/registry.js';
import type { AttemptRef } from './ledgerAttempts.js';
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
    case 'noRepeatAfterSuccess':
      return formatRepeat(v);
    case 'honestBatchResponses':
      return formatBatchResponse(v);
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
    case 'sameAsFaultFree':
      return formatSameAsFaultFree(v);
    default:
      return assertNever(v);
  }
}

/** How many entries {@link formatViolations} words; the rest are counted by check. */
const MAX_LISTED_VIOLATIONS = 100;
/** Keys named in a collapsed entry; the rest are counted. */
const MAX_LISTED_KEYS = 5;

/**
 * The messages of several violations, one numbered paragraph each (empty string for none).
 * Neighbours that say the same thing of different keys (a batch's five messages each charged
 * twice) are one entry: `[exactlyOnce] 5 keys (m-1, m-2, …): payments.charge ran 2 times for each
 * key …`. Past the first 100 entries, the rest are counted by check in one line: the text stays
 * readable and within a string's maximum length when a run loses millions of inputs.
 *
 * @example
 * ```ts
 * console.log(formatViolations(checks.exactlyOnce(result.effects('payments'), (e) => orderIdOf(e))));
 * ```
 */
export function formatViolations(violations: readonly (Violation | ViolationData)[]): string {
  if (violations.length === 0) return '';
  const lines = [`${violations.length} violation${violations.length === 1 ? '' : 's'}:`];
  let i = 0;
  while (i < violations.length && lines.length <= MAX_LISTED_VIOLATIONS) {
    const v = violations[i]!;
    const text = formatViolation(v);
    const template = keyTemplate(v, text);
    const keys = [keyOf(v)];
    let next = i + 1;
    while (template !== undefined && next < violations.length) {
      const w = violations[next]!;
      if (w.check !== v.check || keyTemplate(w, formatViolation(w)) !== template) break;
      keys.push(keyOf(w));
      next++;
    }
    lines.push(
      `${lines.length}. [${v.check}] ${keys.length === 1 ? text : `${keys.length} keys (${keyList(keys)}): ${template}`}`,
    );
    i = next;
  }
  if (i < violations.length) {
    const byCheck = new Map<string, number>();
    for (let j = i; j < violations.length; j++) {
      const check = violations[j]!.check;
      byCheck.set(check, (byCheck.get(check) ?? 0) + 1);
    }
    const counts = [...byCheck].map(([check, n]) => `${n} ${check}`).join(', ');
    lines.push(
      `… and ${violations.length - i} more (${counts}), not listed: every one is in the violations array`,
    );
  }
  return lines.join('\n');
}

function keyOf(v: Violation | ViolationData): string {
  return 'key' in v && typeof v.key === 'string' ? v.key : '';
}

/** The message with its `key <k>` made `each key`, when it names its key so; else undefined. */
function keyTemplate(v: Violation | ViolationData, text: string): string | undefined {
  const key = keyOf(v);
  if (key === '' || !text.includes(`key ${key}`)) return undefined;
  return text.replaceAll(`key ${key}`, 'each key');
}

function keyList(keys: readonly string[]): string {
  const shown = keys.slice(0, MAX_LISTED_KEYS).join(', ');
  return keys.length > MAX_LISTED_KEYS ? `${shown}, … ${keys.length - MAX_LISTED_KEYS} more` : shown;
}

const CLAIM_THEN_ACT =
  'Such handlers usually go wrong by claim-then-act: the claim (a conditional put, a done-marker) was recorded, the act failed (an error, a timeout, a crash), and the retry saw the claim and skipped the act. Mark the claim done only after the effect landed and let a retry redo the act while it is not (with an idempotency key the API honours), or record both in one atomic step';

function formatWithoutEffect(v: Extract<ViolationData, { check: 'exactlyOnce' }>, subject: string): string {
  const input = v.input;
  const key = v.key === undefined ? '' : ` for key ${v.key}`;
  if (input === undefined) return `${subject} never ran${key} for an acknowledged input. ${CLAIM_THEN_ACT}.`;
  const what = `${describeInput(input)} ${inputModel(input.model).acknowledged(input)}`;
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

/** An input as messages name it: its model, id, where it went, its scenario event. */
function describeInput(input: InputRecord): string {
  const event = input.eventIndex === undefined ? '' : ` (scenario event ${input.eventIndex})`;
  return `${inputModel(input.model).named(input.id, input.where)}${event}`;
}

/** An attempt as messages name it: its request id, environment, start, and the input(s) it processed. */
function describeAttempt(ref: AttemptRef): string {
  const { attempt, inputs } = ref;
  const of =
    inputs.length === 1
      ? describeInput(inputs[0]!)
      : `an SQS batch of ${attempt.batch?.messageIds.length ?? inputs.length} messages on ${inputs[0]?.where ?? '?'}`;
  return `attempt ${attempt.requestId} (${attempt.env}, started ${formatTime(attempt.startedAtMs)}, ${attempt.outcome}) of ${of}`;
}

function formatRepeat(v: Extract<ViolationData, { check: 'noRepeatAfterSuccess' }>): string {
  const subject = subjectOf(v.service, v.op);
  if (v.kind === 'repeatedAfterSuccess')
    return `${subject} for key ${v.key} was made again by ${describeAttempt(v.repeated)} after ${describeAttempt(v.succeeded)} had made it and succeeded at ${formatTime(v.succeeded.attempt.endedAtMs ?? 0)}: repeated after success (an idempotency library promises it never is). Such handlers usually go wrong by an idempotency record that does not outlive the redeliveries and retries (it expires too soon, is deleted when a later step fails, or is keyed on something that differs between deliveries: a message id, a timestamp or an attempt count in the hashed payload), or one kept only in memory. Keep the completed record (keyed on the business key) at least as long as a duplicate can arrive.`;
  return `${subject} for key ${v.key} was made by two overlapping attempts that both succeeded: ${describeAttempt(v.succeeded)} and ${describeAttempt(v.repeated)}. Such handlers usually go wrong by reading the idempotency record and acting on what it said, with no in-progress lock: both attempts saw "not done" and went ahead. Write an in-progress record with a conditional put before the effect, so a concurrent attempt fails (and is retried after the first completes) instead of repeating it.`;
}

function formatBatchResponse(v: Extract<ViolationData, { check: 'honestBatchResponses' }>): string {
  const batch = v.attempt.batch;
  const response = `invocation ${v.attempt.requestId} (batch of ${batch?.messageIds.length ?? '?'}, reported failed: ${list(batch?.failedIds ?? [])})`;
  const effect = `${subjectOf(v.service, v.op)} for key ${v.key ?? '?'}`;
  const record = describeInput(v.input);
  switch (v.kind) {
    case 'failedAfterEffect':
      return `${record} was reported as a batch item failure by ${response} although that invocation made its effect (${effect}): SQS redelivers it and the effect repeats. A record is reported only when its own processing failed. Such handlers usually go wrong by reporting every record of the batch when one fails, or the id of another record (an index or closure mix-up); report exactly the records whose processing threw (on FIFO, those and the rest of their group).`;
    case 'deletedWithoutEffect':
      return `${record} was deleted after ${response} returned, although its effect (${effect}) never landed: lost. Such handlers usually go wrong by catching a record's error and reporting nothing, or the id of another record, or by returning before a record's un-awaited work finished; report the failing record's own messageId as its itemIdentifier.`;
    case 'groupNotStopped':
      return `${record} of FIFO message group ${v.group ?? '?'} was deleted by ${response} although the earlier record ${v.earlierFailed ?? '?'} of its group in the same batch was reported failed: it was processed out of order, or lost. On FIFO, after a group's first failure the rest of the group must be reported too. Such handlers usually go wrong by processing records independently (Promise.all) or carrying on after a failure; stop the group at its first failure and report the rest (as Powertools' SqsFifoPartialProcessor does).`;
    default:
      return assertNever(v.kind);
  }
}

function formatSameAsFaultFree(v: Extract<ViolationData, { check: 'sameAsFaultFree' }>): string {
  if (v.kind === 'inputNotCompleted')
    return `${describeInput(v.input)}, body ${bodySummary(v.input.body)}, ended ${v.faultyState} under faults but ${v.faultFreeState} without faults: it did not do its work in one of the runs, so it was left out of the state comparison (this is no repeat, and no idempotency fix changes it). If it must not end so, give it more retries (maxReceiveCount, maximumRetryAttempts) or replay its DLQ / destination; noLostEvents checks that it was kept.`;
  const what =
    v.kind === 'stateDiffers'
      ? `table ${v.service} ends in a different state under faults than in the fault-free run of the same workload`
      : `api ${v.service} received different effects (op + args) under faults than in the fault-free run of the same workload`;
  const diff = `only under faults: ${list(v.onlyFaulty)}; only without faults: ${list(v.onlyFaultFree)}`;
  const inputs =
    v.inputs.length === 0
      ? ''
      : ` Inputs involved: ${v.inputs
          .slice(0, MAX_NAMED_INPUTS)
          .map((i) => `${describeInput(i)}, body ${bodySummary(i.body)}`)
          .join('; ')}${v.inputs.length > MAX_NAMED_INPUTS ? `; … (${v.inputs.length} in all)` : ''}.`;
  const leftOut =
    v.leftOut.length === 0
      ? ''
      : ` Compared like with like: ${v.leftOut.length} input${v.leftOut.length === 1 ? '' : 's'} that did not complete in both runs (${v.leftOut
          .slice(0, MAX_NAMED_INPUTS)
          .map((i) => (i.eventIndex === undefined ? i.id : `scenario event ${i.eventIndex}`))
          .join(', ')}) left out.`;
  return `${what} (${diff}).${inputs}${leftOut} A retry, redelivery, timeout or crash changed the outcome: ${IDEMPOTENCY_FIX}; write a done-marker only after the effect, and never read-modify-write without a condition.`;
}

const MAX_NAMED_INPUTS = 5;
const MAX_BODY_CHARS = 80;

/** A body's JSON, cut at a readable length. */
function bodySummary(body: unknown): string {
  const text = typeof body === 'string' ? body : itemJson(body);
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS - 3)}...` : text;
}

function formatLost(v: Extract<ViolationData, { check: 'noLostEvents' }>): string {
  return inputModel(v.model).lost(v);
}

function formatRetry(v: Extract<ViolationData, { check: 'retryPolicyHonored' }>): string {
  const at = formatTime(v.atMs);
  const model = inputModel(v.model);
  const input = model.named(v.input, v.where);
  switch (v.kind) {
    case 'tooManyAttempts':
      return `${model.retry?.tooManyAttempts(input, v, at) ?? `${input} ran ${v.attempts} attempts, the last at ${at} (at most ${v.limit ?? '?'}).`} ${MODEL_BUG_FIX}.`;
    case 'retryTooEarly':
      return `${input} started attempt ${v.attempts} at ${at}, before ${formatTime(v.earliestMs ?? 0)} (a retry waits the configured delay after the failed attempt: 1 minute, then 2, by default). ${MODEL_BUG_FIX}.`;
    case 'retriedAfterSuccess':
      return `${model.retry?.retriedAfterSuccess?.(input, v, at) ?? `${input} was invoked again at ${at} after it had succeeded (attempt ${v.attempts}; Lambda retries only failed attempts).`} ${MODEL_BUG_FIX}.`;
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

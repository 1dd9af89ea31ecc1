import type { AsyncEventRecord, DeliveryRecord } from '../models/async/AsyncModel.js';
import type { MessageRecord } from '../models/sqs/SqsQueue.js';
import type { CheckedResult } from './CheckedResult.js';
import { withMessage } from './formatViolation.js';
import type { NoLostEventsViolation } from './Violation.js';

/** Options of {@link noLostEvents}. */
export interface NoLostEventsOptions {
  /**
   * Whether an input still waiting or running at the end counts (`unfinished`). That is a liveness
   * property: it only means something once faults have healed and the run had time to finish.
   * @defaultValue true when the run ended quiescent (nothing left to do), false when it stopped at
   * a time limit or event budget
   */
  readonly requireFinished?: boolean;
}

/**
 * Every input ends in exactly one terminal state, none is lost:
 * - a synchronous request is answered (any response, errors included);
 * - an async event succeeds, or is discarded with its record delivered to an on-failure
 *   destination or dead-letter queue; discarded with neither configured, or with every delivery
 *   refused, is `lost`; dropped by AWS before any attempt is `lost`; `rejected` at invoke (the
 *   caller got the error) is terminal;
 * - an SQS message is deleted (after success), filtered, or dead-lettered (its copy on the DLQ is
 *   terminal too); expired is `lost`. Only messages of queues something consumed (a receive or a
 *   mapping in the trace) are inputs: a queue used as a destination is storage, not work;
 * - a Kinesis record, for each stream mapping that reads it, is processed, filtered, or given up
 *   with its on-failure record delivered; expired from the stream, or given up with no
 *   destination taking the record, is `lost`.
 *
 * Inputs still waiting or running when the run ended are `unfinished`, reported only when the
 * run ended quiescent or `requireFinished` is set (safety first, then liveness: check a run whose
 * faults have healed).
 *
 * @example
 * ```ts
 * const result = await sim.run();
 * assertNoViolations(checks.noLostEvents(result));
 * ```
 */
export function noLostEvents(
  result: CheckedResult,
  options: NoLostEventsOptions = {},
): NoLostEventsViolation[] {
  const requireFinished = options.requireFinished ?? result.end.kind === 'quiescent';
  const out: NoLostEventsViolation[] = [];
  const base = {
    check: 'noLostEvents',
    condition: undefined,
    failureDelivery: undefined,
    deliveryErrors: [],
  } as const;
  // Sync requests, and which SQS messages wait for work, come from the input ledger; async events
  // from their delivery records (what each destination said), expired messages from every queue.
  const inputs = result.inputs;
  if (requireFinished)
    for (const input of inputs)
      if (input.model === 'sync' && input.state === 'pending')
        out.push(
          withMessage({
            ...base,
            kind: 'unfinished',
            model: 'sync',
            input: input.id,
            where: input.where,
            state: input.status,
          }),
        );
  for (const e of result.asyncEvents) {
    const found = asyncProblem(e, requireFinished);
    if (found !== undefined) out.push(withMessage(found));
  }
  // The ledger's SQS inputs are the messages of consumed queues, DLQ copies left out: only they
  // wait for work. An expired message is lost wherever it was.
  const waiting = new Set<string>();
  for (const input of inputs) if (input.model === 'sqs' && input.state === 'pending') waiting.add(input.id);
  for (const m of result.messages) {
    const kind = messageProblem(m, waiting, requireFinished);
    if (kind !== undefined)
      out.push(
        withMessage({ ...base, kind, model: 'sqs', input: m.messageId, where: m.queue, state: m.status }),
      );
  }
  for (const r of result.streamRecords) {
    const fate = r.fate;
    const lost = fate.state === 'expired' || (fate.state === 'discarded' && fate.target === undefined);
    if (!lost && !(fate.state === 'pending' && requireFinished)) continue;
    const configured = fate.state === 'discarded' && r.onFailure !== undefined;
    out.push(
      withMessage({
        ...base,
        kind: lost ? 'lost' : 'unfinished',
        model: r.model,
        input: r.eventId,
        where: r.stream,
        state: fate.state,
        condition: fate.state === 'discarded' ? fate.condition : undefined,
        failureDelivery: fate.state === 'discarded' ? (configured ? 'failed' : 'notConfigured') : undefined,
        deliveryErrors: configured ? [`${r.onFailure}: refused the record`] : [],
      }),
    );
  }
  return out;
}

function asyncProblem(
  e: AsyncEventRecord,
  requireFinished: boolean,
): Omit<NoLostEventsViolation, 'message'> | undefined {
  const base = {
    check: 'noLostEvents',
    model: 'async',
    input: e.requestId,
    where: e.fn,
    state: e.state,
    condition: undefined,
    failureDelivery: undefined,
    deliveryErrors: [],
  } as const;
  switch (e.state) {
    case 'succeeded':
    case 'rejected':
      return undefined;
    case 'queued':
    case 'inFlight':
      return requireFinished ? { ...base, kind: 'unfinished' } : undefined;
    case 'dropped':
      return { ...base, kind: 'lost' };
    case 'discarded': {
      const deliveries = [e.destination, e.deadLetter].filter(
        (d): d is DeliveryRecord => d !== undefined && d.role !== 'onSuccess',
      );
      if (deliveries.some((d) => d.result.ok)) return undefined;
      return {
        ...base,
        kind: 'lost',
        condition: e.condition,
        failureDelivery: deliveries.length === 0 ? 'notConfigured' : 'failed',
        deliveryErrors: deliveries.map((d) => `${d.target}: ${d.result.ok ? 'ok' : d.result.reason}`),
      };
    }
    default:
      return assertNever(e.state);
  }
}

function messageProblem(
  m: MessageRecord,
  waiting: ReadonlySet<string>,
  requireFinished: boolean,
): 'lost' | 'unfinished' | undefined {
  switch (m.status) {
    case 'deleted':
    case 'filtered':
    case 'deadLettered':
      return undefined;
    case 'expired':
      return 'lost';
    case 'visible':
    case 'inFlight':
    case 'delayed':
      // A DLQ's copy and a message on a queue nobody consumes are stored, not waiting for work.
      return requireFinished && waiting.has(m.messageId) ? 'unfinished' : undefined;
    default:
      return assertNever(m.status);
  }
}

/** @internal The queue of a mapping named `queue→fn`. */
export function queueOfMapping(mapping: string): string {
  const at = mapping.lastIndexOf('→');
  return at < 0 ? mapping : mapping.slice(0, at);
}

function assertNever(value: never): never {
  throw new Error(`noLostEvents: unexpected state ${String(value)}`);
}

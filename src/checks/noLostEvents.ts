import type { CheckedResult } from './CheckedResult.js';
import { withMessage } from './formatViolation.js';
import { INPUT_MODEL_DESCRIPTORS } from './inputModels/registry.js';
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
  // Each input model finds its own lost and unfinished inputs (sync requests and which SQS
  // messages wait for work from the ledger, async events from their delivery records, …).
  return INPUT_MODEL_DESCRIPTORS.flatMap((model) => model.problems(result, requireFinished)).map((found) =>
    withMessage(found),
  );
}

/** @internal The queue of a mapping named `queue→fn`. */
export function queueOfMapping(mapping: string): string {
  const at = mapping.lastIndexOf('→');
  return at < 0 ? mapping : mapping.slice(0, at);
}

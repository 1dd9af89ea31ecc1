import type { InputAttempt, InputModel, InputRecord } from '../results/InputRecord.js';
import type { Effect } from '../services/ExternalApi.js';

/**
 * One invocation of the handler and the inputs it processed: one input for a sync request or an
 * async event, every message of the batch for SQS (the ledger lists a batch's attempt on each).
 */
export interface AttemptRef {
  readonly attempt: InputAttempt;
  /** The inputs it processed (SQS: in the batch's `Records` order, where the ledger has them). */
  readonly inputs: readonly InputRecord[];
}

export type { InputModel } from '../results/InputRecord.js';

/**
 * A key's effects ran more than once (`duplicateEffect`), an input was acknowledged as processed
 * but its effect never landed (`acknowledgedWithoutEffect`), or an expected key had none
 * (`missingEffect`).
 */
export interface ExactlyOnceViolation {
  readonly check: 'exactlyOnce';
  readonly kind: 'duplicateEffect' | 'acknowledgedWithoutEffect' | 'missingEffect';
  /** The service of the effects (or `'effects'` when none were given). */
  readonly service: string;
  /** The operation, when every effect checked has the same one. */
  readonly op?: string | undefined;
  /** The key; for `acknowledgedWithoutEffect` without an `inputKey`, undefined (matched through attempts). */
  readonly key: string | undefined;
  /** How many effects the key had (0 for a missing one). */
  readonly count: number;
  /** The key's effects, in landing order (who made them, when). */
  readonly effects: readonly Effect[];
  /** `acknowledgedWithoutEffect`: the input, from the ledger (its attempts and their faults). */
  readonly input?: InputRecord;
  readonly message: string;
}

/**
 * The contract of idempotency libraries broken: a key's effect was made again by an attempt that
 * started after an attempt that made it had succeeded (`repeatedAfterSuccess`), or two
 * overlapping attempts both made it and both succeeded (`bothSucceeded`).
 */
export interface NoRepeatAfterSuccessViolation {
  readonly check: 'noRepeatAfterSuccess';
  readonly kind: 'repeatedAfterSuccess' | 'bothSucceeded';
  readonly service: string;
  readonly op?: string | undefined;
  readonly key: string;
  /** The attempt that made the effect and succeeded (the first to). */
  readonly succeeded: AttemptRef;
  /** The attempt that made it again after that success, or the overlapping one that succeeded too. */
  readonly repeated: AttemptRef;
  /** The key's effects, in landing order. */
  readonly effects: readonly Effect[];
  readonly message: string;
}

/**
 * A partial-batch response that does not match what the batch's records did: a record reported
 * failed although its effect landed (`failedAfterEffect`), deleted although its effect never
 * landed (`deletedWithoutEffect`), or, on FIFO, deleted after an earlier record of its message
 * group in the batch was reported failed (`groupNotStopped`).
 */
export interface HonestBatchResponsesViolation {
  readonly check: 'honestBatchResponses';
  readonly kind: 'failedAfterEffect' | 'deletedWithoutEffect' | 'groupNotStopped';
  readonly service: string;
  readonly op?: string | undefined;
  /** The record's key (`inputKey`); undefined when it expects no effect (`groupNotStopped` only). */
  readonly key: string | undefined;
  /** The record (SQS message), from the ledger. */
  readonly input: InputRecord;
  /** The invocation whose response reported (or deleted) it: `attempt.batch` has the batch and its failed ids. */
  readonly attempt: InputAttempt;
  /** The record's effects made by that invocation. */
  readonly effects: readonly Effect[];
  /** `groupNotStopped`: the message group. */
  readonly group: string | undefined;
  /** `groupNotStopped`: the earlier record of the group reported failed in the same batch. */
  readonly earlierFailed: string | undefined;
  readonly message: string;
}

/** An expected key has no effect at all. */
export interface AtLeastOnceViolation {
  readonly check: 'atLeastOnce';
  readonly kind: 'missingEffect';
  readonly service: string;
  readonly op?: string | undefined;
  readonly key: string;
  readonly message: string;
}

/**
 * An input that did not end in exactly one terminal state: `lost` (it will never be processed:
 * dropped, expired, discarded with nowhere to go) or `unfinished` (still waiting or running when
 * the run ended; a liveness failure).
 */
export interface NoLostEventsViolation {
  readonly check: 'noLostEvents';
  readonly kind: 'lost' | 'unfinished';
  readonly model: InputModel;
  /** Request id, async request id or SQS message id. */
  readonly input: string;
  /** The function (sync, async) or the queue (sqs). */
  readonly where: string;
  /** Where it stood at the end: a request's `'running'`, an async event state or an SQS message status. */
  readonly state: string;
  /** async `discarded`: the discard condition (`RetriesExhausted`, `EventAgeExceeded`, …). */
  readonly condition: string | undefined;
  /** async `discarded`: no on-failure destination nor DLQ configured, or every delivery refused. */
  readonly failureDelivery: 'notConfigured' | 'failed' | undefined;
  /** async: why the destination / DLQ refused the record. */
  readonly deliveryErrors: readonly string[];
  readonly message: string;
}

/** A key's items arrived in another order than their sequence numbers. */
export interface OrderedPerKeyViolation {
  readonly check: 'orderedPerKey';
  readonly kind: 'outOfOrder';
  readonly key: string;
  /** The key's sequence numbers, sorted (the order they should have arrived in). */
  readonly expected: readonly (string | number)[];
  /** The key's sequence numbers, in arrival order. */
  readonly actual: readonly (string | number)[];
  readonly message: string;
}

/**
 * Lambda did not follow its retry rules: a synchronous request ran twice, an async event ran more
 * attempts than allowed or retried before the configured delay, or an SQS message that had been
 * deleted (or not delivered again) was invoked again.
 */
export interface RetryPolicyViolation {
  readonly check: 'retryPolicyHonored';
  readonly kind: 'tooManyAttempts' | 'retryTooEarly' | 'retriedAfterSuccess';
  readonly model: InputModel;
  /** Request id, async request id or SQS message id. */
  readonly input: string;
  /** The function (sync, async) or the queue (sqs). */
  readonly where: string;
  /** Attempts (invocations) seen so far, including the offending one. */
  readonly attempts: number;
  /** `tooManyAttempts`: the most allowed. */
  readonly limit: number | undefined;
  /** When the offending attempt started. */
  readonly atMs: number;
  /** `retryTooEarly`: the earliest instant the retry was allowed. */
  readonly earliestMs: number | undefined;
  readonly message: string;
}

/**
 * The final state under faults differs from the fault-free run of the same workload
 * ({@link SameAsFaultFreeStateViolation}), or, with `notCompleted: 'report'`, an input completed
 * in one run but not in the other ({@link InputNotCompletedViolation}).
 */
export type SameAsFaultFreeViolation = SameAsFaultFreeStateViolation | InputNotCompletedViolation;

/** The final state of a service under faults differs from the fault-free run, inputs compared like with like. */
export interface SameAsFaultFreeStateViolation {
  readonly check: 'sameAsFaultFree';
  /** `stateDiffers`: a table's items; `effectsDiffer`: an external API's effects (op + args, as a multiset). */
  readonly kind: 'stateDiffers' | 'effectsDiffer';
  readonly service: string;
  /** The faulty run's side: table items (sorted by key) or `{ op, args }` effects (sorted). */
  readonly faulty: readonly unknown[];
  /** The fault-free run's side, in the same form. */
  readonly faultFree: readonly unknown[];
  /** Entries only in the faulty run (for effects, one per extra occurrence). */
  readonly onlyFaulty: readonly unknown[];
  /** Entries only in the fault-free run. */
  readonly onlyFaultFree: readonly unknown[];
  /**
   * Compared inputs involved in the differences: whose effects differ, or whose body holds the
   * key of a differing item (empty without the input ledgers).
   */
  readonly inputs: readonly InputRecord[];
  /** Inputs left out of the comparison: completed in one run only (see `inputNotCompleted`). */
  readonly leftOut: readonly InputRecord[];
  readonly message: string;
}

/**
 * An input that completed in one run but not in the other (dead-lettered, discarded, … under
 * faults): left out of the state comparison, reported only with `notCompleted: 'report'`. Not a
 * repeat: whether it may end so is for `noLostEvents` and the redrive / retry settings.
 */
export interface InputNotCompletedViolation {
  readonly check: 'sameAsFaultFree';
  readonly kind: 'inputNotCompleted';
  /** The input (the faulty run's record, else the fault-free run's). */
  readonly input: InputRecord;
  /** Where it ended under faults (`deadLettered to HandlerQueue-dlq`, `discarded (RetriesExhausted)`, …). */
  readonly faultyState: string;
  /** Where it ended without faults. */
  readonly faultFreeState: string;
  readonly message: string;
}

/**
 * A broken invariant, as data: which check, what it found, and a message that explains the rule
 * and suggests the fix. Checks return `Violation[]` (empty = the invariant holds). The `message`
 * is made by {@link formatViolation} from the other fields (words live in one place).
 */
export type Violation =
  | ExactlyOnceViolation
  | NoRepeatAfterSuccessViolation
  | HonestBatchResponsesViolation
  | AtLeastOnceViolation
  | NoLostEventsViolation
  | OrderedPerKeyViolation
  | RetryPolicyViolation
  | SameAsFaultFreeViolation
  | CustomViolation;

/**
 * A user-defined invariant broken (an example's own check, a domain rule): `kind` names it and
 * `explanation` says what went wrong and how to fix it. Build it with {@link customViolation}.
 */
export interface CustomViolation {
  readonly check: 'custom';
  readonly kind: string;
  readonly explanation: string;
  readonly message: string;
}

/** A {@link CustomViolation} whose message is its explanation. */
export function customViolation(kind: string, explanation: string): CustomViolation {
  return { check: 'custom', kind, explanation, message: explanation };
}

export type CheckName = Violation['check'];

/** A violation without its message: what a check builds before the formatter words it. */
export type ViolationData = WithoutMessage<Violation>;

type WithoutMessage<V> = V extends Violation ? Omit<V, 'message'> : never;

import type { Effect } from '../services/ExternalApi.js';
import type { DiscardCondition, FailureCause, StreamDiscardCondition, TraceEvent } from '../TraceEvent.js';

/** Which invocation model an input (request, event, message) went through. */
export type InputModel = 'sync' | 'async' | 'sqs' | 'kinesis' | 'dynamodb-streams';

/** A fault of the plan as the trace recorded it when it took effect (`fault.injected`). */
export type InjectedFault = Extract<TraceEvent, { kind: 'fault.injected' }>;

/**
 * The SQS batch an attempt processed: the messages handed to the invocation and what the mapping
 * made of its answer (`undefined` while the invocation ran when the run ended).
 */
export interface InputBatch {
  /** The batch's messages (SQS message ids; stream `eventID`s), in the order of the event's `Records`. */
  readonly messageIds: readonly string[];
  /** `succeeded`: every message deleted; `partiallyFailed`: `failedIds` reported; `failed`: none deleted. */
  readonly outcome: 'succeeded' | 'partiallyFailed' | 'failed' | undefined;
  /** The messages reported as batch item failures (`partiallyFailed` only; empty otherwise). */
  readonly failedIds: readonly string[];
}

interface AttemptCommon {
  /** The invocation's request id (an async event's retries share it; an SQS batch has its own). */
  readonly requestId: string;
  readonly fn: string;
  /** The execution environment that ran it (`Handler#2`). */
  readonly env: string;
  /** When the handler was started (or, for an attempt whose Init failed, when it failed). */
  readonly startedAtMs: number;
  /**
   * How its effects belong to the input: `own` when the invocation processed this input alone;
   * `batch` when it was an SQS batch of several messages, whose effects are listed on every
   * message of the batch (lambdasim cannot know which record the handler was processing when it
   * made a call; give the checks an `inputKey` to sort them by key).
   */
  readonly attribution: 'own' | 'batch';
  /** SQS or stream: the batch this attempt processed; undefined for sync and async attempts. */
  readonly batch: InputBatch | undefined;
  /**
   * Faults that hit this attempt: handler faults (`handlerError`, `handlerTimeout`,
   * `crashAfterCalls`), a `coldStart`, a `reclaimAfterReturn` (its environment reclaimed as it
   * ended: calls it left in flight may never land), and call faults on calls the attempt made.
   */
  readonly faults: readonly InjectedFault[];
  /** The effects of calls this attempt sent (landing order), whenever they landed. */
  readonly effects: readonly Effect[];
}

/** One invocation of the handler for an input, with how it ended. Keyed by `outcome`. */
export type InputAttempt =
  | (AttemptCommon & { readonly outcome: 'succeeded'; readonly endedAtMs: number })
  | (AttemptCommon & {
      readonly outcome: 'failed';
      readonly endedAtMs: number;
      /** `Sandbox.Timedout`, `Runtime.ExitError`, the thrown error's name, … */
      readonly errorType: string;
      readonly cause: FailureCause;
    })
  /** Still running when the run ended. */
  | (AttemptCommon & { readonly outcome: 'unfinished'; readonly endedAtMs: undefined });

interface InputCommon {
  readonly model: InputModel;
  /** The model's id: the sync request id, the async request id, the SQS message id, or the stream record's `eventID` (`shardId-…:sequenceNumber`). */
  readonly id: string;
  /** The function (sync, async), the queue (sqs) or the stream (kinesis) the input went to. */
  readonly where: string;
  /** The function that processed it (sqs: the mapping's function; undefined if none ran it). */
  readonly fn: string | undefined;
  /**
   * runScenario: the index in `scenario.events` of the event that made this input (a sync event
   * the client retried makes one input per request, all with its index; a producer's retry, a
   * `producerDuplicate` fault, is its own input with the index of the input it repeats); undefined
   * for inputs the scenario did not send, and for every input of a simulation run directly.
   */
  readonly eventIndex: number | undefined;
  /**
   * What the input carried: the payload (parsed from its JSON) for sync and async inputs; the
   * message body text for SQS (as SQS holds it: parse it yourself); a stream record's data as
   * base64 (as the event carries it). Undefined for a payload that
   * was not JSON (a rejected invoke).
   */
  readonly body: unknown;
  /** Every attempt, in start order (an async duplicate delivery's attempts included). */
  readonly attempts: readonly InputAttempt[];
  /** The effects its attempts made, attempt by attempt (see `attribution` for SQS batches). */
  readonly effects: readonly Effect[];
  /**
   * Faults aimed at the input itself rather than at one attempt: a `duplicateDelivery` (async
   * event or SQS delivery), `reorder`, `poisonRecord`, a `throttle` of a sync or async try, and a
   * `producerDuplicate` on the retry it made (on FIFO, where SQS drops the retry, on the message
   * it repeated).
   */
  readonly faults: readonly InjectedFault[];
}

/** Why an input ended without being processed and without a destination taking its record. */
export type DiscardReason =
  | DiscardCondition
  /** kinesis: given up with no on-failure destination taking the record (R-STREAM-5, R-STREAM-6). */
  | StreamDiscardCondition
  /** async: AWS dropped the event before any attempt (R-ASYNC-10). */
  | 'dropped'
  /** sqs, kinesis: the retention period passed. */
  | 'expired'
  /** sqs, kinesis: the mapping's filter criteria did not match; deleted (sqs) or skipped (kinesis) unprocessed. */
  | 'filtered'
  /** sync: a DryRun invoke (validated, never run). */
  | 'dryRun';

/**
 * One workload input (a sync request, an async event, an SQS message of a consumed queue, a record
 * of a Kinesis stream for each mapping that reads it) and how
 * it ended, as one union keyed by `state` (DESIGN §10). Read it from `result.inputs`.
 *
 * - `completed`: processed and acknowledged: a sync request answered 200 without a function
 *   error, an async event that succeeded (no on-success destination), an SQS message deleted
 *   after its processing succeeded, a stream record its mapping checkpointed past after success.
 * - `sentToDestination`: an async event (or stream record) whose record a destination took, with the `condition`
 *   (`Success` for an on-success destination: acknowledged, like `completed`).
 * - `deadLettered`: an SQS message moved to its DLQ, or an async event discarded to its
 *   dead-letter queue (no on-failure destination took it).
 * - `discarded`: ended unprocessed with no destination taking it, with the `reason`.
 * - `rejected`: refused when sent (the caller got the error: 400, 413, 429).
 * - `failed`: a sync request answered with a function error (the caller got it).
 * - `pending`: still waiting or running when the run ended, with where it stood (`status`).
 */
export type InputRecord =
  | (InputCommon & { readonly state: 'completed' })
  | (InputCommon & {
      readonly state: 'sentToDestination';
      readonly role: 'onSuccess' | 'onFailure';
      readonly condition: 'Success' | DiscardCondition | StreamDiscardCondition;
      /** The destination's ARN. */
      readonly target: string;
    })
  | (InputCommon & {
      readonly state: 'deadLettered';
      /** The DLQ: the queue name (sqs) or its ARN (async). */
      readonly target: string;
      /** async: the discard condition; undefined for sqs (maxReceiveCount reached). */
      readonly condition: DiscardCondition | undefined;
    })
  | (InputCommon & { readonly state: 'discarded'; readonly reason: DiscardReason })
  | (InputCommon & { readonly state: 'rejected'; readonly statusCode: number; readonly errorType: string })
  | (InputCommon & { readonly state: 'failed'; readonly errorType: string })
  | (InputCommon & {
      readonly state: 'pending';
      /** sync `running`; async `queued` / `inFlight`; sqs `visible` / `inFlight` / `delayed`; kinesis `inStream`. */
      readonly status: string;
    });

/** The terminal states of {@link InputRecord}. */
export type InputState = InputRecord['state'];

/**
 * Whether the input was acknowledged as processed: `completed`, or `sentToDestination` with
 * `Success` (Lambda ran it and reported success). Its effects must have landed.
 * @example
 * ```ts
 * result.inputs.filter(isAcknowledged).length; // inputs whose processing succeeded
 * ```
 */
export function isAcknowledged(input: InputRecord): boolean {
  return input.state === 'completed' || (input.state === 'sentToDestination' && input.role === 'onSuccess');
}

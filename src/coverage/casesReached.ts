import type { TraceEvent } from '../TraceEvent.js';

/**
 * The built-in interesting cases, each defined exactly from the trace of one run (see
 * {@link casesReached} for the definitions). An input is an async event (its request id; its
 * retries and duplicate deliveries share it), an SQS message on one queue (its queue and message
 * id; a batch invocation has one input per message; a message redriven to a dead-letter queue
 * keeps its id but is a new input there), a stream record for one mapping (its mapping and
 * sequence number; a stream batch has one input per record) or a synchronous request (its request id; Lambda never
 * runs it twice). An invocation runs from its `invoke.started` to its `invoke.succeeded` /
 * `invoke.failed`; an attempt that failed in Init (an `invoke.failed` with no start) is an
 * invocation too.
 */
export const COVERAGE_CASES = [
  'retryAfterTimeout',
  'retryAfterEffect',
  'redeliveryWhileInProgress',
  'deadLettered',
  'onFailureDestination',
  'partialBatchFailure',
  'throttled',
  'clientTimedOut',
  'faultInjected',
  'shardBlocked',
  'batchBisected',
  'recordAgeExceeded',
  'checkpointPastFailure',
  'producerRetried',
  'ttlRemoveRead',
] as const;

/** One built-in interesting case: a name from {@link COVERAGE_CASES}. */
export type CoverageCase = (typeof COVERAGE_CASES)[number];

/** The part of a result the detectors read. */
export interface TracedResult {
  readonly trace: readonly TraceEvent[];
}

interface Invocation {
  readonly requestId: string;
  /** Input keys: the request id (async event, sync request) or `m:<queue>:<messageId>` (SQS message). */
  readonly inputs: readonly string[];
  /** A service call this invocation sent has landed with `ok: true` (an effect at the service). */
  landed: boolean;
  /** Ended with `invoke.failed`, cause `timeout`. */
  timedOut: boolean;
}

/**
 * The built-in interesting cases one run reached, read from its trace in one pass:
 *
 * - `retryAfterTimeout`: an invocation timed out (`invoke.failed`, cause `timeout`) and one of its
 *   inputs (the async event, an SQS message of its batch, on the same queue) was invoked again
 *   after it ended;
 * - `retryAfterEffect`: an input failed in an invocation (any cause: a function error, a timeout,
 *   a crash such as a `crashAfterCalls` fault's `Runtime.ExitError`; for an SQS message also an
 *   item the batch reported failed, or a batch whose response the mapping refused), a service
 *   call that invocation sent landed with `ok: true` (its effect done at the service), and the
 *   input was invoked again after both: the retry that duplicates a side effect (for a batch, the
 *   effect may be another message's: the trace does not say which record a call was for);
 * - `redeliveryWhileInProgress`: an input was invoked while an earlier invocation of the same
 *   input was still running (an async event delivered twice, as a `duplicateDelivery` fault does;
 *   an SQS message received by a second batch while the first still runs: its visibility timeout
 *   ended first, or a duplicate receive);
 * - `deadLettered`: a message or async event reached a dead-letter queue (`sqs.deadLettered`, or
 *   `destination.delivered` with role `deadLetter`);
 * - `onFailureDestination`: an async event's failure record was delivered to its on-failure
 *   destination (`destination.delivered` with role `onFailure`), or a stream mapping's record of
 *   given-up records was (`stream.recordsDiscarded` with `delivered`);
 * - `partialBatchFailure`: an SQS batch reported some items failed (`batch.partiallyFailed`);
 * - `throttled`: an invocation was throttled (`invoke.throttled`, `async.throttled`,
 *   `batch.throttled`, `stream.batchThrottled`);
 * - `clientTimedOut`: a synchronous caller stopped waiting while Lambda was still running its
 *   request (`request.clientTimedOut`); with client retries on, the retry runs alongside it;
 * - `faultInjected`: a fault of the plan fired (`fault.injected`): a fault aimed at an invocation
 *   or call the run never made does not count;
 * - `shardBlocked`: a failing batch blocked a stream shard (or lane) (`stream.shardBlocked`): no
 *   later record of it ran until the batch succeeded or was given up (R-STREAM-4);
 * - `batchBisected`: a failing stream batch was split in two (`stream.batchBisected`, R-STREAM-8);
 * - `recordAgeExceeded`: stream records were given up for being older than
 *   `maximumRecordAgeS` (`stream.recordsDiscarded` with condition `RecordAgeExceeded`, R-STREAM-6);
 * - `checkpointPastFailure`: a stream batch reported item failures after some records, so the
 *   checkpoint moved past the records before the lowest failed one and only the rest is retried
 *   (`stream.batchPartiallyFailed`, R-STREAM-9);
 * - `producerRetried`: a producer's retry became an input of its own (an `async.accepted` or
 *   `sqs.sent` with `retryOf`, as a `producerDuplicate` fault makes): the same body under a new
 *   request or message id, which a handler deduplicating by that id processes twice. A retry that
 *   FIFO deduplication dropped does not count.
 * - `ttlRemoveRead`: a REMOVE record made by DynamoDB's TTL process (`dynamodb.streamRecord` with
 *   `by: 'ttl'`, no `NewImage`, the service as `userIdentity`) reached the handler: a stream batch
 *   holding it started an invocation (`stream.batchInvoked`, then `invoke.started`).
 *
 * Gotcha: a synchronous client retry is a new request the trace does not link to the first
 * (`request.received` names no caller), so the retry cases cover async events and SQS messages;
 * for sync workloads `clientTimedOut` is the case to watch. A stream batch's records are inputs of
 * the retry cases like an SQS batch's messages.
 *
 * @example
 * ```ts
 * const result = await runScenario(scenario, setup);
 * if (casesReached(result).has('retryAfterEffect')) console.log('a retry after a landed charge');
 * ```
 */
export function casesReached(result: TracedResult): ReadonlySet<CoverageCase> {
  const reached = new Set<CoverageCase>();
  /** SQS batch request id → its messages' input keys. */
  const batchInputs = new Map<string, readonly string[]>();
  /** SQS batch request id → its invocation, for the batch's verdict after the invocation ended. */
  const batches = new Map<string, Invocation>();
  /** Environment → the invocation it runs (an environment runs one invocation at a time). */
  const running = new Map<string, Invocation>();
  const runningCount = new Map<string, number>();
  const failedOf = new Map<string, Invocation[]>();
  const callOwner = new Map<number, Invocation>();
  /** Stream batch request id → its records' sequence numbers (for a partial failure's rest). */
  const streamBatches = new Map<string, readonly string[]>();
  /** TTL REMOVE records, as `<table>:<sequenceNumber>` (a table's stream is named after the table). */
  const ttlRemoves = new Set<string>();
  /** Stream batches holding a TTL REMOVE, by request id, until an invocation starts them. */
  const ttlBatches = new Set<string>();

  const invocation = (requestId: string): Invocation => ({
    requestId,
    inputs: batchInputs.get(requestId) ?? [requestId],
    landed: false,
    timedOut: false,
  });
  /** A new invocation of `inv`'s inputs begins: is it a redelivery or a retry? */
  const begins = (inv: Invocation): void => {
    for (const input of inv.inputs) {
      if ((runningCount.get(input) ?? 0) > 0) reached.add('redeliveryWhileInProgress');
      const failed = failedOf.get(input);
      if (failed === undefined) continue;
      for (const f of failed) {
        if (f.timedOut) reached.add('retryAfterTimeout');
        if (f.landed) reached.add('retryAfterEffect');
      }
    }
  };
  /** The invocation `requestId` of `env` ends; undefined when it never started (failed in Init). */
  const ends = (requestId: string, env: string): Invocation | undefined => {
    const inv = running.get(env);
    if (inv === undefined || inv.requestId !== requestId) return undefined;
    running.delete(env);
    for (const input of inv.inputs) runningCount.set(input, runningCount.get(input)! - 1);
    return inv;
  };
  /** `inputs` failed in `inv`: invoking one of them again is a retry. */
  const failed = (inv: Invocation, inputs: readonly string[]): void => {
    for (const input of inputs) {
      const list = failedOf.get(input);
      if (list === undefined) failedOf.set(input, [inv]);
      else list.push(inv);
    }
  };

  for (const ev of result.trace) {
    switch (ev.kind) {
      case 'batch.invoked': {
        const queue = queueOf(ev.mapping);
        const inputs = ev.messageIds.map((id) => `m:${queue}:${id}`);
        batchInputs.set(ev.requestId, inputs);
        // Handed to Lambda again while a batch holding it still runs (the new batch's Init may
        // outlast the first batch, so its invoke.started can come too late to tell).
        if (inputs.some((input) => (runningCount.get(input) ?? 0) > 0))
          reached.add('redeliveryWhileInProgress');
        break;
      }
      case 'dynamodb.streamRecord':
        if (ev.by === 'ttl') ttlRemoves.add(`${ev.table}:${ev.sequenceNumber}`);
        break;
      case 'stream.batchInvoked': {
        // The mapping is named `<stream>→<function>`.
        const stream = ev.mapping.slice(0, ev.mapping.lastIndexOf('→'));
        if (ttlRemoves.size > 0 && ev.sequenceNumbers.some((seq) => ttlRemoves.has(`${stream}:${seq}`)))
          ttlBatches.add(ev.requestId);
        const inputs = ev.sequenceNumbers.map((seq) => `k:${ev.mapping}:${seq}`);
        batchInputs.set(ev.requestId, inputs);
        streamBatches.set(ev.requestId, ev.sequenceNumbers);
        if (inputs.some((input) => (runningCount.get(input) ?? 0) > 0))
          reached.add('redeliveryWhileInProgress');
        break;
      }
      case 'stream.batchFailed': {
        // A refused response, or the first record reported failed: the whole batch is retried.
        const inv = batches.get(ev.requestId);
        if (ev.reason !== 'functionError' && inv !== undefined) failed(inv, inv.inputs);
        break;
      }
      case 'stream.batchPartiallyFailed': {
        reached.add('checkpointPastFailure');
        const inv = batches.get(ev.requestId);
        const seqs = streamBatches.get(ev.requestId) ?? [];
        const from = seqs.indexOf(ev.failedFrom);
        if (inv !== undefined && from >= 0)
          failed(
            inv,
            seqs.slice(from).map((seq) => `k:${ev.mapping}:${seq}`),
          );
        break;
      }
      case 'stream.shardBlocked':
        reached.add('shardBlocked');
        break;
      case 'stream.batchBisected':
        reached.add('batchBisected');
        break;
      case 'stream.recordsDiscarded':
        if (ev.condition === 'RecordAgeExceeded') reached.add('recordAgeExceeded');
        if (ev.delivered) reached.add('onFailureDestination');
        break;
      case 'invoke.started': {
        if (ttlBatches.has(ev.requestId)) reached.add('ttlRemoveRead');
        const inv = invocation(ev.requestId);
        begins(inv);
        if (batchInputs.has(ev.requestId)) batches.set(ev.requestId, inv);
        running.set(ev.env, inv);
        for (const input of inv.inputs) runningCount.set(input, (runningCount.get(input) ?? 0) + 1);
        break;
      }
      case 'invoke.succeeded':
        ends(ev.requestId, ev.env);
        break;
      case 'invoke.failed': {
        let inv = ends(ev.requestId, ev.env);
        if (inv === undefined) {
          // Failed in Init, before the handler started: an attempt all the same.
          inv = invocation(ev.requestId);
          begins(inv);
        }
        inv.timedOut = ev.cause === 'timeout';
        failed(inv, inv.inputs);
        break;
      }
      case 'batch.failed': {
        // The invocation succeeded but its response was refused: the whole batch is retried. (A
        // function error was counted at its invoke.failed.)
        const inv = batches.get(ev.requestId);
        if (ev.reason === 'invalidResponse' && inv !== undefined) failed(inv, inv.inputs);
        break;
      }
      case 'call.sent':
        if (ev.requestId !== undefined) {
          const inv = running.get(ev.by);
          if (inv !== undefined && inv.requestId === ev.requestId) callOwner.set(ev.callId, inv);
        }
        break;
      case 'call.landed':
        if (ev.ok) {
          const inv = callOwner.get(ev.callId);
          if (inv !== undefined) inv.landed = true;
        }
        break;
      case 'sqs.deadLettered':
        reached.add('deadLettered');
        break;
      case 'destination.delivered':
        if (ev.role === 'deadLetter') reached.add('deadLettered');
        else if (ev.role === 'onFailure') reached.add('onFailureDestination');
        break;
      case 'batch.partiallyFailed': {
        reached.add('partialBatchFailure');
        const inv = batches.get(ev.requestId);
        if (inv !== undefined)
          failed(
            inv,
            ev.failedIds.map((id) => `m:${queueOf(ev.mapping)}:${id}`),
          );
        break;
      }
      case 'invoke.throttled':
      case 'async.throttled':
      case 'batch.throttled':
      case 'stream.batchThrottled':
        reached.add('throttled');
        break;
      case 'request.clientTimedOut':
        reached.add('clientTimedOut');
        break;
      case 'fault.injected':
        reached.add('faultInjected');
        break;
      case 'async.accepted':
      case 'sqs.sent':
        if (ev.retryOf !== undefined) reached.add('producerRetried');
        break;
      default:
        break;
    }
  }
  return reached;
}

/** The queue of a mapping named `<queue>→<function>` (neither name can hold `→`). */
function queueOf(mapping: string): string {
  const arrow = mapping.lastIndexOf('→');
  return arrow < 0 ? mapping : mapping.slice(0, arrow);
}

import type { FaultKind, FaultShape } from './faults/Fault.js';

/**
 * Every fact a run records, as one discriminated union keyed by `kind` (past tense). The trace
 * is append-only and hashed; each entry holds only deterministic data (no paths, no real time).
 *
 * Contents (payloads, responses, call arguments, message bodies) are not copied into the trace:
 * where one enters the simulation, its entry carries a `digest`, a 64-bit digest of its JSON text
 * (16 hex digits, see `contentDigest`), so that equal trace hashes mean equal contents too.
 * Content that lambdasim derives from other content (destination records, SQS event records,
 * SNS deliveries, schedule events) has no digest of its own: what it derives from has one.
 */
export type TraceEvent =
  | {
      atMs: number;
      kind: 'fault.injected';
      fault: FaultKind;
      /** The function, service or queue the fault names. */
      target: string;
      /** What `at` counts: the target's invocations, calls, async events, deliveries or messages. */
      point: FaultShape['point'];
      at: number;
    }
  | {
      atMs: number;
      kind: 'request.received';
      requestId: string;
      fn: string;
      via: RequestVia;
      bytes: number;
      /** Of the payload's JSON (and client context); absent when the payload is not JSON. */
      digest?: string;
    }
  | {
      atMs: number;
      kind: 'request.rejected';
      requestId: string;
      fn: string;
      statusCode: number;
      errorType: string;
    }
  | {
      atMs: number;
      kind: 'request.completed';
      requestId: string;
      fn: string;
      statusCode: number;
      functionError?: string;
    }
  | { atMs: number; kind: 'request.clientTimedOut'; requestId: string; fn: string; afterMs: number }
  | { atMs: number; kind: 'invoke.throttled'; requestId: string; fn: string; reason: ThrottleReason }
  | { atMs: number; kind: 'env.created'; fn: string; env: string; provisioned: boolean }
  | { atMs: number; kind: 'env.initStarted'; env: string; budgetMs: number }
  | { atMs: number; kind: 'env.initFinished'; env: string }
  | { atMs: number; kind: 'env.initAborted'; env: string; reason: 'initLimit' }
  | { atMs: number; kind: 'env.initFailed'; env: string; errorType: string }
  | {
      atMs: number;
      kind: 'invoke.started';
      requestId: string;
      fn: string;
      env: string;
      cold: boolean;
      attempt: number;
    }
  | {
      atMs: number;
      kind: 'invoke.succeeded';
      requestId: string;
      env: string;
      bytes: number;
      /** Of the response's JSON (always recorded; optional for traces built by hand). */
      digest?: string;
    }
  | {
      atMs: number;
      kind: 'invoke.failed';
      requestId: string;
      env: string;
      errorType: string;
      cause: FailureCause;
      /**
       * Of the error message (always recorded; optional for traces built by hand). The stack trace
       * is left out: it holds file paths.
       */
      digest?: string;
      /**
       * Only for a wrapped error (one with a `cause`): its message's first line, and the causes,
       * outermost first, each `Type: message`. Lambda's error body has neither (R-NODE-1).
       */
      message?: string;
      causes?: readonly string[];
    }
  | { atMs: number; kind: 'env.frozen'; env: string; pendingWork: number }
  | { atMs: number; kind: 'env.thawed'; env: string; resumed: number }
  | { atMs: number; kind: 'env.reset'; env: string; reason: ResetReason }
  | { atMs: number; kind: 'env.reclaimed'; env: string; idleSinceMs: number }
  | {
      atMs: number;
      kind: 'call.sent';
      callId: number;
      service: string;
      op: string;
      by: string;
      requestId?: string;
      /** Of the call's arguments (an API's args, a table's key, item, changes and condition). */
      digest?: string;
    }
  | {
      atMs: number;
      kind: 'call.landed';
      callId: number;
      service: string;
      op: string;
      ok: boolean;
      /** Of the response (when the service returns data) or of the error (`name: message`). */
      digest?: string;
    }
  | {
      atMs: number;
      kind: 'call.lost';
      callId: number;
      service: string;
      op: string;
      /**
       * `suspendedCallerGone`: the request was suspended in its frozen environment (R-ENV-4), which
       * was reclaimed or reset before any invocation thawed it.
       */
      reason: 'callerDied' | 'injectedTimeout' | 'suspendedCallerGone';
    }
  | {
      atMs: number;
      /**
       * The caller's environment froze before the request left it (R-ENV-4): it goes on when the
       * environment thaws, and never lands if the environment is reclaimed or reset first.
       */
      kind: 'call.suspended';
      callId: number;
      service: string;
      op: string;
      env: string;
    }
  | { atMs: number; kind: 'call.dropped'; service: string; op: string; by: string; reason: 'callerDead' }
  | { atMs: number; kind: 'call.returned'; callId: number; service: string; op: string; ok: boolean }
  | {
      atMs: number;
      /** An idempotency key seen before: the call gets call `replayOf`'s stored outcome, no new effect. */
      kind: 'call.replayed';
      callId: number;
      service: string;
      op: string;
      key: string;
      replayOf: number;
      /** Whether the stored outcome was a success. */
      ok: boolean;
    }
  | { atMs: number; kind: 'caller.started'; caller: string }
  | { atMs: number; kind: 'caller.finished'; caller: string; ok: boolean }
  | {
      atMs: number;
      kind: 'frontDoor.responded';
      door: 'ApiGateway' | 'ALB';
      /** Absent when the front door answered without invoking Lambda (ALB 413). */
      requestId?: string;
      statusCode: number;
      cause: FrontDoorCause;
    }
  | { atMs: number; kind: 'determinism.violated'; by: string; resource: string }
  // --- asynchronous invocation, destinations and push sources (src/models/async, src/models/sources) ---
  | {
      atMs: number;
      kind: 'async.accepted';
      requestId: string;
      fn: string;
      /** `invokeAsync`, `sns:<topic>`, `schedule:<name>`, `destination:<source>`. */
      source: string;
      /** The extra delivery of a duplicated event (R-ASYNC-10). */
      duplicate: boolean;
      /** A producer's retry (`producerDuplicate` fault): the request id of the event it repeats. */
      retryOf?: string;
      /** Of the payload's JSON (and client context), for `invokeAsync`; other sources derive theirs. */
      digest?: string;
    }
  | {
      atMs: number;
      kind: 'async.rejected';
      requestId: string;
      fn: string;
      statusCode: number;
      errorType: string;
    }
  | {
      atMs: number;
      kind: 'async.throttled';
      requestId: string;
      fn: string;
      reason: ThrottleReason;
      retryAtMs: number;
    }
  | {
      atMs: number;
      kind: 'async.retryScheduled';
      requestId: string;
      fn: string;
      attempt: number;
      retryAtMs: number;
    }
  | { atMs: number; kind: 'async.succeeded'; requestId: string; fn: string; attempts: number }
  | {
      atMs: number;
      kind: 'async.discarded';
      requestId: string;
      fn: string;
      condition: DiscardCondition;
      attempts: number;
    }
  | { atMs: number; kind: 'async.dropped'; requestId: string; fn: string }
  | {
      atMs: number;
      kind: 'destination.delivered';
      requestId: string;
      fn: string;
      role: DeliveryRole;
      target: string;
      messageId: string;
    }
  | {
      atMs: number;
      kind: 'destination.failed';
      requestId: string;
      fn: string;
      role: DeliveryRole;
      target: string;
      reason: string;
    }
  | {
      atMs: number;
      kind: 'sns.published';
      topic: string;
      messageId: string;
      subscribers: number;
      /** Of the message, when code published it (not for a record Lambda delivered). */
      digest?: string;
    }
  | { atMs: number; kind: 'schedule.fired'; schedule: string; fn: string; requestId: string }
  // --- SQS queues and the SQS event source mapping (src/models/sqs) ---
  | {
      atMs: number;
      kind: 'sqs.sent';
      queue: string;
      messageId: string;
      /** SenderId, or the delivering source (e.g. an async destination). */
      by: string;
      /**
       * The body's size, when code sent it; absent for a record Lambda or SNS delivered, whose
       * size depends on stack traces, i.e. on file paths.
       */
      bytes?: number;
      delayS?: number;
      messageGroupId?: string;
      /** Of the body and attributes, when code sent it (not for a record Lambda or SNS delivered). */
      digest?: string;
      /** A producer's retry (`producerDuplicate` fault): the message id of the message it repeats. */
      retryOf?: string;
    }
  | { atMs: number; kind: 'sqs.deduplicated'; queue: string; messageId: string; deduplicationId: string }
  | { atMs: number; kind: 'sqs.received'; queue: string; messageId: string; receiveCount: number }
  | { atMs: number; kind: 'sqs.reappeared'; queue: string; messageId: string; receiveCount: number }
  | { atMs: number; kind: 'sqs.deleted'; queue: string; messageId: string }
  | { atMs: number; kind: 'sqs.filtered'; queue: string; messageId: string }
  | {
      atMs: number;
      kind: 'sqs.deadLettered';
      queue: string;
      messageId: string;
      deadLetterQueue: string;
      receiveCount: number;
    }
  | { atMs: number; kind: 'sqs.expired'; queue: string; messageId: string }
  | {
      atMs: number;
      kind: 'batch.invoked';
      mapping: string;
      requestId: string;
      fn: string;
      messageIds: string[];
    }
  | { atMs: number; kind: 'batch.succeeded'; mapping: string; requestId: string; deleted: number }
  | {
      atMs: number;
      kind: 'batch.partiallyFailed';
      mapping: string;
      requestId: string;
      deleted: number;
      failedIds: string[];
    }
  | {
      atMs: number;
      kind: 'batch.failed';
      mapping: string;
      requestId: string;
      reason: 'functionError' | 'invalidResponse';
      detail: string;
    }
  | {
      atMs: number;
      kind: 'batch.throttled';
      mapping: string;
      reason: ThrottleReason;
      /** Absent when the mapping gave up: the messages reappear when their visibility timeout ends. */
      retryAtMs?: number;
    }
  | {
      atMs: number;
      kind: 'batch.emptied';
      mapping: string;
      /** The batch's messages, none still its to hand over (deleted, or received again by another poller). */
      messageIds: string[];
    }
  | {
      atMs: number;
      kind: 'mapping.scaled';
      mapping: string;
      from: number;
      to: number;
      why: 'scaledUp' | 'throttle' | 'functionError' | 'idle';
    }
  // --- Kinesis streams and the stream event source mapping (src/models/streams) ---
  | {
      atMs: number;
      kind: 'kinesis.put';
      stream: string;
      shardId: string;
      sequenceNumber: string;
      partitionKey: string;
      /** The function or caller that put it (`workload` for test code). */
      by: string;
      bytes: number;
      /** Of the data (base64). */
      digest?: string;
    }
  | {
      atMs: number;
      /** A table's DynamoDB stream got a record (a write through either door, or a TTL deletion). */
      kind: 'dynamodb.streamRecord';
      table: string;
      eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
      sequenceNumber: string;
      /** The item's key attributes as JSON. */
      keys: string;
      by: 'write' | 'ttl';
    }
  | {
      atMs: number;
      kind: 'stream.batchInvoked';
      mapping: string;
      shardId: string;
      /** The partition-key lane (R-STREAM-2); 0 with `parallelizationFactor` 1. */
      lane: number;
      requestId: string;
      fn: string;
      /** Invocations of this batch so far, this one included, since its attempt count started. */
      attempt: number;
      sequenceNumbers: string[];
      /** The records' `eventID`s when they are not `shardId:sequenceNumber` (a DynamoDB stream). */
      eventIds?: string[];
      /** A tumbling window's final or early-termination invoke (no records), R-STREAM-12. */
      windowInvoke?: 'final' | 'terminatedEarly';
    }
  | { atMs: number; kind: 'stream.batchSucceeded'; mapping: string; shardId: string; requestId: string }
  | {
      atMs: number;
      kind: 'stream.batchFailed';
      mapping: string;
      shardId: string;
      requestId: string;
      /** `functionError`: threw, timed out or crashed; `invalidResponse`: a malformed batchItemFailures list (R-STREAM-9b); `partialFailure`: the first record was reported (R-STREAM-9c); `stateMissing`: a tumbling window's response had no `state` (R-STREAM-12). */
      reason: ShardBlockCause;
      detail: string;
    }
  | {
      atMs: number;
      kind: 'stream.batchPartiallyFailed';
      mapping: string;
      shardId: string;
      requestId: string;
      /** The lowest reported sequence number: the new checkpoint's next record. */
      failedFrom: string;
      /** Records before it, now done. */
      done: number;
      /** Records from it to the end of the batch, retried as a new batch. */
      retried: number;
    }
  | {
      atMs: number;
      kind: 'stream.batchThrottled';
      mapping: string;
      shardId: string;
      reason: ThrottleReason;
      retryAtMs: number;
    }
  | {
      atMs: number;
      kind: 'stream.retryScheduled';
      mapping: string;
      shardId: string;
      lane: number;
      /** The retry's number (1 = first retry) of this batch's attempt count. */
      retry: number;
      retryAtMs: number;
    }
  | {
      atMs: number;
      kind: 'stream.batchBisected';
      mapping: string;
      shardId: string;
      lane: number;
      first: number;
      second: number;
    }
  | {
      atMs: number;
      kind: 'stream.checkpointed';
      mapping: string;
      shardId: string;
      lane: number;
      sequenceNumber: string;
    }
  | {
      atMs: number;
      kind: 'stream.shardBlocked';
      mapping: string;
      shardId: string;
      lane: number;
      why: ShardBlockCause;
    }
  | {
      atMs: number;
      kind: 'stream.shardUnblocked';
      mapping: string;
      shardId: string;
      lane: number;
      blockedSinceMs: number;
      /** `succeeded`: the blocking records were all processed in the end; `discarded`: some were given up. */
      how: 'succeeded' | 'discarded';
    }
  | {
      atMs: number;
      kind: 'stream.recordsDiscarded';
      mapping: string;
      shardId: string;
      condition: StreamDiscardCondition;
      firstSequenceNumber: string;
      lastSequenceNumber: string;
      count: number;
      approximateInvokeCount: number;
      /** The on-failure destination's ARN; absent when none is configured. */
      target?: string;
      /** Whether the destination took the record (false when it refused or none is configured). */
      delivered: boolean;
    }
  | {
      atMs: number;
      /** A lane of a mapping with a tumbling window opened a window: its first batch was read (R-STREAM-12). */
      kind: 'stream.windowOpened';
      mapping: string;
      shardId: string;
      lane: number;
      /** The window's bounds as the event's `window` gives them (ISO-8601). */
      start: string;
      end: string;
    }
  | {
      atMs: number;
      /**
       * A window's state was dropped: `final` after its final invoke succeeded, `terminatedEarly`
       * after the early-termination invoke (state over 1 MB; the window goes on with a fresh state),
       * `abandoned` when its final invoke ran out of retries or its records out of age/retention.
       */
      kind: 'stream.windowClosed';
      mapping: string;
      shardId: string;
      lane: number;
      start: string;
      end: string;
      how: 'final' | 'terminatedEarly' | 'abandoned';
      /** The dropped state's size as JSON, in UTF-8 bytes. */
      stateBytes: number;
    }
  | {
      atMs: number;
      kind: 'stream.recordsSkipped';
      mapping: string;
      shardId: string;
      /** `filtered`: no filter matched (R-STREAM-11); `expired`: past the stream's retention (R-STREAM-6). */
      why: 'filtered' | 'expired';
      firstSequenceNumber: string;
      lastSequenceNumber: string;
      count: number;
    };

export type TraceKind = TraceEvent['kind'];

/** Why a front door (API Gateway, ALB) answered as it did. */
export type FrontDoorCause =
  | 'ok'
  | 'functionError'
  | 'badProxyResponse'
  | 'responseTooLarge'
  | 'throttled'
  | 'rejected'
  | 'requestTooLarge'
  | 'integrationTimeout';

/** How a request entered Lambda. */
export type RequestVia = 'RequestResponse' | 'DryRun' | 'ApiGateway' | 'ALB';

/** R-SYNC-5 throttle reasons (the 429 body's `Reason`). */
export type ThrottleReason =
  'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded';

/** Why an async event was discarded (R-ASYNC-3, R-ASYNC-6, R-ASYNC-7): the record's `condition`. */
export type DiscardCondition = 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency';

/** Why a stream mapping gave records up (R-STREAM-5, R-STREAM-6): the on-failure record's `condition`. */
export type StreamDiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** Why a shard (or partition-key lane) is blocked: what failed its batch. */
export type ShardBlockCause = 'functionError' | 'invalidResponse' | 'partialFailure' | 'stateMissing';

/** Which delivery of an async event: on-success / on-failure destination or dead-letter queue. */
export type DeliveryRole = 'onSuccess' | 'onFailure' | 'deadLetter';

/** Why an invocation failed. */
export type FailureCause =
  | 'error'
  | 'timeout'
  | 'exit'
  | 'uncaught'
  | 'responseTooLarge'
  | 'unserializable'
  | 'initError'
  | 'nodeJsExit';

/** Why an environment was reset (R-ENV-5). */
export type ResetReason = 'timeout' | 'exit' | 'uncaught' | 'initLimit' | 'initError';

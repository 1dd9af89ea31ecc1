import type { ClientContext } from 'aws-lambda';
import { checkObject, checkOptions } from '../../errors.js';
import type { Fault } from '../../faults/Fault.js';
import type { InvocationOutcome } from '../../lambda/Environment.js';
import type { LambdaFunction } from '../../lambda/LambdaFunction.js';
import type { World } from '../../world/World.js';
import { invariant, invariantFailed, unreachable } from '../../sim/invariant.js';
import type { Rng } from '../../sim/Rng.js';
import { seededUuid } from '../../sim/Rng.js';
import { realGlobals } from '../../sim/realGlobals.js';
import type { DeliveryRole, DiscardCondition } from '../../TraceEvent.js';
import type { DeliveredMessage, DeliveryResult, DeliveryTarget } from '../DeliveryTarget.js';
import { encodePayload, payloadDigest } from '../payload.js';
import type { ServiceError } from '../ServiceError.js';
import {
  DEFAULT_ASYNC_CONFIG,
  type ResolvedAsyncConfig,
  type ResolvedAsyncSimulationOptions,
} from './AsyncConfig.js';
import { deadLetterAttributes, invocationRecord, type RecordCondition } from './invocationRecord.js';

/**
 * Where an async event may go from each state: dispatched (or dropped, or discarded before an
 * attempt), then succeeded, discarded or queued again for a retry. The end states are final.
 */
const ASYNC_STATES: readonly AsyncEventState[] = [
  'queued',
  'inFlight',
  'succeeded',
  'discarded',
  'dropped',
  'rejected',
];

/** A state's index in the counters: a switch (string compares), no keyed lookup on the hot path. */
function stateIndex(state: AsyncEventState): number {
  switch (state) {
    case 'queued':
      return 0;
    case 'inFlight':
      return 1;
    case 'succeeded':
      return 2;
    case 'discarded':
      return 3;
    case 'dropped':
      return 4;
    case 'rejected':
      return 5;
    default:
      return unreachable(state, 'async event state');
  }
}

/**
 * Where an async event may go from each state (by state index, bit `1 << index` per target):
 * dispatched (or dropped, or discarded before an attempt), then succeeded, discarded or queued
 * again for a retry. The end states are final.
 */
const ASYNC_NEXT: readonly number[] = [
  /* queued */ (1 << 1) | (1 << 3) | (1 << 4),
  /* inFlight */ (1 << 2) | (1 << 3) | (1 << 0),
  0,
  0,
  0,
  0,
];

/** R-ASYNC-12: an SQS queue or SNS topic whose name ends in `.fifo`. */
const FIFO_ARN = /\.fifo$/;
/** §2.3: SNS destinations cap a record at 256 KB; above it Lambda drops the payloads (U: which ones). */
export const SNS_RECORD_LIMIT_BYTES = 262_144;

/** Options of {@link Simulation.invokeAsync}. */
export interface InvokeAsyncOptions {
  /** Passed to the handler as `context.clientContext`. */
  readonly clientContext?: ClientContext;
}

const INVOKE_ASYNC_KNOWN = new Set(['clientContext']);

/** Validates {@link InvokeAsyncOptions}: known keys only, `clientContext` an object. */
export function resolveInvokeAsyncOptions(api: string, options: unknown): InvokeAsyncOptions {
  if (options === undefined) return {};
  const o = checkOptions(api, options, INVOKE_ASYNC_KNOWN);
  checkObject(api, 'clientContext', o.clientContext);
  return options as InvokeAsyncOptions;
}

/**
 * What the caller of an `Event` invoke sees, at once (R-ASYNC-1, R-ASYNC-2): `accepted` (202,
 * no body: the handler's result never comes back) or `rejected` (413 payload too large, 400
 * not JSON) before anything was queued.
 */
export type AsyncInvokeResponse =
  | { readonly kind: 'accepted'; readonly statusCode: 202; readonly requestId: string }
  | {
      readonly kind: 'rejected';
      readonly statusCode: number;
      readonly requestId: string;
      readonly error: ServiceError;
    };

/**
 * Where an async event stands. Terminal: `succeeded`, `discarded` (with a condition), `dropped`
 * (deleted without being sent, R-ASYNC-10), `rejected` (never queued). Non-terminal at the end
 * of a run: `queued` (waiting for dispatch, a retry or a throttle backoff) or `inFlight`.
 */
export type AsyncEventState = 'queued' | 'inFlight' | 'succeeded' | 'discarded' | 'dropped' | 'rejected';

/** Where an invocation record or dead-letter message went. */
export interface DeliveryRecord {
  readonly role: DeliveryRole;
  /** The target's ARN. */
  readonly target: string;
  readonly atMs: number;
  /** The delivery result: a message id, or why the target refused it (the record is then lost, as in AWS). */
  readonly result: DeliveryResult;
}

/** One async event (one delivery of one accepted `Event` invoke) and how it ended. */
export interface AsyncEventRecord {
  /** The id `Invoke` returned; shared by every attempt and by a duplicate delivery. */
  readonly requestId: string;
  readonly fn: string;
  /** Who sent it: `invokeAsync`, `sns:<topic>`, `schedule:<name>`, `destination:<fn>`, `s3:<bucket>`, `sdk:<caller>` (a Lambda Invoke from a handler). */
  readonly source: string;
  readonly acceptedAtMs: number;
  /** True for the extra delivery of a duplicated event (R-ASYNC-10). */
  readonly duplicate: boolean;
  readonly state: AsyncEventState;
  /** Set when `state` is `discarded`. */
  readonly condition: DiscardCondition | undefined;
  /** Attempts that ran (the record's `approximateInvokeCount`). */
  readonly attempts: number;
  /** Times the event was throttled (R-ASYNC-5); these use no retry attempt. */
  readonly throttles: number;
  /** When the event reached its terminal state. */
  readonly endedAtMs: number | undefined;
  /** The on-success or on-failure destination delivery, if one is configured. */
  readonly destination: DeliveryRecord | undefined;
  /** The payload's JSON text as accepted (for the input ledger); undefined for a rejected invoke. */
  readonly payloadJson: string | undefined;
  /** The dead-letter delivery, if the event was discarded and a DLQ is configured. */
  readonly deadLetter: DeliveryRecord | undefined;
}

type MutableRecord = { -readonly [K in keyof AsyncEventRecord]: AsyncEventRecord[K] };

interface QueuedEvent {
  readonly record: MutableRecord;
  readonly fn: LambdaFunction;
  readonly config: ResolvedAsyncConfig;
  readonly payloadJson: string;
  readonly enqueuedAtMs: number;
  readonly clientContext: ClientContext | undefined;
  /** Consecutive throttles since the last attempt that ran (R-ASYNC-5's k). */
  throttleK: number;
  dispatched: boolean;
  last: InvocationOutcome | undefined;
}

interface FunctionQueue {
  ready: QueuedEvent[];
  pumpScheduled: boolean;
}

/**
 * The asynchronous invocation model (R-ASYNC-1..13): Lambda's internal per-function queue, the
 * dispatch as concurrency allows, retries after function errors, throttle backoff, event age,
 * destinations and the dead-letter queue, and the at-least-once knobs (duplicates, drops,
 * reordering).
 */
export class AsyncModel {
  /** Every async event, in acceptance order. */
  readonly events: AsyncEventRecord[] = [];
  private readonly configs = new Map<LambdaFunction, ResolvedAsyncConfig>();
  private readonly queues = new Map<LambdaFunction, FunctionQueue>();
  private readonly ids: Rng;
  private readonly order: Rng;
  private readonly faults: Rng;
  private readonly jitter: Rng;
  /** Events by state (index: {@link stateIndex}), kept by {@link AsyncModel.move}: they sum to `events.length`. */
  private readonly counts = [0, 0, 0, 0, 0, 0];

  /** @internal */
  constructor(
    private readonly world: World,
    readonly options: ResolvedAsyncSimulationOptions,
  ) {
    const kernel = world.kernel;
    this.ids = kernel.rng('async.ids');
    this.order = kernel.rng('async.order');
    this.faults = kernel.rng('async.faults');
    this.jitter = kernel.rng('async.jitter');
  }

  /** Sets a function's async configuration (from `sim.fn(..., { async })`). */
  configure(fn: LambdaFunction, config: ResolvedAsyncConfig): void {
    this.configs.set(fn, config);
  }

  /** A fresh id from the model's own seeded stream (message ids of sinks and topics). */
  newId(): string {
    return seededUuid(this.ids);
  }

  /** ISO-8601 text of the current virtual instant. */
  isoNow(): string {
    return new realGlobals.Date(this.world.epochStartMs + this.world.kernel.nowMs).toISOString();
  }

  /** `Invoke` with `InvocationType: Event` (R-ASYNC-1): accepted (202) or rejected at once. */
  invoke(
    fn: LambdaFunction,
    payload: unknown,
    options: InvokeAsyncOptions = {},
    source = 'invokeAsync',
  ): AsyncInvokeResponse {
    const encoded = encodePayload(payload);
    if (!encoded.ok) {
      const message = `Could not parse request body into json: ${encoded.reason}`;
      return this.reject(fn, source, 400, {
        code: 'InvalidRequestContentException',
        message,
        body: { Type: 'User', message },
      });
    }
    // The payload came from code: its digest goes into the trace (derived payloads have none).
    const digest = payloadDigest(encoded.json, options.clientContext);
    return this.invokeJson(fn, encoded.json, encoded.bytes, source, options.clientContext, digest);
  }

  /** {@link invoke} for a payload that is already JSON text (records, SNS and schedule events). */
  invokeJson(
    fn: LambdaFunction,
    json: string,
    bytes: number,
    source: string,
    clientContext?: ClientContext,
    digest?: string,
    retryOf?: string,
  ): AsyncInvokeResponse {
    const limit = this.options.payloadLimitBytes;
    if (bytes > limit) {
      const message = `${bytes} byte payload is too large for the Event invocation type (limit ${limit} bytes)`;
      return this.reject(fn, source, 413, {
        code: 'RequestEntityTooLargeException',
        message,
        body: { Type: 'User', message },
      });
    }
    const requestId = seededUuid(this.ids);
    this.makeReady(this.accept(fn, requestId, json, source, false, clientContext, digest, retryOf));
    // R-ASYNC-10: an independent second delivery, same request id, its own retry budget (U).
    const p = this.options.duplicateProbability;
    let duplicate = p > 0 && this.faults.next() < p;
    const injector = this.world.faults;
    let producerRetry: Fault | undefined;
    if (!injector.empty)
      for (const fault of injector.nextAsyncEvent(fn.name)) {
        // A producer's retry is recorded when it is sent, after this event (see below).
        if (fault.kind === 'producerDuplicate') {
          producerRetry ??= fault;
          continue;
        }
        injector.injected(fault);
        duplicate = true;
      }
    if (duplicate) this.makeReady(this.accept(fn, requestId, json, source, true, clientContext, digest));
    if (producerRetry !== undefined) {
      // The producer invokes again with the same payload (its SDK never got the 202): Lambda
      // accepts a new event, with a new request id and its own retries.
      injector.injected(producerRetry);
      this.invokeJson(fn, json, bytes, source, clientContext, digest, requestId);
    }
    return { kind: 'accepted', statusCode: 202, requestId };
  }

  private accept(
    fn: LambdaFunction,
    requestId: string,
    payloadJson: string,
    source: string,
    duplicate: boolean,
    clientContext: ClientContext | undefined,
    digest: string | undefined,
    retryOf?: string,
  ): QueuedEvent {
    const kernel = this.world.kernel;
    const record: MutableRecord = {
      requestId,
      fn: fn.name,
      source,
      acceptedAtMs: kernel.nowMs,
      duplicate,
      state: 'queued',
      condition: undefined,
      attempts: 0,
      throttles: 0,
      endedAtMs: undefined,
      destination: undefined,
      deadLetter: undefined,
      payloadJson,
    };
    this.events.push(record);
    this.counts[0]!++; // queued
    this.checkCounts('accept');
    // No byte count in the trace: a record's size depends on stack traces, i.e. on file paths.
    kernel.record({
      kind: 'async.accepted',
      requestId,
      fn: fn.name,
      source,
      duplicate,
      ...(digest === undefined ? {} : { digest }),
      ...(retryOf === undefined ? {} : { retryOf }),
    });
    const ev: QueuedEvent = {
      record,
      fn,
      config: this.configs.get(fn) ?? DEFAULT_ASYNC_CONFIG,
      payloadJson,
      enqueuedAtMs: kernel.nowMs,
      clientContext,
      throttleK: 0,
      dispatched: false,
      last: undefined,
    };
    return ev;
  }

  private reject(
    fn: LambdaFunction,
    source: string,
    statusCode: number,
    error: ServiceError,
  ): AsyncInvokeResponse {
    const kernel = this.world.kernel;
    const requestId = seededUuid(this.ids);
    this.events.push({
      requestId,
      fn: fn.name,
      source,
      acceptedAtMs: kernel.nowMs,
      duplicate: false,
      state: 'rejected',
      condition: undefined,
      attempts: 0,
      throttles: 0,
      endedAtMs: kernel.nowMs,
      destination: undefined,
      deadLetter: undefined,
      payloadJson: undefined,
    });
    this.counts[5]!++; // rejected
    this.checkCounts('reject');
    kernel.record({
      kind: 'async.rejected',
      requestId,
      fn: fn.name,
      statusCode,
      errorType: error.code,
    });
    return { kind: 'rejected', statusCode, requestId, error };
  }

  /**
   * @internal Run-end invariants: the state counters agree with the records, and a run that
   * ended quiescent left no event queued or in flight (each of those has a timer or a running
   * invocation, so the run could not have been quiescent).
   */
  checkStates(quiescent: boolean): void {
    const off = [...this.counts];
    for (const record of this.events) off[stateIndex(record.state)]!--;
    invariant(
      off.every((n) => n === 0),
      () =>
        `async events: state counters ${this.countsText()} disagree with the records (off by ${JSON.stringify(Object.fromEntries(ASYNC_STATES.map((state, i) => [state, off[i]])))})`,
    );
    const [queued, inFlight] = this.counts;
    invariant(
      !quiescent || (queued === 0 && inFlight === 0),
      () => `run end: the run is quiescent but ${queued} async event(s) are queued and ${inFlight} in flight`,
    );
  }

  /** Every state change of an event goes through here: a legal transition, the counters follow. */
  private move(ev: QueuedEvent, to: AsyncEventState): void {
    const record = ev.record;
    const from = stateIndex(record.state);
    const next = stateIndex(to);
    const counts = this.counts;
    // On the hot path: the message is built only on failure (no closure per call).
    if ((ASYNC_NEXT[from]! & (1 << next)) === 0 || counts[from]! <= 0)
      invariantFailed(
        `async event ${record.requestId}${record.duplicate ? ' (duplicate)' : ''} of ${record.fn} cannot go from ${record.state} to ${to} (counters ${this.countsText()})`,
      );
    counts[from]!--;
    counts[next]!++;
    record.state = to;
  }

  /** Every event accepted or rejected is counted in exactly one state. */
  private checkCounts(where: string): void {
    const c = this.counts;
    const total = c[0]! + c[1]! + c[2]! + c[3]! + c[4]! + c[5]!;
    if (total !== this.events.length)
      invariantFailed(
        `async events (${where}): ${this.events.length} recorded, but the state counters sum to ${total} (${this.countsText()})`,
      );
  }

  /** The counters by state name, for messages. */
  private countsText(): string {
    return JSON.stringify(Object.fromEntries(ASYNC_STATES.map((state, i) => [state, this.counts[i]])));
  }

  // --- the internal queue ---------------------------------------------------------------------

  private makeReady(ev: QueuedEvent): void {
    let q = this.queues.get(ev.fn);
    if (q === undefined) {
      q = { ready: [], pumpScheduled: false };
      this.queues.set(ev.fn, q);
    }
    q.ready.push(ev);
    if (!q.pumpScheduled) {
      q.pumpScheduled = true;
      const queue = q;
      this.world.kernel.after(0, () => this.pump(queue));
    }
  }

  /** Dispatches every event that is ready now: FIFO, or a seeded order with `reorder` (R-ASYNC-11). */
  private pump(q: FunctionQueue): void {
    q.pumpScheduled = false;
    const batch = q.ready;
    q.ready = [];
    if (this.options.reorder && batch.length > 1) {
      for (let i = batch.length - 1; i > 0; i--) {
        const j = this.order.int(i + 1);
        const t = batch[i]!;
        batch[i] = batch[j]!;
        batch[j] = t;
      }
    }
    for (const ev of batch) this.dispatch(ev);
  }

  private dispatch(ev: QueuedEvent): void {
    const kernel = this.world.kernel;
    const now = kernel.nowMs;
    const { fn, record } = ev;
    // R-ASYNC-7: reserved concurrency 0 sends every event to the failure path, no attempt.
    if (fn.config.reservedConcurrency === 0) {
      this.discard(ev, 'ZeroReservedConcurrency');
      return;
    }
    // R-ASYNC-10: deleted from the queue without being sent (before its first attempt).
    if (!ev.dispatched) {
      ev.dispatched = true;
      const p = this.options.dropProbability;
      if (p > 0 && this.faults.next() < p) {
        this.move(ev, 'dropped');
        record.endedAtMs = now;
        kernel.record({ kind: 'async.dropped', requestId: record.requestId, fn: fn.name });
        return;
      }
    }
    // R-ASYNC-6(b): too old for any attempt.
    if (now - ev.enqueuedAtMs >= ev.config.maximumEventAgeMs) {
      this.discard(ev, 'EventAgeExceeded');
      return;
    }
    const acquired = fn.acquire();
    if (acquired.kind === 'throttled') {
      // R-ASYNC-5: back to the queue with exponential backoff; no retry attempt used. The wait
      // is cut at the age limit, where R-ASYNC-6(b) discards it.
      const o = this.options;
      const delayMs = Math.min(o.throttleBaseMs * o.throttleFactor ** ev.throttleK, o.throttleMaxMs);
      ev.throttleK++;
      record.throttles++;
      const retryAtMs = Math.min(now + Math.ceil(delayMs), ev.enqueuedAtMs + ev.config.maximumEventAgeMs);
      kernel.record({
        kind: 'async.throttled',
        requestId: record.requestId,
        fn: fn.name,
        reason: acquired.reason,
        retryAtMs,
      });
      kernel.at(retryAtMs, () => this.makeReady(ev));
      return;
    }
    ev.throttleK = 0;
    record.attempts++;
    this.move(ev, 'inFlight');
    const startedAtMs = now;
    const req = {
      requestId: record.requestId,
      payloadJson: ev.payloadJson,
      attempt: record.attempts,
      ...(ev.clientContext === undefined ? {} : { clientContext: ev.clientContext }),
    };
    acquired.slot.execute(req, (outcome) => this.attemptEnded(ev, outcome, startedAtMs));
  }

  private attemptEnded(ev: QueuedEvent, outcome: InvocationOutcome, startedAtMs: number): void {
    const kernel = this.world.kernel;
    const now = kernel.nowMs;
    const { record, config } = ev;
    ev.last = outcome;
    if (outcome.kind === 'succeeded') {
      this.move(ev, 'succeeded');
      record.endedAtMs = now;
      kernel.record({
        kind: 'async.succeeded',
        requestId: record.requestId,
        fn: ev.fn.name,
        attempts: record.attempts,
      });
      // R-ASYNC-8
      if (config.onSuccess !== undefined)
        record.destination = this.sendRecord(ev, 'onSuccess', config.onSuccess, 'Success');
      return;
    }
    // R-ASYNC-3 / R-ASYNC-4: retries after a function error, up to maximumRetryAttempts.
    if (record.attempts > config.maximumRetryAttempts) {
      this.discard(ev, 'RetriesExhausted');
      return;
    }
    const o = this.options;
    const waitMs =
      o.retryDelaysMs[record.attempts - 1]! +
      (o.retryJitterMs > 0 ? this.jitter.int(o.retryJitterMs + 1) : 0);
    const retryAtMs = Math.max(now, (o.retryDelayFrom === 'attemptEnd' ? now : startedAtMs) + waitMs);
    // R-ASYNC-6(a): discard now when the retry could not start inside the age limit.
    if (retryAtMs - ev.enqueuedAtMs > config.maximumEventAgeMs) {
      this.discard(ev, 'EventAgeExceeded');
      return;
    }
    this.move(ev, 'queued');
    kernel.record({
      kind: 'async.retryScheduled',
      requestId: record.requestId,
      fn: ev.fn.name,
      attempt: record.attempts + 1,
      retryAtMs,
    });
    kernel.at(retryAtMs, () => this.makeReady(ev));
  }

  /** The failure path (R-ASYNC-9): on-failure record and dead-letter message. */
  private discard(ev: QueuedEvent, condition: DiscardCondition): void {
    const kernel = this.world.kernel;
    const { record, config } = ev;
    this.move(ev, 'discarded');
    record.condition = condition;
    record.endedAtMs = kernel.nowMs;
    kernel.record({
      kind: 'async.discarded',
      requestId: record.requestId,
      fn: ev.fn.name,
      condition,
      attempts: record.attempts,
    });
    if (config.onFailure !== undefined)
      record.destination = this.sendRecord(ev, 'onFailure', config.onFailure, condition);
    if (config.deadLetter !== undefined) {
      record.deadLetter = this.deliver(ev, 'deadLetter', config.deadLetter, {
        body: ev.payloadJson,
        attributes: deadLetterAttributes(record.requestId, ev.last),
        source: `${ev.fn.name} (dead-letter queue)`,
      });
    }
  }

  private sendRecord(
    ev: QueuedEvent,
    role: 'onSuccess' | 'onFailure',
    target: DeliveryTarget,
    condition: RecordCondition,
  ): DeliveryRecord {
    const { fn, record } = ev;
    const input = {
      requestId: record.requestId,
      functionArn: `${fn.config.arn}:${fn.config.version}`,
      executedVersion: fn.config.version,
      condition,
      attempts: record.attempts,
      payloadJson: ev.payloadJson,
      last: ev.last,
      timestamp: this.isoNow(),
    };
    let invocation = invocationRecord(input);
    let body = JSON.stringify(invocation);
    if (target.targetKind === 'sns' && Buffer.byteLength(body, 'utf8') > SNS_RECORD_LIMIT_BYTES) {
      const { requestPayload: _request, responsePayload: _response, ...rest } = invocation;
      invocation = rest as typeof invocation;
      body = JSON.stringify(invocation);
    }
    if (target.targetKind === 'eventbridge') {
      body = JSON.stringify({
        version: '0',
        id: this.newId(),
        'detail-type': `Lambda Function Invocation Result - ${condition === 'Success' ? 'Success' : 'Failure'}`,
        source: 'lambda',
        account: fn.config.arn.split(':')[4],
        time: `${this.isoNow().slice(0, 19)}Z`,
        region: fn.config.arn.split(':')[3],
        resources: [target.arn, input.functionArn],
        detail: invocation,
      });
    }
    const which = role === 'onSuccess' ? 'on-success' : 'on-failure';
    return this.deliver(ev, role, target, { body, source: `${fn.name} (${which} destination)` });
  }

  /** Hands one message to a target; a refusal or a throwing target is recorded, never lost silently. */
  private deliver(
    ev: QueuedEvent,
    role: DeliveryRole,
    target: DeliveryTarget,
    message: DeliveredMessage,
  ): DeliveryRecord {
    const kernel = this.world.kernel;
    let result: DeliveryResult;
    if ((target.targetKind === 'sqs' || target.targetKind === 'sns') && FIFO_ARN.test(target.arn)) {
      // R-ASYNC-12: Lambda sends no message group id; a FIFO target refuses the record.
      result = {
        ok: false,
        reason: `${target.targetKind.toUpperCase()} FIFO targets are not supported for asynchronous invocation records (DestinationDeliveryFailures)`,
      };
    } else {
      try {
        result = target.accept(message);
      } catch (error) {
        result = {
          ok: false,
          reason: `target threw: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    }
    const base = {
      requestId: ev.record.requestId,
      fn: ev.fn.name,
      role,
      target: target.arn,
    };
    if (result.ok) kernel.record({ ...base, kind: 'destination.delivered', messageId: result.messageId });
    else kernel.record({ ...base, kind: 'destination.failed', reason: result.reason });
    return { role, target: target.arn, atMs: kernel.nowMs, result };
  }
}

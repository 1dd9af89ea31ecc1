import type { AsyncEventRecord } from '../models/async/AsyncModel.js';
import type { MessageRecord } from '../models/sqs/SqsQueue.js';
import type { StreamRecordEntry } from '../models/streams/StreamEventSourceMapping.js';
import type { RequestRecord } from '../models/sync.js';
import type { Effect } from '../services/ExternalApi.js';
import type { TraceEvent } from '../TraceEvent.js';
import type { InjectedFault, InputAttempt, InputBatch, InputRecord } from './InputRecord.js';

/** What the ledger is built from: the run's records, its trace and every API's effects. */
export interface LedgerSources {
  readonly trace: readonly TraceEvent[];
  readonly requests: readonly RequestRecord[];
  readonly asyncEvents: readonly AsyncEventRecord[];
  readonly messages: readonly MessageRecord[];
  /** Every record each stream mapping reads, with its fate. */
  readonly streamRecords: readonly StreamRecordEntry[];
  /** The effects ledgers of every external API. */
  readonly effects: readonly (readonly Effect[])[];
  /** runScenario: the scenario event index of each input id it sent. */
  readonly eventIndex: ReadonlyMap<string, number>;
}

/** An attempt while the trace is read. */
interface OpenAttempt {
  requestId: string;
  fn: string;
  env: string;
  startedAtMs: number;
  attribution: 'own' | 'batch';
  batch: MutableBatch | undefined;
  faults: InjectedFault[];
  effects: Effect[];
  outcome: InputAttempt['outcome'];
  endedAtMs: number | undefined;
  errorType: string | undefined;
  cause: Extract<InputAttempt, { outcome: 'failed' }>['cause'] | undefined;
}

interface MutableBatch {
  messageIds: readonly string[];
  /** Where its attempts are filed: the message ids (sqs), `mapping|eventID` (streams). */
  keys: readonly string[];
  outcome: InputBatch['outcome'];
  failedIds: readonly string[];
}

const NONE: readonly never[] = Object.freeze([]);

/** A batch just invoked: its inputs' ids and the keys its attempts are filed under. */
function openBatch(messageIds: readonly string[], keys: readonly string[]): MutableBatch {
  return { messageIds, keys, outcome: undefined, failedIds: NONE };
}

/**
 * @internal Builds `result.inputs` (see {@link InputRecord}) in one pass over the trace plus one
 * over each record list: linear in the run's size, no per-input scan.
 *
 * How attempts and effects are tied (what holds):
 * - an attempt is an `invoke.started` (or an Init failure) of the input's request id; an SQS batch
 *   invocation is an attempt of every message in it (`batch.invoked` names them);
 * - an effect belongs to the attempt running in the environment that sent its call (`call.sent`
 *   names the environment and request id), so an async event's duplicate delivery, which shares the
 *   request id, keeps its own effects; effects of simulated callers and of background work sent
 *   between invocations belong to no input;
 * - an effect of a batch of several messages is listed on every message of the batch, with the
 *   attempt's `attribution: 'batch'`: which record the handler was processing when it made the
 *   call is not observable. A batch of one message is `own`.
 */
export function buildInputLedger(sources: LedgerSources): readonly InputRecord[] {
  const byRequest = new Map<string, OpenAttempt[]>();
  const byMessage = new Map<string, OpenAttempt[]>();
  const inputFaults = new Map<string, InjectedFault[]>();
  const running = new Map<string, OpenAttempt>();
  const batches = new Map<string, MutableBatch>();
  const consumed = new Set<string>();
  const deadLetterQueue = new Map<string, string>();
  const asyncRejections = new Map<string, { statusCode: number; errorType: string }>();
  const wanted = new Map<number, Effect>();
  for (const list of sources.effects) for (const effect of list) wanted.set(effect.callId, effect);

  const coldPending = new Map<string, InjectedFault>();
  const coldByEnv = new Map<string, InjectedFault>();
  const throttlePending = new Map<string, InjectedFault>();
  const messagePending = new Map<string, InjectedFault[]>();
  const retryPending = new Map<string, InjectedFault>();
  /** A producer's retry (its id) → the input it repeats (its id). */
  const retryOf = new Map<string, string>();
  let lastStarted: OpenAttempt | undefined;
  let lastEnded: OpenAttempt | undefined;
  let lastCall: { service: string; attempt: OpenAttempt | undefined } | undefined;
  let lastReceived: string | undefined;
  let lastAccepted: string | undefined;

  const addInputFault = (id: string, fault: InjectedFault) => {
    const list = inputFaults.get(id);
    if (list === undefined) inputFaults.set(id, [fault]);
    else list.push(fault);
  };
  const open = (requestId: string, fn: string, env: string, atMs: number): OpenAttempt => {
    const batch = batches.get(requestId);
    const attempt: OpenAttempt = {
      requestId,
      fn,
      env,
      startedAtMs: atMs,
      attribution: batch !== undefined && batch.messageIds.length > 1 ? 'batch' : 'own',
      batch,
      faults: [],
      effects: [],
      outcome: 'unfinished',
      endedAtMs: undefined,
      errorType: undefined,
      cause: undefined,
    };
    const cold = coldByEnv.get(env);
    if (cold !== undefined) {
      attempt.faults.push(cold);
      coldByEnv.delete(env);
    }
    running.set(env, attempt);
    if (batch !== undefined) {
      for (const id of batch.keys) {
        const list = byMessage.get(id);
        if (list === undefined) byMessage.set(id, [attempt]);
        else list.push(attempt);
      }
    } else {
      const list = byRequest.get(requestId);
      if (list === undefined) byRequest.set(requestId, [attempt]);
      else list.push(attempt);
    }
    return attempt;
  };

  for (const ev of sources.trace) {
    switch (ev.kind) {
      case 'invoke.started':
        lastStarted = open(ev.requestId, ev.fn, ev.env, ev.atMs);
        break;
      case 'invoke.succeeded':
      case 'invoke.failed': {
        let attempt = running.get(ev.env);
        if (attempt === undefined || attempt.requestId !== ev.requestId) {
          // Init failed before the handler started: an attempt that never reached the handler.
          attempt = open(ev.requestId, fnOfEnv(ev.env), ev.env, ev.atMs);
        }
        running.delete(ev.env);
        lastEnded = attempt;
        attempt.endedAtMs = ev.atMs;
        if (ev.kind === 'invoke.succeeded') attempt.outcome = 'succeeded';
        else {
          attempt.outcome = 'failed';
          attempt.errorType = ev.errorType;
          attempt.cause = ev.cause;
        }
        break;
      }
      case 'env.created': {
        const cold = coldPending.get(ev.fn);
        if (cold !== undefined) {
          coldByEnv.set(ev.env, cold);
          coldPending.delete(ev.fn);
        }
        break;
      }
      case 'call.sent': {
        const attempt = running.get(ev.by);
        const own = attempt !== undefined && attempt.requestId === ev.requestId ? attempt : undefined;
        lastCall = { service: ev.service, attempt: own };
        const effect = wanted.get(ev.callId);
        if (effect !== undefined && own !== undefined) own.effects.push(effect);
        break;
      }
      case 'fault.injected':
        attributeFault(ev);
        break;
      case 'invoke.throttled':
      case 'async.throttled': {
        const fault = throttlePending.get(ev.fn);
        if (fault !== undefined) {
          addInputFault(ev.requestId, fault);
          throttlePending.delete(ev.fn);
        }
        break;
      }
      case 'async.rejected':
        asyncRejections.set(ev.requestId, { statusCode: ev.statusCode, errorType: ev.errorType });
        break;
      case 'async.accepted':
        if (!ev.duplicate) lastAccepted = ev.requestId;
        if (ev.retryOf !== undefined) {
          retryOf.set(ev.requestId, ev.retryOf);
          const fault = retryPending.get(ev.fn);
          if (fault !== undefined) {
            addInputFault(ev.requestId, fault);
            retryPending.delete(ev.fn);
          }
        }
        break;
      case 'sqs.sent':
        if (ev.retryOf !== undefined) retryOf.set(ev.messageId, ev.retryOf);
        takeMessageFaults(ev.queue, ev.messageId);
        break;
      case 'sqs.deduplicated':
        // A producer's retry that FIFO deduplication absorbed: its fault goes on the message kept.
        takeMessageFaults(ev.queue, ev.messageId);
        break;
      case 'sqs.received':
        consumed.add(ev.queue);
        lastReceived = ev.messageId;
        break;
      case 'sqs.deadLettered':
        deadLetterQueue.set(ev.messageId, ev.deadLetterQueue);
        break;
      // SQS and stream batches: one shape (an attempt of every input in the batch), two id schemes.
      case 'batch.invoked':
        consumed.add(queueOfMapping(ev.mapping));
        batches.set(ev.requestId, openBatch(ev.messageIds, ev.messageIds));
        break;
      case 'stream.batchInvoked': {
        const ids = ev.eventIds ?? ev.sequenceNumbers.map((seq) => `${ev.shardId}:${seq}`);
        batches.set(
          ev.requestId,
          openBatch(
            ids,
            ids.map((id) => `${ev.mapping}|${id}`),
          ),
        );
        break;
      }
      case 'batch.succeeded':
      case 'batch.failed':
      case 'stream.batchSucceeded':
      case 'stream.batchFailed': {
        const batch = batches.get(ev.requestId);
        if (batch !== undefined)
          batch.outcome =
            ev.kind === 'batch.succeeded' || ev.kind === 'stream.batchSucceeded' ? 'succeeded' : 'failed';
        break;
      }
      case 'batch.partiallyFailed':
      case 'stream.batchPartiallyFailed': {
        const batch = batches.get(ev.requestId);
        if (batch !== undefined) {
          batch.outcome = 'partiallyFailed';
          // Streams: every record from the lowest reported one on is retried (R-STREAM-9c).
          batch.failedIds =
            ev.kind === 'batch.partiallyFailed' ? ev.failedIds : batch.messageIds.slice(ev.done);
        }
        break;
      }
      case 'batch.throttled':
      case 'batch.emptied':
      case 'mapping.scaled':
        consumed.add(queueOfMapping(ev.mapping));
        break;
      default:
        break;
    }
  }

  function takeMessageFaults(queue: string, messageId: string): void {
    const pending = messagePending.get(queue);
    if (pending === undefined) return;
    for (const fault of pending) addInputFault(messageId, fault);
    messagePending.delete(queue);
  }

  function attributeFault(ev: InjectedFault): void {
    switch (ev.fault) {
      case 'handlerError':
      case 'handlerTimeout':
      case 'crashAfterCalls':
        // Applied as the handler starts, right after its `invoke.started`.
        if (lastStarted !== undefined && lastStarted.fn === ev.target) lastStarted.faults.push(ev);
        return;
      case 'reclaimAfterReturn':
        // Applied as the invocation ends, right after its `invoke.succeeded` / `invoke.failed`.
        if (lastEnded !== undefined && lastEnded.fn === ev.target) lastEnded.faults.push(ev);
        return;
      case 'coldStart':
        coldPending.set(ev.target, ev);
        return;
      case 'throttle':
        throttlePending.set(ev.target, ev);
        return;
      case 'callError':
      case 'callTimeout':
      case 'callLatency':
        // Decided as the call is sent, right after its `call.sent`.
        if (lastCall !== undefined && lastCall.service === ev.target) lastCall.attempt?.faults.push(ev);
        return;
      case 'duplicateDelivery':
        if (ev.point === 'delivery') {
          if (lastReceived !== undefined) addInputFault(lastReceived, ev);
        } else if (lastAccepted !== undefined) addInputFault(lastAccepted, ev);
        return;
      case 'producerDuplicate':
        // Recorded just before the retry is sent: the next `async.accepted` with `retryOf` of
        // the function, or the queue's next `sqs.sent` (or `sqs.deduplicated` on FIFO).
        if (ev.point === 'event') {
          retryPending.set(ev.target, ev);
          return;
        }
        pushMessageFault(ev);
        return;
      case 'reorder':
      case 'poisonRecord':
        // Decided before the message is stored: the queue's next `sqs.sent`.
        pushMessageFault(ev);
        return;
      default:
        return;
    }
  }

  function pushMessageFault(ev: InjectedFault): void {
    const list = messagePending.get(ev.target);
    if (list === undefined) messagePending.set(ev.target, [ev]);
    else list.push(ev);
  }

  /** The scenario event of an input; a producer's retry has the one of the input it repeats. */
  const indexOf = (id: string): number | undefined => {
    const index = sources.eventIndex.get(id);
    if (index !== undefined) return index;
    const first = retryOf.get(id);
    return first === undefined ? undefined : indexOf(first);
  };
  const out: InputRecord[] = [];
  for (const r of sources.requests) {
    const attempts = finish(byRequest.get(r.requestId));
    const common = {
      model: 'sync' as const,
      id: r.requestId,
      where: r.fn,
      fn: r.fn,
      eventIndex: indexOf(r.requestId),
      body: parseJson(r.payloadJson),
      attempts,
      effects: effectsOf(attempts),
      faults: inputFaults.get(r.requestId) ?? NONE,
    };
    const response = r.response;
    if (response === undefined) out.push({ ...common, state: 'pending', status: 'running' });
    else if (response.kind === 'ok') out.push({ ...common, state: 'completed' });
    else if (response.kind === 'functionError')
      out.push({ ...common, state: 'failed', errorType: response.body.errorType });
    else if (response.kind === 'rejected')
      out.push({
        ...common,
        state: 'rejected',
        statusCode: response.statusCode,
        errorType: response.error.code,
      });
    else out.push({ ...common, state: 'discarded', reason: 'dryRun' });
  }

  // Async: one input per accepted Invoke; a duplicate delivery (same request id) is part of it.
  const deliveries = new Map<string, AsyncEventRecord[]>();
  for (const e of sources.asyncEvents) {
    const list = deliveries.get(e.requestId);
    if (list === undefined) deliveries.set(e.requestId, [e]);
    else list.push(e);
  }
  for (const [requestId, list] of deliveries) {
    const e = settledDelivery(list);
    const attempts = finish(byRequest.get(requestId));
    const common = {
      model: 'async' as const,
      id: requestId,
      where: e.fn,
      fn: e.fn,
      eventIndex: indexOf(requestId),
      body: parseJson(list[0]!.payloadJson),
      attempts,
      effects: effectsOf(attempts),
      faults: inputFaults.get(requestId) ?? NONE,
    };
    out.push(asyncInput(e, common, asyncRejections.get(requestId)));
  }

  for (const m of sources.messages) {
    if (m.deadLetteredFrom !== undefined || !consumed.has(m.queue)) continue;
    const attempts = finish(byMessage.get(m.messageId));
    const common = {
      model: 'sqs' as const,
      id: m.messageId,
      where: m.queue,
      fn: attempts[0]?.fn,
      eventIndex: indexOf(m.messageId),
      body: m.body,
      attempts,
      effects: effectsOf(attempts),
      faults: inputFaults.get(m.messageId) ?? NONE,
    };
    switch (m.status) {
      case 'deleted':
        out.push({ ...common, state: 'completed' });
        break;
      case 'deadLettered':
        out.push({
          ...common,
          state: 'deadLettered',
          target: deadLetterQueue.get(m.messageId) ?? '',
          condition: undefined,
        });
        break;
      case 'filtered':
      case 'expired':
        out.push({ ...common, state: 'discarded', reason: m.status });
        break;
      default:
        out.push({ ...common, state: 'pending', status: m.status });
    }
  }
  for (const r of sources.streamRecords) {
    const attempts = finish(byMessage.get(`${r.mapping}|${r.eventId}`));
    const common = {
      model: r.model,
      id: r.eventId,
      where: r.stream,
      fn: r.fn,
      eventIndex: indexOf(r.eventId),
      // Kinesis: the data as base64, as the event carries it; DynamoDB: { eventName, dynamodb }.
      body: r.model === 'kinesis' ? r.data : parseJson(r.data),
      attempts,
      effects: effectsOf(attempts),
      faults: NONE,
    };
    const fate = r.fate;
    switch (fate.state) {
      case 'processed':
        out.push({ ...common, state: 'completed' });
        break;
      case 'filtered':
      case 'expired':
        out.push({ ...common, state: 'discarded', reason: fate.state });
        break;
      case 'discarded':
        if (fate.target === undefined) out.push({ ...common, state: 'discarded', reason: fate.condition });
        else
          out.push({
            ...common,
            state: 'sentToDestination',
            role: 'onFailure',
            condition: fate.condition,
            target: fate.target,
          });
        break;
      case 'pending':
        out.push({ ...common, state: 'pending', status: 'inStream' });
        break;
      default:
        assertNever(fate);
    }
  }
  return Object.freeze(out);
}

type Common = Omit<Extract<InputRecord, { state: 'completed' }>, 'state'>;

function asyncInput(
  e: AsyncEventRecord,
  common: Common,
  rejection: { statusCode: number; errorType: string } | undefined,
): InputRecord {
  switch (e.state) {
    case 'succeeded':
      if (e.destination?.role === 'onSuccess' && e.destination.result.ok)
        return {
          ...common,
          state: 'sentToDestination',
          role: 'onSuccess',
          condition: 'Success',
          target: e.destination.target,
        };
      return { ...common, state: 'completed' };
    case 'discarded': {
      const condition = e.condition ?? 'RetriesExhausted';
      if (e.destination?.role === 'onFailure' && e.destination.result.ok)
        return {
          ...common,
          state: 'sentToDestination',
          role: 'onFailure',
          condition,
          target: e.destination.target,
        };
      if (e.deadLetter?.result.ok === true)
        return { ...common, state: 'deadLettered', target: e.deadLetter.target, condition };
      return { ...common, state: 'discarded', reason: condition };
    }
    case 'dropped':
      return { ...common, state: 'discarded', reason: 'dropped' };
    case 'rejected':
      return {
        ...common,
        state: 'rejected',
        statusCode: rejection?.statusCode ?? 0,
        errorType: rejection?.errorType ?? '',
      };
    case 'queued':
    case 'inFlight':
      return { ...common, state: 'pending', status: e.state };
    default:
      return assertNever(e.state);
  }
}

/** Of an event's deliveries, the one that says how the input ended: a success wins, then one still pending. */
function settledDelivery(list: readonly AsyncEventRecord[]): AsyncEventRecord {
  let best = list[0]!;
  for (const e of list) if (rank(e) < rank(best)) best = e;
  return best;
}

function rank(e: AsyncEventRecord): number {
  switch (e.state) {
    case 'succeeded':
      return 0;
    case 'queued':
    case 'inFlight':
      return 1;
    case 'discarded':
      return 2;
    default:
      return 3;
  }
}

function finish(list: readonly OpenAttempt[] | undefined): readonly InputAttempt[] {
  if (list === undefined) return NONE;
  return list as unknown as readonly InputAttempt[];
}

function effectsOf(attempts: readonly InputAttempt[]): readonly Effect[] {
  if (attempts.length === 0) return NONE;
  if (attempts.length === 1) return attempts[0]!.effects;
  const out: Effect[] = [];
  for (const a of attempts) for (const e of a.effects) out.push(e);
  return out;
}

function parseJson(json: string | undefined): unknown {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

/** The function of an environment id `Fn#3`. */
function fnOfEnv(env: string): string {
  const at = env.lastIndexOf('#');
  return at < 0 ? env : env.slice(0, at);
}

/** The queue of a mapping named `queue→fn`. */
function queueOfMapping(mapping: string): string {
  const at = mapping.lastIndexOf('→');
  return at < 0 ? mapping : mapping.slice(0, at);
}

function assertNever(value: never): never {
  throw new Error(`inputLedger: unexpected state ${JSON.stringify(value)}`);
}

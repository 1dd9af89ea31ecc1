import type { InvocationOutcome } from '../../lambda/Environment.js';
import type { LambdaFunction } from '../../lambda/LambdaFunction.js';
import type { World } from '../../world/World.js';
import type { TimerHandle } from '../../sim/Kernel.js';
import { invariant } from '../../sim/invariant.js';
import { type Rng, seededUuid } from '../../sim/Rng.js';
import type { ShardBlockCause, StreamDiscardCondition } from '../../TraceEvent.js';
import { interpretBatchResponse } from '../mapping/batchResponse.js';
import { MAX_BATCH_PAYLOAD_BYTES, passesFilterView } from '../mapping/mappingOptions.js';
import { isoMs, isoSeconds } from '../sources/eventIds.js';
import type { StreamRecord } from './KinesisStream.js';
import type { StreamModel, StreamSource } from './StreamSource.js';
import type { ResolvedStreamMappingOptions } from './streamMappingOptions.js';
import {
  readWindowState,
  WINDOW_STATE_BYTES_MAX,
  type WindowInvoke,
  windowEventJson,
  windowStartMs,
} from './tumblingWindow.js';

/** Bytes a record adds to the event beyond its data (metadata; the 6 MB cap counts both). */
const RECORD_OVERHEAD_BYTES = 420;

/**
 * R-STREAM-5 (U): the wait before retry `k` of a stream batch, `min(0.5 × 1.5^(k−1), 60)` s, no
 * jitter. Also the wait before a bisected half or a partial-batch remainder runs (k = 1) and
 * between throttled tries (k = tries), which do not count as retries (R-STREAM-7).
 */
export function streamRetryDelayMs(k: number): number {
  return Math.min(Math.round(500 * 1.5 ** (k - 1)), 60_000);
}

/** How one stream record ended for one mapping (or that it has not yet). */
export type StreamRecordFate =
  | { readonly state: 'processed' }
  | { readonly state: 'filtered' }
  | { readonly state: 'expired' }
  | {
      readonly state: 'discarded';
      readonly condition: StreamDiscardCondition;
      /** The on-failure destination's ARN, when one took the record. */
      readonly target: string | undefined;
    }
  | { readonly state: 'pending' };

/** One record of a mapped stream with how it ended for the mapping (`result.streamRecords`). */
export interface StreamRecordEntry {
  /** The stream service: `kinesis`, or `dynamodb-streams` for a table's stream. */
  readonly model: StreamModel;
  readonly mapping: string;
  readonly stream: string;
  readonly fn: string;
  /** The record's `eventID` (Kinesis: `shardId-…:sequenceNumber`). */
  readonly eventId: string;
  /** The partition key (a DynamoDB stream: the item's key attributes as JSON). */
  readonly partitionKey: string;
  /** Kinesis: the data, base64-encoded; a DynamoDB stream: `{ eventName, dynamodb }` as JSON text. */
  readonly data: string;
  readonly fate: StreamRecordFate;
  /** The mapping's on-failure destination's ARN, if it has one. */
  readonly onFailure: string | undefined;
}

/**
 * A shard (or, with `parallelizationFactor` > 1, one partition-key lane of it) of a stream
 * mapping at the end of a run: its checkpoint and, when a batch is failing, that it is blocked,
 * since when and why (`result.shards`).
 */
export interface ShardStatus {
  readonly mapping: string;
  readonly shardId: string;
  readonly lane: number;
  /** The sequence number of the last record checkpointed; undefined before the first. */
  readonly checkpoint: string | undefined;
  /** Set while a failing batch holds the lane: no later record is processed until it ends. */
  readonly blocked:
    | {
        readonly sinceMs: number;
        readonly why: ShardBlockCause;
        /** Records held back by the failing batch (and the halves waiting after it). */
        readonly records: number;
        /** Invocations of the current batch since its attempt count started. */
        readonly attempts: number;
      }
    | undefined;
  /** The open tumbling window (R-STREAM-12), as the event's `window` gives it, and its state's size. */
  readonly window: { readonly start: string; readonly end: string; readonly stateBytes: number } | undefined;
}

/** One batch of a lane: its records, with the counts R-STREAM-5/6/13 need. */
interface Batch {
  records: StreamRecord[];
  /** The shard index of the batch's last record as read: the checkpoint once it ends. */
  readonly endIndex: number;
  /** Invocations since the attempt count started (R-STREAM-9c restarts it). */
  attempts: number;
  /** Invocations that included these records before this batch existed (a bisect or remainder). */
  readonly priorInvocations: number;
  invocations: number;
  throttles: number;
  lastRequestId: string | undefined;
  /** `Unhandled` after a thrown error or timeout, null after a malformed or partial response. */
  lastFunctionError: 'Unhandled' | null;
  /** A `duplicateDelivery` fault hit this batch: once it succeeds, it is delivered once more. */
  duplicate: boolean;
  /** A tumbling window's final or early-termination invoke (no records), R-STREAM-12. */
  readonly windowInvoke: WindowInvoke | undefined;
}

/** A lane's open tumbling window (R-STREAM-12): its bounds, its state, what to checkpoint at its end. */
interface OpenWindow {
  readonly startMs: number;
  readonly endMs: number;
  /** The state as JSON text; `{}` until an invoke of the window returns one. */
  stateJson: string;
  stateBytes: number;
  /** The last record of the window the lane has finished with: the checkpoint when the window ends. */
  last: StreamRecord | undefined;
  /** Wakes the lane at the window's end for the final invoke. */
  endTimer: TimerHandle | undefined;
}

interface Lane {
  readonly shard: number;
  readonly lane: number;
  /** Shard index of the next record this lane has not finished with. */
  pos: number;
  /** The current batch first, then bisected halves waiting their turn. */
  readonly queue: Batch[];
  /** An invocation in flight or a timer (window, retry) pending. */
  busy: boolean;
  pumpQueued: boolean;
  windowTimer: TimerHandle | undefined;
  blockedSinceMs: number | undefined;
  blockedWhy: ShardBlockCause | undefined;
  /** Records were given up while the lane was blocked. */
  gaveUp: boolean;
  checkpoint: string | undefined;
  /**
   * The shard index of the last record this lane finished with (processed or given up), kept
   * apart from `pos`: a new batch must start after it (R-STREAM-4), else lambdasim re-reads
   * finished records (an invariant, so a wrong checkpoint fails the run instead of looping).
   */
  finishedIndex: number;
  /** The open tumbling window, with `tumblingWindowS` > 0. */
  window: OpenWindow | undefined;
}

/**
 * A Kinesis event source mapping (spec §3.2, R-STREAM-1..11, 13): per shard — per partition-key
 * lane with `parallelizationFactor` > 1 — one batch in flight, in sequence order; a failing batch
 * blocks its lane and is retried (with the R-STREAM-5 spacing) until it succeeds, its retries run
 * out, its records grow older than `maximumRecordAgeS`, or they leave the stream's retention; then
 * the records are given up with a metadata record to the on-failure destination and the lane moves
 * on. Lanes never spin: an idle lane waits for a put.
 *
 * Gotchas: with the defaults (`maximumRetryAttempts` −1, `maximumRecordAgeS` −1) one poison record
 * blocks its shard for the whole retention period (24 h); a retried batch repeats the records
 * before the failure unless the handler reports `batchItemFailures` (with `reportBatchItemFailures`).
 */
export class StreamEventSourceMapping {
  /** The mapping's UUID (seeded). */
  readonly uuid: string;
  /** `stream→function`, as the trace shows it. */
  readonly name: string;
  /** Batches that reached the function. */
  invocations = 0;
  private readonly lanes: Lane[] = [];
  /** The first shard index each shard's records are read from (LATEST: what existed at creation). */
  private readonly startIndex: readonly number[];
  /** Fates of records that did not end `processed`, by shard then index. */
  private readonly fates: Map<number, StreamRecordFate>[];
  private readonly requestIds: Rng;
  private readonly role: string;

  /** @internal Use {@link Simulation.mapping}. */
  constructor(
    private readonly world: World,
    readonly stream: StreamSource,
    readonly fn: LambdaFunction,
    readonly options: ResolvedStreamMappingOptions,
    uuid: string,
  ) {
    this.uuid = uuid;
    this.name = `${stream.name}→${fn.name}`;
    this.requestIds = world.kernel.rng('streams.requestIds');
    this.role = `arn:aws:iam::${fn.config.arn.split(':')[4]}:role/${fn.name}-role`;
    const p = options.parallelizationFactor;
    this.startIndex = stream.shards.map((s) =>
      options.startingPosition === 'LATEST' ? s.records.length : 0,
    );
    this.fates = stream.shards.map(() => new Map());
    for (let shard = 0; shard < stream.shards.length; shard++)
      for (let lane = 0; lane < p; lane++)
        this.lanes.push({
          shard,
          lane,
          pos: this.startIndex[shard]!,
          queue: [],
          busy: false,
          pumpQueued: false,
          windowTimer: undefined,
          blockedSinceMs: undefined,
          blockedWhy: undefined,
          gaveUp: false,
          checkpoint: undefined,
          finishedIndex: -1,
          window: undefined,
        });
    stream.onPut((shard) => {
      for (let lane = 0; lane < p; lane++) this.schedule(this.lanes[shard * p + lane]!);
    });
    for (const lane of this.lanes) this.schedule(lane);
  }

  /** R-STREAM-2 (U): a record's lane, the first 4 bytes of MD5(partition key) mod the factor. */
  private laneOf(r: StreamRecord): number {
    return r.keyHash32 % this.options.parallelizationFactor;
  }

  /** Whether the record is one this mapping reads at all (R-STREAM-3). */
  private inScope(r: StreamRecord): boolean {
    if (r.index < this.startIndex[r.shard]!) return false;
    const at = this.options.startingPositionAtMs;
    return at === undefined || r.arrivalMs >= at;
  }

  private schedule(lane: Lane): void {
    if (lane.pumpQueued || lane.busy) return;
    lane.pumpQueued = true;
    // Later at this instant: every put of this instant lands first, so batches fill up.
    this.world.kernel.after(0, () => {
      lane.pumpQueued = false;
      this.pump(lane);
    });
  }

  private pump(lane: Lane): void {
    if (lane.busy) return;
    if (lane.queue.length === 0) {
      const open = lane.window;
      if (open !== undefined && this.world.kernel.nowMs >= open.endMs && this.gather(lane, false) === 0) {
        // R-STREAM-12: the window has ended and none of its records is left: its final invoke.
        lane.queue.push(newBatch([], lane.finishedIndex, 0, 'final'));
        this.attempt(lane);
        return;
      }
      const windowMs = this.options.maximumBatchingWindowS * 1000;
      if (windowMs > 0 && lane.windowTimer === undefined) {
        // The window opens when a record waits; it closes early once a full batch is there.
        const waiting = this.gather(lane, false);
        if (waiting === 0) return;
        if (waiting < this.options.batchSize) {
          lane.windowTimer = this.world.kernel.after(windowMs, () => {
            lane.windowTimer = undefined;
            this.take(lane);
          });
          return;
        }
      } else if (lane.windowTimer !== undefined) {
        if (this.gather(lane, false) < this.options.batchSize) return;
        this.world.kernel.cancel(lane.windowTimer);
        lane.windowTimer = undefined;
      }
      this.take(lane);
      return;
    }
    this.attempt(lane);
  }

  /** Reads the next batch of the lane (if any) and tries it. */
  private take(lane: Lane): void {
    if (this.gather(lane, true) === 0) return;
    this.attempt(lane);
  }

  /**
   * Scans the lane from its position for up to `batchSize` records within the 6 MB cap. With
   * `commit`, skips (and accounts for) records past retention or filtered out, moves the position
   * past leading skipped ones and queues the batch; returns how many records it found.
   */
  private gather(lane: Lane, commit: boolean): number {
    const { batchSize, filters } = this.options;
    const shard = this.stream.shards[lane.shard]!;
    const records = shard.records;
    const now = this.world.kernel.nowMs;
    const retentionMs = this.stream.retentionMs;
    const taken: StreamRecord[] = [];
    let bytes = 0;
    let i = lane.pos;
    let lastIndex = -1;
    const expired: StreamRecord[] = [];
    const filtered: StreamRecord[] = [];
    // R-STREAM-12: a batch holds records of one tumbling window, the open one if there is one.
    const windowMs = this.options.tumblingWindowS * 1000;
    let windowStart = lane.window?.startMs;
    for (; i < records.length && taken.length < batchSize; i++) {
      const r = records[i]!;
      if (this.laneOf(r) !== lane.lane || !this.inScope(r)) continue;
      const start = windowMs > 0 ? windowStartMs(r.arrivalMs, this.world.epochStartMs, windowMs) : 0;
      if (windowStart !== undefined && start !== windowStart) break;
      if (now >= r.arrivalMs + retentionMs) {
        expired.push(r);
        continue;
      }
      if (filters.length > 0 && !passesFilterView(filters, this.stream.filterView(r))) {
        filtered.push(r);
        continue;
      }
      const size = r.data.length + r.partitionKey.length + RECORD_OVERHEAD_BYTES;
      if (taken.length > 0 && bytes + size > MAX_BATCH_PAYLOAD_BYTES) break;
      bytes += size;
      if (windowMs > 0) windowStart = start;
      taken.push(r);
      lastIndex = i;
    }
    if (!commit) return taken.length;
    this.skip(lane, expired, 'expired');
    this.skip(lane, filtered, 'filtered');
    if (taken.length === 0) {
      // Nothing to invoke: the lane is done with everything it scanned.
      if (i > lane.pos) this.advance(lane, i, expired.at(-1) ?? filtered.at(-1));
      return 0;
    }
    const first = taken[0]!;
    invariant(
      first.index > lane.finishedIndex,
      () =>
        `R-STREAM-4: mapping ${this.name} lane ${lane.shard}/${lane.lane} read record ${first.sequenceNumber} (index ${first.index}) again after finishing it (up to index ${lane.finishedIndex}); checkpoint ${lane.checkpoint ?? 'none'}`,
    );
    lane.queue.push(newBatch(taken, lastIndex, 0));
    return taken.length;
  }

  private skip(lane: Lane, records: readonly StreamRecord[], why: 'expired' | 'filtered'): void {
    if (records.length === 0) return;
    const fates = this.fates[lane.shard]!;
    const fate: StreamRecordFate = why === 'expired' ? EXPIRED : FILTERED;
    for (const r of records) fates.set(r.index, fate);
    this.world.kernel.record({
      kind: 'stream.recordsSkipped',
      mapping: this.name,
      shardId: this.stream.shards[lane.shard]!.shardId,
      why,
      firstSequenceNumber: records[0]!.sequenceNumber,
      lastSequenceNumber: records.at(-1)!.sequenceNumber,
      count: records.length,
    });
  }

  /** The fields that name a lane in its trace facts, in the trace's order. */
  private laneFields(lane: Lane): { mapping: string; shardId: string; lane: number } {
    return { mapping: this.name, shardId: this.stream.shards[lane.shard]!.shardId, lane: lane.lane };
  }

  /** Moves the lane's checkpoint to shard index `to` (exclusive). */
  private advance(lane: Lane, to: number, last: StreamRecord | undefined): void {
    if (to <= lane.pos) return;
    lane.pos = to;
    if (last === undefined) return;
    if (lane.window !== undefined) {
      // R-STREAM-12: inside a tumbling window the checkpoint waits for the window's end.
      lane.window.last = last;
      return;
    }
    this.checkpoint(lane, last);
  }

  private checkpoint(lane: Lane, last: StreamRecord): void {
    lane.checkpoint = last.sequenceNumber;
    this.world.kernel.record({
      kind: 'stream.checkpointed',
      ...this.laneFields(lane),
      sequenceNumber: last.sequenceNumber,
    });
  }

  /**
   * R-STREAM-6 before a records batch is tried: records past the stream's retention are gone (no
   * record, U); records older than maximumRecordAgeS are split off and given up with
   * RecordAgeExceeded. False when nothing is left to invoke (the batch has ended).
   */
  private readyRecords(lane: Lane, batch: Batch): boolean {
    const now = this.world.kernel.nowMs;
    const retentionMs = this.stream.retentionMs;
    const gone = batch.records.filter((r) => now >= r.arrivalMs + retentionMs);
    if (gone.length > 0) {
      this.skip(lane, gone, 'expired');
      batch.records = batch.records.filter((r) => now < r.arrivalMs + retentionMs);
    }
    const maxAgeS = this.options.maximumRecordAgeS;
    if (maxAgeS !== -1) {
      const old = batch.records.filter((r) => now - r.arrivalMs > maxAgeS * 1000);
      if (old.length > 0) {
        batch.records = batch.records.filter((r) => now - r.arrivalMs <= maxAgeS * 1000);
        this.discard(lane, batch, old, 'RecordAgeExceeded');
      }
    }
    if (batch.records.length === 0) {
      this.finishBatch(lane, batch);
      return false;
    }
    if (this.options.tumblingWindowS > 0) this.openWindow(lane, batch.records[0]!);
    return true;
  }

  /** One try of the lane's current batch (R-STREAM-6 first, then the invoke). */
  private attempt(lane: Lane): void {
    const kernel = this.world.kernel;
    const batch = lane.queue[0]!;
    const now = kernel.nowMs;
    if (batch.windowInvoke !== undefined) {
      if (this.windowOutlived(lane)) {
        this.closeWindow(lane, 'abandoned');
        this.finishBatch(lane, batch);
        return;
      }
    } else if (!this.readyRecords(lane, batch)) return;
    const acquired = this.fn.acquire();
    const shardId = this.stream.shards[lane.shard]!.shardId;
    if (acquired.kind === 'throttled') {
      // R-STREAM-7: retried without counting, bounded only by the record age and retention.
      batch.throttles++;
      const waitMs = streamRetryDelayMs(batch.throttles);
      kernel.record({
        kind: 'stream.batchThrottled',
        mapping: this.name,
        shardId,
        reason: acquired.reason,
        retryAtMs: now + waitMs,
      });
      this.wait(lane, waitMs);
      return;
    }
    const faults = this.world.faults;
    // Stream faults aim at deliveries of records: a window's final invoke carries none.
    if (!faults.empty && batch.windowInvoke === undefined)
      for (const fault of faults.nextStreamBatch(this.stream.name))
        if (fault.kind === 'duplicateDelivery') {
          faults.injected(fault);
          batch.duplicate = true;
        }
    const requestId = seededUuid(this.requestIds);
    this.invocations++;
    batch.attempts++;
    batch.invocations++;
    batch.lastRequestId = requestId;
    lane.busy = true;
    kernel.record({
      kind: 'stream.batchInvoked',
      ...this.laneFields(lane),
      requestId,
      fn: this.fn.name,
      attempt: batch.attempts,
      sequenceNumbers: batch.records.map((r) => r.sequenceNumber),
      ...(this.stream.model === 'kinesis'
        ? {}
        : { eventIds: batch.records.map((r) => this.stream.eventId(r)) }),
      ...(batch.windowInvoke === undefined ? {} : { windowInvoke: batch.windowInvoke }),
    });
    const parts: string[] = [];
    for (const r of batch.records) parts.push(this.stream.recordJson(r, this.role));
    const open = lane.window;
    const payloadJson =
      open === undefined
        ? `{"Records":[${parts.join(',')}]}`
        : windowEventJson(parts, {
            startMs: open.startMs,
            endMs: open.endMs,
            epochStartMs: this.world.epochStartMs,
            stateJson: open.stateJson,
            shardId,
            eventSourceArn: this.stream.arn,
            invoke: batch.windowInvoke,
          });
    acquired.slot.execute({ requestId, payloadJson, attempt: batch.attempts }, (outcome) => {
      lane.busy = false;
      this.completed(lane, batch, requestId, outcome);
    });
  }

  private completed(lane: Lane, batch: Batch, requestId: string, outcome: InvocationOutcome): void {
    const kernel = this.world.kernel;
    const shardId = this.stream.shards[lane.shard]!.shardId;
    const base = { mapping: this.name, shardId, requestId } as const;
    if (outcome.kind === 'failed') {
      kernel.record({
        ...base,
        kind: 'stream.batchFailed',
        reason: 'functionError',
        detail: outcome.error.errorType,
      });
      batch.lastFunctionError = 'Unhandled';
      this.block(lane, 'functionError');
      const n = batch.records.length;
      if (this.options.bisectBatchOnFunctionError && n >= 2) {
        // R-STREAM-8: split instead of retrying; the halves start their own attempt counts.
        const half = Math.ceil(n / 2);
        const prior = batch.priorInvocations + batch.invocations;
        const first = batch.records.slice(0, half);
        const second = batch.records.slice(half);
        lane.queue.splice(
          0,
          1,
          newBatch(first, first.at(-1)!.index, prior),
          newBatch(second, batch.endIndex, prior),
        );
        kernel.record({
          kind: 'stream.batchBisected',
          ...this.laneFields(lane),
          first: first.length,
          second: second.length,
        });
        this.wait(lane, streamRetryDelayMs(1));
        return;
      }
      this.retryOrDiscard(lane, batch);
      return;
    }
    // R-STREAM-12: under a tumbling window a response without `state` is a failed invocation,
    // counted as R-STREAM-9b counts a malformed response (no bisect, functionError null).
    const reading = lane.window === undefined ? undefined : readWindowState(outcome.payloadJson);
    if (reading?.kind === 'stateMissing') {
      kernel.record({ ...base, kind: 'stream.batchFailed', reason: 'stateMissing', detail: reading.reason });
      batch.lastFunctionError = null;
      this.block(lane, 'stateMissing');
      this.retryOrDiscard(lane, batch);
      return;
    }
    const ids = new Set(batch.records.map((r) => r.sequenceNumber));
    const verdict = interpretBatchResponse(
      outcome.payloadJson,
      ids,
      this.options.reportBatchItemFailures,
      'sequence number',
    );
    // The window takes the returned state unless the whole batch failed (a partial response's
    // state covers the records before the failure, U).
    if (reading !== undefined && verdict.kind !== 'invalid' && batch.windowInvoke === undefined)
      this.keepState(lane, batch, reading.stateJson, reading.bytes);
    if (verdict.kind === 'success') {
      kernel.record({ ...base, kind: 'stream.batchSucceeded' });
      if (batch.windowInvoke !== undefined) {
        this.closeWindow(lane, batch.windowInvoke);
        this.finishBatch(lane, batch);
        return;
      }
      if (batch.duplicate) {
        // At-least-once: the same records again before the checkpoint moves (a fresh delivery,
        // not a retry: its attempt count starts again).
        batch.duplicate = false;
        batch.attempts = 0;
        this.wait(lane, 0);
        return;
      }
      this.finishBatch(lane, batch);
      return;
    }
    batch.lastFunctionError = null;
    if (verdict.kind === 'invalid') {
      // R-STREAM-9b: a failed attempt of the whole batch, no bisect.
      kernel.record({
        ...base,
        kind: 'stream.batchFailed',
        reason: 'invalidResponse',
        detail: verdict.reason,
      });
      this.block(lane, 'invalidResponse');
      this.retryOrDiscard(lane, batch);
      return;
    }
    // R-STREAM-9c / R-STREAM-10: the lowest reported sequence number is the new checkpoint.
    let from = batch.records.length;
    const failed = new Set(verdict.failedIds);
    for (let i = 0; i < batch.records.length; i++)
      if (failed.has(batch.records[i]!.sequenceNumber)) {
        from = i;
        break;
      }
    this.block(lane, 'partialFailure');
    if (from === 0) {
      kernel.record({
        ...base,
        kind: 'stream.batchFailed',
        reason: 'partialFailure',
        detail: `the first record (${batch.records[0]!.sequenceNumber}) was reported failed`,
      });
      this.retryOrDiscard(lane, batch);
      return;
    }
    const done = batch.records.slice(0, from);
    const rest = batch.records.slice(from);
    kernel.record({
      ...base,
      kind: 'stream.batchPartiallyFailed',
      failedFrom: rest[0]!.sequenceNumber,
      done: done.length,
      retried: rest.length,
    });
    this.advance(lane, done.at(-1)!.index + 1, done.at(-1));
    // The remainder is a new batch (not refilled with newer records) whose attempt count starts at 0 (U).
    lane.queue[0] = newBatch(rest, batch.endIndex, batch.priorInvocations + batch.invocations);
    this.wait(lane, streamRetryDelayMs(1));
  }

  /** R-STREAM-5: retry k is allowed while `maximumRetryAttempts` is −1 or k ≤ it; else give up. */
  private retryOrDiscard(lane: Lane, batch: Batch): void {
    const max = this.options.maximumRetryAttempts;
    const retry = batch.attempts;
    if (max !== -1 && retry > max && batch.windowInvoke !== undefined) {
      // A final invoke has no records to give up: the window's state is dropped (U).
      this.closeWindow(lane, 'abandoned');
      this.finishBatch(lane, batch);
      return;
    }
    if (max !== -1 && retry > max) {
      const records = batch.records;
      batch.records = [];
      this.discard(lane, batch, records, 'RetryAttemptsExhausted');
      this.finishBatch(lane, batch);
      return;
    }
    const waitMs = streamRetryDelayMs(retry);
    this.world.kernel.record({
      kind: 'stream.retryScheduled',
      ...this.laneFields(lane),
      retry,
      retryAtMs: this.world.kernel.nowMs + waitMs,
    });
    this.wait(lane, waitMs);
  }

  private wait(lane: Lane, ms: number): void {
    lane.busy = true;
    this.world.kernel.after(ms, () => {
      lane.busy = false;
      this.pump(lane);
    });
  }

  private block(lane: Lane, why: ShardBlockCause): void {
    if (lane.blockedSinceMs !== undefined) return;
    lane.blockedSinceMs = this.world.kernel.nowMs;
    lane.blockedWhy = why;
    this.world.kernel.record({
      kind: 'stream.shardBlocked',
      ...this.laneFields(lane),
      why,
    });
  }

  /** The lane's current batch ended: checkpoint past it, then the next half or the next read. */
  private finishBatch(lane: Lane, batch: Batch): void {
    lane.queue.shift();
    lane.finishedIndex = Math.max(lane.finishedIndex, batch.endIndex);
    const last = this.stream.shards[lane.shard]!.records[batch.endIndex]!;
    this.advance(lane, batch.endIndex + 1, last);
    if (lane.queue.length === 0 && lane.blockedSinceMs !== undefined) {
      this.world.kernel.record({
        kind: 'stream.shardUnblocked',
        ...this.laneFields(lane),
        blockedSinceMs: lane.blockedSinceMs,
        how: lane.gaveUp ? 'discarded' : 'succeeded',
      });
      lane.blockedSinceMs = undefined;
      lane.blockedWhy = undefined;
      lane.gaveUp = false;
    }
    this.schedule(lane);
  }

  /** Gives records up with `condition` and sends the R-STREAM-13 record to the on-failure destination. */
  private discard(
    lane: Lane,
    batch: Batch,
    records: readonly StreamRecord[],
    condition: StreamDiscardCondition,
  ): void {
    const kernel = this.world.kernel;
    const shardId = this.stream.shards[lane.shard]!.shardId;
    const approximateInvokeCount =
      condition === 'RetryAttemptsExhausted'
        ? batch.attempts
        : batch.priorInvocations + batch.invocations + 1; // R-STREAM-13 (U)
    const target = this.options.onFailure;
    let delivered = false;
    if (target !== undefined) {
      const first = records[0]!;
      const last = records.at(-1)!;
      const epoch = this.world.epochStartMs;
      const fnConfig = this.fn.config;
      const record = {
        requestContext: {
          requestId: batch.lastRequestId ?? seededUuid(this.requestIds),
          functionArn: fnConfig.arn,
          condition,
          approximateInvokeCount,
        },
        ...(condition === 'RetryAttemptsExhausted'
          ? {
              responseContext: {
                statusCode: 200,
                executedVersion: fnConfig.version,
                functionError: batch.lastFunctionError,
              },
            }
          : {}),
        version: '1.0',
        timestamp: isoMs(epoch + kernel.nowMs),
        [this.stream.batchInfoField]: {
          shardId,
          startSequenceNumber: first.sequenceNumber,
          endSequenceNumber: last.sequenceNumber,
          approximateArrivalOfFirstRecord: isoMs(epoch + first.arrivalMs),
          approximateArrivalOfLastRecord: isoMs(epoch + last.arrivalMs),
          batchSize: records.length,
          streamArn: this.stream.arn,
        },
        // S3 destinations also get the records themselves (spec §3.2).
        ...(target.targetKind === 's3'
          ? {
              payload: {
                Records: records.map((r) => JSON.parse(this.stream.recordJson(r, this.role)) as unknown),
              },
            }
          : {}),
      };
      const result = target.accept({
        body: JSON.stringify(record),
        source: `${this.name} (on-failure destination)`,
      });
      delivered = result.ok;
    }
    const fate: StreamRecordFate = {
      state: 'discarded',
      condition,
      target: delivered ? target?.arn : undefined,
    };
    const fates = this.fates[lane.shard]!;
    for (const r of records) fates.set(r.index, fate);
    if (lane.blockedSinceMs !== undefined) lane.gaveUp = true;
    kernel.record({
      kind: 'stream.recordsDiscarded',
      mapping: this.name,
      shardId,
      condition,
      firstSequenceNumber: records[0]!.sequenceNumber,
      lastSequenceNumber: records.at(-1)!.sequenceNumber,
      count: records.length,
      approximateInvokeCount,
      ...(target === undefined ? {} : { target: target.arn }),
      delivered,
    });
  }

  /** R-STREAM-12: the first records batch of a window opens it, with `{}` as its state. */
  private openWindow(lane: Lane, first: StreamRecord): void {
    const windowMs = this.options.tumblingWindowS * 1000;
    const startMs = windowStartMs(first.arrivalMs, this.world.epochStartMs, windowMs);
    if (lane.window !== undefined) {
      invariant(
        lane.window.startMs === startMs,
        () =>
          `R-STREAM-12: mapping ${this.name} lane ${lane.shard}/${lane.lane} read record ${first.sequenceNumber} of another window while one is open`,
      );
      return;
    }
    const endMs = startMs + windowMs;
    const kernel = this.world.kernel;
    const open: OpenWindow = {
      startMs,
      endMs,
      stateJson: '{}',
      stateBytes: 2,
      last: undefined,
      endTimer: undefined,
    };
    lane.window = open;
    // Wake the lane when the window ends, for its final invoke.
    open.endTimer = kernel.after(Math.max(0, endMs - kernel.nowMs), () => {
      open.endTimer = undefined;
      this.schedule(lane);
    });
    kernel.record({ kind: 'stream.windowOpened', ...this.laneFields(lane), ...this.windowBounds(open) });
  }

  private windowBounds(w: OpenWindow): { start: string; end: string } {
    const epoch = this.world.epochStartMs;
    return { start: isoSeconds(epoch + w.startMs), end: isoSeconds(epoch + w.endMs) };
  }

  /**
   * The window takes the state a records batch returned; over 1 MB, the window ends early: an
   * invoke with `isWindowTerminatedEarly` (and this state) runs next, then a fresh state (U).
   */
  private keepState(lane: Lane, batch: Batch, stateJson: string, bytes: number): void {
    const open = lane.window!;
    open.stateJson = stateJson;
    open.stateBytes = bytes;
    if (bytes <= WINDOW_STATE_BYTES_MAX) return;
    const early = newBatch([], batch.endIndex, 0, 'terminatedEarly');
    // Next after this batch (on a partial response, after the remainder).
    lane.queue.splice(1, 0, early);
  }

  /** Drops the window's state and checkpoints past its records (R-STREAM-12). */
  private closeWindow(lane: Lane, how: 'final' | 'terminatedEarly' | 'abandoned'): void {
    const open = lane.window!;
    this.world.kernel.record({
      kind: 'stream.windowClosed',
      ...this.laneFields(lane),
      ...this.windowBounds(open),
      how,
      stateBytes: open.stateBytes,
    });
    const last = open.last;
    open.last = undefined;
    if (last !== undefined) this.checkpoint(lane, last);
    if (how === 'terminatedEarly') {
      // "Subsequent invoke will continue the same window with a fresh state."
      open.stateJson = '{}';
      open.stateBytes = 2;
      return;
    }
    if (open.endTimer !== undefined) this.world.kernel.cancel(open.endTimer);
    lane.window = undefined;
  }

  /**
   * A failing final invoke is retried until every record of its window has left retention or grown
   * past `maximumRecordAgeS` (they all arrived before the window's end), so it cannot spin forever.
   */
  private windowOutlived(lane: Lane): boolean {
    const ageMs = this.world.kernel.nowMs - lane.window!.endMs;
    const maxAgeS = this.options.maximumRecordAgeS;
    return ageMs >= this.stream.retentionMs || (maxAgeS !== -1 && ageMs > maxAgeS * 1000);
  }

  /** Every lane's checkpoint and blocked state now (`result.shards`). */
  shardStatuses(): ShardStatus[] {
    return this.lanes.map((lane) => {
      const current = lane.queue[0];
      return {
        ...this.laneFields(lane),
        checkpoint: lane.checkpoint,
        blocked:
          lane.blockedSinceMs === undefined || current === undefined
            ? undefined
            : {
                sinceMs: lane.blockedSinceMs,
                why: lane.blockedWhy!,
                records: lane.queue.reduce((n, b) => n + b.records.length, 0),
                attempts: current.attempts,
              },
        window:
          lane.window === undefined
            ? undefined
            : { ...this.windowBounds(lane.window), stateBytes: lane.window.stateBytes },
      };
    });
  }

  /**
   * Every record this mapping reads (from its starting position on) with how it ended; records
   * still in the stream are `expired` once past retention, else `pending`.
   */
  recordEntries(out: StreamRecordEntry[]): void {
    const now = this.world.kernel.nowMs;
    const retentionMs = this.stream.retentionMs;
    const p = this.options.parallelizationFactor;
    for (let s = 0; s < this.stream.shards.length; s++) {
      const records = this.stream.shards[s]!.records;
      const fates = this.fates[s]!;
      const lanes = this.lanes.slice(s * p, s * p + p);
      for (const r of records) {
        if (!this.inScope(r)) continue;
        let fate = fates.get(r.index);
        if (fate === undefined) {
          const lane = lanes[this.laneOf(r)]!;
          if (r.index < lane.pos) fate = PROCESSED;
          else fate = now >= r.arrivalMs + retentionMs ? EXPIRED : PENDING;
        }
        out.push({
          model: this.stream.model,
          mapping: this.name,
          stream: this.stream.name,
          fn: this.fn.name,
          eventId: this.stream.eventId(r),
          partitionKey: r.partitionKey,
          data: r.data,
          fate,
          onFailure: this.options.onFailure?.arn,
        });
      }
    }
  }

  /** @internal Run-end invariant: a quiescent run has no lane busy or holding a batch. */
  checkRunEnd(quiescent: boolean): void {
    for (const lane of this.lanes)
      invariant(
        !quiescent ||
          (!lane.busy &&
            lane.queue.length === 0 &&
            lane.windowTimer === undefined &&
            lane.window === undefined),
        () =>
          `run end: the run is quiescent but mapping ${this.name} lane ${lane.shard}/${lane.lane} still holds work`,
      );
  }
}

const PROCESSED: StreamRecordFate = Object.freeze({ state: 'processed' });
const FILTERED: StreamRecordFate = Object.freeze({ state: 'filtered' });
const EXPIRED: StreamRecordFate = Object.freeze({ state: 'expired' });
const PENDING: StreamRecordFate = Object.freeze({ state: 'pending' });

function newBatch(
  records: StreamRecord[],
  endIndex: number,
  priorInvocations: number,
  windowInvoke?: WindowInvoke,
): Batch {
  return {
    windowInvoke,
    records,
    endIndex,
    attempts: 0,
    priorInvocations,
    invocations: 0,
    throttles: 0,
    lastRequestId: undefined,
    lastFunctionError: null,
    duplicate: false,
  };
}

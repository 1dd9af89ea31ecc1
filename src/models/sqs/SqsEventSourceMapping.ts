import { ConfigError, checkBoolean, checkOptions, intInRange } from '../../errors.js';
import type { InvocationOutcome } from '../../lambda/Environment.js';
import type { LambdaFunction } from '../../lambda/LambdaFunction.js';
import type { World } from '../../world/World.js';
import type { TimerHandle } from '../../sim/Kernel.js';
import { invariant, invariantFailed } from '../../sim/invariant.js';
import { type Rng, seededUuid } from '../../sim/Rng.js';
import { interpretBatchResponse } from '../mapping/batchResponse.js';
import type { FilterPattern } from '../mapping/filterPattern.js';
import {
  MAX_BATCH_PAYLOAD_BYTES,
  passesFilters,
  resolveBatchingWindowS,
  resolveBatchSize,
  resolveFilterCriteria,
  SHARED_MAPPING_OPTIONS,
} from '../mapping/mappingOptions.js';
import type { Lease, SqsQueue } from './SqsQueue.js';
import type { StoredMessage } from './StoredMessage.js';

/** R-SQS-11: concurrent batches when a mapping starts, and the most it scales to. */
export const SQS_INITIAL_CONCURRENCY = 5;
export const SQS_MAX_CONCURRENCY = 1250;
/** R-SQS-11 (U): concurrency added per virtual second while messages remain (300 per minute). */
export const SQS_SCALE_UP_PER_S = 5;

/** Options of {@link Simulation.mapping} (an SQS event source mapping). */
export interface SqsMappingOptions {
  /** `BatchSize`: 1–10,000 (FIFO: 1–10). @defaultValue 10 */
  readonly batchSize?: number;
  /** `MaximumBatchingWindowInSeconds`: 0–300, at least 1 when `batchSize` > 10; not for FIFO. @defaultValue 0 */
  readonly maximumBatchingWindowS?: number;
  /** `FunctionResponseTypes: ['ReportBatchItemFailures']`. @defaultValue false */
  readonly reportBatchItemFailures?: boolean;
  /** `ScalingConfig.MaximumConcurrency`: 2–1,000. @defaultValue unset (up to 1,250) */
  readonly maximumConcurrency?: number;
  /** `FilterCriteria`: at most 5 patterns, ORed, on the `body` key only (as AWS); non-matching messages are deleted (R-SQS-13). */
  readonly filters?: readonly FilterPattern[];
}

/** {@link SqsMappingOptions} with every default filled in. */
export interface ResolvedSqsMappingOptions {
  readonly batchSize: number;
  readonly maximumBatchingWindowS: number;
  readonly reportBatchItemFailures: boolean;
  readonly maximumConcurrency: number | undefined;
  readonly filters: readonly FilterPattern[];
}

const KNOWN = new Set([...SHARED_MAPPING_OPTIONS, 'maximumConcurrency']);

/**
 * Validates a mapping as `CreateEventSourceMapping` does (R-SQS-2, R-SQS-14, R-SQS-15 is checked
 * by the simulation). AWS's own error text is quoted inside the ConfigError's rule.
 */
export function resolveSqsMappingOptions(
  queue: SqsQueue,
  fn: LambdaFunction,
  options: unknown,
): ResolvedSqsMappingOptions {
  const api = `sim.mapping(${JSON.stringify(queue.name)} → ${JSON.stringify(fn.name)})`;
  const o = checkOptions(api, options ?? {}, KNOWN);
  const fifo = queue.fifo;
  const batchSize = resolveBatchSize(api, o.batchSize, 10);
  if (fifo && batchSize > 10)
    throw new ConfigError(
      api,
      'batchSize',
      'must be between 1 and 10 for a FIFO queue (AWS: 400 InvalidParameterValueException)',
      batchSize,
    );
  const maximumBatchingWindowS = resolveBatchingWindowS(api, o.maximumBatchingWindowS);
  if (fifo && maximumBatchingWindowS > 0)
    throw new ConfigError(
      api,
      'maximumBatchingWindowS',
      'is not supported for FIFO queues (AWS: 400 InvalidParameterValueException)',
      maximumBatchingWindowS,
    );
  if (batchSize > 10 && maximumBatchingWindowS === 0)
    throw new ConfigError(
      api,
      'maximumBatchingWindowS',
      `must be at least 1 when batchSize (${batchSize}) is greater than 10 (AWS: 400 InvalidParameterValueException "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")`,
      maximumBatchingWindowS,
    );
  const reportBatchItemFailures = checkBoolean(
    api,
    'reportBatchItemFailures',
    o.reportBatchItemFailures ?? false,
  );
  const maximumConcurrency =
    o.maximumConcurrency === undefined
      ? undefined
      : intInRange(api, 'maximumConcurrency', o.maximumConcurrency, 2, 1000);
  const filters = resolveFilterCriteria(api, o.filters, 'body', 'SQS');
  const visibilityS = queue.options.visibilityTimeoutS;
  const timeoutS = fn.config.timeoutS;
  if (visibilityS < timeoutS)
    throw new ConfigError(
      api,
      'queue visibilityTimeoutS',
      `must be at least the function timeout (${timeoutS} s) (AWS: 400 InvalidParameterValueException "Queue visibility timeout: ${visibilityS} seconds is less than Function timeout: ${timeoutS} seconds")`,
      visibilityS,
    );
  return { batchSize, maximumBatchingWindowS, reportBatchItemFailures, maximumConcurrency, filters };
}

/** One batch on its way to the function: the leases it holds and the messages in it. */
interface Batch {
  readonly leases: Lease[];
  count: number;
  bytes: number;
  flushTimer: TimerHandle | undefined;
  throttles: number;
}

/**
 * An SQS event source mapping: polls a queue and invokes a function synchronously with batches
 * (spec §3.1, R-SQS-1..13). Pollers never spin: an idle mapping waits for the queue to say
 * messages became receivable (a send, a delay or visibility timeout ending), so a run ends
 * quiescent when every message is consumed.
 *
 * Gotchas: without `reportBatchItemFailures` a returned `batchItemFailures` list is ignored and
 * one failure redelivers the whole batch; a batch that outlives the visibility timeout (e.g. a
 * cold start plus a long handler) is received again and processed concurrently.
 */
export class SqsEventSourceMapping {
  /** The mapping's UUID (seeded). */
  readonly uuid: string;
  /** `queue→function`, as the trace shows it. */
  readonly name: string;
  /** Batches that reached the function. */
  invocations = 0;
  private target = SQS_INITIAL_CONCURRENCY;
  private active = 0;
  private idle = true;
  private growthFromMs = 0;
  /** The last receive came back empty: nothing was visible since, so no growth accrues (R-SQS-11). */
  private starved = false;
  private gathering: Batch | undefined;
  private pumpScheduled = false;
  private readonly requestIds: Rng;

  /** @internal Use {@link Simulation.mapping}. */
  constructor(
    private readonly world: World,
    readonly queue: SqsQueue,
    readonly fn: LambdaFunction,
    readonly options: ResolvedSqsMappingOptions,
    uuid: string,
  ) {
    this.uuid = uuid;
    this.name = `${queue.name}→${fn.name}`;
    this.requestIds = world.kernel.rng('sqs.requestIds');
    queue.onAvailable(() => this.schedulePump());
    this.schedulePump();
  }

  /**
   * R-SQS-1: the effective visibility timeout of a receive: the queue's, or window + function
   * timeout + 30 s when window + timeout exceed it. Read at each receive, so a later
   * `queue.setAttributes` applies.
   */
  private visibilityMs(): number {
    const windowS = this.options.maximumBatchingWindowS;
    const visS = this.queue.options.visibilityTimeoutS;
    const timeoutS = this.fn.config.timeoutS;
    return (windowS + timeoutS > visS ? windowS + timeoutS + 30 : visS) * 1000;
  }

  /** The current concurrency target (R-SQS-11). */
  get concurrency(): number {
    return this.target;
  }

  private get ceiling(): number {
    return Math.min(SQS_MAX_CONCURRENCY, this.options.maximumConcurrency ?? SQS_MAX_CONCURRENCY);
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // Later at this instant: every send of this instant lands first, so batches fill up.
    this.world.kernel.after(0, () => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const { batchSize } = this.options;
    // R-SQS-11: growth accrues "while messages remain"; since an empty receive the poller saw none
    // (a long batch or a visibility timeout over an empty queue), so none is owed for that time.
    if (this.starved) this.growthFromMs = this.world.kernel.nowMs;
    this.grow();
    const g = this.gathering;
    if (g !== undefined) {
      this.fill(g);
      if (g.count >= batchSize || g.bytes >= MAX_BATCH_PAYLOAD_BYTES - 1_048_576) this.flush(g);
      else return;
    }
    while (this.active < Math.min(this.target, this.ceiling)) {
      const batch: Batch = { leases: [], count: 0, bytes: 0, flushTimer: undefined, throttles: 0 };
      this.fill(batch);
      if (batch.count === 0) {
        if (batch.leases.length > 0) continue; // all filtered out: poll again
        this.starved = true;
        if (this.active === 0) this.goIdle();
        return;
      }
      this.starved = false;
      if (this.idle) {
        this.idle = false;
        this.growthFromMs = this.world.kernel.nowMs;
      }
      this.active++;
      const windowMs = this.options.maximumBatchingWindowS * 1000;
      if (windowMs > 0 && batch.count < batchSize) {
        this.gathering = batch;
        batch.flushTimer = this.world.kernel.after(windowMs, () => {
          batch.flushTimer = undefined;
          this.flush(batch);
        });
        return;
      }
      this.flush(batch);
    }
  }

  /** Receives into `batch` up to the batch size and the 6 MB cap; drops filtered messages. */
  private fill(batch: Batch): void {
    const inBatch = (m: StoredMessage) => batch.leases.some((lease) => lease.messages.includes(m));
    for (;;) {
      const room = this.options.batchSize - batch.count;
      if (room <= 0) return;
      const lease = this.queue.receive(
        room,
        MAX_BATCH_PAYLOAD_BYTES - batch.bytes,
        this.visibilityMs(),
        inBatch,
      );
      if (lease === undefined) return;
      batch.leases.push(lease);
      const filters = this.options.filters;
      for (let i = 0; i < lease.messages.length; i++) {
        const m = lease.messages[i]!;
        if (!passesFilters(filters, 'body', m.body)) {
          this.queue.delete(lease, i, 'filtered'); // R-SQS-13
          continue;
        }
        batch.count++;
        batch.bytes += m.recordBytes;
      }
    }
  }

  private flush(batch: Batch): void {
    if (batch.flushTimer !== undefined) this.world.kernel.cancel(batch.flushTimer);
    batch.flushTimer = undefined;
    if (this.gathering === batch) this.gathering = undefined;
    this.invoke(batch);
  }

  private invoke(batch: Batch): void {
    const kernel = this.world.kernel;
    // Between its receive and this try (a batching window, a throttle's backoff) every message of
    // the batch may have gone: deleted through a duplicate copy another poller received, or
    // received again. Then there is nothing to run, so no concurrency slot is taken (issue 10).
    if (!hasLiveMessage(batch)) {
      kernel.record({
        kind: 'batch.emptied',
        mapping: this.name,
        messageIds: batchMessageIds(batch),
      });
      this.finish();
      return;
    }
    const acquired = this.fn.acquire();
    if (acquired.kind === 'throttled') {
      // R-SQS-12: retry the same batch (no new receive) with backoff until the visibility timeout ends.
      this.scaleDown('throttle');
      const retryInMs = 1000 * 2 ** batch.throttles;
      batch.throttles++;
      let deadline = Number.POSITIVE_INFINITY;
      for (const lease of batch.leases) deadline = Math.min(deadline, lease.visibleAtMs);
      const retry = kernel.nowMs + retryInMs < deadline;
      kernel.record({
        kind: 'batch.throttled',
        mapping: this.name,
        reason: acquired.reason,
        ...(retry ? { retryAtMs: kernel.nowMs + retryInMs } : {}),
      });
      if (retry) kernel.after(retryInMs, () => this.invoke(batch));
      else this.finish();
      return;
    }
    const records: string[] = [];
    const ids = new Set<string>();
    const messageIds: string[] = [];
    for (const lease of batch.leases)
      for (let i = 0; i < lease.messages.length; i++) {
        const m = lease.messages[i]!;
        if (!isLive(m, lease, i)) continue;
        records.push(this.queue.recordJson(m, lease.receipts[i]!));
        ids.add(m.messageId);
        messageIds.push(m.messageId);
      }
    if (records.length === 0) invariantFailed(`${this.name}: a batch with a live message has no record`);
    const requestId = seededUuid(this.requestIds);
    this.invocations++;
    kernel.record({
      kind: 'batch.invoked',
      mapping: this.name,
      requestId,
      fn: this.fn.name,
      messageIds,
    });
    const payloadJson = `{"Records":[${records.join(',')}]}`;
    acquired.slot.execute({ requestId, payloadJson, attempt: 1 }, (outcome) =>
      this.completed(batch, requestId, ids, outcome),
    );
  }

  private completed(batch: Batch, requestId: string, ids: Set<string>, outcome: InvocationOutcome): void {
    const kernel = this.world.kernel;
    if (outcome.kind === 'failed') {
      // R-SQS-4: nothing is deleted; each message reappears when its visibility timeout ends.
      kernel.record({
        kind: 'batch.failed',
        mapping: this.name,
        requestId,
        reason: 'functionError',
        detail: outcome.error.errorType,
      });
      if (!this.options.reportBatchItemFailures) this.scaleDown('functionError');
      this.finish();
      return;
    }
    const verdict = interpretBatchResponse(outcome.payloadJson, ids, this.options.reportBatchItemFailures);
    if (verdict.kind === 'invalid') {
      kernel.record({
        kind: 'batch.failed',
        mapping: this.name,
        requestId,
        reason: 'invalidResponse',
        detail: verdict.reason,
      });
      this.finish();
      return;
    }
    const failed = verdict.kind === 'partial' ? new Set(verdict.failedIds) : undefined;
    let deleted = 0;
    for (const lease of batch.leases)
      for (let i = 0; i < lease.messages.length; i++) {
        const m = lease.messages[i]!;
        if (!ids.has(m.messageId) || failed?.has(m.messageId)) continue;
        this.queue.delete(lease, i, 'processed');
        deleted++;
      }
    if (failed === undefined)
      kernel.record({ kind: 'batch.succeeded', mapping: this.name, requestId, deleted });
    else
      kernel.record({
        kind: 'batch.partiallyFailed',
        mapping: this.name,
        requestId,
        deleted,
        failedIds: [...failed],
      });
    this.finish();
  }

  private finish(): void {
    this.active--;
    if (this.active < 0) invariantFailed(`${this.name}: a batch finished with no batch active`);
    this.schedulePump();
  }

  /**
   * @internal Run-end invariant: a quiescent run has no batch active (each holds a timer or a
   * running invocation).
   */
  checkRunEnd(quiescent: boolean): void {
    invariant(
      !quiescent || (this.active === 0 && this.gathering === undefined),
      () =>
        `run end: the run is quiescent but mapping ${this.name} has ${this.active} batch(es) active${this.gathering === undefined ? '' : ', one gathering'}`,
    );
  }

  /** R-SQS-11 (U): +5 per virtual second without failures or throttles, while messages remain. */
  private grow(): void {
    if (this.idle) return;
    const now = this.world.kernel.nowMs;
    const secs = Math.floor((now - this.growthFromMs) / 1000);
    if (secs <= 0) return;
    this.growthFromMs += secs * 1000;
    const to = Math.min(this.ceiling, this.target + SQS_SCALE_UP_PER_S * secs);
    this.setTarget(to, 'scaledUp');
  }

  private scaleDown(why: 'throttle' | 'functionError'): void {
    this.growthFromMs = this.world.kernel.nowMs;
    this.setTarget(Math.max(2, Math.floor(this.target / 2)), why);
  }

  private goIdle(): void {
    this.idle = true;
    this.setTarget(Math.min(this.target, SQS_INITIAL_CONCURRENCY), 'idle');
  }

  private setTarget(to: number, why: 'scaledUp' | 'throttle' | 'functionError' | 'idle'): void {
    if (to === this.target) return;
    const kernel = this.world.kernel;
    kernel.record({
      kind: 'mapping.scaled',
      mapping: this.name,
      from: this.target,
      to,
      why,
    });
    this.target = to;
  }
}

/** Some message of the batch is still its to hand over. */
function hasLiveMessage(batch: Batch): boolean {
  for (const lease of batch.leases)
    for (let i = 0; i < lease.messages.length; i++) if (isLive(lease.messages[i]!, lease, i)) return true;
  return false;
}

/** The ids of the messages a batch received (those its filters dropped left out). */
function batchMessageIds(batch: Batch): string[] {
  const ids: string[] = [];
  for (const lease of batch.leases)
    for (const m of lease.messages) if (m.status !== 'filtered') ids.push(m.messageId);
  return ids;
}

/** The message of lease slot `i` is still this lease's to hand over (not deleted, not re-received). */
function isLive(m: StoredMessage, lease: Lease, i: number): boolean {
  return m.status === 'inFlight' && m.receipt === lease.receipts[i];
}

/** @internal Creates the mapping's seeded UUID. */
export function mappingUuid(rng: Rng): string {
  return seededUuid(rng);
}

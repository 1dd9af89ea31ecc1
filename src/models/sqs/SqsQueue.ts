import { ConfigError, checkBoolean, checkOptions, intInRange } from '../../errors.js';
import { ACCOUNT_ID, REGION } from '../../lambda/FunctionConfig.js';
import { checkOwned } from '../../lambda/ownership.js';
import type { World } from '../../world/World.js';
import { type Fault, POISON_BODY, REORDER_MAX_HOLD_MS } from '../../faults/Fault.js';
import { contentDigest } from '../../sim/contentDigest.js';
import type { TimerHandle } from '../../sim/Kernel.js';
import { invariant, invariantFailed } from '../../sim/invariant.js';
import { type Rng, seededUuid } from '../../sim/Rng.js';
import { serviceDoor } from '../../services/callService.js';
import type {
  DeliveredAttribute,
  DeliveredMessage,
  DeliveryResult,
  DeliveryTarget,
} from '../DeliveryTarget.js';
import { FifoDeduplication } from './FifoDeduplication.js';
import { type FifoGroup, FifoGroups } from './FifoGroups.js';
import { base36x7 } from './receiptHandle.js';
import {
  type PreparedMessage,
  prepareMessage,
  SQS_MAX_MESSAGE_BYTES,
  type SendBatchEntry,
  type SendBatchResult,
  type SendMessageOptions,
  type SendMessageResult,
} from './sendMessage.js';
import {
  type MessageRecord,
  type MessageStatus,
  NEXT,
  StoredMessage,
  statusIndex,
  STATUSES,
} from './StoredMessage.js';
import { attributesBytes, md5Hex, md5OfAttributes, messageAttributesJson } from './records.js';
import { SqsError } from './SqsError.js';

export type { MessageRecord, MessageStatus } from './StoredMessage.js';
export type {
  SendBatchEntry,
  SendBatchResult,
  SendMessageOptions,
  SendMessageResult,
} from './sendMessage.js';
export { SQS_MAX_MESSAGE_BYTES } from './sendMessage.js';

export { FIFO_DEDUP_WINDOW_MS } from './FifoDeduplication.js';
/** SenderId shown for messages sent by test/workload code (an IAM user id, as in AWS examples). */
export const WORKLOAD_SENDER_ID = 'AIDAIENQZJOLO23YVJ4VO';
/** Role id shown (as `<id>:<function>`) for messages a handler sends with its execution role. */
export const FUNCTION_ROLE_ID = 'AROAIWPX5BD2BHG722MW4';

/** Redrive policy of a queue: where messages go after `maxReceiveCount` receives (R-SQS-7). */
export interface RedrivePolicy {
  /** The dead-letter queue: same type as the source (FIFO → FIFO, standard → standard). */
  readonly deadLetter: SqsQueue;
  /** Receives before a message is moved. 1–1000 (the upper bound is UNCONFIRMED, spec §10 item 12). */
  readonly maxReceiveCount: number;
}

/**
 * Options of {@link Simulation.sqs}. A name ending in `.fifo` makes a FIFO queue.
 *
 * Standard queues may deliver duplicates and out of order (R-SQS-9). Both knobs default to
 * off here, so a raw simulation is easy to read; the property layer turns them on (seeded) when
 * it generates scenarios.
 */
export interface SqsQueueOptions {
  /** 0–43,200. @defaultValue 30 */
  readonly visibilityTimeoutS?: number;
  /** `MessageRetentionPeriod`, 60–1,209,600 (R-SQS-8). @defaultValue 345600 (4 days) */
  readonly messageRetentionS?: number;
  /** Queue `DelaySeconds`, 0–900. @defaultValue 0 */
  readonly delayS?: number;
  /** FIFO only: deduplicate by a SHA-256 of the body when no `messageDeduplicationId` is given. @defaultValue false */
  readonly contentBasedDeduplication?: boolean;
  /** Move a message to a dead-letter queue after `maxReceiveCount` receives. */
  readonly redrive?: RedrivePolicy;
  /** Virtual time a `send` from a handler takes (the message lands halfway). @defaultValue 20 */
  readonly latencyMs?: number;
  /** Standard only: probability (0–1) that a receive leaves a duplicate to be received again. @defaultValue 0 */
  readonly duplicateRate?: number;
  /** Standard only: a receive picks each message among the first `reorderWindow` visible ones (seeded); 0 or 1 = in order. @defaultValue 0 */
  readonly reorderWindow?: number;
}

/** {@link SqsQueueOptions} with every default filled in. */
export interface ResolvedSqsQueueOptions {
  readonly fifo: boolean;
  readonly visibilityTimeoutS: number;
  readonly messageRetentionS: number;
  readonly delayS: number;
  readonly contentBasedDeduplication: boolean;
  readonly redrive: RedrivePolicy | undefined;
  readonly latencyMs: number;
  readonly duplicateRate: number;
  readonly reorderWindow: number;
}

/** Counts of a queue's messages by where they are; `sent + redrivenIn = every other field summed`. */
export interface QueueAccounting {
  readonly queue: string;
  /** Messages accepted by send / sendBatch / accept (duplicates removed by FIFO deduplication not included). */
  readonly sent: number;
  /** Messages moved in from another queue's redrive. */
  readonly redrivenIn: number;
  /** FIFO sends dropped as duplicates within 5 minutes (not stored). */
  readonly deduplicated: number;
  readonly deleted: number;
  readonly filtered: number;
  readonly deadLettered: number;
  readonly expired: number;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

/** The attributes fragment of a message record without attributes. */
const NO_ATTRIBUTES_JSON = '"messageAttributes":{}';

/** @internal Messages received together: one visibility timer. */
export interface Lease {
  readonly messages: StoredMessage[];
  readonly receipts: string[];
  readonly receivedAtMs: number;
  readonly visibleAtMs: number;
  timer: TimerHandle | undefined;
  /** Messages of this lease not yet deleted or returned. */
  outstanding: number;
}

const KNOWN = new Set([
  'visibilityTimeoutS',
  'messageRetentionS',
  'delayS',
  'contentBasedDeduplication',
  'redrive',
  'latencyMs',
  'duplicateRate',
  'reorderWindow',
]);
const NAME = /^[a-zA-Z0-9_-]{1,80}$/;
const FIFO_NAME = /^[a-zA-Z0-9_-]{1,75}\.fifo$/;

/** Validates a queue's name and options (as `CreateQueue` does) and fills in every default. */
export function resolveSqsQueueOptions(name: unknown, options: unknown): ResolvedSqsQueueOptions {
  if (typeof name !== 'string' || !(NAME.test(name) || FIFO_NAME.test(name)))
    throw new ConfigError(
      'sim.sqs',
      'name',
      'must be 1-80 letters, digits, hyphens and underscores; a FIFO queue name ends in ".fifo"',
      name,
    );
  const fifo = name.endsWith('.fifo');
  const api = `sqs(${JSON.stringify(name)})`;
  const o = checkOptions(api, options, KNOWN);
  const visibilityTimeoutS = intInRange(api, 'visibilityTimeoutS', o.visibilityTimeoutS ?? 30, 0, 43_200);
  const messageRetentionS = intInRange(
    api,
    'messageRetentionS',
    o.messageRetentionS ?? 345_600,
    60,
    1_209_600,
  );
  const delayS = intInRange(api, 'delayS', o.delayS ?? 0, 0, 900);
  const contentBasedDeduplication = checkBoolean(
    api,
    'contentBasedDeduplication',
    o.contentBasedDeduplication ?? false,
  );
  if (contentBasedDeduplication && !fifo)
    throw new ConfigError(api, 'contentBasedDeduplication', 'is a FIFO queue attribute only', true);
  const latencyMs = intInRange(api, 'latencyMs', o.latencyMs ?? 20, 0, 3_600_000);
  const duplicateRate = o.duplicateRate ?? 0;
  if (typeof duplicateRate !== 'number' || !(duplicateRate >= 0 && duplicateRate <= 1))
    throw new ConfigError(api, 'duplicateRate', 'must be a number between 0 and 1', duplicateRate);
  const reorderWindow = intInRange(api, 'reorderWindow', o.reorderWindow ?? 0, 0, 1000);
  if (fifo && (duplicateRate > 0 || reorderWindow > 1))
    throw new ConfigError(
      api,
      duplicateRate > 0 ? 'duplicateRate' : 'reorderWindow',
      'applies to standard queues only: FIFO queues deliver exactly once and in order per group',
      duplicateRate > 0 ? duplicateRate : reorderWindow,
    );
  let redrive: RedrivePolicy | undefined;
  if (o.redrive !== undefined) {
    const r = checkOptions(
      `${api} redrive`,
      o.redrive,
      new Set(['deadLetter', 'maxReceiveCount']),
      'must be { deadLetter, maxReceiveCount }',
    );
    if (!(r.deadLetter instanceof SqsQueue))
      throw new ConfigError(api, 'redrive.deadLetter', 'must be a queue made with sim.sqs()', r.deadLetter);
    if (r.deadLetter.fifo !== fifo)
      throw new ConfigError(
        api,
        'redrive.deadLetter',
        `must be a ${fifo ? 'FIFO' : 'standard'} queue like its source (AWS: the dead-letter queue of a FIFO queue must also be a FIFO queue)`,
        r.deadLetter.name,
      );
    if (r.deadLetter.name === name)
      throw new ConfigError(api, 'redrive.deadLetter', 'must be another queue', name);
    redrive = {
      deadLetter: r.deadLetter,
      maxReceiveCount: intInRange(api, 'redrive.maxReceiveCount', r.maxReceiveCount, 1, 1000),
    };
  }
  return {
    fifo,
    visibilityTimeoutS,
    messageRetentionS,
    delayS,
    contentBasedDeduplication,
    redrive,
    latencyMs,
    duplicateRate,
    reorderWindow,
  };
}

const SETTABLE = new Set(['visibilityTimeoutS']);

/**
 * A simulated SQS queue, standard or FIFO (name ending in `.fifo`). Producers `send` to it (a
 * handler's send takes virtual latency and is attributed to its invocation; test and workload
 * code sends at the current instant); an event source mapping ({@link Simulation.mapping})
 * consumes it. It is also a {@link DeliveryTarget} for async destinations and DLQs.
 *
 * Gotcha: bodies are text. A non-string body is sent as its JSON text.
 *
 * @example
 * ```ts
 * const dlq = sim.sqs('orders-dlq');
 * const orders = sim.sqs('orders', { visibilityTimeoutS: 30, redrive: { deadLetter: dlq, maxReceiveCount: 3 } });
 * void orders.send({ orderId: 'o-1' });
 * ```
 */
export class SqsQueue implements DeliveryTarget {
  /** The queue's name. */
  readonly name: string;
  /** `arn:aws:sqs:us-east-1:123456789012:<name>`. */
  readonly arn: string;
  /** Always `'sqs'`. */
  readonly targetKind = 'sqs' as const;
  /** The resolved options (visibility timeout changes with {@link SqsQueue.setAttributes}). */
  options: ResolvedSqsQueueOptions;
  /** @internal */ readonly all: StoredMessage[] = [];
  private ready: StoredMessage[] = [];
  private head = 0;
  private readonly groups: FifoGroups;
  private readonly dedup = new FifoDeduplication();
  private readonly listeners: Array<() => void> = [];
  private readonly ids: Rng;
  private readonly receipts: Rng;
  private readonly choices: Rng;
  private seq = 0;
  private receives = 0;
  private sentCount = 0;
  /** A message a `reorder` fault keeps out of the receive order until the next one joins. */
  private held: { readonly message: StoredMessage; readonly timer: TimerHandle } | undefined;
  private redrivenIn = 0;
  /** Messages by status (index: {@link statusIndex}), kept by {@link SqsQueue.move}: `sent + redrivenIn` = their sum. */
  private readonly counts = [0, 0, 0, 0, 0, 0, 0];

  /**
   * SetQueueAttributes for the visibility timeout: applies to receives from now on (messages in
   * flight keep the deadline they got). Existing mappings are not re-validated against their
   * function's timeout, as in AWS (spec §10 item 20, UNCONFIRMED default): lowering it below
   * the processing time is how the classic concurrent duplicate of a long batch happens.
   *
   * @example
   * ```ts
   * orders.setAttributes({ visibilityTimeoutS: 5 }); // batches running over 5 s get redelivered
   * ```
   */
  setAttributes(attributes: { readonly visibilityTimeoutS: number }): void {
    const api = `sqs(${JSON.stringify(this.name)}).setAttributes`;
    const o = checkOptions(api, attributes, SETTABLE);
    this.options = {
      ...this.options,
      visibilityTimeoutS: intInRange(api, 'visibilityTimeoutS', o.visibilityTimeoutS, 0, 43_200),
    };
  }

  /** @internal Use {@link Simulation.sqs}. */
  constructor(
    /** @internal */ readonly world: World,
    name: string,
    options: SqsQueueOptions = {},
  ) {
    this.options = resolveSqsQueueOptions(name, options);
    checkOwned(
      world,
      'sim.sqs: redrive.deadLetter',
      this.options.redrive?.deadLetter,
      `sqs(${JSON.stringify(name)})`,
    );
    this.name = name;
    this.arn = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`;
    this.ids = world.kernel.rng('sqs.messageIds');
    this.receipts = world.kernel.rng('sqs.receipts');
    this.choices = world.kernel.rng(`sqs.delivery:${name}`);
    this.groups = new FifoGroups(
      name,
      (m) => m.sentAtMs + this.options.messageRetentionS * 1000,
      (m) => this.pastRedrive(m),
    );
  }

  /** The queue's URL, as `GetQueueUrl` answers it: `https://sqs.us-east-1.amazonaws.com/123456789012/<name>`. */
  get url(): string {
    return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${this.name}`;
  }

  /** True for a FIFO queue. */
  get fifo(): boolean {
    return this.options.fifo;
  }

  /**
   * Sends one message. From a handler: a service call with the queue's latency, attributed to
   * the invocation (a dead environment's send never lands). From test or workload code: stored at
   * the current virtual instant. Rejects with an {@link SqsError} as SQS refuses (too large,
   * missing FIFO parameters, …).
   * @example
   * ```ts
   * await orders.send({ orderId: 'o-1' }, { messageAttributes: { kind: { dataType: 'String', stringValue: 'new' } } });
   * ```
   */
  send(body: unknown, options: SendMessageOptions = {}): Promise<SendMessageResult> {
    return this.call('SendMessage', (senderId) =>
      this.store(prepareMessage(this.options, body, options), senderId, undefined),
    );
  }

  /**
   * `SendMessageBatch`: up to 10 entries, at most 1 MiB in all. Per-entry refusals are in
   * `failed`; a malformed batch as a whole rejects with an {@link SqsError}.
   * @example
   * ```ts
   * const { successful, failed } = await orders.sendBatch([{ id: 'a', body: { n: 1 } }, { id: 'b', body: { n: 2 } }]);
   * ```
   */
  sendBatch(entries: readonly SendBatchEntry[]): Promise<SendBatchResult> {
    return this.call('SendMessageBatch', (senderId) => {
      if (!Array.isArray(entries) || entries.length === 0)
        throw new SqsError(
          'AWS.SimpleQueueService.EmptyBatchRequest',
          'There should be at least one SendMessageBatchRequestEntry in the request.',
        );
      if (entries.length > 10)
        throw new SqsError(
          'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
          `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
        );
      const seen = new Set<string>();
      for (const e of entries) {
        if (typeof e?.id !== 'string' || !/^[a-zA-Z0-9_-]{1,80}$/.test(e.id))
          throw new SqsError(
            'AWS.SimpleQueueService.InvalidBatchEntryId',
            'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
          );
        if (seen.has(e.id))
          throw new SqsError('AWS.SimpleQueueService.BatchEntryIdsNotDistinct', `Id ${e.id} repeated.`);
        seen.add(e.id);
      }
      const prepared: Array<PreparedMessage | SqsError> = entries.map((e) => {
        try {
          return prepareMessage(this.options, e.body, e);
        } catch (error) {
          if (error instanceof SqsError) return error;
          throw error;
        }
      });
      let total = 0;
      for (const p of prepared)
        if (!(p instanceof SqsError))
          total += Buffer.byteLength(p.body, 'utf8') + attributesBytes(p.attributes);
      if (total > SQS_MAX_MESSAGE_BYTES)
        throw new SqsError(
          'AWS.SimpleQueueService.BatchRequestTooLong',
          `Batch requests cannot be longer than ${SQS_MAX_MESSAGE_BYTES} bytes. You have sent ${total} bytes.`,
        );
      const successful: Array<SendMessageResult & { id: string }> = [];
      const failed: Array<{ id: string; code: string; message: string; senderFault: boolean }> = [];
      prepared.forEach((p, i) => {
        const id = entries[i]!.id;
        if (p instanceof SqsError) failed.push({ id, code: p.code, message: p.message, senderFault: true });
        else successful.push({ id, ...this.store(p, senderId, undefined) });
      });
      return { successful, failed };
    });
  }

  /**
   * {@link DeliveryTarget.accept}: a message from Lambda (async destination or DLQ) or another
   * service, at the current instant. A FIFO queue refuses a message without a group id (Lambda
   * async destinations and DLQs do not support FIFO queues); an oversized one is refused.
   */
  accept(message: DeliveredMessage): DeliveryResult {
    if (this.fifo && message.messageGroupId === undefined)
      return {
        ok: false,
        reason: `${this.name} is a FIFO queue: FIFO queues are not supported as Lambda asynchronous destinations or dead-letter queues (a FIFO send needs a MessageGroupId)`,
      };
    try {
      const prepared = prepareMessage(this.options, message.body, {
        ...(message.attributes === undefined ? {} : { messageAttributes: message.attributes }),
        ...(message.messageGroupId === undefined ? {} : { messageGroupId: message.messageGroupId }),
        ...(message.messageDeduplicationId === undefined
          ? {}
          : { messageDeduplicationId: message.messageDeduplicationId }),
      });
      const result = this.store(prepared, `${FUNCTION_ROLE_ID}:${message.source}`, message.source);
      return { ok: true, messageId: result.messageId };
    } catch (error) {
      if (error instanceof SqsError) return { ok: false, reason: `${error.code}: ${error.message}` };
      throw error;
    }
  }

  /**
   * Every message that entered this queue, with where it is now (a frozen snapshot).
   * @example
   * ```ts
   * expect(dlq.messages().map((m) => m.messageId)).toEqual([poisonId]);
   * ```
   */
  messages(): readonly MessageRecord[] {
    const out: MessageRecord[] = [];
    this.snapshotInto(out);
    return Object.freeze(out);
  }

  /**
   * @internal Appends a frozen snapshot of every message to `out`, one push each: a whole queue
   * spread into `push(...)` passes every record as an argument and overflows the stack at about
   * 125,000 messages.
   */
  snapshotInto(out: MessageRecord[]): void {
    for (const m of this.all) out.push(Object.freeze(snapshot(m)));
  }

  /**
   * Counts by status; every message sent is accounted for:
   * `sent + redrivenIn === deleted + filtered + deadLettered + expired + visible + inFlight + delayed`.
   */
  accounting(): QueueAccounting {
    const counts: Record<MessageStatus, number> = {
      delayed: 0,
      visible: 0,
      inFlight: 0,
      deleted: 0,
      filtered: 0,
      deadLettered: 0,
      expired: 0,
    };
    for (const m of this.all) counts[m.status]++;
    // The counters kept at each transition agree with the messages' own statuses.
    invariant(
      STATUSES.every((status, i) => counts[status] === this.counts[i]),
      () =>
        `queue ${this.name}: status counters ${this.countsText()} disagree with the messages ${JSON.stringify(counts)}`,
    );
    this.checkAccounting('accounting');
    return {
      queue: this.name,
      sent: this.sentCount,
      redrivenIn: this.redrivenIn,
      deduplicated: this.dedup.dropped,
      ...counts,
    };
  }

  // --- internal: used by the event source mapping and the simulation --------------------------

  /** @internal Called whenever messages may have become receivable. */
  onAvailable(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * @internal ReceiveMessage for a poller: up to `max` messages within `maxBytes` of records,
   * hidden for `visibilityMs`. Expired messages are removed and messages past the redrive
   * `maxReceiveCount` are moved to the DLQ on the way (R-SQS-7, R-SQS-8). A duplicate copy of a
   * message `inBatch` (already in the poller's batch being filled) ends the receive there: the
   * copy is for another poller, so it reaches the handler concurrently rather than twice in one
   * batch. `inBatch` is asked only when a duplicate copy comes up.
   */
  receive(
    max: number,
    maxBytes: number,
    visibilityMs: number,
    inBatch?: (m: StoredMessage) => boolean,
  ): Lease | undefined {
    const out: StoredMessage[] = [];
    let bytes = 0;
    const stamp = ++this.receives;
    if (this.fifo) {
      // Heads past retention or redrive go first, group by group in creation order; then groups
      // are taken by their head's sequence number, each for as long a run as fits (R-SQS-10).
      const groups = this.groups;
      for (const group of groups.toClear(this.world.kernel.nowMs, stamp)) this.clearHead(group);
      outer: while (out.length < max) {
        const group = groups.nextHead();
        if (group === undefined) break;
        const slots = group.slots;
        for (let i = group.head; i < slots.length && out.length < max; i++) {
          const m = slots[i];
          if (m === undefined) continue; // removed
          if (m.status !== 'visible') break;
          if (i > group.head && (this.isExpired(m) || this.pastRedrive(m))) break; // cleared when it reaches the head
          if (bytes + m.recordBytes > maxBytes) {
            if (i === group.head) groups.offer(group); // nothing taken: it stays a candidate
            break outer;
          }
          out.push(m);
          bytes += m.recordBytes;
        }
      }
    } else {
      const ready = this.ready;
      const window = this.options.reorderWindow;
      while (out.length < max && this.head < ready.length) {
        if (window > 1) {
          const span = Math.min(window, ready.length - this.head);
          const j = this.head + this.choices.int(span);
          const t = ready[j]!;
          ready[j] = ready[this.head]!;
          ready[this.head] = t;
        }
        const m = ready[this.head]!;
        let duplicate = false;
        if (m.status === 'inFlight' && m.ghosts > 0) {
          if (inBatch?.(m) === true) break;
          duplicate = true;
        } else if (m.status !== 'visible' || m.takenBy === stamp) {
          this.head++;
          continue;
        }
        if (!duplicate && this.isExpired(m)) {
          this.head++;
          this.expire(m);
          continue;
        }
        if (!duplicate && this.pastRedrive(m)) {
          this.head++;
          this.deadLetter(m);
          continue;
        }
        if (bytes + m.recordBytes > maxBytes) break;
        this.head++;
        m.takenBy = stamp;
        if (duplicate) m.ghosts--;
        out.push(m);
        bytes += m.recordBytes;
      }
      if (this.head > 1024 && this.head * 2 > ready.length) {
        this.ready = ready.slice(this.head);
        this.head = 0;
      }
    }
    if (out.length === 0) return undefined;
    const kernel = this.world.kernel;
    const now = kernel.nowMs;
    const receipts: string[] = new Array<string>(out.length);
    const faults = this.world.faults;
    for (let i = 0; i < out.length; i++) {
      const m = out[i]!;
      this.move(m, 'inFlight');
      m.receiveCount++;
      if (m.receiveCount === 1) m.firstReceiveAtMs = now;
      m.receipt = this.receiptHandle();
      receipts[i] = m.receipt;
      kernel.record({
        kind: 'sqs.received',
        queue: this.name,
        messageId: m.messageId,
        receiveCount: m.receiveCount,
      });
      let duplicate = this.options.duplicateRate > 0 && this.choices.next() < this.options.duplicateRate;
      if (!faults.empty)
        for (const fault of faults.nextDelivery(this.name)) {
          faults.injected(fault);
          duplicate = true;
        }
      if (duplicate) {
        // The duplicate is next in line: another poller may receive it while this copy is in flight.
        m.ghosts++;
        if (this.head > 0) this.ready[--this.head] = m;
        else this.ready.unshift(m);
      }
    }
    const lease: Lease = {
      messages: out,
      receipts,
      receivedAtMs: now,
      visibleAtMs: now + visibilityMs,
      timer: undefined,
      outstanding: out.length,
    };
    lease.timer = kernel.after(visibilityMs, () => this.visibilityExpired(lease));
    return lease;
  }

  /**
   * @internal DeleteMessage with the lease's receipt handle. A stale handle (the message was
   * received again since): a standard queue deletes anyway, a FIFO queue ignores it.
   */
  delete(lease: Lease, index: number, reason: 'processed' | 'filtered'): void {
    const m = lease.messages[index]!;
    if (
      m.status === 'deleted' ||
      m.status === 'filtered' ||
      m.status === 'deadLettered' ||
      m.status === 'expired'
    )
      return;
    const stale = m.receipt !== lease.receipts[index];
    if (!stale) this.settleLease(lease);
    if (stale && this.fifo) return;
    const kernel = this.world.kernel;
    this.move(m, reason === 'filtered' ? 'filtered' : 'deleted');
    m.endedAtMs = kernel.nowMs;
    if (this.fifo) this.removeFromGroup(m);
    kernel.record({
      kind: reason === 'filtered' ? 'sqs.filtered' : 'sqs.deleted',
      queue: this.name,
      messageId: m.messageId,
    });
  }

  /**
   * @internal ChangeMessageVisibility of a lease's messages: still in flight under the lease's
   * receipts, they become visible `visibilityMs` from now instead (0: at once). False when none is.
   */
  changeVisibility(lease: Lease, visibilityMs: number): boolean {
    const current = lease.messages.some((m, i) => m.status === 'inFlight' && m.receipt === lease.receipts[i]);
    if (!current) return false;
    if (lease.timer !== undefined) this.world.kernel.cancel(lease.timer);
    lease.timer = this.world.kernel.after(visibilityMs, () => this.visibilityExpired(lease));
    return true;
  }

  /** @internal Messages moved in by other queues' redrive, and moved out to this queue's DLQ. */
  get redriveCounts(): { readonly redrivenIn: number; readonly deadLettered: number } {
    return { redrivenIn: this.redrivenIn, deadLettered: this.counts[statusIndex('deadLettered')]! };
  }

  /**
   * @internal Run-end invariant, before {@link SqsQueue.settle}: a quiescent run has no message
   * in flight or delayed (each holds a visibility or delay timer).
   */
  checkRunEnd(quiescent: boolean): void {
    this.checkAccounting('run end');
    const inFlight = this.counts[statusIndex('inFlight')]!;
    const delayed = this.counts[statusIndex('delayed')]!;
    invariant(
      !quiescent || (inFlight === 0 && delayed === 0),
      () =>
        `run end: the run is quiescent but queue ${this.name} has ${inFlight} message(s) in flight and ${delayed} delayed`,
    );
  }

  /** @internal Messages now on the queue past retention are expired (run end accounting, R-SQS-8). */
  settle(): void {
    for (const m of this.all)
      if (
        (m.status === 'visible' || m.status === 'inFlight' || m.status === 'delayed') &&
        this.isExpired(m)
      ) {
        this.move(m, 'expired');
        m.endedAtMs = m.sentAtMs + this.options.messageRetentionS * 1000;
      }
  }

  /** @internal The record of `m` in a Lambda SQS event, as JSON text. */
  recordJson(m: StoredMessage, receipt: string): string {
    const epoch = this.world.epochStartMs;
    const fifo = this.fifo
      ? `,"SequenceNumber":"${m.sequenceNumber}","MessageGroupId":${JSON.stringify(m.messageGroupId)},"MessageDeduplicationId":${JSON.stringify(m.messageDeduplicationId)}`
      : '';
    const dlqSource =
      m.deadLetteredFrom === undefined
        ? ''
        : `,"DeadLetterQueueSourceArn":${JSON.stringify(m.deadLetteredFrom)}`;
    return (
      `{"messageId":"${m.messageId}","receiptHandle":"${receipt}","body":${m.bodyJson},` +
      `"attributes":{"ApproximateReceiveCount":"${m.receiveCount}","SentTimestamp":"${epoch + m.sentAtMs}",` +
      `"SenderId":${JSON.stringify(m.senderId)},"ApproximateFirstReceiveTimestamp":"${epoch + m.firstReceiveAtMs}"${fifo}${dlqSource}},` +
      `${m.attributesJson},"md5OfBody":"${m.md5OfBody}","eventSource":"aws:sqs",` +
      `"eventSourceARN":"${this.arn}","awsRegion":"${REGION}"}`
    );
  }

  // --- private --------------------------------------------------------------------------------

  /** Every status change goes through here: a legal transition, and the counters follow it. */
  private move(m: StoredMessage, to: MessageStatus): void {
    const from = statusIndex(m.status);
    const next = statusIndex(to);
    const counts = this.counts;
    // On the hot path: the message is built only on failure (no closure per call).
    if ((NEXT[from]! & (1 << next)) === 0 || counts[from]! <= 0)
      invariantFailed(
        `queue ${this.name}: message ${m.messageId} cannot go from ${m.status} to ${to} (counters ${this.countsText()})`,
      );
    counts[from]!--;
    counts[next]!++;
    m.status = to;
  }

  /** `sent + redrivenIn` = messages stored = the status counters summed (R-SQS accounting). */
  private checkAccounting(where: string): void {
    const c = this.counts;
    const total = c[0]! + c[1]! + c[2]! + c[3]! + c[4]! + c[5]! + c[6]!;
    const stored = this.all.length;
    if (this.sentCount + this.redrivenIn !== stored || total !== stored)
      invariantFailed(
        `queue ${this.name} (${where}): sent ${this.sentCount} + redrivenIn ${this.redrivenIn} must equal the ${stored} message(s) stored and the status counters summed (${total}: ${this.countsText()})`,
      );
  }

  /** The counters by status name, for messages. */
  private countsText(): string {
    return JSON.stringify(Object.fromEntries(STATUSES.map((status, i) => [status, this.counts[i]])));
  }

  private call<T>(op: string, apply: (senderId: string) => T): Promise<T> {
    return serviceDoor(this.world, this.name, op, this.options.latencyMs, (site) =>
      apply(site === undefined ? WORKLOAD_SENDER_ID : `${FUNCTION_ROLE_ID}:${site.fn ?? site.by}`),
    );
  }

  private store(
    p: PreparedMessage,
    senderId: string,
    source: string | undefined,
    retryOf?: string,
  ): SendMessageResult {
    const kernel = this.world.kernel;
    const now = kernel.nowMs;
    if (p.dedupId !== undefined) {
      const seen = this.dedup.duplicateOf(p.dedupId, now);
      if (seen !== undefined) {
        kernel.record({
          kind: 'sqs.deduplicated',
          queue: this.name,
          messageId: seen.messageId,
          deduplicationId: p.dedupId,
        });
        return {
          messageId: seen.messageId,
          md5OfMessageBody: md5Hex(p.body),
          ...(seen.sequenceNumber === undefined ? {} : { sequenceNumber: seen.sequenceNumber }),
        };
      }
    }
    const faults = this.world.faults;
    let body = p.body;
    let holdBack = false;
    let producerRetry: Fault | undefined;
    if (!faults.empty)
      for (const fault of faults.nextMessage(this.name)) {
        // A producer's retry is recorded when it is sent, after this message (see below).
        if (fault.kind === 'producerDuplicate') {
          producerRetry ??= fault;
          continue;
        }
        faults.injected(fault);
        if (fault.kind === 'poisonRecord') body = POISON_BODY;
        else if (fault.kind === 'reorder') holdBack = true;
      }
    const m = this.newMessage(
      seededUuid(this.ids),
      body,
      p.attributes,
      senderId,
      now,
      p.groupId,
      p.dedupId,
      undefined,
    );
    if (p.dedupId !== undefined)
      this.dedup.stored(p.dedupId, { messageId: m.messageId, atMs: now, sequenceNumber: m.sequenceNumber });
    this.sentCount++;
    const delay = p.delayS > 0 ? { delayS: p.delayS } : {};
    const group = p.groupId === undefined ? {} : { messageGroupId: p.groupId };
    // Sent by code: its size and digest. Delivered by Lambda or SNS: neither, as the record holds
    // stack traces (file paths) and derives from contents digested where they entered.
    kernel.record(
      source === undefined
        ? {
            kind: 'sqs.sent',
            queue: this.name,
            messageId: m.messageId,
            by: senderId,
            bytes: Buffer.byteLength(body, 'utf8'),
            ...delay,
            ...group,
            digest: messageDigest(m),
            ...(retryOf === undefined ? {} : { retryOf }),
          }
        : {
            kind: 'sqs.sent',
            queue: this.name,
            messageId: m.messageId,
            by: source,
            ...delay,
            ...group,
            ...(retryOf === undefined ? {} : { retryOf }),
          },
    );
    this.enqueue(m, p.delayS * 1000, holdBack);
    if (producerRetry !== undefined) {
      // The producer sends the same request again (its SDK never got this answer): a new message
      // on a standard queue; on FIFO the same deduplication id, so SQS accepts and drops it.
      faults.injected(producerRetry);
      this.store(p, senderId, source, m.messageId);
    }
    return {
      messageId: m.messageId,
      md5OfMessageBody: m.md5OfBody,
      ...(m.sequenceNumber === undefined ? {} : { sequenceNumber: m.sequenceNumber }),
    };
  }

  /** Moved in from `from`'s redrive: same MessageId, body and attributes (R-SQS-7). */
  private adopt(m: StoredMessage, from: SqsQueue): void {
    const copy = this.newMessage(
      m.messageId,
      m.body,
      m.attributes,
      m.senderId,
      m.sentAtMs,
      m.messageGroupId,
      m.messageDeduplicationId,
      from.arn,
    );
    this.redrivenIn++;
    this.enqueue(copy, 0);
  }

  private newMessage(
    messageId: string,
    body: string,
    attributes: Readonly<Record<string, DeliveredAttribute>>,
    senderId: string,
    sentAtMs: number,
    groupId: string | undefined,
    dedupId: string | undefined,
    deadLetteredFrom: string | undefined,
  ): StoredMessage {
    const bodyJson = JSON.stringify(body);
    const hasAttributes = Object.keys(attributes).length > 0;
    const attributesJson = hasAttributes
      ? `"messageAttributes":${messageAttributesJson(attributes)},"md5OfMessageAttributes":"${md5OfAttributes(attributes)}"`
      : NO_ATTRIBUTES_JSON;
    const sequenceNumber = this.fifo ? `1${String(++this.seq).padStart(19, '0')}` : undefined;
    const recordBytes =
      Buffer.byteLength(bodyJson, 'utf8') +
      Buffer.byteLength(attributesJson, 'utf8') +
      (groupId === undefined
        ? 0
        : Buffer.byteLength(groupId, 'utf8') * 2 + 2 * (dedupId?.length ?? 0) + 100) +
      this.arn.length * 2 +
      600;
    const m = new StoredMessage(
      this.name,
      messageId,
      body,
      bodyJson,
      md5Hex(body),
      attributes,
      attributesJson,
      senderId,
      sentAtMs,
      groupId,
      dedupId,
      sequenceNumber,
      deadLetteredFrom,
      recordBytes,
    );
    if (this.fifo) m.fifoSeq = this.seq;
    this.all.push(m);
    return m;
  }

  private enqueue(m: StoredMessage, delayMs: number, holdBack = false): void {
    if (this.fifo) this.groups.add(m);
    m.status = delayMs > 0 ? 'delayed' : 'visible';
    this.counts[statusIndex(m.status)]!++;
    this.checkAccounting('enqueue');
    if (delayMs > 0) {
      this.world.kernel.after(delayMs, () => {
        if (m.status !== 'delayed') return;
        this.move(m, 'visible');
        this.makeReceivable(m, holdBack);
      });
      return;
    }
    this.makeReceivable(m, holdBack);
  }

  /**
   * A newly visible message joins the receive order. With `holdBack` (a `reorder` fault) it stays
   * out of it until the next message joins (which then goes first) or for at most
   * REORDER_MAX_HOLD_MS; its status stays `visible` meanwhile, so accounting is unchanged.
   */
  private makeReceivable(m: StoredMessage, holdBack: boolean): void {
    if (this.fifo) {
      this.offerHead(m);
      this.notify();
      return;
    }
    if (holdBack) {
      this.releaseHeld(); // one held message at a time: an earlier one goes now
      const timer = this.world.kernel.after(REORDER_MAX_HOLD_MS, () => {
        if (this.held?.message === m) {
          this.held = undefined;
          if (m.status === 'visible') this.ready.push(m);
          this.notify();
        }
      });
      this.held = { message: m, timer };
      return;
    }
    this.ready.push(m);
    this.releaseHeld();
    this.notify();
  }

  /** The held-back message (if any) joins the receive order now, behind what joined before it. */
  private releaseHeld(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    this.world.kernel.cancel(held.timer);
    if (held.message.status === 'visible') this.ready.push(held.message);
  }

  private visibilityExpired(lease: Lease): void {
    lease.timer = undefined;
    const kernel = this.world.kernel;
    let returned = 0;
    for (let i = 0; i < lease.messages.length; i++) {
      const m = lease.messages[i]!;
      if (m.status !== 'inFlight' || m.receipt !== lease.receipts[i]) continue;
      this.move(m, 'visible');
      returned++;
      if (this.fifo) this.offerHead(m);
      else this.ready.push(m);
      kernel.record({
        kind: 'sqs.reappeared',
        queue: this.name,
        messageId: m.messageId,
        receiveCount: m.receiveCount,
      });
    }
    lease.outstanding = 0;
    if (returned > 0) this.notify();
  }

  private settleLease(lease: Lease): void {
    if (--lease.outstanding <= 0 && lease.timer !== undefined) {
      this.world.kernel.cancel(lease.timer);
      lease.timer = undefined;
    }
  }

  private clearHead(group: FifoGroup): void {
    while (group.size > 0) {
      const m = group.first()!;
      if (m.status !== 'visible') return;
      if (this.isExpired(m)) this.expire(m);
      else if (this.pastRedrive(m)) this.deadLetter(m);
      else return;
    }
  }

  private isExpired(m: StoredMessage): boolean {
    return this.world.kernel.nowMs >= m.sentAtMs + this.options.messageRetentionS * 1000;
  }

  private pastRedrive(m: StoredMessage): boolean {
    const r = this.options.redrive;
    return r !== undefined && m.receiveCount >= r.maxReceiveCount;
  }

  private expire(m: StoredMessage): void {
    const kernel = this.world.kernel;
    this.move(m, 'expired');
    m.endedAtMs = kernel.nowMs;
    if (this.fifo) this.removeFromGroup(m);
    kernel.record({ kind: 'sqs.expired', queue: this.name, messageId: m.messageId });
  }

  private deadLetter(m: StoredMessage): void {
    const kernel = this.world.kernel;
    const dlq = this.options.redrive!.deadLetter;
    this.move(m, 'deadLettered');
    m.endedAtMs = kernel.nowMs;
    if (this.fifo) this.removeFromGroup(m);
    kernel.record({
      kind: 'sqs.deadLettered',
      queue: this.name,
      messageId: m.messageId,
      deadLetterQueue: dlq.name,
      receiveCount: m.receiveCount,
    });
    dlq.adopt(m, this);
  }

  private removeFromGroup(m: StoredMessage): void {
    this.groups.remove(m);
  }

  /** FIFO: `m` just became visible; if it heads its group, the group is a receive candidate again. */
  private offerHead(m: StoredMessage): void {
    const group = this.groups.groupOf(m);
    if (group !== undefined && group.first() === m) this.groups.offer(group);
  }

  /** `AQEB` and 8 random uint32, each as 7 base-36 digits (zero-padded). */
  private receiptHandle(): string {
    const r = this.receipts;
    let s = 'AQEB';
    for (let i = 0; i < 8; i++) s += base36x7(r.uint32());
    return s;
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}

function snapshot(m: StoredMessage): MessageRecord {
  return {
    queue: m.queue,
    messageId: m.messageId,
    body: m.body,
    status: m.status,
    receiveCount: m.receiveCount,
    sentAtMs: m.sentAtMs,
    endedAtMs: m.endedAtMs,
    messageGroupId: m.messageGroupId,
    deadLetteredFrom: m.deadLetteredFrom,
  };
}

/** Content-based deduplication id: the SHA-256 of the body. */
/**
 * The trace digest of a message sent by code: the MD5 of its body that SQS computes anyway
 * (first 16 hex digits), with its attributes when it has any.
 */
function messageDigest(m: StoredMessage): string {
  return m.attributesJson === NO_ATTRIBUTES_JSON
    ? m.md5OfBody.slice(0, 16)
    : contentDigest(`${m.md5OfBody}${m.attributesJson}`);
}

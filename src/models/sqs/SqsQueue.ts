import { ACCOUNT_ID, REGION } from '../../lambda/FunctionConfig.js';
import { checkOwned } from '../../lambda/ownership.js';
import type { World } from '../../world/World.js';
import type { Rng } from '../../sim/Rng.js';
import { serviceDoor } from '../../services/callService.js';
import type { DeliveredMessage, DeliveryResult, DeliveryTarget } from '../DeliveryTarget.js';
import { FifoDeduplication } from './FifoDeduplication.js';
import { FifoOrder } from './FifoOrder.js';
import { type Lease, Leases } from './Leases.js';
import { MessageIntake } from './MessageIntake.js';
import { MessageLedger, type QueueAccounting } from './MessageLedger.js';
import { resolveSqsQueueOptions, withAttributes } from './queueOptions.js';
import type { ReceiveOrder, Sweep } from './ReceiveOrder.js';
import { Redrive } from './Redrive.js';
import { Retention } from './Retention.js';
import {
  type PreparedMessage,
  prepareMessage,
  SQS_MAX_MESSAGE_BYTES,
  type SendBatchEntry,
  type SendBatchResult,
  type SendMessageOptions,
  type SendMessageResult,
} from './sendMessage.js';
import { StandardOrder } from './StandardOrder.js';
import type { MessageRecord, MessageStatus, StoredMessage } from './StoredMessage.js';
import { attributesBytes } from './records.js';
import { SqsError } from './SqsError.js';

export type { MessageRecord, MessageStatus } from './StoredMessage.js';
export type { QueueAccounting } from './MessageLedger.js';
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
  /** @internal Every message stored, its counters and the one place its status changes. */
  readonly ledger: MessageLedger;
  private readonly dedup = new FifoDeduplication();
  private readonly order: ReceiveOrder;
  private readonly intake: MessageIntake;
  private readonly leases: Leases;
  private readonly redrive: Redrive;
  private readonly retention: Retention;
  private readonly listeners: Array<() => void> = [];

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
    this.options = withAttributes(this.name, this.options, attributes);
  }

  /** @internal Use {@link Simulation.sqs}. */
  constructor(
    /** @internal */ readonly world: World,
    name: string,
    options: SqsQueueOptions = {},
  ) {
    this.options = resolveSqsQueueOptions(name, options, (q): q is SqsQueue => q instanceof SqsQueue);
    checkOwned(
      world,
      'sim.sqs: redrive.deadLetter',
      this.options.redrive?.deadLetter,
      `sqs(${JSON.stringify(name)})`,
    );
    this.name = name;
    this.arn = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`;
    const o = this.options;
    const ids: Rng = world.kernel.rng('sqs.messageIds');
    const receipts: Rng = world.kernel.rng('sqs.receipts');
    const choices: Rng = world.kernel.rng(`sqs.delivery:${name}`);
    const ledger = new MessageLedger(name);
    this.ledger = ledger;
    const removed = (m: StoredMessage): void => this.order.removed(m);
    const notify = (): void => {
      for (const l of this.listeners) l();
    };
    this.retention = new Retention(world, name, ledger, o.messageRetentionS * 1000, removed);
    this.redrive = new Redrive(world, this, ledger, o.redrive, removed);
    const sweep: Sweep = {
      isExpired: (m) => this.retention.isExpired(m),
      pastRedrive: (m) => this.redrive.isPast(m),
      expire: (m) => this.retention.expire(m),
      deadLetter: (m) => this.redrive.deadLetter(m),
    };
    this.order = o.fifo
      ? new FifoOrder(name, world.kernel, o.messageRetentionS * 1000, sweep)
      : new StandardOrder(world.kernel, o.reorderWindow, choices, sweep, notify);
    this.intake = new MessageIntake(
      world,
      { name, arn: this.arn, fifo: o.fifo },
      ledger,
      this.order,
      this.dedup,
      ids,
      notify,
    );
    this.leases = new Leases(
      world,
      { name, fifo: o.fifo, duplicateRate: o.duplicateRate },
      ledger,
      this.order,
      receipts,
      choices,
      notify,
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
      this.intake.store(prepareMessage(this.options, body, options), senderId, undefined),
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
        else successful.push({ id, ...this.intake.store(p, senderId, undefined) });
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
      const result = this.intake.store(prepared, `${FUNCTION_ROLE_ID}:${message.source}`, message.source);
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
    this.ledger.snapshotInto(out);
    return Object.freeze(out);
  }

  /**
   * @internal Appends a frozen snapshot of every message to `out`, one push each: a whole queue
   * spread into `push(...)` passes every record as an argument and overflows the stack at about
   * 125,000 messages.
   */
  snapshotInto(out: MessageRecord[]): void {
    this.ledger.snapshotInto(out);
  }

  /**
   * Counts by status; every message sent is accounted for:
   * `sent + redrivenIn === deleted + filtered + deadLettered + expired + visible + inFlight + delayed`.
   */
  accounting(): QueueAccounting {
    const counts: Record<MessageStatus, number> = this.ledger.byStatus();
    return {
      queue: this.name,
      sent: this.ledger.sent,
      redrivenIn: this.ledger.redrivenIn,
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
    return this.leases.receive(max, maxBytes, visibilityMs, inBatch);
  }

  /**
   * @internal DeleteMessage with the lease's receipt handle. A stale handle (the message was
   * received again since): a standard queue deletes anyway, a FIFO queue ignores it.
   */
  delete(lease: Lease, index: number, reason: 'processed' | 'filtered'): void {
    this.leases.delete(lease, index, reason);
  }

  /**
   * @internal ChangeMessageVisibility of a lease's messages: still in flight under the lease's
   * receipts, they become visible `visibilityMs` from now instead (0: at once). False when none is.
   */
  changeVisibility(lease: Lease, visibilityMs: number): boolean {
    return this.leases.changeVisibility(lease, visibilityMs);
  }

  /** @internal Takes in a message moved here by the redrive of the queue `fromArn` (R-SQS-7). */
  adopt(m: StoredMessage, fromArn: string): void {
    this.intake.adopt(m, fromArn);
  }

  /** @internal Messages moved in by other queues' redrive, and moved out to this queue's DLQ. */
  get redriveCounts(): { readonly redrivenIn: number; readonly deadLettered: number } {
    return this.redrive.counts;
  }

  /**
   * @internal Run-end invariant, before {@link SqsQueue.settle}: a quiescent run has no message
   * in flight or delayed (each holds a visibility or delay timer).
   */
  checkRunEnd(quiescent: boolean): void {
    this.ledger.checkRunEnd(quiescent);
  }

  /** @internal Messages now on the queue past retention are expired (run end accounting, R-SQS-8). */
  settle(): void {
    this.retention.settle();
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

  private call<T>(op: string, apply: (senderId: string) => T): Promise<T> {
    return serviceDoor(this.world, this.name, op, this.options.latencyMs, (site) =>
      apply(site === undefined ? WORKLOAD_SENDER_ID : `${FUNCTION_ROLE_ID}:${site.fn ?? site.by}`),
    );
  }
}

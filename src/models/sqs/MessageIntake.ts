import { type Fault, POISON_BODY } from '../../faults/Fault.js';
import { contentDigest } from '../../sim/contentDigest.js';
import { type Rng, seededUuid } from '../../sim/Rng.js';
import type { World } from '../../world/World.js';
import type { DeliveredAttribute } from '../DeliveryTarget.js';
import type { FifoDeduplication } from './FifoDeduplication.js';
import type { MessageLedger } from './MessageLedger.js';
import type { ReceiveOrder } from './ReceiveOrder.js';
import { md5Hex, md5OfAttributes, messageAttributesJson } from './records.js';
import type { PreparedMessage, SendMessageResult } from './sendMessage.js';
import { StoredMessage } from './StoredMessage.js';

/** The attributes fragment of a message record without attributes. */
const NO_ATTRIBUTES_JSON = '"messageAttributes":{}';

/**
 * @internal How a message enters a queue: a send checked by `prepareMessage` (deduplicated on a
 * FIFO queue, faults applied, recorded, delayed or made visible), or a message moved in by another
 * queue's redrive. Counted in the ledger as `sent` or `redrivenIn`.
 */
export class MessageIntake {
  /** FIFO: the last sequence number given. */
  private seq = 0;

  constructor(
    private readonly world: World,
    private readonly queue: { readonly name: string; readonly arn: string; readonly fifo: boolean },
    private readonly ledger: MessageLedger,
    private readonly order: ReceiveOrder,
    private readonly dedup: FifoDeduplication,
    private readonly ids: Rng,
    private readonly notify: () => void,
  ) {}

  /**
   * Stores a prepared send from `senderId` (`source`: the Lambda function or service that
   * delivered it, undefined for code); `retryOf` marks a producer's retry of that message.
   */
  store(
    p: PreparedMessage,
    senderId: string,
    source: string | undefined,
    retryOf?: string,
  ): SendMessageResult {
    const kernel = this.world.kernel;
    const now = kernel.nowMs;
    const name = this.queue.name;
    if (p.dedupId !== undefined) {
      const seen = this.dedup.duplicateOf(p.dedupId, now);
      if (seen !== undefined) {
        kernel.record({
          kind: 'sqs.deduplicated',
          queue: name,
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
      for (const fault of faults.nextMessage(name)) {
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
    this.ledger.sent++;
    const delay = p.delayS > 0 ? { delayS: p.delayS } : {};
    const group = p.groupId === undefined ? {} : { messageGroupId: p.groupId };
    // Sent by code: its size and digest. Delivered by Lambda or SNS: neither, as the record holds
    // stack traces (file paths) and derives from contents digested where they entered.
    kernel.record(
      source === undefined
        ? {
            kind: 'sqs.sent',
            queue: name,
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
            queue: name,
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

  /** Moved in from the queue `fromArn`'s redrive: same MessageId, body and attributes (R-SQS-7). */
  adopt(m: StoredMessage, fromArn: string): void {
    const copy = this.newMessage(
      m.messageId,
      m.body,
      m.attributes,
      m.senderId,
      m.sentAtMs,
      m.messageGroupId,
      m.messageDeduplicationId,
      fromArn,
    );
    this.ledger.redrivenIn++;
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
    const { name, arn, fifo } = this.queue;
    const bodyJson = JSON.stringify(body);
    const hasAttributes = Object.keys(attributes).length > 0;
    const attributesJson = hasAttributes
      ? `"messageAttributes":${messageAttributesJson(attributes)},"md5OfMessageAttributes":"${md5OfAttributes(attributes)}"`
      : NO_ATTRIBUTES_JSON;
    const sequenceNumber = fifo ? `1${String(++this.seq).padStart(19, '0')}` : undefined;
    const recordBytes =
      Buffer.byteLength(bodyJson, 'utf8') +
      Buffer.byteLength(attributesJson, 'utf8') +
      (groupId === undefined
        ? 0
        : Buffer.byteLength(groupId, 'utf8') * 2 + 2 * (dedupId?.length ?? 0) + 100) +
      arn.length * 2 +
      600;
    const m = new StoredMessage(
      name,
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
    if (fifo) m.fifoSeq = this.seq;
    this.ledger.all.push(m);
    return m;
  }

  private enqueue(m: StoredMessage, delayMs: number, holdBack = false): void {
    this.order.stored(m);
    this.ledger.entered(m, delayMs > 0 ? 'delayed' : 'visible');
    if (delayMs > 0) {
      this.world.kernel.after(delayMs, () => {
        if (m.status !== 'delayed') return;
        this.ledger.move(m, 'visible');
        this.becameVisible(m, holdBack);
      });
      return;
    }
    this.becameVisible(m, holdBack);
  }

  private becameVisible(m: StoredMessage, holdBack: boolean): void {
    if (this.order.joined(m, holdBack)) this.notify();
  }
}

/**
 * The trace digest of a message sent by code: the MD5 of its body that SQS computes anyway
 * (first 16 hex digits), with its attributes when it has any.
 */
function messageDigest(m: StoredMessage): string {
  return m.attributesJson === NO_ATTRIBUTES_JSON
    ? m.md5OfBody.slice(0, 16)
    : contentDigest(`${m.md5OfBody}${m.attributesJson}`);
}

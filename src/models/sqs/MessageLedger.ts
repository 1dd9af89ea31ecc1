import { invariant, invariantFailed } from '../../sim/invariant.js';
import {
  type MessageRecord,
  type MessageStatus,
  NEXT,
  type StoredMessage,
  statusIndex,
  STATUSES,
} from './StoredMessage.js';

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

/**
 * @internal Every message a queue stored, and its counters: messages sent, redriven in, and by
 * status. Every status change goes through {@link MessageLedger.move}, so the paired identity
 * `sent + redrivenIn = stored = the status counters summed` holds between any two events; it is
 * asserted where a message is stored and at run end (STYLE 17).
 */
export class MessageLedger {
  /** Every message that entered the queue, in the order it did. */
  readonly all: StoredMessage[] = [];
  /** Messages accepted by a send (FIFO duplicates not included). */
  sent = 0;
  /** Messages moved in by other queues' redrive. */
  redrivenIn = 0;
  /** Messages by status (index: {@link statusIndex}). */
  private readonly counts = [0, 0, 0, 0, 0, 0, 0];

  constructor(private readonly queue: string) {}

  /** A new message, already in {@link MessageLedger.all}, enters the queue `delayed` or `visible`. */
  entered(m: StoredMessage, status: 'delayed' | 'visible'): void {
    m.status = status;
    this.counts[statusIndex(status)]!++;
    this.checkAccounting('enqueue');
  }

  /** Every status change goes through here: a legal transition, and the counters follow it. */
  move(m: StoredMessage, to: MessageStatus): void {
    const from = statusIndex(m.status);
    const next = statusIndex(to);
    const counts = this.counts;
    // On the hot path: the message is built only on failure (no closure per call).
    if ((NEXT[from]! & (1 << next)) === 0 || counts[from]! <= 0)
      invariantFailed(
        `queue ${this.queue}: message ${m.messageId} cannot go from ${m.status} to ${to} (counters ${this.countsText()})`,
      );
    counts[from]!--;
    counts[next]!++;
    m.status = to;
  }

  /** Messages now in `status`, by the counters. */
  count(status: MessageStatus): number {
    return this.counts[statusIndex(status)]!;
  }

  /** Messages by status, counted from the messages themselves and checked against the counters. */
  byStatus(): Record<MessageStatus, number> {
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
        `queue ${this.queue}: status counters ${this.countsText()} disagree with the messages ${JSON.stringify(counts)}`,
    );
    this.checkAccounting('accounting');
    return counts;
  }

  /**
   * Run-end invariant: the identity holds, and a quiescent run has no message in flight or
   * delayed (each holds a visibility or delay timer).
   */
  checkRunEnd(quiescent: boolean): void {
    this.checkAccounting('run end');
    const inFlight = this.count('inFlight');
    const delayed = this.count('delayed');
    invariant(
      !quiescent || (inFlight === 0 && delayed === 0),
      () =>
        `run end: the run is quiescent but queue ${this.queue} has ${inFlight} message(s) in flight and ${delayed} delayed`,
    );
  }

  /** Appends a frozen snapshot of every message to `out`, one push each (no spread: see SqsQueue.snapshotInto). */
  snapshotInto(out: MessageRecord[]): void {
    for (const m of this.all) out.push(Object.freeze(snapshot(m)));
  }

  /** `sent + redrivenIn` = messages stored = the status counters summed (R-SQS accounting). */
  private checkAccounting(where: string): void {
    const c = this.counts;
    const total = c[0]! + c[1]! + c[2]! + c[3]! + c[4]! + c[5]! + c[6]!;
    const stored = this.all.length;
    if (this.sent + this.redrivenIn !== stored || total !== stored)
      invariantFailed(
        `queue ${this.queue} (${where}): sent ${this.sent} + redrivenIn ${this.redrivenIn} must equal the ${stored} message(s) stored and the status counters summed (${total}: ${this.countsText()})`,
      );
  }

  /** The counters by status name, for messages. */
  private countsText(): string {
    return JSON.stringify(Object.fromEntries(STATUSES.map((status, i) => [status, this.counts[i]])));
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

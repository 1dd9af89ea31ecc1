import type { TimerHandle } from '../../sim/Kernel.js';
import type { Rng } from '../../sim/Rng.js';
import type { World } from '../../world/World.js';
import type { MessageLedger } from './MessageLedger.js';
import type { ReceiveOrder } from './ReceiveOrder.js';
import { base36x7 } from './receiptHandle.js';
import type { StoredMessage } from './StoredMessage.js';

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

/**
 * @internal A queue's receives and what follows them (R-SQS-1): a receive leases messages (in
 * flight, hidden for the visibility timeout, under a new receipt handle each); a delete with the
 * lease's receipt ends a message, ChangeMessageVisibility moves the lease's deadline, and when the
 * deadline passes the lease's messages still in flight under its receipts are visible again.
 */
export class Leases {
  private receives = 0;

  constructor(
    private readonly world: World,
    private readonly queue: { readonly name: string; readonly fifo: boolean; readonly duplicateRate: number },
    private readonly ledger: MessageLedger,
    private readonly order: ReceiveOrder,
    private readonly receipts: Rng,
    /** The queue's delivery choices (shared with its receive order, in receive order). */
    private readonly choices: Rng,
    private readonly notify: () => void,
  ) {}

  /** What `SqsQueue.receive` does (documented there). */
  receive(
    max: number,
    maxBytes: number,
    visibilityMs: number,
    inBatch?: (m: StoredMessage) => boolean,
  ): Lease | undefined {
    const out = this.order.take(max, maxBytes, ++this.receives, inBatch);
    if (out.length === 0) return undefined;
    const kernel = this.world.kernel;
    const now = kernel.nowMs;
    const receipts: string[] = new Array<string>(out.length);
    const faults = this.world.faults;
    const { name, duplicateRate } = this.queue;
    for (let i = 0; i < out.length; i++) {
      const m = out[i]!;
      this.ledger.move(m, 'inFlight');
      m.receiveCount++;
      if (m.receiveCount === 1) m.firstReceiveAtMs = now;
      m.receipt = this.receiptHandle();
      receipts[i] = m.receipt;
      kernel.record({
        kind: 'sqs.received',
        queue: name,
        messageId: m.messageId,
        receiveCount: m.receiveCount,
      });
      let duplicate = duplicateRate > 0 && this.choices.next() < duplicateRate;
      if (!faults.empty)
        for (const fault of faults.nextDelivery(name)) {
          faults.injected(fault);
          duplicate = true;
        }
      if (duplicate) {
        // The duplicate is next in line: another poller may receive it while this copy is in flight.
        m.ghosts++;
        this.order.duplicated(m);
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

  /** What `SqsQueue.delete` does (documented there). */
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
    if (!stale) this.settle(lease);
    if (stale && this.queue.fifo) return;
    const kernel = this.world.kernel;
    this.ledger.move(m, reason === 'filtered' ? 'filtered' : 'deleted');
    m.endedAtMs = kernel.nowMs;
    this.order.removed(m);
    kernel.record({
      kind: reason === 'filtered' ? 'sqs.filtered' : 'sqs.deleted',
      queue: this.queue.name,
      messageId: m.messageId,
    });
  }

  /** What `SqsQueue.changeVisibility` does (documented there). */
  changeVisibility(lease: Lease, visibilityMs: number): boolean {
    const current = lease.messages.some((m, i) => m.status === 'inFlight' && m.receipt === lease.receipts[i]);
    if (!current) return false;
    if (lease.timer !== undefined) this.world.kernel.cancel(lease.timer);
    lease.timer = this.world.kernel.after(visibilityMs, () => this.visibilityExpired(lease));
    return true;
  }

  private visibilityExpired(lease: Lease): void {
    lease.timer = undefined;
    const kernel = this.world.kernel;
    let returned = 0;
    for (let i = 0; i < lease.messages.length; i++) {
      const m = lease.messages[i]!;
      if (m.status !== 'inFlight' || m.receipt !== lease.receipts[i]) continue;
      this.ledger.move(m, 'visible');
      returned++;
      this.order.returned(m);
      kernel.record({
        kind: 'sqs.reappeared',
        queue: this.queue.name,
        messageId: m.messageId,
        receiveCount: m.receiveCount,
      });
    }
    lease.outstanding = 0;
    if (returned > 0) this.notify();
  }

  /** One of the lease's messages was deleted under its receipt: the last one cancels the timer. */
  private settle(lease: Lease): void {
    if (--lease.outstanding <= 0 && lease.timer !== undefined) {
      this.world.kernel.cancel(lease.timer);
      lease.timer = undefined;
    }
  }

  /** `AQEB` and 8 random uint32, each as 7 base-36 digits (zero-padded). */
  private receiptHandle(): string {
    const r = this.receipts;
    let s = 'AQEB';
    for (let i = 0; i < 8; i++) s += base36x7(r.uint32());
    return s;
  }
}

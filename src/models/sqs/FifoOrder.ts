import type { World } from '../../world/World.js';
import { type FifoGroup, FifoGroups } from './FifoGroups.js';
import type { ReceiveOrder, Sweep } from './ReceiveOrder.js';
import type { StoredMessage } from './StoredMessage.js';

/**
 * @internal A FIFO queue's receive order (R-SQS-10): per message group, in send order; a group
 * with a message in flight waits. Groups are taken by their head's sequence number, each for as
 * long a run as fits. Heads past retention or redrive are swept first.
 */
export class FifoOrder implements ReceiveOrder {
  private readonly groups: FifoGroups;

  constructor(
    queue: string,
    private readonly kernel: World['kernel'],
    retentionMs: number,
    private readonly sweep: Sweep,
  ) {
    this.groups = new FifoGroups(
      queue,
      (m) => m.sentAtMs + retentionMs,
      (m) => sweep.pastRedrive(m),
    );
  }

  stored(m: StoredMessage): void {
    this.groups.add(m);
  }

  joined(m: StoredMessage): boolean {
    this.offerHead(m);
    return true;
  }

  returned(m: StoredMessage): void {
    this.offerHead(m);
  }

  /** FIFO queues deliver exactly once: no duplicate copies (`duplicateRate` is refused for them). */
  duplicated(): void {}

  removed(m: StoredMessage): void {
    this.groups.remove(m);
  }

  take(max: number, maxBytes: number, stamp: number): StoredMessage[] {
    const out: StoredMessage[] = [];
    let bytes = 0;
    const groups = this.groups;
    const sweep = this.sweep;
    // Heads past retention or redrive go first, group by group in creation order; then groups
    // are taken by their head's sequence number, each for as long a run as fits (R-SQS-10).
    for (const group of groups.toClear(this.kernel.nowMs, stamp)) this.clearHead(group);
    outer: while (out.length < max) {
      const group = groups.nextHead();
      if (group === undefined) break;
      const slots = group.slots;
      for (let i = group.head; i < slots.length && out.length < max; i++) {
        const m = slots[i];
        if (m === undefined) continue; // removed
        if (m.status !== 'visible') break;
        if (i > group.head && (sweep.isExpired(m) || sweep.pastRedrive(m))) break; // cleared when it reaches the head
        if (bytes + m.recordBytes > maxBytes) {
          if (i === group.head) groups.offer(group); // nothing taken: it stays a candidate
          break outer;
        }
        out.push(m);
        bytes += m.recordBytes;
      }
    }
    return out;
  }

  private clearHead(group: FifoGroup): void {
    while (group.size > 0) {
      const m = group.first()!;
      if (m.status !== 'visible') return;
      if (this.sweep.isExpired(m)) this.sweep.expire(m);
      else if (this.sweep.pastRedrive(m)) this.sweep.deadLetter(m);
      else return;
    }
  }

  /** `m` just became visible; if it heads its group, the group is a receive candidate again. */
  private offerHead(m: StoredMessage): void {
    const group = this.groups.groupOf(m);
    if (group !== undefined && group.first() === m) this.groups.offer(group);
  }
}

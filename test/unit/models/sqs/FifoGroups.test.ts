import { describe, expect, it } from 'vitest';
import { FifoGroups } from '../../../../src/models/sqs/FifoGroups.js';
import type { MessageStatus, StoredMessage } from '../../../../src/models/sqs/StoredMessage.js';

/** The fields FifoGroups reads, on a plain object. */
interface Fake {
  readonly messageId: string;
  readonly messageGroupId: string;
  readonly sentAtMs: number;
  readonly fifoSeq: number;
  status: MessageStatus;
  receiveCount: number;
  slot: number;
}

let seq = 0;
function message(group: string, sentAtMs = 0): StoredMessage {
  const m: Fake = {
    messageId: `m${++seq}`,
    messageGroupId: group,
    sentAtMs,
    fifoSeq: seq,
    status: 'visible',
    receiveCount: 0,
    slot: -1,
  };
  return m as unknown as StoredMessage;
}

function fifoGroups(): FifoGroups {
  return new FifoGroups(
    'q.fifo',
    (m) => m.sentAtMs + 1000,
    (m) => m.receiveCount >= 3,
  );
}

/** Adds `m` and offers its group, as the queue does when a message becomes visible. */
function add(groups: FifoGroups, m: StoredMessage): void {
  groups.offer(groups.add(m));
}

describe('FifoGroups', () => {
  it('removes heads in O(1) with a compacted array, stepping over messages removed from the middle', () => {
    const groups = fifoGroups();
    const all = Array.from({ length: 5000 }, () => message('g'));
    for (const m of all) add(groups, m);
    const group = groups.groupOf(all[0]!)!;
    groups.remove(all[2]!); // a hole behind the head
    const order: StoredMessage[] = [];
    let oversized = 0;
    while (group.size > 0) {
      const head = group.first()!;
      order.push(head);
      groups.remove(head);
      // Compacted once the removed prefix is 1024 or more and at least half the array.
      if (group.slots.length > Math.max(2 * group.size + 2, group.size + 1025)) oversized++;
      if (group.size > 0) expect(group.slots[group.first()!.slot]).toBe(group.first());
    }
    expect(order).toEqual(all.filter((_, i) => i !== 2));
    expect(groups.groupOf(all[0]!)).toBeUndefined(); // an emptied group is dropped
    expect(oversized).toBe(0);
    expect(group.slots.length).toBe(0); // an emptied group holds nothing
  });

  it('yields visible heads by sequence number and skips entries whose head moved on or left visible', () => {
    const groups = fifoGroups();
    const a1 = message('a');
    const b1 = message('b');
    const a2 = message('a');
    const c1 = message('c');
    for (const m of [a1, b1, a2, c1]) add(groups, m);
    (b1 as unknown as Fake).status = 'inFlight'; // received elsewhere: its entry is stale
    groups.remove(a1); // a's head is now a2, sent before c1
    const seen: string[] = [];
    for (let g = groups.nextHead(); g !== undefined; g = groups.nextHead()) seen.push(g.first()!.messageId);
    expect(seen).toEqual([a2.messageId, c1.messageId]);
    (b1 as unknown as Fake).status = 'visible';
    groups.offer(groups.groupOf(b1)!); // back from flight: indexed again
    expect(groups.nextHead()?.first()).toBe(b1);
    expect(groups.nextHead()).toBeUndefined();
  });

  it('lists the groups to clear in creation order, once each, whatever their heads sequence numbers', () => {
    const groups = fifoGroups();
    const x0 = message('x', 5000); // x is created first...
    const y1 = message('y', 0);
    for (const m of [x0, y1]) add(groups, m);
    groups.remove(x0); // ...emptied, and made again after y: it now comes after y
    const x2 = message('x', 0);
    add(groups, x2);
    const z3 = message('z', 0);
    (z3 as unknown as Fake).receiveCount = 3; // past redrive and past retention: listed once
    add(groups, z3);
    expect(groups.toClear(999, 1).map((g) => g.id)).toEqual(['z']); // past redrive, before retention
    expect(groups.toClear(1000, 2).map((g) => g.id)).toEqual(['y', 'x', 'z']);
    // The queue clears every group listed, so an entry is listed once; a head indexed again
    // (back from flight) is listed again.
    expect(groups.toClear(1000, 3)).toEqual([]);
    groups.offer(groups.groupOf(y1)!);
    expect(groups.toClear(1000, 4).map((g) => g.id)).toEqual(['y']);
  });
});

import { invariant } from '../../sim/invariant.js';
import type { StoredMessage } from './StoredMessage.js';

/**
 * @internal One FIFO message group: its messages in send order from `head` on. A removed message
 * leaves a hole (`undefined`) that `head` steps over; the array is compacted once the removed
 * prefix is at least half of it, so removing the head is O(1) amortised instead of a shift.
 */
export class FifoGroup {
  /** Messages in send order; `undefined` where one was removed. Each message's `slot` is its index here. */
  slots: (StoredMessage | undefined)[] = [];
  /** Index of the first message still in the group. */
  head = 0;
  /** Messages still in the group. */
  size = 0;
  /** The head that has an entry in the heads heap (one entry per head at most). */
  headEntryFor: StoredMessage | undefined = undefined;
  /** The head that has an entry in the expiries heap. */
  expiryEntryFor: StoredMessage | undefined = undefined;
  /** The head that has an entry in the past-redrive list. */
  redriveEntryFor: StoredMessage | undefined = undefined;
  /** The receive that last collected this group to be cleared (so it is collected once). */
  clearStamp = 0;

  constructor(
    readonly id: string,
    /** Creation order among the queue's groups (a group emptied and used again is a new one). */
    readonly order: number,
  ) {}

  /** The oldest message still in the group. */
  first(): StoredMessage | undefined {
    return this.slots[this.head];
  }
}

/** A group and the head it had when the entry was made; stale once the head changed or left `visible`. */
interface Entry {
  readonly group: FifoGroup;
  readonly message: StoredMessage;
}

/** Below this many entries a heap is never compacted. */
const COMPACT_MIN_ENTRIES = 1024;

/** A binary min-heap of entries by a number key; callers keep keys unique or do not care about ties. */
class EntryHeap {
  private keys: number[] = [];
  private items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The smallest key; only when `size > 0`. */
  peekKey(): number {
    return this.keys[0]!;
  }

  push(key: number, item: Entry): void {
    const keys = this.keys;
    const items = this.items;
    let i = items.length;
    keys.push(key);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    keys[i] = key;
    items[i] = item;
  }

  /** Removes and returns the entry with the smallest key; only when `size > 0`. */
  pop(): Entry {
    const keys = this.keys;
    const items = this.items;
    const top = items[0]!;
    const lastKey = keys.pop()!;
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && keys[right]! < keys[left]! ? right : left;
        if (keys[child]! >= lastKey) break;
        keys[i] = keys[child]!;
        items[i] = items[child]!;
        i = child;
      }
      keys[i] = lastKey;
      items[i] = last;
    }
    return top;
  }

  /** Keeps only the entries `keep` accepts, then restores the heap order (O(n)). */
  retain(keep: (item: Entry) => boolean): void {
    const keys: number[] = [];
    const items: Entry[] = [];
    for (let i = 0; i < this.items.length; i++)
      if (keep(this.items[i]!)) {
        keys.push(this.keys[i]!);
        items.push(this.items[i]!);
      }
    this.keys = [];
    this.items = [];
    // Re-pushing is O(n log n) at worst; compaction is rare enough that this stays amortised O(log n).
    for (let i = 0; i < items.length; i++) this.push(keys[i]!, items[i]!);
  }
}

/**
 * @internal The message groups of a FIFO queue and the indexes a receive needs, so that a receive
 * costs O(log groups) per group it takes from instead of a sort of every group head:
 *
 * - `heads`: groups whose first message is visible, by that message's sequence number, the order
 *   in which a receive takes groups (R-SQS-10);
 * - `expiries`: the same heads by the instant they pass retention (R-SQS-8), and `pastRedrive`:
 *   heads received `maxReceiveCount` times (R-SQS-7). A receive first removes such heads, group by
 *   group in creation order: the order of the group map the queue used to walk.
 *
 * Entries are invalidated lazily: each names the head it was made for, and is dropped when it
 * comes up and that message is no longer the group's visible head. A group gets a new entry
 * whenever its head may have become visible: {@link FifoGroups.offer}.
 */
export class FifoGroups {
  private readonly byId = new Map<string, FifoGroup>();
  private created = 0;
  private readonly heads = new EntryHeap();
  private readonly expiries = new EntryHeap();
  private pastRedrive: Entry[] = [];

  constructor(
    private readonly queue: string,
    /** When a message passes retention (ms of virtual time). */
    private readonly expiresAtMs: (m: StoredMessage) => number,
    /** True once a message has been received `maxReceiveCount` times. */
    private readonly isPastRedrive: (m: StoredMessage) => boolean,
  ) {}

  /** Appends `m` to its group (made if the group has no message); returns the group. */
  add(m: StoredMessage): FifoGroup {
    const id = m.messageGroupId!;
    let group = this.byId.get(id);
    if (group === undefined) {
      group = new FifoGroup(id, ++this.created);
      this.byId.set(id, group);
    }
    m.slot = group.slots.length;
    group.slots.push(m);
    group.size++;
    return group;
  }

  /** The group `m` is in. */
  groupOf(m: StoredMessage): FifoGroup | undefined {
    return this.byId.get(m.messageGroupId!);
  }

  /** Removes `m` from its group; a group left empty is dropped (the next message makes a new one). */
  remove(m: StoredMessage): void {
    const group = this.byId.get(m.messageGroupId!);
    invariant(
      group !== undefined && group.slots[m.slot] === m,
      () =>
        `queue ${this.queue}: message ${m.messageId} (${m.status}) is not in its group ${m.messageGroupId}`,
    );
    group.slots[m.slot] = undefined;
    if (--group.size === 0) {
      this.byId.delete(group.id);
      group.slots = [];
      group.head = 0;
      return;
    }
    if (m.slot !== group.head) return;
    const slots = group.slots;
    let head = group.head + 1;
    while (slots[head] === undefined) head++;
    group.head = head;
    if (head >= COMPACT_MIN_ENTRIES && head * 2 >= slots.length) {
      const kept = slots.slice(head);
      for (let i = 0; i < kept.length; i++) if (kept[i] !== undefined) kept[i]!.slot = i;
      group.slots = kept;
      group.head = 0;
    }
    this.offer(group);
  }

  /**
   * Indexes the group's head if it is visible: called wherever it may have become so (a message
   * joined an empty group, a delay or visibility timeout ended, the head was removed).
   */
  offer(group: FifoGroup): void {
    const h = group.first();
    if (h === undefined || h.status !== 'visible') return;
    if (group.headEntryFor !== h) {
      group.headEntryFor = h;
      this.heads.push(h.fifoSeq, { group, message: h });
      if (this.crowded(this.heads))
        this.heads.retain((e) => this.keep(e, e.group.headEntryFor === e.message, 'head'));
    }
    if (group.expiryEntryFor !== h) {
      group.expiryEntryFor = h;
      this.expiries.push(this.expiresAtMs(h), { group, message: h });
      if (this.crowded(this.expiries))
        this.expiries.retain((e) => this.keep(e, e.group.expiryEntryFor === e.message, 'expiry'));
    }
    if (group.redriveEntryFor !== h && this.isPastRedrive(h)) {
      group.redriveEntryFor = h;
      this.pastRedrive.push({ group, message: h });
    }
  }

  /**
   * The groups whose head is visible and past retention at `nowMs` or past redrive, each once,
   * in creation order: the groups a receive must clear before it chooses (`stamp` is the
   * receive's number).
   */
  toClear(nowMs: number, stamp: number): FifoGroup[] {
    const out: FifoGroup[] = [];
    const collect = (e: Entry): void => {
      if (this.isVisibleHead(e) && e.group.clearStamp !== stamp) {
        e.group.clearStamp = stamp;
        out.push(e.group);
      }
    };
    const expiries = this.expiries;
    while (expiries.size > 0 && expiries.peekKey() <= nowMs) {
      const e = expiries.pop();
      if (e.group.expiryEntryFor === e.message) e.group.expiryEntryFor = undefined;
      collect(e);
    }
    const redrive = this.pastRedrive;
    if (redrive.length > 0) {
      this.pastRedrive = [];
      for (const e of redrive) {
        if (e.group.redriveEntryFor === e.message) e.group.redriveEntryFor = undefined;
        collect(e);
      }
    }
    if (out.length > 1) out.sort((a, b) => a.order - b.order);
    return out;
  }

  /**
   * The group whose visible head has the lowest sequence number, taken out of the heads index
   * (give it back with {@link FifoGroups.offer} if the receive takes nothing from it); undefined
   * when no group has a visible head.
   */
  nextHead(): FifoGroup | undefined {
    const heads = this.heads;
    while (heads.size > 0) {
      const e = heads.pop();
      if (e.group.headEntryFor === e.message) e.group.headEntryFor = undefined;
      if (this.isVisibleHead(e)) return e.group;
    }
    return undefined;
  }

  /** More than twice as many entries as groups: time to drop the stale ones. */
  private crowded(heap: EntryHeap): boolean {
    return heap.size >= COMPACT_MIN_ENTRIES && heap.size > 2 * this.byId.size;
  }

  /**
   * Compaction: keeps an entry whose head is still visible; a dropped one that was its group's
   * current entry is forgotten, so the head is indexed again when it next becomes visible.
   */
  private keep(e: Entry, current: boolean, heap: 'head' | 'expiry'): boolean {
    if (this.isVisibleHead(e)) return true;
    if (current) {
      if (heap === 'head') e.group.headEntryFor = undefined;
      else e.group.expiryEntryFor = undefined;
    }
    return false;
  }

  private isVisibleHead(e: Entry): boolean {
    return e.group.first() === e.message && e.message.status === 'visible';
  }
}

/**
 * A binary min-heap of scheduled kernel events, ordered by `(atMs, seq)`.
 *
 * `seq` is a global insertion counter, so two events at the same virtual instant fire in the
 * order they were scheduled (first in, first out). Cancellation is lazy: a cancelled entry stays
 * in the heap and is skipped when it reaches the top, which keeps `cancel` O(1). So that timers
 * armed and cancelled over and over (invocation timeouts, which almost never fire) cannot bloat
 * the heap, it is rebuilt without its cancelled entries once they outnumber the live ones: O(n)
 * now and then, amortised O(1) per cancel. `(atMs, seq)` is a total order, so the rebuild never
 * changes which event comes out next.
 */
export interface ScheduledEvent {
  readonly atMs: number;
  readonly seq: number;
  /** Called once when the event fires, unless cancelled first. */
  fire: (() => void) | null;
}

/** Below this many cancelled entries the heap is never rebuilt (not worth it). */
const COMPACT_MIN_CANCELLED = 64;

export class EventQueue {
  private readonly items: ScheduledEvent[] = [];
  private nextSeq = 0;
  private live = 0;

  /** Number of scheduled events that have not fired nor been cancelled. */
  get size(): number {
    return this.live;
  }

  push(atMs: number, fire: () => void): ScheduledEvent {
    const ev: ScheduledEvent = { atMs, seq: this.nextSeq++, fire };
    const items = this.items;
    let i = items.length;
    items.push(ev);
    // sift up
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (p.atMs < atMs || (p.atMs === atMs && p.seq < ev.seq)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = ev;
    this.live++;
    return ev;
  }

  cancel(ev: ScheduledEvent): boolean {
    if (ev.fire === null) return false;
    ev.fire = null;
    this.live--;
    const cancelled = this.items.length - this.live;
    if (cancelled >= COMPACT_MIN_CANCELLED && cancelled > this.live) this.compact();
    return true;
  }

  /** The earliest live event without removing it, or undefined when none is left. */
  peek(): ScheduledEvent | undefined {
    this.dropCancelledTop();
    return this.items[0];
  }

  /** Removes and returns the earliest live event. */
  pop(): ScheduledEvent | undefined {
    this.dropCancelledTop();
    const ev = this.removeTop();
    if (ev !== undefined) this.live--;
    return ev;
  }

  private dropCancelledTop(): void {
    const items = this.items;
    while (items.length > 0 && items[0]!.fire === null) this.removeTop();
  }

  private removeTop(): ScheduledEvent | undefined {
    const items = this.items;
    const n = items.length;
    if (n === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    if (n > 1) siftDown(items, 0, last, n - 1);
    return top;
  }

  /** Drops every cancelled entry and restores heap order (Floyd's bottom-up heapify). */
  private compact(): void {
    const items = this.items;
    let n = 0;
    for (let i = 0; i < items.length; i++) {
      const ev = items[i]!;
      if (ev.fire !== null) items[n++] = ev;
    }
    items.length = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(items, i, items[i]!, n);
  }
}

/** Places `ev` at index `i` or below it, among `items[0..size)`, restoring heap order. */
function siftDown(items: ScheduledEvent[], i: number, ev: ScheduledEvent, size: number): void {
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    let c = l;
    let child = items[l]!;
    if (r < size) {
      const rc = items[r]!;
      if (rc.atMs < child.atMs || (rc.atMs === child.atMs && rc.seq < child.seq)) {
        c = r;
        child = rc;
      }
    }
    if (ev.atMs < child.atMs || (ev.atMs === child.atMs && ev.seq < child.seq)) break;
    items[i] = child;
    i = c;
  }
  items[i] = ev;
}

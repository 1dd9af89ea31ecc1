/**
 * Anchor 1: the floor for a discrete-event loop in this runtime. A binary min-heap of
 * `{ atMs, seq, fn }` ordered by (atMs, seq), pop-and-call, nothing else: no cancellation, no
 * validation, no bookkeeping. The kernel does more than this, so "x times the bare loop" says
 * how much that extra costs per event.
 */
interface BareEvent {
  readonly atMs: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class BareLoop {
  now = 0;
  private seq = 0;
  private readonly heap: BareEvent[] = [];

  at(atMs: number, fn: () => void): void {
    const ev: BareEvent = { atMs, seq: this.seq++, fn };
    const heap = this.heap;
    let i = heap.length;
    heap.push(ev);
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (parent.atMs < atMs || (parent.atMs === atMs && parent.seq < ev.seq)) break;
      heap[i] = parent;
      i = parentIndex;
    }
    heap[i] = ev;
  }

  /** Pops and calls every event in order; returns how many ran. */
  runAll(): number {
    const heap = this.heap;
    let count = 0;
    while (heap.length > 0) {
      const top = heap[0]!;
      const last = heap.pop()!;
      const size = heap.length;
      if (size > 0) {
        let i = 0;
        for (;;) {
          let c = 2 * i + 1;
          if (c >= size) break;
          let child = heap[c]!;
          const r = c + 1;
          if (r < size) {
            const rc = heap[r]!;
            if (rc.atMs < child.atMs || (rc.atMs === child.atMs && rc.seq < child.seq)) {
              c = r;
              child = rc;
            }
          }
          if (last.atMs < child.atMs || (last.atMs === child.atMs && last.seq < child.seq)) break;
          heap[i] = child;
          i = c;
        }
        heap[i] = last;
      }
      this.now = top.atMs;
      count++;
      top.fn();
    }
    return count;
  }
}

/**
 * The anchor every bench divides by: `events` events on the bare heap loop, 1,000 chains with
 * pseudo-random gaps of 1-50 ms. Returns the real milliseconds the loop took.
 */
export function bareRun(events: number): number {
  const loop = new BareLoop();
  let budget = events;
  let x = 1;
  const step = (): void => {
    if (--budget > 0) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      loop.at(loop.now + 1 + (x % 50), step);
    }
  };
  for (let p = 0; p < 1000; p++) loop.at(p, step);
  const t0 = performance.now();
  loop.runAll();
  return performance.now() - t0;
}

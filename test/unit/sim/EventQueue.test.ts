import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, type ScheduledEvent } from '../../../src/sim/EventQueue.js';

/** Pops everything left, returning the labels in pop order. */
function drain(queue: EventQueue, labels: Map<ScheduledEvent, string>): string[] {
  const out: string[] = [];
  for (let ev = queue.pop(); ev !== undefined; ev = queue.pop()) out.push(labels.get(ev)!);
  return out;
}

function pushAll(queue: EventQueue, items: ReadonlyArray<readonly [number, string]>) {
  const labels = new Map<ScheduledEvent, string>();
  const handles: ScheduledEvent[] = [];
  for (const [atMs, label] of items) {
    const ev = queue.push(atMs, () => {});
    labels.set(ev, label);
    handles.push(ev);
  }
  return { labels, handles };
}

describe('EventQueue', () => {
  it('pops events in order of atMs, whatever the insertion order', () => {
    const queue = new EventQueue();
    const { labels } = pushAll(queue, [
      [30, 'c'],
      [10, 'a'],
      [50, 'e'],
      [20, 'b'],
      [40, 'd'],
      [0, 'z'],
    ]);
    expect(drain(queue, labels)).toEqual(['z', 'a', 'b', 'c', 'd', 'e']);
  });

  it('breaks ties at the same instant first in, first out (by seq)', () => {
    const queue = new EventQueue();
    const { labels, handles } = pushAll(queue, [
      [5, 't1'],
      [1, 'early'],
      [5, 't2'],
      [5, 't3'],
      [9, 'late'],
      [5, 't4'],
    ]);
    const seqs = handles.map((h) => h.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y)); // seq grows with insertion
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(drain(queue, labels)).toEqual(['early', 't1', 't2', 't3', 't4', 'late']);
  });

  it('keeps FIFO among many equal-time events interleaved with other instants', () => {
    const queue = new EventQueue();
    const items: Array<[number, string]> = [];
    for (let i = 0; i < 200; i++) items.push([i % 3 === 0 ? 7 : 100 - i, `e${i}`]);
    const { labels } = pushAll(queue, items);
    const popped = drain(queue, labels);
    const atSeven = popped.filter((l) => Number(l.slice(1)) % 3 === 0);
    expect(atSeven).toEqual(items.filter(([t]) => t === 7).map(([, l]) => l));
  });

  it('counts live events in size: push adds one, pop and cancel remove one', () => {
    const queue = new EventQueue();
    expect(queue.size).toBe(0);
    const a = queue.push(1, () => {});
    queue.push(2, () => {});
    queue.push(3, () => {});
    expect(queue.size).toBe(3);
    expect(queue.cancel(a)).toBe(true);
    expect(queue.size).toBe(2);
    queue.pop();
    expect(queue.size).toBe(1);
    queue.pop();
    expect(queue.size).toBe(0);
    expect(queue.pop()).toBeUndefined();
    expect(queue.peek()).toBeUndefined();
    expect(queue.size).toBe(0);
  });

  it('cancels lazily: a cancelled event is never returned, even from the top', () => {
    const queue = new EventQueue();
    const { labels, handles } = pushAll(queue, [
      [1, 'a'],
      [2, 'b'],
      [2, 'c'],
      [3, 'd'],
    ]);
    expect(queue.cancel(handles[0]!)).toBe(true); // the top
    expect(queue.cancel(handles[2]!)).toBe(true); // a tie in the middle
    expect(handles[0]!.fire).toBeNull();
    expect(queue.size).toBe(2);
    expect(labels.get(queue.peek()!)).toBe('b');
    expect(queue.size).toBe(2); // peek does not remove
    expect(drain(queue, labels)).toEqual(['b', 'd']);
  });

  it('cancel is idempotent: a second cancel returns false and does not change size', () => {
    const queue = new EventQueue();
    const a = queue.push(1, () => {});
    queue.push(2, () => {});
    expect(queue.cancel(a)).toBe(true);
    expect(queue.cancel(a)).toBe(false);
    expect(queue.size).toBe(1);
  });

  it('returns the pushed event with its callback intact until it fires', () => {
    const queue = new EventQueue();
    let fired = 0;
    const ev = queue.push(4, () => fired++);
    expect(ev.atMs).toBe(4);
    const popped = queue.pop()!;
    expect(popped).toBe(ev);
    popped.fire!();
    expect(fired).toBe(1);
  });

  it('size is 0 after every event is cancelled; peek and pop see nothing', () => {
    const queue = new EventQueue();
    const handles = [3, 1, 2].map((t) => queue.push(t, () => {}));
    for (const h of handles) queue.cancel(h);
    expect(queue.size).toBe(0);
    expect(queue.peek()).toBeUndefined();
    expect(queue.pop()).toBeUndefined();
  });

  describe('against a naive sorted-array model (property)', () => {
    type Op =
      | { readonly op: 'push'; readonly atMs: number }
      | { readonly op: 'cancel'; readonly pick: number }
      | { readonly op: 'pop' }
      | { readonly op: 'peek' };

    const opArb: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({ op: fc.constant('push' as const), atMs: fc.integer({ min: 0, max: 20 }) }),
      },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
      { weight: 3, arbitrary: fc.constant({ op: 'pop' as const }) },
      { weight: 1, arbitrary: fc.constant({ op: 'peek' as const }) },
    );

    it('pop/peek/size/cancel agree with a stable sort by atMs over any operation sequence', () => {
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
          const queue = new EventQueue();
          // Model: live entries kept sorted by (atMs, insertion id).
          let model: Array<{ atMs: number; id: number }> = [];
          const handles: Array<{ ev: ScheduledEvent; id: number }> = [];
          const idOf = new Map<ScheduledEvent, number>();
          let nextId = 0;
          for (const o of ops) {
            switch (o.op) {
              case 'push': {
                const id = nextId++;
                const ev = queue.push(o.atMs, () => {});
                idOf.set(ev, id);
                handles.push({ ev, id });
                model.push({ atMs: o.atMs, id });
                model.sort((x, y) => x.atMs - y.atMs || x.id - y.id);
                break;
              }
              case 'cancel': {
                if (handles.length === 0) break;
                const { ev, id } = handles[o.pick % handles.length]!;
                const wasLive = model.some((m) => m.id === id);
                // Cancelling a popped event is not part of the contract (the kernel nulls `fire`
                // when it dispatches); only cancel events that are still queued or already cancelled.
                const popped = ev.fire !== null && !wasLive;
                if (popped) break;
                expect(queue.cancel(ev)).toBe(wasLive);
                model = model.filter((m) => m.id !== id);
                break;
              }
              case 'pop': {
                const ev = queue.pop();
                const expected = model.shift();
                expect(ev === undefined ? undefined : idOf.get(ev)).toBe(expected?.id);
                if (ev !== undefined) expect(ev.atMs).toBe(expected!.atMs);
                break;
              }
              case 'peek': {
                const ev = queue.peek();
                expect(ev === undefined ? undefined : idOf.get(ev)).toBe(model[0]?.id);
                break;
              }
            }
            expect(queue.size).toBe(model.length);
          }
          // Whatever is left drains in model order.
          const rest: number[] = [];
          for (let ev = queue.pop(); ev !== undefined; ev = queue.pop()) rest.push(idOf.get(ev)!);
          expect(rest).toEqual(model.map((m) => m.id));
        }),
        { numRuns: 300 },
      );
    });
  });
});

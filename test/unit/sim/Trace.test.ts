import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Trace, type TraceEntry } from '../../../src/sim/Trace.js';

interface Entry extends TraceEntry {
  readonly atMs: number;
  readonly kind: string;
  readonly requestId?: string;
  readonly ok?: boolean;
}

const ENTRIES: readonly Entry[] = [
  { atMs: 0, kind: 'request.received', requestId: 'r-1' },
  { atMs: 0, kind: 'env.created' },
  { atMs: 100, kind: 'invoke.started', requestId: 'r-1' },
  { atMs: 150, kind: 'invoke.succeeded', requestId: 'r-1', ok: true },
];

function traceOf(entries: readonly Entry[]): Trace<Entry> {
  return new Trace<Entry>([...entries]);
}

/** The documented format: SHA-256 over one JSON line per entry. */
function expectedHash(entries: readonly Entry[]): string {
  const h = createHash('sha256');
  for (const e of entries) h.update(`${JSON.stringify(e)}\n`);
  return h.digest('hex');
}

describe('Trace', () => {
  it("keeps entries in order and counts them, following its owner's appends", () => {
    const items: Entry[] = [ENTRIES[0]!];
    const t = new Trace<Entry>(items);
    expect(t.length).toBe(1);
    items.push(...ENTRIES.slice(1));
    expect(t.length).toBe(4);
    expect(t.entries).toEqual(ENTRIES);
    expect(t.entries[2]).toBe(ENTRIES[2]);
  });

  it('hashes an empty trace to SHA-256 of nothing', () => {
    expect(new Trace([]).hash()).toBe(createHash('sha256').digest('hex'));
  });

  it('hash is a 64-char hex SHA-256 over one canonical JSON line per entry', () => {
    const hash = traceOf(ENTRIES).hash();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(expectedHash(ENTRIES));
  });

  it('is stable: equal entries give equal hashes across instances and calls', () => {
    const a = traceOf(ENTRIES);
    const b = traceOf(ENTRIES.map((e) => ({ ...e }))); // equal, not identical
    expect(a.hash()).toBe(b.hash());
    expect(a.hash()).toBe(a.hash());
  });

  it('changes when any field of any entry changes', () => {
    const base = traceOf(ENTRIES).hash();
    const variants: Entry[][] = [
      ENTRIES.map((e, i) => (i === 2 ? { ...e, atMs: 101 } : e)),
      ENTRIES.map((e, i) => (i === 1 ? { ...e, kind: 'env.reset' } : e)),
      ENTRIES.map((e, i) => (i === 0 ? { ...e, requestId: 'r-2' } : e)),
      ENTRIES.map((e, i) => (i === 3 ? { ...e, ok: false } : e)),
    ];
    const hashes = variants.map((v) => traceOf(v).hash());
    for (const h of hashes) expect(h).not.toBe(base);
    expect(new Set(hashes).size).toBe(variants.length);
  });

  it('changes when entries are reordered, added or dropped', () => {
    const base = traceOf(ENTRIES).hash();
    expect(traceOf([ENTRIES[1]!, ENTRIES[0]!, ENTRIES[2]!, ENTRIES[3]!]).hash()).not.toBe(base);
    expect(traceOf(ENTRIES.slice(0, 3)).hash()).not.toBe(base);
    expect(traceOf([...ENTRIES, ENTRIES[3]!]).hash()).not.toBe(base);
  });

  it('does not confuse entry boundaries (two entries vs one merged entry)', () => {
    const split = traceOf([
      { atMs: 1, kind: 'a' },
      { atMs: 2, kind: 'b' },
    ]);
    const merged = traceOf([{ atMs: 1, kind: 'a\n{"atMs":2,"kind":"b"}' }]);
    expect(split.hash()).not.toBe(merged.hash());
  });

  it('incremental hashing (hash after every append) equals one-shot hashing', () => {
    const items: Entry[] = [];
    const incremental = new Trace<Entry>(items);
    const seen: string[] = [];
    for (const e of ENTRIES) {
      items.push(e);
      seen.push(incremental.hash());
    }
    expect(incremental.hash()).toBe(traceOf(ENTRIES).hash());
    // every prefix hash equals the one-shot hash of that prefix
    expect(seen).toEqual(ENTRIES.map((_, i) => traceOf(ENTRIES.slice(0, i + 1)).hash()));
    expect(new Set(seen).size).toBe(ENTRIES.length);
  });

  it('hashing in the middle of a run does not change the final hash', () => {
    const items: Entry[] = [];
    const t = new Trace<Entry>(items);
    items.push(ENTRIES[0]!);
    t.hash();
    items.push(ENTRIES[1]!, ENTRIES[2]!);
    t.hash();
    t.hash();
    items.push(ENTRIES[3]!);
    expect(t.hash()).toBe(expectedHash(ENTRIES));
  });
});

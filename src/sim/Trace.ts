import { createHash } from 'node:crypto';

/** The minimum shape of a trace entry: a past-tense fact at a virtual instant. */
export interface TraceEntry {
  readonly atMs: number;
  readonly kind: string;
}

/**
 * The append-only record of a run, as a read-only view over entries its owner appends to (a
 * kernel's trace is filled by `Kernel.record` alone, which stamps each entry's time). Its hash
 * (SHA-256 over one canonical JSON line per entry) is the determinism fingerprint: the same
 * scenario and seed give the same hash in any process. Entries hold no contents, only their
 * digests (`contentDigest`), so the hash stays cheap and is computed only when read.
 *
 * @example
 * ```ts
 * new Trace(saved.trace).hash() === saved.traceHash; // re-hash a stored trace
 * ```
 */
export class Trace<E extends TraceEntry = TraceEntry> {
  private hashed = 0;
  private readonly hasher = createHash('sha256');
  private digest: string | undefined;

  /**
   * @param items the entries, oldest first; the owner may append to the array later (the hash
   *   follows) but never changes or removes an entry already there.
   */
  constructor(private readonly items: readonly E[]) {}

  get length(): number {
    return this.items.length;
  }

  /** The entries so far, oldest first. Do not mutate. */
  get entries(): readonly E[] {
    return this.items;
  }

  /** Hex SHA-256 of the entries so far; incremental, so calling it often is cheap. */
  hash(): string {
    if (this.digest !== undefined && this.hashed === this.items.length) return this.digest;
    // One update per chunk of lines: the digest is over the same bytes, with far fewer calls.
    const items = this.items;
    while (this.hashed < items.length) {
      const end = Math.min(items.length, this.hashed + 512);
      let chunk = '';
      for (let i = this.hashed; i < end; i++) chunk += `${JSON.stringify(items[i])}\n`;
      this.hasher.update(chunk);
      this.hashed = end;
    }
    this.digest = this.hasher.copy().digest('hex');
    return this.digest;
  }
}

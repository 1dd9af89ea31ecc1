/** FIFO deduplication interval. */
export const FIFO_DEDUP_WINDOW_MS = 300_000;

/** The send a deduplication id first stored: what a duplicate send within the window answers. */
export interface FirstSend {
  readonly messageId: string;
  readonly atMs: number;
  readonly sequenceNumber: string | undefined;
}

/**
 * A FIFO queue's deduplication (SendMessage's MessageDeduplicationId): a send whose deduplication id (explicit or the body's
 * SHA-256) was stored within the last 5 minutes is accepted but not stored again, and answers with
 * the first send's message id and sequence number.
 */
export class FifoDeduplication {
  private readonly firstSends = new Map<string, FirstSend>();
  /** Sends dropped as duplicates so far (the `deduplicated` count of the queue's accounting). */
  dropped = 0;

  /** The first send of `dedupId` if it is within the window at `nowMs` (the send is then dropped). */
  duplicateOf(dedupId: string, nowMs: number): FirstSend | undefined {
    const first = this.firstSends.get(dedupId);
    if (first === undefined || nowMs - first.atMs >= FIFO_DEDUP_WINDOW_MS) return undefined;
    this.dropped++;
    return first;
  }

  /** Remembers a stored send: its id deduplicates later sends for the window from now. */
  stored(dedupId: string, send: FirstSend): void {
    this.firstSends.set(dedupId, send);
  }
}

import type { StoredMessage } from './StoredMessage.js';

/**
 * @internal What a receive does with a visible message that must leave the queue instead of being
 * delivered: past retention it expires (R-SQS-8), past `maxReceiveCount` it is dead-lettered
 * (R-SQS-7). Implemented by the queue from its `Retention` and `Redrive`.
 */
export interface Sweep {
  isExpired(m: StoredMessage): boolean;
  pastRedrive(m: StoredMessage): boolean;
  expire(m: StoredMessage): void;
  deadLetter(m: StoredMessage): void;
}

/**
 * @internal The order in which a queue hands out its visible messages: `StandardOrder` (best
 * effort, duplicates and a reorder window, R-SQS-9) or `FifoOrder` (in order per message group,
 * R-SQS-10), chosen once when the queue is made. Status changes are not its business: the queue's
 * `MessageLedger` makes them; the order only hears of them.
 */
export interface ReceiveOrder {
  /** `m` was stored (before it is delayed or visible). */
  stored(m: StoredMessage): void;
  /**
   * `m` became visible for the first time (sent, or its delay ended). With `holdBack` (a
   * `reorder` fault) a standard queue keeps it back until the next message joins. True when the
   * queue should tell its pollers now.
   */
  joined(m: StoredMessage, holdBack: boolean): boolean;
  /** `m` is visible again: its visibility timeout ended. */
  returned(m: StoredMessage): void;
  /** A duplicate copy of `m` (just received) is next in line for another poller. */
  duplicated(m: StoredMessage): void;
  /** `m` left the queue (deleted, filtered, expired, dead-lettered). */
  removed(m: StoredMessage): void;
  /**
   * The messages one receive takes, in delivery order: at most `max`, within `maxBytes` of
   * records; messages that must leave the queue are swept on the way. `stamp` numbers the receive;
   * `inBatch` (standard) ends it at a duplicate copy of a message already in the poller's batch.
   */
  take(
    max: number,
    maxBytes: number,
    stamp: number,
    inBatch: ((m: StoredMessage) => boolean) | undefined,
  ): StoredMessage[];
}

import type { World } from '../../world/World.js';
import type { MessageLedger } from './MessageLedger.js';
import type { StoredMessage } from './StoredMessage.js';

/**
 * @internal A queue's retention (R-SQS-8): a message still on the queue `messageRetentionS` after
 * it was sent expires, when a receive comes to it or, for the accounting, at run end.
 */
export class Retention {
  constructor(
    private readonly world: World,
    private readonly queue: string,
    private readonly ledger: MessageLedger,
    private readonly retentionMs: number,
    /** The message left the queue: the receive order forgets it. */
    private readonly removed: (m: StoredMessage) => void,
  ) {}

  isExpired(m: StoredMessage): boolean {
    return this.world.kernel.nowMs >= m.sentAtMs + this.retentionMs;
  }

  /** A receive came to `m` (visible) past retention. */
  expire(m: StoredMessage): void {
    const kernel = this.world.kernel;
    this.ledger.move(m, 'expired');
    m.endedAtMs = kernel.nowMs;
    this.removed(m);
    kernel.record({ kind: 'sqs.expired', queue: this.queue, messageId: m.messageId });
  }

  /** Run end: messages still on the queue past retention are expired, at the instant they passed it. */
  settle(): void {
    for (const m of this.ledger.all)
      if (
        (m.status === 'visible' || m.status === 'inFlight' || m.status === 'delayed') &&
        this.isExpired(m)
      ) {
        this.ledger.move(m, 'expired');
        m.endedAtMs = m.sentAtMs + this.retentionMs;
      }
  }
}

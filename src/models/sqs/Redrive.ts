import type { World } from '../../world/World.js';
import type { MessageLedger } from './MessageLedger.js';
import type { StoredMessage } from './StoredMessage.js';

/** @internal What a source queue needs of its dead-letter queue. */
export interface DeadLetterQueue {
  readonly name: string;
  /** Takes in a message moved by the redrive of the queue `fromArn` (counted as redriven in). */
  adopt(m: StoredMessage, fromArn: string): void;
}

/**
 * @internal A queue's redrive (R-SQS-7): a visible message received `maxReceiveCount` times is
 * moved to the dead-letter queue the next time a receive comes to it, with its MessageId, body and
 * attributes. The source counts it `deadLettered`, the dead-letter queue `redrivenIn`; the
 * simulation checks at run end that the two agree across queues.
 */
export class Redrive {
  constructor(
    private readonly world: World,
    private readonly queue: { readonly name: string; readonly arn: string },
    private readonly ledger: MessageLedger,
    private readonly policy:
      { readonly deadLetter: DeadLetterQueue; readonly maxReceiveCount: number } | undefined,
    /** The message left the queue: the receive order forgets it. */
    private readonly removed: (m: StoredMessage) => void,
  ) {}

  /** True once `m` has been received `maxReceiveCount` times (never without a policy). */
  isPast(m: StoredMessage): boolean {
    const r = this.policy;
    return r !== undefined && m.receiveCount >= r.maxReceiveCount;
  }

  /** Moves `m` (visible, past redrive) to the dead-letter queue. */
  deadLetter(m: StoredMessage): void {
    const kernel = this.world.kernel;
    const dlq = this.policy!.deadLetter;
    this.ledger.move(m, 'deadLettered');
    m.endedAtMs = kernel.nowMs;
    this.removed(m);
    kernel.record({
      kind: 'sqs.deadLettered',
      queue: this.queue.name,
      messageId: m.messageId,
      deadLetterQueue: dlq.name,
      receiveCount: m.receiveCount,
    });
    dlq.adopt(m, this.queue.arn);
  }

  /** Messages moved in by other queues' redrive, and moved out to this queue's dead-letter queue. */
  get counts(): { readonly redrivenIn: number; readonly deadLettered: number } {
    return { redrivenIn: this.ledger.redrivenIn, deadLettered: this.ledger.count('deadLettered') };
  }
}

import { REORDER_MAX_HOLD_MS } from '../../faults/Fault.js';
import type { TimerHandle } from '../../sim/Kernel.js';
import type { Rng } from '../../sim/Rng.js';
import type { ReceiveOrder, Sweep } from './ReceiveOrder.js';
import type { StoredMessage } from './StoredMessage.js';
import type { World } from '../../world/World.js';

/**
 * @internal A standard queue's receive order (R-SQS-9): visible messages in the order they became
 * so, from `head` on; a receive picks each among the first `reorderWindow` (seeded), and a
 * duplicate copy goes back to the front for another poller. Entries go stale (a message received,
 * deleted or moved) and are skipped when they come up.
 */
export class StandardOrder implements ReceiveOrder {
  private ready: StoredMessage[] = [];
  private head = 0;
  /** A message a `reorder` fault keeps out of the receive order until the next one joins. */
  private held: { readonly message: StoredMessage; readonly timer: TimerHandle } | undefined;

  constructor(
    private readonly kernel: World['kernel'],
    private readonly reorderWindow: number,
    /** The queue's delivery choices (shared with its duplicate draws, in receive order). */
    private readonly choices: Rng,
    private readonly sweep: Sweep,
    private readonly notify: () => void,
  ) {}

  stored(): void {}

  /**
   * A newly visible message joins the receive order. With `holdBack` (a `reorder` fault) it stays
   * out of it until the next message joins (which then goes first) or for at most
   * REORDER_MAX_HOLD_MS; its status stays `visible` meanwhile, so accounting is unchanged.
   */
  joined(m: StoredMessage, holdBack: boolean): boolean {
    if (holdBack) {
      this.releaseHeld(); // one held message at a time: an earlier one goes now
      const timer = this.kernel.after(REORDER_MAX_HOLD_MS, () => {
        if (this.held?.message === m) {
          this.held = undefined;
          if (m.status === 'visible') this.ready.push(m);
          this.notify();
        }
      });
      this.held = { message: m, timer };
      return false;
    }
    this.ready.push(m);
    this.releaseHeld();
    return true;
  }

  returned(m: StoredMessage): void {
    this.ready.push(m);
  }

  duplicated(m: StoredMessage): void {
    if (this.head > 0) this.ready[--this.head] = m;
    else this.ready.unshift(m);
  }

  removed(): void {}

  take(
    max: number,
    maxBytes: number,
    stamp: number,
    inBatch: ((m: StoredMessage) => boolean) | undefined,
  ): StoredMessage[] {
    const out: StoredMessage[] = [];
    let bytes = 0;
    const ready = this.ready;
    const window = this.reorderWindow;
    const sweep = this.sweep;
    while (out.length < max && this.head < ready.length) {
      if (window > 1) {
        const span = Math.min(window, ready.length - this.head);
        const j = this.head + this.choices.int(span);
        const t = ready[j]!;
        ready[j] = ready[this.head]!;
        ready[this.head] = t;
      }
      const m = ready[this.head]!;
      let duplicate = false;
      if (m.status === 'inFlight' && m.ghosts > 0) {
        if (inBatch?.(m) === true) break;
        duplicate = true;
      } else if (m.status !== 'visible' || m.takenBy === stamp) {
        this.head++;
        continue;
      }
      if (!duplicate && sweep.isExpired(m)) {
        this.head++;
        sweep.expire(m);
        continue;
      }
      if (!duplicate && sweep.pastRedrive(m)) {
        this.head++;
        sweep.deadLetter(m);
        continue;
      }
      if (bytes + m.recordBytes > maxBytes) break;
      this.head++;
      m.takenBy = stamp;
      if (duplicate) m.ghosts--;
      out.push(m);
      bytes += m.recordBytes;
    }
    if (this.head > 1024 && this.head * 2 > ready.length) {
      this.ready = ready.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** The held-back message (if any) joins the receive order now, behind what joined before it. */
  private releaseHeld(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    this.kernel.cancel(held.timer);
    if (held.message.status === 'visible') this.ready.push(held.message);
  }
}

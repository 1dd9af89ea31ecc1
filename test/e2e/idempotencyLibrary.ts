/**
 * A small idempotency library over a table, as Powertools idempotency works, and handlers built on
 * it for `noRepeatAfterSuccess`: before the effect, an in-progress record is written with a
 * conditional put (it expires with the invocation's remaining time, so a crashed attempt does not
 * block its retry); after it, the record is marked completed and kept for `keepMs`. A second
 * attempt that finds the record in progress fails (Lambda retries it later); one that finds it
 * completed returns without the effect.
 *
 * The buggy twins: one with no in-progress lock (read the record, act on what it said), one whose
 * completed record expires after 1 s, sooner than a retry or a duplicate comes.
 */
import { ConditionalCheckFailedException, type ScenarioSetup, type Table, when } from '../../src/index.js';
import type { Order } from './claimThenCharge.js';

type IdempotencyRecord = {
  readonly key: string;
  readonly status: 'inProgress' | 'completed';
  readonly expiresAtMs: number;
};

interface LibraryOptions {
  /** Write an in-progress record with a conditional put before the effect. */
  readonly lock: boolean;
  /** How long a completed record is kept. */
  readonly keepMs: number;
}

const HOUR_MS = 3_600_000;

class AlreadyInProgressError extends Error {
  override readonly name = 'IdempotencyAlreadyInProgressError';
}

async function once(
  records: Table<IdempotencyRecord>,
  key: string,
  remainingMs: number,
  options: LibraryOptions,
  work: () => Promise<void>,
): Promise<void> {
  const now = Date.now();
  if (options.lock) {
    try {
      await records.put(
        { key, status: 'inProgress', expiresAtMs: now + remainingMs },
        { condition: when.any(when.notExists('key'), when.lessThan('expiresAtMs', now)) },
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const found = await records.get(key);
      if (found?.status === 'completed') return;
      throw new AlreadyInProgressError(`${key} is being processed`);
    }
  } else {
    const found = await records.get(key);
    if (found !== undefined && found.expiresAtMs >= now) return;
  }
  await work();
  await records.put({ key, status: 'completed', expiresAtMs: Date.now() + options.keepMs });
}

function chargeOnce(options: LibraryOptions): ScenarioSetup<Order> {
  return (sim) => {
    const payments = sim.api('payments');
    const records = sim.table<IdempotencyRecord>('idempotency', { key: 'key' });
    return () => async (order: Order, context: { getRemainingTimeInMillis(): number }) => {
      await once(records, `charge-${order.orderId}`, context.getRemainingTimeInMillis(), options, () =>
        payments
          .call('charge', { orderId: order.orderId, amountCents: order.amountCents })
          .then(() => undefined),
      );
    };
  };
}

/** Lock before the effect, keep the completed record an hour: the library's contract holds. */
export const lockedOnce = chargeOnce({ lock: true, keepMs: HOUR_MS });
/** No lock: two concurrent deliveries both read "not done", both charge, both succeed. */
export const unlockedOnce = chargeOnce({ lock: false, keepMs: HOUR_MS });
/** The completed record expires after 1 s: a retry a minute later charges again. */
export const shortLivedOnce = chargeOnce({ lock: true, keepMs: 1_000 });

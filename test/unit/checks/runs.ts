import {
  createSimulation,
  type FaultPlan,
  type Simulation,
  type SimulationResult,
} from '../../../src/index.js';

export interface Order {
  readonly orderId: string;
}

export const orderIdOf = (e: { readonly args: unknown }): string => (e.args as Order).orderId;

/** A finished run with its simulation and a fault-free rerun, as a scenario result carries them. */
export interface Run {
  readonly result: SimulationResult;
  readonly sim: Simulation;
  rerunFaultFree(): Promise<Run>;
}

/**
 * Async charge handler: charges the order, then counts it in the `orders` table. The naive one
 * repeats the charge on a retry and counts with a read-modify-write; the idempotent one sends an
 * idempotency key the API honours and writes the order as a set value.
 */
export async function chargeRun(options: {
  readonly faults?: FaultPlan;
  readonly idempotent: boolean;
  readonly orders?: readonly string[];
  readonly seed?: number;
}): Promise<Run> {
  const faults = options.faults ?? [];
  const sim = createSimulation({ seed: options.seed ?? 11, faults });
  const seen = new Set<string>();
  const payments = sim.api('payments', {
    respond: (_op, args) => {
      const key = (args as { idempotencyKey?: string }).idempotencyKey;
      if (key !== undefined && seen.has(key))
        throw Object.assign(new Error('replayed'), { name: 'Replayed' });
      if (key !== undefined) seen.add(key);
      return { ok: true };
    },
  });
  const orders = sim.table<{ orderId: string; charges: number }>('orders', { key: 'orderId' });
  const fn = sim.fn('Charge', () => async (event: Order) => {
    if (options.idempotent) {
      try {
        await payments.call('charge', { orderId: event.orderId, idempotencyKey: event.orderId });
      } catch (error) {
        if ((error as Error).name !== 'Replayed') throw error;
      }
      await orders.put({ orderId: event.orderId, charges: 1 });
    } else {
      await payments.call('charge', { orderId: event.orderId });
      const before = await orders.get(event.orderId);
      await orders.put({ orderId: event.orderId, charges: (before?.charges ?? 0) + 1 });
    }
  });
  for (const orderId of options.orders ?? ['o-1']) void sim.invokeAsync(fn, { orderId });
  const result = await sim.run();
  return { result, sim, rerunFaultFree: () => chargeRun({ ...options, faults: [] }) };
}

/** The crash that makes a naive charge run twice: the 1st attempt dies right after its charge landed. */
export const CRASH_AFTER_CHARGE: FaultPlan = [
  { kind: 'crashAfterCalls', fn: 'Charge', invocation: 1, calls: 1 },
];

/** A crash after the naive handler's 3rd call (its table write) landed: the whole attempt is repeated. */
export const CRASH_AFTER_WRITE: FaultPlan = [
  { kind: 'crashAfterCalls', fn: 'Charge', invocation: 1, calls: 3 },
];

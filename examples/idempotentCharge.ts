import { change, createSimulation } from '../src/index.js';

// The first charge lands but its answer is lost: the handler's retry must not charge again.
const sim = createSimulation({
  seed: 7,
  faults: [{ kind: 'callTimeout', service: 'payments', call: 1, landed: true }],
});
// The payment API honours Stripe-style idempotency keys, read from each call's arguments.
const payments = sim.api('payments', {
  idempotencyKey: (_op, args) => (args as { idempotencyKey?: string }).idempotencyKey,
});
const orders = sim.table<{ orderId: string; tries?: number; status?: string; paidAtMs?: number }>('orders', {
  key: 'orderId',
});

const timeout = (ms: number) =>
  new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms));

const chargeOrder = sim.fn(
  'ChargeOrder',
  () => async (event: { orderId: string; amountCents: number }) => {
    const request = { ...event, idempotencyKey: `charge-${event.orderId}` }; // one key per order
    for (let attempt = 1; ; attempt++) {
      await orders.update(event.orderId, { tries: change.add(1) }); // atomic: no read-modify-write
      try {
        await Promise.race([payments.call('charge', request), timeout(1_000)]);
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    await orders.update(event.orderId, { status: 'PAID', paidAtMs: change.ifNotExists(Date.now()) });
  },
  { timeoutS: 10 },
);

await sim.invokeAsync(chargeOrder, { orderId: 'o-1', amountCents: 4200 });
const result = await sim.run();
console.log(`charges: ${result.effects(payments).length}`); // 1: the retry did not charge again
console.log(`replays: ${result.replays(payments).length}`); // 1: it got the first charge's answer
console.log(`tries: ${orders.peek('o-1')?.tries}, status: ${orders.peek('o-1')?.status}`); // tries: 2, status: PAID

import { createSimulation, formatTimeline } from '../src/index.js';

const sim = createSimulation({ seed: 7 });
const payments = sim.api('payments', { latencyMs: 2500 });

// The factory runs once per execution environment (a cold start): its closure is module state.
const charge = sim.fn(
  'ChargeOrder',
  () => async (event: { orderId: string }) => {
    await payments.call('charge', { orderId: event.orderId });
    return { status: 'charged' };
  },
  { timeoutS: 6 },
);

// A caller with a 1 s client timeout and SDK-style retries: a retry re-runs the handler.
const client = sim.client(charge, { clientTimeoutMs: 1000, maxAttempts: 2 });
sim.spawn('checkout', async () => {
  await client.invoke({ orderId: 'o-1' });
});

const result = await sim.run();
console.log(formatTimeline(result.trace, { compactCalls: true }));
console.log(`charges: ${result.effects(payments).length}`); // 2: the order was charged twice
console.log(`trace hash: ${result.traceHash}`); // same seed + scenario => same hash, in any process

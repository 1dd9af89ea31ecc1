/**
 * Issue 11 item 7's figure: how often a shrunk counterexample is one event and one fault, for
 * handlers whose bug needs exactly that (a retried side effect, a lost charge), over 50 search
 * seeds of 100 runs each. Run it before and after a change to the scenario shrinker and compare.
 * `npx tsx bench/shrinkEvents.ts [--seeds=50] [--first=1] [--only=sqs]` (`--only`: cases whose name
 * starts with it)
 */
import type { SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { checks, runScenario, type Scenario, type ScenarioSetup, scenarios } from '../src/index.js';
import { claimThenCharge, type Order, orderArb, orderIdOf } from '../test/e2e/claimThenCharge.js';

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const SEEDS = Number(option('seeds') ?? 50);
const FIRST = Number(option('first') ?? 1);
const ONLY = option('only');

/** Charges on every attempt (the README's buggy handler). */
const chargeEveryAttempt: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments');
  return () => async (order: Order) => {
    await payments.call('charge', { orderId: order.orderId, amountCents: order.amountCents });
  };
};

/** Looks the order up, then charges each record of the batch on every attempt (two calls per record). */
const sqsLookupThenCharge: ScenarioSetup<Order> = (sim) => {
  const payments = sim.api('payments');
  const orders = sim.table('orders', { key: 'orderId' });
  return () => async (event: SQSEvent) => {
    for (const record of event.Records) {
      const order = JSON.parse(record.body) as Order;
      await orders.get(order.orderId);
      await payments.call('charge', { orderId: order.orderId, amountCents: order.amountCents });
    }
  };
};

const uniqueBy = (o: Order) => o.orderId;
const CASES: ReadonlyArray<{
  readonly name: string;
  readonly arb: fc.Arbitrary<Scenario<Order>>;
  readonly setup: ScenarioSetup<Order>;
}> = [
  {
    name: 'async charge every attempt',
    arb: scenarios.async({ events: orderArb, uniqueBy, services: ['payments'] }),
    setup: chargeEveryAttempt,
  },
  {
    name: 'async claim then charge',
    arb: scenarios.async({ events: orderArb, uniqueBy, services: ['payments', 'claims'] }),
    setup: claimThenCharge,
  },
  {
    name: 'sqs lookup then charge',
    arb: scenarios.sqs({ events: orderArb, uniqueBy, services: ['payments', 'orders'] }),
    setup: sqsLookupThenCharge,
  },
];

console.log(`shrunk counterexamples of one event and one fault, ${SEEDS} seeds of 100 runs`);
for (const c of CASES.filter((k) => ONLY === undefined || k.name.startsWith(ONLY))) {
  let found = 0;
  let oneAndOne = 0;
  const sizes = new Map<string, number>();
  for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
    const details = await fc.check(
      fc.asyncProperty(c.arb, async (scenario) => {
        const result = await runScenario(scenario, c.setup);
        return (
          checks.exactlyOnce(result.effects('payments'), orderIdOf, { inputs: result.inputs }).length === 0
        );
      }),
      { seed, numRuns: 100 },
    );
    if (!details.failed) continue;
    found++;
    const [s] = details.counterexample as [Scenario<Order>];
    if (s.events.length === 1 && s.faults.length === 1) oneAndOne++;
    const size = `${s.events.length}e+${s.faults.length}f`;
    sizes.set(size, (sizes.get(size) ?? 0) + 1);
  }
  const histogram = [...sizes]
    .sort()
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
  console.log(
    `${c.name.padEnd(28)} found ${found}/${SEEDS}; 1 event + 1 fault ${oneAndOne}/${found}; { ${histogram} }`,
  );
}

/**
 * DynamoDB door benchmark: `npx tsx bench/dynamodb.ts [--calls=N] [--reps=N]`.
 *
 * One simulated caller writes N items one after another, first with `sim.table`'s typed `put`,
 * then with a protocol-door PutItem (`dynamoDbService.serve` with the JSON body the AWS SDK
 * sends, served in-process: no SDK, no HTTP). Reports µs per call for each, their ratio, and the
 * bare heap loop (bench/bareHeap.ts) measured in the same run as the anchor. The difference is
 * the protocol door's own cost: JSON parsing, AttributeValue decoding, the condition expression
 * parse and the response encoding.
 */
import { simulationInternals } from '../src/Simulation.js';
import { parseArgs } from 'node:util';
import { dynamoDbService } from '../src/aws/dynamodb/dynamoDbService.js';
import type { AwsResources, SimHttpRequest } from '../src/aws/protocol.js';
import { createSimulation } from '../src/index.js';
import { dynamoRequest } from '../test/unit/aws/dynamodb/serve.js';
import { bareRun } from './bareHeap.js';
import { outboundOf } from '../src/transport/Outbound.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '20000' }, reps: { type: 'string', default: '5' } },
});
const CALLS = Number(values.calls);
const REPS = Number(values.reps);

function request(i: number): SimHttpRequest {
  return dynamoRequest('PutItem', {
    TableName: 'orders',
    Item: { orderId: { S: `o-${i}` }, status: { S: 'NEW' }, amount: { N: String(i) } },
    ConditionExpression: 'attribute_not_exists(orderId)',
  });
}

async function run(door: 'typed' | 'protocol'): Promise<number> {
  const sim = createSimulation({ seed: 1 });
  const orders = sim.table<{ orderId: string; status: string; amount: number }>('orders', { key: 'orderId' });
  const resources: AwsResources = outboundOf(simulationInternals(sim).world)!.resources;
  const requests = door === 'protocol' ? Array.from({ length: CALLS }, (_, i) => request(i)) : [];
  const t0 = performance.now();
  sim.spawn('writer', async () => {
    for (let i = 0; i < CALLS; i++) {
      if (door === 'typed') await orders.put({ orderId: `o-${i}`, status: 'NEW', amount: i });
      else {
        const response = await dynamoDbService.serve(requests[i]!, resources);
        if (response.statusCode !== 200) throw new Error(response.body);
      }
    }
  });
  await sim.run();
  const ms = performance.now() - t0;
  if (orders.snapshot().length !== CALLS) throw new Error(`${door}: expected ${CALLS} items`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const BARE_EVENTS = 1_000_000;
bareRun(BARE_EVENTS); // warm-up
await run('typed');
await run('protocol');
const typedMs: number[] = [];
const protocolMs: number[] = [];
const bareMs: number[] = [];
for (let r = 0; r < REPS; r++) {
  bareMs.push(bareRun(BARE_EVENTS));
  typedMs.push(await run('typed'));
  protocolMs.push(await run('protocol'));
}
const usTyped = (median(typedMs) * 1000) / CALLS;
const usProtocol = (median(protocolMs) * 1000) / CALLS;
const bareNs = (median(bareMs) * 1e6) / BARE_EVENTS;
console.log(`DynamoDB door: ${CALLS} sequential conditional puts by one caller, median of ${REPS}`);
console.log(
  `  sim.table put          ${usTyped.toFixed(2)} µs/call (${((usTyped * 1000) / bareNs).toFixed(0)}x a bare heap event)`,
);
console.log(
  `  protocol-door PutItem  ${usProtocol.toFixed(2)} µs/call (${((usProtocol * 1000) / bareNs).toFixed(0)}x a bare heap event)`,
);
console.log(
  `  ratio                  ${(usProtocol / usTyped).toFixed(2)}x the typed door; bare heap loop ${bareNs.toFixed(0)} ns/event (same run)`,
);

/**
 * Real-handler benchmark (issue 12): `npx tsx bench/sdk.ts [--calls=N] [--reps=N]`.
 *
 * Two calls a handler makes, each measured three ways in one process, µs per call:
 * an SQS SendMessage (@aws-sdk/client-sqs) and a DynamoDB PutItem through the DocumentClient
 * (@aws-sdk/lib-dynamodb over @aws-sdk/client-dynamodb):
 * - `sdk in sim`: the published SDK, its client at module scope, called from a handler inside a
 *   simulation, so the whole SDK stack runs (marshalling, serialization, signing, retry strategy,
 *   checksums, deserialization) and lambdasim's interception answers from `sim.sqs` / `sim.table`;
 * - `sdk no-op` (the anchor): the same SDK call outside any simulation with a request handler
 *   that answers at once without any I/O: the SDK's own cost;
 * - `sdk no-op in sim`: the no-op client called from a handler inside a simulation: what running
 *   inside a handler's virtual scope (virtual timers and clock, async context) costs the SDK,
 *   without lambdasim's interception; the rest of `sdk in sim` is the interception and service;
 * - `sim typed`: the same write through lambdasim's typed API (`queue.send`, `table.put`) from a
 *   handler.
 * The ratio `sdk in sim / sdk no-op` is lambdasim's overhead on an SDK call (aim: ≤ 1.5×). The
 * ratios (not the absolute times, which move with the machine) are compared with
 * bench/sdk-baseline.json; `--update-baseline` writes it from this run.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createSimulation, type Simulation, type SimulationResult } from '../src/index.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '2000' },
    reps: { type: 'string', default: '5' },
    'update-baseline': { type: 'boolean', default: false },
  },
});
const CALLS = Number(values.calls);
const REPS = Number(values.reps);

/** A request handler that answers every request at once with `body`, without any I/O. */
function noopHandler(body: string) {
  const bytes = Buffer.from(body);
  return {
    handle: () =>
      Promise.resolve({
        response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: bytes },
      }),
  };
}
const BENCH_CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'secret' };

/** One call measured three ways: `call` is the SDK call, `typed` the same write through lambdasim. */
interface Case {
  readonly title: string;
  readonly key: string;
  /** Declares the resource in `sim`; returns the typed write and how many writes landed. */
  setup(sim: Simulation): { typed(i: number): Promise<unknown>; landed(result: SimulationResult): number };
  /** The SDK call from a module-scope client inside a simulation. */
  inSim(i: number): Promise<unknown>;
  /** The same SDK call with a no-op request handler (the anchor). */
  noop(i: number): Promise<unknown>;
}

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';
const BODY = JSON.stringify({ orderId: 'o-1', amountCents: 1250 });
const sqsInSim = new SQSClient({});
const sqsNoop = new SQSClient({
  region: 'us-east-1',
  credentials: BENCH_CREDENTIALS,
  requestHandler: noopHandler(
    JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: createHash('md5').update(BODY).digest('hex') }),
  ),
});
const sqsCase: Case = {
  title: 'SQS SendMessage',
  key: 'sqs',
  setup(sim) {
    const queue = sim.sqs('orders', { latencyMs: 0 });
    return { typed: () => queue.send(BODY), landed: (result) => result.messages.length };
  },
  inSim: () => sqsInSim.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: BODY })),
  noop: () => sqsNoop.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: BODY })),
};

/** An order as a handler writes it: strings, numbers, a set, a nested map. */
function order(i: number) {
  return {
    orderId: `o-${i}`,
    status: 'NEW',
    amountCents: 1250 + i,
    tags: new Set(['web', 'eu']),
    customer: { id: 'c-1', tier: 'gold' },
  };
}
const ddbInSim = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const ddbNoop = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: 'us-east-1',
    credentials: BENCH_CREDENTIALS,
    requestHandler: noopHandler('{}'),
  }),
);
const ddbCase: Case = {
  title: 'DynamoDB DocumentClient PutItem',
  key: 'dynamodb',
  setup(sim) {
    const table = sim.table<ReturnType<typeof order>>('orders', { key: 'orderId', latencyMs: 0 });
    return { typed: (i) => table.put(order(i)), landed: () => table.snapshot().length };
  },
  inSim: (i) => ddbInSim.send(new PutCommand({ TableName: 'orders', Item: order(i) })),
  noop: (i) => ddbNoop.send(new PutCommand({ TableName: 'orders', Item: order(i) })),
};

/** `sdk`: the SDK call answered by lambdasim; `noop`: the no-op client in the handler; `typed`. */
type Mode = 'sdk' | 'noop' | 'typed';

async function inSimulation(c: Case, mode: Mode): Promise<number> {
  const sim = createSimulation({ seed: 1 });
  const typed = c.setup(sim);
  const fn = sim.fn(
    'Writer',
    () => async () => {
      for (let i = 0; i < CALLS; i++)
        await (mode === 'sdk' ? c.inSim(i) : mode === 'noop' ? c.noop(i) : typed.typed(i));
    },
    { timeoutS: 900 },
  );
  const t0 = performance.now();
  const response = sim.invoke(fn, {});
  const result = await sim.run();
  const ms = performance.now() - t0;
  const invoked = await response;
  const expected = mode === 'noop' ? 0 : CALLS;
  if (invoked.kind !== 'ok' || typed.landed(result) !== expected || result.determinismErrors.length > 0)
    throw new Error(`unexpected run: ${JSON.stringify({ invoked, errors: result.determinismErrors })}`);
  return ms;
}

async function noop(c: Case): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await c.noop(i);
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const us = (ms: number) => (ms * 1000) / CALLS;
interface Figures {
  microsPerCall: { sdkInSim: number; sdkNoop: number; sdkNoopInSim: number; simTyped: number };
  ratios: { sdkInSim: number; sdkNoopInSim: number; simTyped: number };
}

async function measure(c: Case): Promise<Figures> {
  // Warm-up: JIT, and the SDK's one-time config loading.
  for (let i = 0; i < 3; i++) {
    await noop(c);
    await inSimulation(c, 'sdk');
    await inSimulation(c, 'noop');
    await inSimulation(c, 'typed');
  }
  const sdk: number[] = [];
  const anchor: number[] = [];
  const noopInSim: number[] = [];
  const plain: number[] = [];
  for (let r = 0; r < REPS; r++) {
    anchor.push(await noop(c));
    sdk.push(await inSimulation(c, 'sdk'));
    noopInSim.push(await inSimulation(c, 'noop'));
    plain.push(await inSimulation(c, 'typed'));
  }
  const [sdkUs, anchorUs, scopeUs, plainUs] = [sdk, anchor, noopInSim, plain].map((xs) => us(median(xs))) as [
    number,
    number,
    number,
    number,
  ];
  const x = (v: number) => `${(v / anchorUs).toFixed(2)}x the anchor`;
  console.log(`${c.title}, ${CALLS} calls x ${REPS} reps (median), µs per call:`);
  console.log(`  sdk in sim       ${sdkUs.toFixed(1)}  (${x(sdkUs)})`);
  console.log(
    `  sdk no-op        ${anchorUs.toFixed(1)}  (anchor: the SDK's own cost, outside any simulation)`,
  );
  console.log(
    `  sdk no-op in sim ${scopeUs.toFixed(1)}  (${x(scopeUs)}: the SDK inside a handler's virtual scope, not intercepted)`,
  );
  console.log(`  sim typed        ${plainUs.toFixed(1)}  (${x(plainUs)})`);
  return {
    microsPerCall: {
      sdkInSim: +sdkUs.toFixed(1),
      sdkNoop: +anchorUs.toFixed(1),
      sdkNoopInSim: +scopeUs.toFixed(1),
      simTyped: +plainUs.toFixed(1),
    },
    ratios: {
      sdkInSim: +(sdkUs / anchorUs).toFixed(2),
      sdkNoopInSim: +(scopeUs / anchorUs).toFixed(2),
      simTyped: +(plainUs / anchorUs).toFixed(2),
    },
  };
}

const cases: Record<string, Figures> = {};
for (const c of [sqsCase, ddbCase]) cases[c.key] = await measure(c);

const BASELINE = new URL('./sdk-baseline.json', import.meta.url);
if (values['update-baseline']) {
  const baseline = {
    createdAt: new Date().toISOString(),
    node: process.version,
    loadAverage: os
      .loadavg()
      .slice(0, 2)
      .map((x) => +x.toFixed(2)),
    calls: CALLS,
    reps: REPS,
    cases,
  };
  fs.writeFileSync(BASELINE, `${JSON.stringify(baseline, null, 2)}\n`);
  console.log(`baseline written: ${BASELINE.pathname}`);
} else if (fs.existsSync(BASELINE)) {
  const baseline = JSON.parse(fs.readFileSync(BASELINE, 'utf8')) as {
    cases?: Record<string, Figures | undefined>;
  };
  for (const [key, now] of Object.entries(cases)) {
    const then = baseline.cases?.[key]?.ratios;
    console.log(
      then === undefined
        ? `baseline: no ${key} figures (run with --update-baseline)`
        : `baseline ratios, ${key}: sdk in sim ${then.sdkInSim}x (now ${now.ratios.sdkInSim}x), sim typed ${then.simTyped}x (now ${now.ratios.simTyped}x)`,
    );
  }
}

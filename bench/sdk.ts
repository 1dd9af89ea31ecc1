/**
 * Real-handler benchmark (issue 12): `npx tsx bench/sdk.ts [--calls=N] [--reps=N]`.
 *
 * The same SQS SendMessage three ways, measured in one process, µs per call:
 * - `sdk in sim`: the published @aws-sdk/client-sqs, its client at module scope, called from a
 *   handler inside a simulation, so the whole SDK stack runs (serialization, signing, retry
 *   strategy, MD5 check, deserialization) and lambdasim's interception answers from `sim.sqs`;
 * - `sdk no-op` (the anchor): the same SDK call outside any simulation with a request handler
 *   that answers at once without any I/O: the SDK's own cost;
 * - `sim send`: the same send through lambdasim's typed API (`queue.send`) from a handler.
 * The ratio `sdk in sim / sdk no-op` is lambdasim's overhead on an SDK call (aim: ≤ 1.5×). The
 * ratios (not the absolute times, which move with the machine) are compared with
 * bench/sdk-baseline.json; `--update-baseline` writes it from this run.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSimulation } from '../src/index.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '2000' },
    reps: { type: 'string', default: '5' },
    'update-baseline': { type: 'boolean', default: false },
  },
});
const CALLS = Number(values.calls);
const REPS = Number(values.reps);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';
const BODY = JSON.stringify({ orderId: 'o-1', amountCents: 1250 });

const simClient = new SQSClient({});
const md5 = createHash('md5').update(BODY).digest('hex');
const reply = Buffer.from(JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: md5 }));
const noopClient = new SQSClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'secret' },
  requestHandler: {
    handle: () =>
      Promise.resolve({
        response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: reply },
      }),
  },
});

async function inSimulation(viaSdk: boolean): Promise<number> {
  const sim = createSimulation({ seed: 1 });
  const queue = sim.sqs('orders', { latencyMs: 0 });
  const fn = sim.fn(
    'Sender',
    () => async () => {
      for (let i = 0; i < CALLS; i++)
        if (viaSdk) await simClient.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: BODY }));
        else await queue.send(BODY);
    },
    { timeoutS: 900 },
  );
  const t0 = performance.now();
  const response = sim.invoke(fn, {});
  const result = await sim.run();
  const ms = performance.now() - t0;
  const invoked = await response;
  if (invoked.kind !== 'ok' || result.messages.length !== CALLS || result.determinismErrors.length > 0)
    throw new Error(`unexpected run: ${JSON.stringify({ invoked, errors: result.determinismErrors })}`);
  return ms;
}

async function noop(): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++)
    await noopClient.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: BODY }));
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// Warm-up: JIT, and the SDK's one-time config loading.
for (let i = 0; i < 3; i++) {
  await noop();
  await inSimulation(true);
  await inSimulation(false);
}
const sdk: number[] = [];
const anchor: number[] = [];
const plain: number[] = [];
for (let r = 0; r < REPS; r++) {
  anchor.push(await noop());
  sdk.push(await inSimulation(true));
  plain.push(await inSimulation(false));
}
const us = (ms: number) => (ms * 1000) / CALLS;
const [sdkUs, anchorUs, plainUs] = [us(median(sdk)), us(median(anchor)), us(median(plain))];
console.log(`SQS SendMessage, ${CALLS} calls x ${REPS} reps (median), µs per call:`);
console.log(`  sdk in sim   ${sdkUs.toFixed(1)}  (${(sdkUs / anchorUs).toFixed(2)}x the anchor)`);
console.log(`  sdk no-op    ${anchorUs.toFixed(1)}  (anchor: the SDK's own cost, outside any simulation)`);
console.log(`  sim send     ${plainUs.toFixed(1)}  (${(plainUs / anchorUs).toFixed(2)}x the anchor)`);

const BASELINE = new URL('./sdk-baseline.json', import.meta.url);
const ratios = { sdkInSim: +(sdkUs / anchorUs).toFixed(2), simSend: +(plainUs / anchorUs).toFixed(2) };
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
    microsPerCall: {
      sdkInSim: +sdkUs.toFixed(1),
      sdkNoop: +anchorUs.toFixed(1),
      simSend: +plainUs.toFixed(1),
    },
    ratios,
  };
  fs.writeFileSync(BASELINE, `${JSON.stringify(baseline, null, 2)}\n`);
  console.log(`baseline written: ${BASELINE.pathname}`);
} else if (fs.existsSync(BASELINE)) {
  const baseline = JSON.parse(fs.readFileSync(BASELINE, 'utf8')) as { ratios: typeof ratios };
  console.log(
    `baseline ratios: sdk in sim ${baseline.ratios.sdkInSim}x (now ${ratios.sdkInSim}x), sim send ${baseline.ratios.simSend}x (now ${ratios.simSend}x)`,
  );
}

/**
 * Real handlers, part 1 (issue 12): EventBridge PutEvents through the published
 * @aws-sdk/client-eventbridge (AWS JSON 1.1) lands on `sim.eventBus`: one effect per call in the
 * effects ledger, attributed to the invocation, and the events as a rule's target gets them.
 */
import {
  EventBridgeClient,
  EventBridgeServiceException,
  ListRulesCommand,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { checks, createSimulation } from '../../../src/index.js';
import { payloadOf } from './payloadOf.js';

const events = new EventBridgeClient({});
const lambda = new LambdaClient({});
const s3 = new S3Client({});

const placed = (id: string, bus?: string) => ({
  ...(bus === undefined ? {} : { EventBusName: bus }),
  Source: 'shop',
  DetailType: 'OrderPlaced',
  Detail: JSON.stringify({ orderId: id }),
});

describe('EventBridge through the real @aws-sdk/client-eventbridge', () => {
  it('PutEvents lands on the bus: event ids, per-entry failures, effects the checks count', async () => {
    const sim = createSimulation({ seed: 1 });
    const orders = sim.eventBus('orders');
    const fallback = sim.eventBus('default');
    const fn = sim.fn('Checkout', () => async () => {
      const out = await events.send(
        new PutEventsCommand({
          Entries: [
            placed('o-1', 'orders'),
            { Source: 'shop', DetailType: 'OrderPlaced', Detail: '{not json', EventBusName: 'orders' },
            placed('o-2', 'arn:aws:events:us-east-1:123456789012:event-bus/orders'),
            placed('o-3'),
          ],
        }),
      );
      return { failed: out.FailedEntryCount, entries: out.Entries };
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect(result.determinismErrors).toEqual([]);
    const { failed, entries } = payloadOf(await response) as {
      failed: number;
      entries: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
    };
    expect(failed).toBe(1);
    expect(entries[1]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(orders.events().map((e) => [e.id, e['detail-type'], e.detail])).toEqual([
      [entries[0]!.EventId, 'OrderPlaced', { orderId: 'o-1' }],
      [entries[2]!.EventId, 'OrderPlaced', { orderId: 'o-2' }],
    ]);
    expect(fallback.events().map((e) => e.detail)).toEqual([{ orderId: 'o-3' }]);
    // One effect per call and bus, attributed to the invocation that made it.
    const effects = result.effects('orders');
    expect(effects).toHaveLength(1);
    expect(effects[0]).toMatchObject({ op: 'PutEvents', fn: 'Checkout', requestId: result.inputs[0]!.id });
    expect(result.inputs[0]!.effects.map((e) => e.service)).toEqual(['orders', 'default']);
  });

  it('an injected throttle is retried by the SDK; a second PutEvents of the same order is a duplicate effect', async () => {
    const sim = createSimulation({
      seed: 1,
      faults: [{ kind: 'callError', service: 'orders', call: 1, errorName: 'ThrottlingException' }],
    });
    sim.eventBus('orders');
    const fn = sim.fn('Checkout', () => async () => {
      const first = await events.send(new PutEventsCommand({ Entries: [placed('o-1', 'orders')] }));
      await events.send(new PutEventsCommand({ Entries: [placed('o-1', 'orders')] }));
      return first.$metadata.attempts;
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect(payloadOf(await response)).toBe(2);
    const violations = checks.exactlyOnce(
      result.effects('orders'),
      (e) =>
        (JSON.parse((e.args as { Entries: { Detail: string }[] }).Entries[0]!.Detail) as { orderId: string })
          .orderId,
    );
    expect(violations.map((v) => [v.kind, v.key])).toEqual([['duplicateEffect', 'o-1']]);
  });

  it('an exhausted 5xx is the SDK’s own class; an unknown bus or command fails at once, naming what is simulated', async () => {
    const sim = createSimulation({
      seed: 1,
      faults: [1, 2, 3].map(
        (call) => ({ kind: 'callError', service: 'orders', call, errorName: 'InternalException' }) as const,
      ),
    });
    sim.eventBus('orders');
    const fn = sim.fn('Checkout', () => async () => {
      const exhausted = await events
        .send(new PutEventsCommand({ Entries: [placed('o-1', 'orders')] }))
        .catch((e: unknown) => e);
      const noBus = await events
        .send(new PutEventsCommand({ Entries: [placed('o-1', 'audit')] }))
        .catch((e: Error) => e.message);
      const unsupported = await events.send(new ListRulesCommand({})).catch((e: Error) => e.message);
      return [
        exhausted instanceof EventBridgeServiceException,
        (exhausted as Error).name,
        (exhausted as EventBridgeServiceException).$metadata.attempts,
        noBus,
        unsupported,
      ];
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect(payloadOf(await response)).toEqual([
      true,
      'InternalException',
      3,
      expect.stringContaining(
        'EventBridge PutEvents on event bus "audit": no event bus "audit" in this simulation (event buses: orders)',
      ),
      expect.stringContaining(
        'EventBridge ListRules: not simulated by lambdasim (EventBridge commands simulated: PutEvents)',
      ),
    ]);
    expect(result.determinismErrors).toHaveLength(2);
  });
});

describe('Lambda, EventBridge and S3 over the SDK are deterministic', () => {
  it('the same seed gives the same trace hash; another seed gives other event ids', async () => {
    async function once(seed: number) {
      const sim = createSimulation({ seed });
      const bus = sim.eventBus('orders');
      const audit = sim.fn('Audit', () => async () => {
        await events.send(new PutEventsCommand({ Entries: [placed('o-1', 'orders')] }));
      });
      sim.bucket('uploads', { notify: audit });
      const fn = sim.fn('Checkout', () => async () => {
        await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'o-1.json', Body: '{}' }));
        await lambda.send(new InvokeCommand({ FunctionName: 'Audit', Payload: '{}' }));
      });
      sim.invoke(fn, {});
      const result = await sim.run();
      expect(result.determinismErrors).toEqual([]);
      return { hash: result.traceHash, ids: bus.events().map((e) => e.id) };
    }
    const [a, b, c] = [await once(3), await once(3), await once(4)];
    expect(a.ids).toHaveLength(2);
    expect(b).toEqual(a);
    expect(c.ids).not.toEqual(a.ids);
  });
});

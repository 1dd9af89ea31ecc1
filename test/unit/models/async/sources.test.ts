import { decodeCloudWatchLogsData } from '../../../../src/models/sources/cloudWatchLogsEvent.js';
import type { SNSEvent, ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  cloudWatchLogsEvent,
  createSimulation,
  eventBridgeEvent,
  s3Event,
  scheduledEvent,
  snsEvent,
} from '../../../../src/index.js';
import { nextFiring, parseScheduleExpression } from '../../../../src/models/sources/scheduleExpression.js';

describe('push-source event builders', () => {
  it('S3: one record per init, deterministic ids', () => {
    const a = s3Event({ bucket: 'uploads', key: 'a.csv', size: 10 });
    expect(a.Records[0]).toMatchObject({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      eventTime: '2026-01-01T00:00:00.000Z',
      s3: { bucket: { name: 'uploads', arn: 'arn:aws:s3:::uploads' }, object: { key: 'a.csv', size: 10 } },
    });
    expect(s3Event({ bucket: 'uploads', key: 'a.csv', size: 10 })).toEqual(a);
    expect(() => s3Event({ bucket: '', key: 'k' })).toThrow(/bucket must be a non-empty string/);
  });

  it('SNS, EventBridge pattern and scheduled events', () => {
    const sns = snsEvent({ message: { id: 1 }, subject: 'hi' });
    expect(sns.Records[0]!.Sns).toMatchObject({ Message: '{"id":1}', Subject: 'hi', Type: 'Notification' });
    const eb = eventBridgeEvent({ source: 'shop', detailType: 'OrderPlaced', detail: { id: 1 } });
    expect(eb).toMatchObject({ 'detail-type': 'OrderPlaced', source: 'shop', time: '2026-01-01T00:00:00Z' });
    const sched = scheduledEvent({ ruleName: 'nightly' });
    expect(sched).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/nightly'],
      detail: {},
    });
  });

  it('CloudWatch Logs: awslogs.data is gzip+base64 JSON, byte-identical for the same input', () => {
    const init = {
      logGroup: '/aws/lambda/Orders',
      logEvents: ['ERROR boom', { message: 'x'.repeat(70_000) }],
    };
    const event = cloudWatchLogsEvent(init);
    expect(cloudWatchLogsEvent(init).awslogs.data).toBe(event.awslogs.data);
    const decoded = decodeCloudWatchLogsData(event);
    expect(decoded).toMatchObject({
      owner: '123456789012',
      logGroup: '/aws/lambda/Orders',
      messageType: 'DATA_MESSAGE',
    });
    expect(decoded.logEvents.map((e) => e.message.length)).toEqual([10, 70_000]);
    expect(decoded.logEvents[0]!.id).toMatch(/^\d{56}$/);
  });
});

describe('SNS topic', () => {
  it('publish refuses unknown options and a non-string subject', () => {
    const topic = createSimulation({ seed: 1 }).snsTopic('orders');
    expect(() => topic.publish('x', { Subject: 'hi' } as never)).toThrow(
      'snsTopic("orders").publish: Subject is not a known option (known: subject, messageAttributes), got "hi"',
    );
    expect(() => topic.publish('x', { subject: 7 } as never)).toThrow(
      'snsTopic("orders").publish: subject must be a string, got 7',
    );
  });

  it('a publish fans out to every subscribed function asynchronously, with retries', async () => {
    const sim = createSimulation({ seed: 1 });
    const got: string[] = [];
    let failOnce = true;
    const a = sim.fn('A', () => async (event: SNSEvent) => {
      got.push(`A:${event.Records[0]!.Sns.Message}`);
    });
    const b = sim.fn('B', () => async (event: SNSEvent) => {
      got.push(`B:${event.Records[0]!.Sns.Message}`);
      if (failOnce) {
        failOnce = false;
        throw new Error('once');
      }
    });
    const copy = sim.sink('copy', { kind: 'sqs' });
    const topic = sim.snsTopic('orders').subscribe(a).subscribe(b).subscribe(copy);
    sim.at(1_000, () => topic.publish({ orderId: 'o-1' }, { subject: 'order' }));
    const result = await sim.run();
    expect(got).toEqual(['A:{"orderId":"o-1"}', 'B:{"orderId":"o-1"}', 'B:{"orderId":"o-1"}']);
    expect(result.asyncEvents.map((e) => [e.fn, e.source, e.state, e.attempts])).toEqual([
      ['A', 'sns:orders', 'succeeded', 1],
      ['B', 'sns:orders', 'succeeded', 2],
    ]);
    expect(JSON.parse(copy.messages[0]!.body)).toMatchObject({
      Type: 'Notification',
      Message: '{"orderId":"o-1"}',
      Subject: 'order',
    });
    expect(topic.published).toHaveLength(1);
  });

  it('as a dead-letter topic it carries the attributes as SNS message attributes', async () => {
    const sim = createSimulation({ seed: 2 });
    const seen: SNSEvent[] = [];
    const reader = sim.fn('Reader', () => async (event: SNSEvent) => {
      seen.push(event);
    });
    const dlq = sim.snsTopic('dlq').subscribe(reader);
    const fn = sim.fn(
      'Fails',
      () => async () => {
        throw new Error('bad');
      },
      { async: { maximumRetryAttempts: 0, deadLetter: dlq } },
    );
    await sim.invokeAsync(fn, { id: 3 });
    await sim.run();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.Records[0]!.Sns.Message).toBe('{"id":3}');
    expect(seen[0]!.Records[0]!.Sns.MessageAttributes).toMatchObject({
      ErrorCode: { Type: 'Number', Value: '200' },
      ErrorMessage: { Type: 'String', Value: 'bad' },
    });
  });
});

describe('EventBridge schedules', () => {
  it('rate(5 minutes) fires 12 times in an hour, in virtual time', async () => {
    const sim = createSimulation({ seed: 1 });
    const times: string[] = [];
    const fn = sim.fn('Tick', () => async (event: ScheduledEvent) => {
      times.push(event.time);
    });
    const schedule = sim.schedule('every5', 'rate(5 minutes)', fn);
    await sim.run({ untilMs: 3_600_000 });
    expect(schedule.firings.map((f) => f.atMs)).toEqual(
      Array.from({ length: 12 }, (_, i) => (i + 1) * 300_000),
    );
    expect(times[0]).toBe('2026-01-01T00:05:00Z');
  });

  it('cron expressions fire at matching UTC minutes; an unbounded schedule needs untilMs', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Nightly', () => async () => 'ok');
    const nightly = sim.schedule('nightly', 'cron(30 2 * * ? *)', fn);
    const weekdays = sim.schedule('weekdays', 'cron(0 9 ? * MON-FRI *)', fn);
    await sim.run({ untilMs: 7 * 86_400_000 });
    expect(nightly.firings.map((f) => f.atMs)).toEqual(
      Array.from({ length: 7 }, (_, d) => d * 86_400_000 + 2.5 * 3_600_000),
    );
    // 2026-01-01 is a Thursday: Thu, Fri, Mon, Tue, Wed.
    expect(weekdays.firings.map((f) => Math.floor(f.atMs / 86_400_000))).toEqual([0, 1, 4, 5, 6]);

    const unbounded = createSimulation({ seed: 1 });
    unbounded.schedule(
      'forever',
      'rate(1 minute)',
      unbounded.fn('F', () => async () => 'ok'),
    );
    await expect(unbounded.run()).rejects.toThrow(/fires forever/);
  });

  it('bad expressions are ConfigErrors naming the rule', () => {
    const api = 'schedule("x")';
    expect(() => parseScheduleExpression(api, 'rate(1 minutes)')).toThrow(/singular unit/);
    expect(() => parseScheduleExpression(api, 'rate(5 minute)')).toThrow(/plural unit/);
    expect(() => parseScheduleExpression(api, 'cron(0 12 * * * *)')).toThrow(/\? in exactly one/);
    expect(() => parseScheduleExpression(api, 'cron(0 12 * *)')).toThrow(/6 cron fields/);
    expect(() => parseScheduleExpression(api, 'cron(61 12 * * ? *)')).toThrow(
      /minutes must be between 0 and 59/,
    );
    expect(() => parseScheduleExpression(api, 'every hour')).toThrow(/rate\(value unit\) or cron/);
    const every15 = parseScheduleExpression(api, 'cron(0/15 * * * ? *)');
    expect(nextFiring(every15, 0, Date.UTC(2026, 0, 1, 0, 14))).toBe(Date.UTC(2026, 0, 1, 0, 15));
  });
});

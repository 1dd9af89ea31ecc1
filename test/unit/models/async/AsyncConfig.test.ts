import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, type DeliveryTarget } from '../../../../src/index.js';

const handler = () => async () => 'ok';

describe('async config validation (like PutFunctionEventInvokeConfig / DeadLetterConfig)', () => {
  it.each([
    [
      { maximumRetryAttempts: 3 },
      'fn("F"): async.maximumRetryAttempts must be an integer between 0 and 2, got 3',
    ],
    [
      { maximumRetryAttempts: -1 },
      'fn("F"): async.maximumRetryAttempts must be an integer between 0 and 2, got -1',
    ],
    [
      { maximumEventAgeS: 59 },
      'fn("F"): async.maximumEventAgeS must be an integer between 60 and 21600, got 59',
    ],
    [
      { maximumEventAgeS: 21_601 },
      'fn("F"): async.maximumEventAgeS must be an integer between 60 and 21600, got 21601',
    ],
    [{ retries: 1 }, 'fn("F"): async.retries is not a known option'],
  ])('rejects %j', (async, message) => {
    const sim = createSimulation({ seed: 1 });
    expect(() => sim.fn('F', handler, { async: async as never })).toThrow(ConfigError);
    expect(() => sim.fn('F', handler, { async: async as never })).toThrow(message);
    // Nothing was defined: the name is still free.
    expect(() => sim.fn('F', handler)).not.toThrow();
  });

  it('refuses S3 on success, anything but SQS/SNS as a DLQ, and unknown targets', () => {
    const sim = createSimulation({ seed: 1 });
    const bucket = sim.sink('bucket', { kind: 's3' });
    const bus = sim.sink('bus', { kind: 'eventbridge' });
    expect(() => sim.fn('A', handler, { async: { onSuccess: bucket } })).toThrow(
      /async.onSuccess must be an SQS queue.*S3 buckets are supported on failure only/,
    );
    expect(() => sim.fn('B', handler, { async: { onFailure: bucket } })).not.toThrow();
    expect(() => sim.fn('C', handler, { async: { deadLetter: bus } })).toThrow(
      /async.deadLetter must be an SQS queue or SNS topic/,
    );
    const fake = { arn: 'arn:aws:sqs:us-east-1:123456789012:q' } as unknown as DeliveryTarget;
    expect(() => sim.fn('D', handler, { async: { onFailure: fake } })).toThrow(
      /async.onFailure must be a delivery target/,
    );
    const other = createSimulation({ seed: 2 }).fn('Elsewhere', handler);
    expect(() => sim.fn('E', handler, { async: { onFailure: other } })).toThrow(
      /async\.onFailure belongs to another simulation/,
    );
  });

  it('validates simulation-level knobs', () => {
    expect(() => createSimulation({ seed: 1, async: { payloadLimitBytes: 5 } })).toThrow(
      /payloadLimitBytes must be 1048576/,
    );
    expect(() => createSimulation({ seed: 1, async: { duplicateProbability: 2 } })).toThrow(
      /between 0 and 1/,
    );
    expect(() => createSimulation({ seed: 1, async: { throttleBackoff: { baseS: 0 } } })).toThrow(/positive/);
    expect(() => createSimulation({ seed: 1, async: { retryDelaysS: [60] as never } })).toThrow(/pair/);
  });

  it('a non-JSON payload is a 400 and rejected events are accounted for', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('F', handler);
    const r = await sim.invokeAsync(fn, { n: 1n });
    expect(r).toMatchObject({
      kind: 'rejected',
      statusCode: 400,
      error: { code: 'InvalidRequestContentException' },
    });
    const result = await sim.run();
    expect(result.asyncEvents.map((e) => e.state)).toEqual(['rejected']);
  });
});

describe('destinations', () => {
  it('an EventBridge destination gets the record as detail with the Success / Failure detail-type', async () => {
    const sim = createSimulation({ seed: 3 });
    const bus = sim.sink('bus', { kind: 'eventbridge' });
    const fn = sim.fn('Ok', handler, { async: { onSuccess: bus } });
    await sim.invokeAsync(fn, { a: 1 });
    await sim.run();
    const [event] = bus.records<Record<string, unknown>>();
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Lambda Function Invocation Result - Success',
      source: 'lambda',
      account: '123456789012',
      region: 'us-east-1',
      detail: { requestContext: { condition: 'Success' }, requestPayload: { a: 1 } },
    });
  });

  it('a function destination is invoked asynchronously with the record as its event', async () => {
    const sim = createSimulation({ seed: 4 });
    const got: unknown[] = [];
    const handlerFn = sim.fn('OnFailure', () => async (event: unknown) => {
      got.push(event);
    });
    const fn = sim.fn(
      'Fails',
      () => async () => {
        throw new Error('x');
      },
      { async: { maximumRetryAttempts: 0, onFailure: handlerFn } },
    );
    await sim.invokeAsync(fn, { id: 1 });
    const result = await sim.run();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 1 },
    });
    expect(result.asyncEvents.map((e) => [e.fn, e.source, e.state])).toEqual([
      ['Fails', 'invokeAsync', 'discarded'],
      ['OnFailure', 'destination:Fails (on-failure destination)', 'succeeded'],
    ]);
  });

  it('a target that throws is a failed delivery in the result and the trace', async () => {
    const sim = createSimulation({ seed: 5 });
    const broken: DeliveryTarget = {
      arn: 'arn:aws:sqs:us-east-1:123456789012:broken',
      targetKind: 'sqs',
      accept: () => {
        throw new Error('disk full');
      },
    };
    const fn = sim.fn('Ok', handler, { async: { onSuccess: broken } });
    await sim.invokeAsync(fn, {});
    const result = await sim.run();
    expect(result.asyncEvents[0]!.destination!.result).toEqual({
      ok: false,
      reason: 'target threw: disk full',
    });
    expect(result.trace.filter((e) => e.kind === 'destination.failed')).toHaveLength(1);
  });

  it('an event still waiting for its retry when the run ends is reported as queued', async () => {
    const sim = createSimulation({ seed: 6 });
    const fn = sim.fn('Fails', () => async () => {
      throw new Error('x');
    });
    await sim.invokeAsync(fn, {});
    const result = await sim.run({ untilMs: 30_000 });
    expect(result.asyncEvents[0]).toMatchObject({ state: 'queued', attempts: 1, endedAtMs: undefined });
  });
});

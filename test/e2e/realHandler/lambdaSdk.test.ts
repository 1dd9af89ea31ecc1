/**
 * Real handlers, part 1 (issue 12): Lambda Invoke through the published @aws-sdk/client-lambda
 * (REST JSON) reaches the simulated function through the sync and async models, with Lambda's own
 * status codes, headers and errors; the callee's invocation is one more input of the ledger.
 */
import {
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../../src/index.js';
import { payloadOf } from './payloadOf.js';

const lambda = new LambdaClient({});
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

describe('Lambda Invoke through the real @aws-sdk/client-lambda', () => {
  it('RequestResponse: the callee runs and its result comes back; both invocations are inputs', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.fn('Price', () => async (event: { sku: string }) => ({ sku: event.sku, cents: 1200 }));
    const fn = sim.fn('Checkout', () => async () => {
      const out = await lambda.send(
        new InvokeCommand({ FunctionName: 'Price', Payload: JSON.stringify({ sku: 'a-1' }) }),
      );
      return {
        status: out.StatusCode,
        version: out.ExecutedVersion,
        functionError: out.FunctionError ?? null,
        payload: JSON.parse(text(out.Payload)) as unknown,
      };
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect(result.determinismErrors).toEqual([]);
    expect(payloadOf(await response)).toEqual({
      status: 200,
      version: '$LATEST',
      functionError: null,
      payload: { sku: 'a-1', cents: 1200 },
    });
    const callee = result.inputs.find((i) => i.fn === 'Price')!;
    expect(callee).toMatchObject({ model: 'sync', state: 'completed', body: { sku: 'a-1' } });
    // The call is the caller's: `call.sent` names its invocation; the callee's request is received then.
    const caller = result.inputs.find((i) => i.fn === 'Checkout')!;
    const sent = result.trace.find((e) => e.kind === 'call.sent' && e.service === 'Price');
    expect(sent).toMatchObject({ op: 'Invoke', requestId: caller.id });
  });

  it('a function error is 200 with FunctionError Unhandled and the error body', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.fn('Price', () => async () => {
      throw new RangeError('no such sku');
    });
    const fn = sim.fn('Checkout', () => async () => {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'Price', Payload: '{}' }));
      const body = JSON.parse(text(out.Payload)) as { errorType: string; errorMessage: string };
      return [out.StatusCode, out.FunctionError, body.errorType, body.errorMessage];
    });
    const response = sim.invoke(fn, {});
    await sim.run();
    expect(payloadOf(await response)).toEqual([200, 'Unhandled', 'RangeError', 'no such sku']);
  });

  it('Event is 202 at once and the callee runs later as an async input; DryRun is 204 and runs nothing', async () => {
    const sim = createSimulation({ seed: 1 });
    const ran: unknown[] = [];
    sim.fn('Ship', () => async (event: unknown) => {
      ran.push(event);
    });
    const fn = sim.fn('Checkout', () => async () => {
      const event = await lambda.send(
        new InvokeCommand({ FunctionName: 'Ship', InvocationType: 'Event', Payload: '{"id":1}' }),
      );
      const dry = await lambda.send(
        new InvokeCommand({ FunctionName: 'Ship', InvocationType: 'DryRun', Payload: '{"id":2}' }),
      );
      return { event: event.StatusCode, dry: dry.StatusCode, ranYet: ran.length };
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect(payloadOf(await response)).toEqual({ event: 202, dry: 204, ranYet: 0 });
    expect(ran).toEqual([{ id: 1 }]);
    expect(result.asyncEvents).toMatchObject([{ fn: 'Ship', source: 'sdk:Checkout', state: 'succeeded' }]);
    expect(result.inputs.filter((i) => i.fn === 'Ship').map((i) => [i.model, i.state])).toEqual([
      ['sync', 'discarded'],
      ['async', 'completed'],
    ]);
  });

  it("a throttled callee (reserved concurrency 0) is Lambda's 429, retried by the SDK, then its own class", async () => {
    const sim = createSimulation({ seed: 1 });
    sim.fn('Price', () => async () => 1, { reservedConcurrency: 0 });
    const fn = sim.fn('Checkout', () => async () => {
      try {
        await lambda.send(new InvokeCommand({ FunctionName: 'Price', Payload: '{}' }));
        return 'answered';
      } catch (error) {
        const e = error as TooManyRequestsException;
        return [
          error instanceof TooManyRequestsException,
          e.Reason,
          e.$metadata.httpStatusCode,
          e.$metadata.attempts,
        ];
      }
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect(payloadOf(await response)).toEqual([
      true,
      'ReservedFunctionConcurrentInvocationLimitExceeded',
      429,
      3,
    ]);
    expect(result.inputs.filter((i) => i.fn === 'Price').map((i) => i.state)).toEqual([
      'rejected',
      'rejected',
      'rejected',
    ]);
  });

  it("an injected throttle on the callee is Lambda's 429, retried by the SDK transparently", async () => {
    const sim = createSimulation({
      seed: 1,
      faults: [1, 2, 3, 4].map(
        (call) =>
          ({ kind: 'callError', service: 'Price', call, errorName: 'TooManyRequestsException' }) as const,
      ),
    });
    sim.fn('Price', () => async () => 7);
    const fn = sim.fn('Checkout', () => async () => {
      const exhausted = (await lambda
        .send(new InvokeCommand({ FunctionName: 'Price', Payload: '{}' }))
        .catch((e: unknown) => e)) as TooManyRequestsException;
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'Price', Payload: '{}' }));
      return [
        exhausted instanceof TooManyRequestsException,
        exhausted.$metadata.httpStatusCode,
        exhausted.$metadata.attempts,
        text(out.Payload),
        out.$metadata.attempts,
      ];
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect(payloadOf(await response)).toEqual([true, 429, 3, '7', 2]);
    // Only the call that got through reached Lambda: one input.
    expect(result.inputs.filter((i) => i.fn === 'Price')).toHaveLength(1);
  });

  it('an unknown function or an unsupported command fails at once, naming what is simulated', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.fn('Price', () => async () => 1);
    const fn = sim.fn('Checkout', () => async () => {
      const missing = await lambda
        .send(new InvokeCommand({ FunctionName: 'Prices', Payload: '{}' }))
        .catch((e: Error) => e.message);
      const unsupported = await lambda
        .send(new GetFunctionCommand({ FunctionName: 'Price' }))
        .catch((e: Error) => e.message);
      return [missing, unsupported];
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    const [missing, unsupported] = payloadOf(await response) as string[];
    expect(missing).toContain(
      'Lambda Invoke on function "Prices": no function "Prices" in this simulation (functions: Price, Checkout)',
    );
    expect(unsupported).toMatch(
      /Lambda GET \/2015-03-31\/functions\/Price: not simulated by lambdasim \(Lambda commands simulated: Invoke \(RequestResponse, Event, DryRun\)\)/,
    );
    expect(result.determinismErrors).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import {
  type ApiGatewayOptions,
  type ApiGatewayResponse,
  apiGatewayEvent,
  createSimulation,
  type FunctionOptions,
  type HandlerFactory,
  type SimulationResult,
} from '../../src/index.js';
import { events, only, sleep } from './helpers.js';

const INTERNAL = JSON.stringify({ message: 'Internal server error' });
const TIMED_OUT = JSON.stringify({ message: 'Endpoint request timed out' });

interface Run {
  readonly response: ApiGatewayResponse;
  /** Virtual time when the client got the response. */
  readonly answeredAtMs: number;
  readonly result: SimulationResult;
}

/** One request through an API Gateway in front of a function built from `factory`, sent at t = 0. */
async function throughGateway(
  factory: HandlerFactory,
  fnOptions: FunctionOptions = {},
  gwOptions: ApiGatewayOptions = {},
): Promise<Run> {
  const sim = createSimulation({ seed: 8 });
  const fn = sim.fn('Api', factory, { initDurationMs: 0, ...fnOptions });
  const gateway = sim.apiGateway(fn, gwOptions);
  let response: ApiGatewayResponse | undefined;
  let answeredAtMs = -1;
  sim.spawn('client', async () => {
    response = await gateway.request(apiGatewayEvent({ method: 'POST', path: '/orders', body: { id: 1 } }));
    answeredAtMs = sim.nowMs;
  });
  const result = await sim.run();
  expect(response, 'the client got an answer').toBeDefined();
  return { response: response!, answeredAtMs, result };
}

describe('R-SYNC-8 API Gateway front door', () => {
  it('R-SYNC-8: integration timeout answers 504 at T while the function runs on to its own timeout', async () => {
    const landed: number[] = [];
    const { response, answeredAtMs, result } = await throughGateway(
      () => async () => {
        await sleep(31_000);
        landed.push(Date.now()); // a side effect after the client was told 504
        await sleep(100_000); // then hang until the function's own timeout
        return { statusCode: 200, body: 'too late' };
      },
      { timeoutS: 40 },
    );
    expect(response.statusCode).toBe(504);
    expect(response.body).toBe(TIMED_OUT);
    expect(response.cause).toBe('integrationTimeout');
    expect(answeredAtMs).toBe(29_000);
    // The function was not stopped at T: its side effect landed later and it ran to its own timeout.
    expect(landed).toHaveLength(1);
    const [record] = result.requests;
    expect(record?.via).toBe('ApiGateway');
    expect(record?.clientTimedOutAtMs).toBe(29_000);
    expect(record?.endedAtMs).toBe(40_000);
    expect(record?.response?.kind).toBe('functionError');
    expect(only(result, 'invoke.failed', record!.requestId).errorType).toBe('Sandbox.Timedout');
  });

  it('R-SYNC-8: a configured integration timeout T (50 ms-29 s) answers 504 at exactly T', async () => {
    const { response, answeredAtMs } = await throughGateway(
      () => async () => {
        await sleep(2_000);
        return { statusCode: 200, body: 'slow' };
      },
      {},
      { integrationTimeoutMs: 1_500 },
    );
    expect(response.statusCode).toBe(504);
    expect(response.body).toBe(TIMED_OUT);
    expect(answeredAtMs).toBe(1_500);
  });

  it('R-SYNC-8: a function that answers before T is not cut off', async () => {
    const { response, answeredAtMs } = await throughGateway(
      () => async () => {
        await sleep(28_999);
        return { statusCode: 200, body: 'just in time' };
      },
      { timeoutS: 60 },
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('just in time');
    expect(answeredAtMs).toBe(28_999);
  });

  it('R-SYNC-8: a Lambda throttle answers 500 {"message": "Internal server error"} and the handler never runs', async () => {
    let ran = 0;
    const { response, result } = await throughGateway(
      () => async () => {
        ran++;
        return { statusCode: 200, body: 'no' };
      },
      { reservedConcurrency: 0 },
    );
    expect(response.statusCode).toBe(500);
    expect(response.body).toBe(INTERNAL);
    expect(response.cause).toBe('throttled');
    expect(ran).toBe(0);
    expect(events(result, 'invoke.throttled')).toHaveLength(1);
  });

  it('R-SYNC-8: any other rejected invoke (payload over 6 MB: 413) answers 500', async () => {
    const sim = createSimulation({ seed: 8 });
    const fn = sim.fn('Api', () => async () => ({ statusCode: 200, body: 'no' }));
    const gateway = sim.apiGateway(fn);
    const pending = gateway.request(apiGatewayEvent({ method: 'POST', body: 'x'.repeat(6_300_000) }));
    await sim.run();
    const response = await pending;
    expect(response.statusCode).toBe(500);
    expect(response.body).toBe(INTERNAL);
    expect(response.cause).toBe('rejected');
  });

  it('R-SYNC-8: a function error answers 502 {"message": "Internal server error"}', async () => {
    const { response } = await throughGateway(() => async () => {
      throw new Error('boom');
    });
    expect(response.statusCode).toBe(502);
    expect(response.body).toBe(INTERNAL);
    expect(response.cause).toBe('functionError');
  });

  it('R-SYNC-8: a function timeout before T answers 502, not 504', async () => {
    const { response, answeredAtMs } = await throughGateway(
      () => async () => {
        await sleep(10_000);
        return { statusCode: 200, body: 'late' };
      },
      { timeoutS: 3 },
    );
    expect(response.statusCode).toBe(502);
    expect(response.cause).toBe('functionError');
    expect(answeredAtMs).toBe(3_000);
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', [200, 'ok']],
    ['no statusCode', { body: 'ok' }],
    ['a string statusCode', { statusCode: '200', body: 'ok' }],
    ['a non-integer statusCode', { statusCode: 200.5, body: 'ok' }],
    ['an object body', { statusCode: 200, body: { ok: true } }],
    ['a string isBase64Encoded', { statusCode: 200, body: 'ok', isBase64Encoded: 'false' }],
    ['headers as an array', { statusCode: 200, body: 'ok', headers: ['a'] }],
    ['a header value object', { statusCode: 200, body: 'ok', headers: { a: { b: 1 } } }],
    ['multiValueHeaders with a string value', { statusCode: 200, body: 'ok', multiValueHeaders: { a: 'b' } }],
  ])(
    'R-SYNC-8: a malformed proxy response (%s) answers 502 {"message": "Internal server error"}',
    async (_, result) => {
      const { response } = await throughGateway(() => async () => result);
      expect(response.statusCode).toBe(502);
      expect(response.body).toBe(INTERNAL);
      expect(response.cause).toBe('badProxyResponse');
    },
  );

  it('R-SYNC-8: a well-formed proxy response passes through to the client', async () => {
    const { response } = await throughGateway(() => async () => ({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'X-Count': 3 },
      body: '{"created":true}',
      isBase64Encoded: false,
    }));
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual({ 'Content-Type': 'application/json', 'X-Count': '3' });
    expect(response.body).toBe('{"created":true}');
    expect(response.cause).toBe('ok');
  });

  it.each([
    ['a function error', { timeoutS: 3 }, async () => Promise.reject(new Error('boom'))],
    [
      'an integration timeout',
      { timeoutS: 60 },
      async () => {
        await sleep(45_000);
        return { statusCode: 200, body: 'late' };
      },
    ],
    ['a malformed response', { timeoutS: 3 }, async () => ({ body: 'no status' })],
  ] as const)(
    'R-SYNC-8: API Gateway never retries (%s): one request, one invocation',
    async (_, fnOptions, handler) => {
      let runs = 0;
      const { result } = await throughGateway(
        () => async () => {
          runs++;
          return handler();
        },
        fnOptions,
      );
      // The run went quiet: nothing (no retry) was left scheduled.
      expect(result.end.kind).toBe('quiescent');
      expect(runs).toBe(1);
      expect(result.requests).toHaveLength(1);
      expect(events(result, 'invoke.started')).toHaveLength(1);
    },
  );
});

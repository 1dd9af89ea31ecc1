import { DEFAULT_EVENT_EPOCH_MS } from '../../../src/models/frontDoorEvents.js';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  type ApiGatewayOptions,
  type ApiGatewayResponse,
  apiGatewayEvent,
  ConfigError,
  createSimulation,
  type FunctionOptions,
  type HandlerFactory,
  type SimulationResult,
} from '../../../src/index.js';
import { parseProxyResponse } from '../../../src/models/apiGateway.js';

const RULES = { acceptStringStatusCode: false, rejectUnknownResponseFields: false };

async function send(
  factory: HandlerFactory,
  gwOptions: ApiGatewayOptions = {},
  fnOptions: FunctionOptions = {},
  event: APIGatewayProxyEvent = apiGatewayEvent(),
): Promise<{ response: ApiGatewayResponse; atMs: number; result: SimulationResult }> {
  const sim = createSimulation({ seed: 11 });
  const fn = sim.fn('Api', factory, { initDurationMs: 0, ...fnOptions });
  const gateway = sim.apiGateway(fn, gwOptions);
  let response: ApiGatewayResponse | undefined;
  let atMs = -1;
  sim.spawn('client', async () => {
    response = await gateway.request(event);
    atMs = sim.nowMs;
  });
  const result = await sim.run();
  return { response: response!, atMs, result };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sim.apiGateway options', () => {
  it('fills in every default', () => {
    const sim = createSimulation({ seed: 1 });
    const gateway = sim.apiGateway(sim.fn('Api', () => async () => ({ statusCode: 200, body: '' })));
    expect(gateway.options).toEqual({
      integrationTimeoutMs: 29_000,
      allowLongTimeout: false,
      acceptStringStatusCode: false,
      rejectUnknownResponseFields: false,
    });
  });

  it.each([49, 29_001, 1.5, '1000', -1])(
    'rejects integrationTimeoutMs %j with a ConfigError naming API, value and rule',
    (value) => {
      const sim = createSimulation({ seed: 1 });
      const fn = sim.fn('Api', () => async () => ({}));
      const act = () => sim.apiGateway(fn, { integrationTimeoutMs: value as number });
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(
        /^apiGateway\("Api"\): integrationTimeoutMs must be an integer between 50 and 29000 \(Regional\/private REST APIs can go up to 300000 with allowLongTimeout: true\), got /,
      );
    },
  );

  it('allows up to 300 s with allowLongTimeout, and no more', () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Api', () => async () => ({}));
    expect(
      sim.apiGateway(fn, { allowLongTimeout: true, integrationTimeoutMs: 300_000 }).options
        .integrationTimeoutMs,
    ).toBe(300_000);
    expect(() => sim.apiGateway(fn, { allowLongTimeout: true, integrationTimeoutMs: 300_001 })).toThrow(
      'apiGateway("Api"): integrationTimeoutMs must be an integer between 50 and 300000, got 300001',
    );
  });

  it('rejects unknown options, non-boolean flags and functions of another simulation', () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Api', () => async () => ({}));
    expect(() => sim.apiGateway(fn, { timeoutMs: 10 } as ApiGatewayOptions)).toThrow(
      /^apiGateway\("Api"\): timeoutMs is not a known option \(known: integrationTimeoutMs, /,
    );
    expect(() => sim.apiGateway(fn, { allowLongTimeout: 'yes' as unknown as boolean })).toThrow(
      'apiGateway("Api"): allowLongTimeout must be a boolean, got "yes"',
    );
    const other = createSimulation({ seed: 2 }).fn('Api', () => async () => ({}));
    expect(() => sim.apiGateway(other)).toThrow(/^sim\.apiGateway: fn belongs to another simulation/);
  });

  it('rejects a request that is not an event object', () => {
    const sim = createSimulation({ seed: 1 });
    const gateway = sim.apiGateway(sim.fn('Api', () => async () => ({})));
    expect(() => gateway.request('GET /' as unknown as APIGatewayProxyEvent)).toThrow(
      /^apiGateway\("Api"\)\.request: event must be an API Gateway proxy event object \(build one with apiGatewayEvent\(\)\)/,
    );
  });
});

describe('ApiGateway.request', () => {
  it('hands the function the event as built and records the request via ApiGateway', async () => {
    let seen: unknown;
    const event = apiGatewayEvent({ method: 'PUT', path: '/items/7', body: { n: 1 } });
    const { response, result } = await send(
      () => async (e: unknown) => {
        seen = e;
        return { statusCode: 204 };
      },
      {},
      {},
      event,
    );
    expect(seen).toEqual(JSON.parse(JSON.stringify(event)));
    expect(response).toEqual({
      statusCode: 204,
      headers: {},
      body: '',
      isBase64Encoded: false,
      requestId: result.requests[0]?.requestId,
      cause: 'ok',
    });
    expect(result.requests.map((r) => r.via)).toEqual(['ApiGateway']);
    const responded = result.trace.filter((e) => e.kind === 'frontDoor.responded');
    expect(responded).toEqual([
      {
        atMs: 0,
        kind: 'frontDoor.responded',
        door: 'ApiGateway',
        requestId: result.requests[0]?.requestId,
        statusCode: 204,
        cause: 'ok',
      },
    ]);
  });

  it('waits up to a raised (long) integration timeout before answering 504', async () => {
    const { response, atMs } = await send(
      () => async () => {
        await wait(200_000);
        return { statusCode: 200, body: 'x' };
      },
      { allowLongTimeout: true, integrationTimeoutMs: 120_000 },
      { timeoutS: 900 },
    );
    expect(response.statusCode).toBe(504);
    expect(atMs).toBe(120_000);
  });

  it('counts cold start Init against the integration timeout', async () => {
    const { response, atMs } = await send(
      () => async () => ({ statusCode: 200, body: 'fast handler' }),
      { integrationTimeoutMs: 500 },
      { initDurationMs: 800 },
    );
    expect(response.statusCode).toBe(504);
    expect(atMs).toBe(500);
  });

  it('throttles a second concurrent request (500) while the first one runs', async () => {
    const sim = createSimulation({ seed: 3 });
    const fn = sim.fn(
      'Api',
      () => async () => {
        await wait(1_000);
        return { statusCode: 200, body: 'ok' };
      },
      { reservedConcurrency: 1, initDurationMs: 0 },
    );
    const gateway = sim.apiGateway(fn);
    const first = gateway.request(apiGatewayEvent({ path: '/a' }));
    const second = gateway.request(apiGatewayEvent({ path: '/b' }));
    await sim.run();
    expect((await first).statusCode).toBe(200);
    expect(await second).toMatchObject({ statusCode: 500, cause: 'throttled' });
  });

  it('passes a base64 body through untouched', async () => {
    const body = Buffer.from([0, 1, 2, 255]).toString('base64');
    const { response } = await send(() => async () => ({
      statusCode: 200,
      headers: { 'Content-Type': 'application/octet-stream' },
      body,
      isBase64Encoded: true,
    }));
    expect(response).toMatchObject({ statusCode: 200, body, isBase64Encoded: true });
  });

  it('is deterministic: same seed, same trace hash', async () => {
    const once = async () =>
      (
        await send(
          () => async (e: APIGatewayProxyEvent) => {
            await wait(e.path === '/slow' ? 60_000 : 10);
            if (e.path === '/boom') throw new Error('boom');
            return { statusCode: 200, body: String(Math.random()) };
          },
          { integrationTimeoutMs: 1_000 },
          { timeoutS: 90 },
          apiGatewayEvent({ path: '/slow' }),
        )
      ).result.traceHash;
    expect(await once()).toBe(await once());
  });
});

describe('parseProxyResponse', () => {
  it('merges headers and multiValueHeaders as API Gateway documents', () => {
    const parsed = parseProxyResponse(
      {
        statusCode: 200,
        headers: { a: '1', c: 'x', n: 5 },
        multiValueHeaders: { a: ['1', '2'], b: ['3', true] },
        body: 'ok',
      },
      RULES,
    );
    expect(parsed).toEqual({
      ok: true,
      response: {
        statusCode: 200,
        headers: { a: '2', b: 'true', c: 'x', n: '5' },
        multiValueHeaders: { a: ['1', '2'], b: ['3', 'true'], c: ['x'], n: ['5'] },
        body: 'ok',
        isBase64Encoded: false,
      },
    });
  });

  it('treats absent or null optional fields as empty', () => {
    expect(
      parseProxyResponse({ statusCode: 404, body: null, headers: null, isBase64Encoded: null }, RULES),
    ).toEqual({
      ok: true,
      response: { statusCode: 404, headers: {}, body: '', isBase64Encoded: false },
    });
  });

  it('explains what is malformed', () => {
    expect(parseProxyResponse({ statusCode: 200, body: { a: 1 } }, RULES)).toEqual({
      ok: false,
      reason: 'Malformed Lambda proxy response: body must be a string (use JSON.stringify), got {"a":1}',
    });
    expect(parseProxyResponse({ statusCode: 700, body: '' }, RULES)).toMatchObject({ ok: false });
  });

  it('accepts a string statusCode only with acceptStringStatusCode (UNCONFIRMED knob)', () => {
    const result = { statusCode: '201', body: '' };
    expect(parseProxyResponse(result, RULES).ok).toBe(false);
    expect(parseProxyResponse(result, { ...RULES, acceptStringStatusCode: true })).toMatchObject({
      ok: true,
      response: { statusCode: 201 },
    });
  });

  it('rejects unknown top-level fields only with rejectUnknownResponseFields (UNCONFIRMED knob)', () => {
    const result = { statusCode: 200, body: '', cookies: ['a=b'] };
    expect(parseProxyResponse(result, RULES).ok).toBe(true);
    expect(parseProxyResponse(result, { ...RULES, rejectUnknownResponseFields: true })).toEqual({
      ok: false,
      reason: 'Malformed Lambda proxy response: unknown field(s) cookies',
    });
  });

  it('reports the reason on a 502 response as detail', async () => {
    const { response } = await send(() => async () => ({ statusCode: 200, body: 1 }));
    expect(response).toMatchObject({
      statusCode: 502,
      cause: 'badProxyResponse',
      detail: 'Malformed Lambda proxy response: body must be a string (use JSON.stringify), got 1',
    });
  });
});

describe('apiGatewayEvent', () => {
  it('builds a complete REST proxy event with deterministic context', () => {
    const event = apiGatewayEvent();
    expect(event).toMatchObject({
      resource: '/',
      path: '/',
      httpMethod: 'GET',
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: '1234567890',
        httpMethod: 'GET',
        path: '/prod/',
        protocol: 'HTTP/1.1',
        requestTime: '01/Jan/2026:00:00:00 +0000',
        requestTimeEpoch: DEFAULT_EVENT_EPOCH_MS,
        resourcePath: '/',
        stage: 'prod',
        identity: { sourceIp: '198.51.100.7', userAgent: null },
      },
    });
    expect(event.headers).toMatchObject({
      Host: '1234567890.execute-api.us-east-1.amazonaws.com',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Port': '443',
    });
    expect(event.headers['X-Amzn-Trace-Id']).toMatch(/^Root=1-6955b900-[0-9a-f]{24}$/);
    expect(event.requestContext.requestId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(apiGatewayEvent()).toEqual(event);
    expect(apiGatewayEvent({ path: '/other' }).requestContext.requestId).not.toBe(
      event.requestContext.requestId,
    );
  });

  it('serialises an object body as JSON with a Content-Type unless one is given', () => {
    const event = apiGatewayEvent({ method: 'post', body: { id: 1 } });
    expect(event.httpMethod).toBe('POST');
    expect(event.body).toBe('{"id":1}');
    expect(event.headers['Content-Type']).toBe('application/json');
    expect(event.multiValueHeaders['Content-Type']).toEqual(['application/json']);
    const own = apiGatewayEvent({ body: { id: 1 }, headers: { 'content-type': 'application/vnd.api+json' } });
    expect(own.headers['content-type']).toBe('application/vnd.api+json');
    expect(own.headers['Content-Type']).toBeUndefined();
  });

  it('fills query, path parameters, stage variables, user agent and time from the init', () => {
    const event = apiGatewayEvent({
      path: '/orders/42',
      resource: '/orders/{id}',
      query: { a: '1' },
      multiValueQuery: { tag: ['x', 'y'] },
      pathParameters: { id: '42' },
      stageVariables: { env: 'test' },
      headers: { 'User-Agent': 'curl/8.0' },
      stage: 'dev',
      timeEpochMs: Date.UTC(2025, 6, 4, 13, 5, 9),
      requestId: 'req-1',
    });
    expect(event.queryStringParameters).toEqual({ a: '1', tag: 'y' });
    expect(event.multiValueQueryStringParameters).toEqual({ a: ['1'], tag: ['x', 'y'] });
    expect(event.pathParameters).toEqual({ id: '42' });
    expect(event.stageVariables).toEqual({ env: 'test' });
    expect(event.resource).toBe('/orders/{id}');
    expect(event.requestContext).toMatchObject({
      path: '/dev/orders/42',
      resourcePath: '/orders/{id}',
      requestId: 'req-1',
      requestTime: '04/Jul/2025:13:05:09 +0000',
      requestTimeEpoch: Date.UTC(2025, 6, 4, 13, 5, 9),
      identity: { userAgent: 'curl/8.0' },
    });
  });

  it('rejects a bad path, body or time with a ConfigError', () => {
    expect(() => apiGatewayEvent({ path: 'orders' })).toThrow(
      'apiGatewayEvent: path must be a string starting with "/", got "orders"',
    );
    expect(() => apiGatewayEvent({ body: 5 as unknown as string })).toThrow(
      'apiGatewayEvent: body must be a string, an object or null, got 5',
    );
    expect(() => apiGatewayEvent({ timeEpochMs: -1 })).toThrow(ConfigError);
  });
});

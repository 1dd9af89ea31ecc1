import { ALB_MAX_BYTES } from '../../../src/models/alb.js';
import type { ALBEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  type AlbOptions,
  type AlbResponse,
  albEvent,
  ConfigError,
  createSimulation,
  type FunctionOptions,
  type SimulationResult,
} from '../../../src/index.js';
import { parseAlbResponse } from '../../../src/models/alb.js';

const OK = {
  statusCode: 200,
  statusDescription: '200 OK',
  isBase64Encoded: false,
  headers: { 'content-type': 'text/plain' },
  body: 'hi',
};
const STRICT = { multiValueHeaders: false, requireDocumentedFields: true };

/** One request through an ALB in front of `handler`; counts how often the handler ran. */
async function send(
  handler: (event: ALBEvent) => Promise<unknown>,
  albOptions: AlbOptions = {},
  fnOptions: FunctionOptions = {},
  event: ALBEvent = albEvent({ multiValueHeaders: albOptions.multiValueHeaders ?? false }),
): Promise<{ response: AlbResponse; atMs: number; result: SimulationResult; runs: number }> {
  const sim = createSimulation({ seed: 21 });
  let runs = 0;
  const fn = sim.fn(
    'Web',
    () => async (e: ALBEvent) => {
      runs++;
      return handler(e);
    },
    { initDurationMs: 0, ...fnOptions },
  );
  const alb = sim.alb(fn, albOptions);
  let response: AlbResponse | undefined;
  let atMs = -1;
  sim.spawn('client', async () => {
    response = await alb.request(event);
    atMs = sim.nowMs;
  });
  const result = await sim.run();
  return { response: response!, atMs, result, runs };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Alb.request', () => {
  it('passes a valid response through and records the request via ALB', async () => {
    const { response, result } = await send(async () => OK);
    expect(response).toEqual({
      statusCode: 200,
      statusDescription: '200 OK',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
      isBase64Encoded: false,
      requestId: result.requests[0]?.requestId,
      cause: 'ok',
    });
    expect(result.requests.map((r) => r.via)).toEqual(['ALB']);
    expect(result.trace.filter((e) => e.kind === 'frontDoor.responded')).toEqual([
      {
        atMs: 0,
        kind: 'frontDoor.responded',
        door: 'ALB',
        requestId: result.requests[0]?.requestId,
        statusCode: 200,
        cause: 'ok',
      },
    ]);
  });

  it('answers 502 Bad Gateway (HTML) to a function error', async () => {
    const { response } = await send(async () => {
      throw new Error('boom');
    });
    expect(response).toMatchObject({
      statusCode: 502,
      statusDescription: '502 Bad Gateway',
      headers: { 'content-type': 'text/html' },
      cause: 'functionError',
    });
    expect(response.body).toContain('<h1>502 Bad Gateway</h1>');
  });

  it('answers 502 (not 500) to a throttle; the handler never runs', async () => {
    const { response, runs } = await send(async () => OK, {}, { reservedConcurrency: 0 });
    expect(response).toMatchObject({ statusCode: 502, cause: 'throttled' });
    expect(runs).toBe(0);
  });

  it('waits for the function’s own timeout (no 29 s cut-off) and answers 502', async () => {
    const { response, atMs } = await send(
      async () => {
        await wait(100_000);
        return OK;
      },
      {},
      { timeoutS: 40 },
    );
    expect(response).toMatchObject({ statusCode: 502, cause: 'functionError' });
    expect(atMs).toBe(40_000);
  });

  it.each([
    ['no statusCode', { isBase64Encoded: false, headers: {}, body: 'x' }],
    ['no isBase64Encoded', { statusCode: 200, headers: {}, body: 'x' }],
    ['no headers', { statusCode: 200, isBase64Encoded: false, body: 'x' }],
    ['an object body', { statusCode: 200, isBase64Encoded: false, headers: {}, body: { a: 1 } }],
    ['a number statusDescription', { ...OK, statusDescription: 200 }],
    ['a string', 'hello'],
  ])('answers 502 to a malformed response (%s)', async (_, result) => {
    const { response } = await send(async () => result);
    expect(response).toMatchObject({ statusCode: 502, cause: 'badProxyResponse' });
    expect(response.detail).toBeTypeOf('string');
  });

  it('accepts a bare { statusCode } when requireDocumentedFields is off (UNCONFIRMED knob)', async () => {
    const { response } = await send(async () => ({ statusCode: 204 }), { requireDocumentedFields: false });
    expect(response).toMatchObject({
      statusCode: 204,
      headers: {},
      body: '',
      isBase64Encoded: false,
      cause: 'ok',
    });
  });

  it('answers 502 when the response JSON exceeds 1 MB, and passes one at the limit', async () => {
    const envelope = JSON.stringify({ ...OK, body: '' }).length;
    const atLimit = { ...OK, body: 'x'.repeat(ALB_MAX_BYTES - envelope) };
    expect(Buffer.byteLength(JSON.stringify(atLimit))).toBe(ALB_MAX_BYTES);
    expect((await send(async () => atLimit)).response.cause).toBe('ok');
    const over = { ...OK, body: 'x'.repeat(ALB_MAX_BYTES - envelope + 1) };
    const { response } = await send(async () => over);
    expect(response).toMatchObject({
      statusCode: 502,
      cause: 'responseTooLarge',
      detail: `the response JSON is ${ALB_MAX_BYTES + 1} bytes, over the ${ALB_MAX_BYTES}-byte limit`,
    });
  });

  it('answers 413 to a request body over 1 MB without invoking the function', async () => {
    const event = albEvent({
      method: 'POST',
      body: 'x'.repeat(ALB_MAX_BYTES + 1),
      headers: { 'content-type': 'text/plain' },
    });
    const { response, result, runs } = await send(async () => OK, {}, {}, event);
    expect(response).toMatchObject({
      statusCode: 413,
      statusDescription: '413 Request Entity Too Large',
      requestId: undefined,
      cause: 'requestTooLarge',
    });
    expect(runs).toBe(0);
    expect(result.requests).toHaveLength(0);
    expect(result.trace.filter((e) => e.kind === 'frontDoor.responded')).toEqual([
      { atMs: 0, kind: 'frontDoor.responded', door: 'ALB', statusCode: 413, cause: 'requestTooLarge' },
    ]);
  });

  it('measures a base64 request body by its decoded size', async () => {
    const event = albEvent({
      method: 'POST',
      body: Buffer.alloc(ALB_MAX_BYTES).toString('base64'),
      isBase64Encoded: true,
    });
    expect(event.body!.length).toBeGreaterThan(ALB_MAX_BYTES);
    const { response, runs } = await send(async () => OK, {}, {}, event);
    expect(response.cause).toBe('ok');
    expect(runs).toBe(1);
  });

  it('uses multiValueHeaders in both directions when the target group enables them', async () => {
    let seen: ALBEvent | undefined;
    const { response } = await send(
      async (e: ALBEvent) => {
        seen = e;
        return {
          statusCode: 200,
          isBase64Encoded: false,
          multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
        };
      },
      { multiValueHeaders: true },
    );
    expect(seen?.multiValueHeaders?.['x-forwarded-proto']).toEqual(['https']);
    expect(seen?.headers).toBeUndefined();
    expect(response).toMatchObject({
      statusCode: 200,
      headers: { 'set-cookie': 'b=2' },
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
      cause: 'ok',
    });
    const single = await send(async () => OK, { multiValueHeaders: true });
    expect(single.response).toMatchObject({ statusCode: 502, cause: 'badProxyResponse' });
  });

  it('rejects an event built for the other header mode, and bad options, with a ConfigError', () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Web', () => async () => OK);
    expect(() => sim.alb(fn, { multiValueHeaders: true }).request(albEvent())).toThrow(
      /^alb\("Web"\)\.request: event\.headers must be absent: this target group has multiValueHeaders enabled/,
    );
    expect(() => sim.alb(fn).request(albEvent({ multiValueHeaders: true }))).toThrow(ConfigError);
    expect(() => sim.alb(fn, { maxResponseBytes: -1 })).toThrow(
      'alb("Web"): maxResponseBytes must be an integer between 0 and 9007199254740991, got -1',
    );
    expect(() => sim.alb(fn, { idleTimeoutS: 60 } as AlbOptions)).toThrow(
      /^alb\("Web"\): idleTimeoutS is not a known option/,
    );
    expect(() => sim.alb(createSimulation({ seed: 2 }).fn('Web', () => async () => OK))).toThrow(
      /^sim\.alb: fn belongs to another simulation/,
    );
  });
});

describe('parseAlbResponse', () => {
  it('keeps the last value of repeated multi-value headers in the single map and stringifies scalars', () => {
    expect(
      parseAlbResponse(
        { statusCode: 200, isBase64Encoded: false, multiValueHeaders: { a: ['1', 2], b: [true] } },
        { multiValueHeaders: true, requireDocumentedFields: true },
      ),
    ).toEqual({
      statusCode: 200,
      headers: { a: '2', b: 'true' },
      multiValueHeaders: { a: ['1', '2'], b: ['true'] },
      body: '',
      isBase64Encoded: false,
    });
  });

  it('explains a missing documented field', () => {
    expect(parseAlbResponse({ statusCode: 200, headers: {} }, STRICT)).toBe(
      'isBase64Encoded is required (true or false)',
    );
    expect(parseAlbResponse({ statusCode: 200, isBase64Encoded: false }, STRICT)).toBe('headers is required');
  });
});

describe('albEvent', () => {
  it('builds a complete ALB event with the headers the load balancer adds', () => {
    const event = albEvent({ path: '/health', headers: { 'User-Agent': 'curl/8' }, query: { a: '1' } });
    expect(event).toMatchObject({
      requestContext: {
        elb: {
          targetGroupArn: expect.stringMatching(
            /^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\//,
          ),
        },
      },
      httpMethod: 'GET',
      path: '/health',
      queryStringParameters: { a: '1' },
      body: '',
      isBase64Encoded: false,
    });
    expect(event.headers).toMatchObject({
      'user-agent': 'curl/8',
      'x-forwarded-for': '198.51.100.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    });
    expect(event.headers?.['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(albEvent({ path: '/health', headers: { 'User-Agent': 'curl/8' }, query: { a: '1' } })).toEqual(
      event,
    );
  });

  it.each([
    ['text/plain', undefined, false],
    ['text/html; charset=utf-8', undefined, false],
    ['application/json', undefined, false],
    ['application/xml', undefined, false],
    ['application/javascript', undefined, false],
    ['image/png', undefined, true],
    ['application/x-www-form-urlencoded', undefined, true],
    ['application/json', 'gzip', true],
  ])('sends a %s body (content-encoding %s) base64-encoded: %s', (type, encoding, base64) => {
    const headers: Record<string, string> = { 'Content-Type': type };
    if (encoding !== undefined) headers['Content-Encoding'] = encoding;
    const event = albEvent({ method: 'POST', body: 'hello', headers });
    expect(event.isBase64Encoded).toBe(base64);
    expect(event.body).toBe(base64 ? Buffer.from('hello').toString('base64') : 'hello');
  });

  it('serialises an object body as JSON and keeps the last of repeated query values in single-value mode', () => {
    const event = albEvent({ body: { a: 1 }, multiValueQuery: { k: ['1', '2'] } });
    expect(event.body).toBe('{"a":1}');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.headers?.['content-type']).toBe('application/json');
    expect(event.queryStringParameters).toEqual({ k: '2' });
    const multi = albEvent({ multiValueQuery: { k: ['1', '2'] }, multiValueHeaders: true });
    expect(multi.multiValueQueryStringParameters).toEqual({ k: ['1', '2'] });
    expect(multi.queryStringParameters).toBeUndefined();
  });
});

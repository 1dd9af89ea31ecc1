/**
 * The API Gateway REST front door with a Lambda proxy integration (R-SYNC-8).
 *
 * Confirmed in AWS docs:
 * - https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html — "If the Lambda API
 *   rejects the invocation request, API Gateway returns a 500 error code. If the function runs but
 *   returns an error, or returns a response in the wrong format, API Gateway returns a 502. In both
 *   cases, the body of the response from API Gateway is {"message": "Internal server error"}."
 *   and "API Gateway does not retry any Lambda invocations."
 * - https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format
 *   — output format `{ isBase64Encoded: true|false, statusCode, headers: {name: value},
 *   multiValueHeaders: {name: [values]}, body: "..." }`; `headers` and `multiValueHeaders` may be
 *   left out; `headers` holds single values; when both are given they are merged and a key-value
 *   pair present in both appears once (from `multiValueHeaders`); `isBase64Encoded` may be `false`
 *   or left out; "If the function output is of a different format, API Gateway returns a
 *   502 Bad Gateway error response."
 * - https://repost.aws/knowledge-center/malformed-502-api-gateway — "The statusCode is an integer
 *   interpreted by API Gateway"; a malformed response logs "Malformed Lambda proxy response" and 502.
 * - https://aws.amazon.com/about-aws/whats-new/2017/11/customize-integration-timeouts-in-amazon-api-gateway/
 *   — integration timeout 50 ms to 29 s.
 * - https://aws.amazon.com/about-aws/whats-new/2024/06/amazon-api-gateway-integration-timeout-limit-29-seconds/
 *   — Regional and private REST APIs may raise it above 29 s (through a quota request).
 *
 * UNCONFIRMED (options or documented defaults):
 * - The 300 s ceiling for a raised timeout comes from a re:Post answer
 *   (https://repost.aws/questions/QUlDTc_17EQ_mOJAhR3LHNDw), not from the docs.
 * - 504 at T while the function keeps running to its own timeout: implied by the two separate
 *   timeouts, stated only by a secondary source (spec [SMPLOGS-504]). The 504 body
 *   `{"message": "Endpoint request timed out"}` is the one the brief and common reports give.
 * - A string `statusCode` ("200"): one secondary source says REST coerces it, others say it is
 *   malformed. Default: malformed (502); `acceptStringStatusCode: true` coerces digits.
 * - Top-level fields other than the five documented ones: default ignored;
 *   `rejectUnknownResponseFields: true` makes them a 502.
 * - `statusCode` outside 100-599, header values that are not string/number/boolean, and `null`
 *   for an optional field (treated as absent) are choices of this simulator.
 * - Error responses carry `Content-Type: application/json` only (real ones add x-amzn-* headers).
 * - A Lambda function completing exactly at T loses the tie: the gateway's timer was set first.
 */

import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ConfigError, checkBoolean, checkOptions, describe } from '../errors.js';
import type { LambdaFunction } from '../lambda/LambdaFunction.js';
import type { World } from '../world/World.js';
import { invariantFailed, unreachable } from '../sim/invariant.js';
import type { FrontDoorCause } from '../TraceEvent.js';
import type { InvokeResponse, SyncModel } from './sync.js';

/** Default REST integration timeout ([APIGW-2017]). */
export const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;
/** Smallest integration timeout ([APIGW-2017]). */
export const MIN_INTEGRATION_TIMEOUT_MS = 50;
/** Largest raised timeout for Regional/private REST APIs ([APIGW-2024]; the 300 s value is UNCONFIRMED). */
export const MAX_LONG_INTEGRATION_TIMEOUT_MS = 300_000;

/** Options of {@link Simulation.apiGateway}. */
export interface ApiGatewayOptions {
  /**
   * How long API Gateway waits for the function before answering 504, in ms: 50-29,000, or up to
   * 300,000 with `allowLongTimeout`. @defaultValue 29000
   */
  readonly integrationTimeoutMs?: number;
  /**
   * Allow an integration timeout above 29 s, as a Regional or private REST API can have since
   * June 2024 after a quota increase (edge-optimized REST and HTTP APIs cannot). @defaultValue false
   */
  readonly allowLongTimeout?: boolean;
  /** UNCONFIRMED: accept `statusCode: "200"` (a string of digits) instead of answering 502. @defaultValue false */
  readonly acceptStringStatusCode?: boolean;
  /** UNCONFIRMED: answer 502 when the proxy response has top-level fields besides the documented five. @defaultValue false */
  readonly rejectUnknownResponseFields?: boolean;
}

/** {@link ApiGatewayOptions} with every default filled in. */
export interface ResolvedApiGatewayOptions {
  readonly integrationTimeoutMs: number;
  readonly allowLongTimeout: boolean;
  readonly acceptStringStatusCode: boolean;
  readonly rejectUnknownResponseFields: boolean;
}

/**
 * Why API Gateway answered as it did:
 * - `ok`: the function's proxy response, passed through;
 * - `functionError`: the function threw, timed out, crashed or answered too large (502);
 * - `badProxyResponse`: the function succeeded but its result is not a valid proxy response (502);
 * - `throttled`: Lambda refused with 429 (500);
 * - `rejected`: Lambda refused the invoke for another reason, e.g. 413 (500);
 * - `integrationTimeout`: no answer within the integration timeout (504); the function runs on.
 */
export type ApiGatewayCause = Exclude<FrontDoorCause, 'responseTooLarge' | 'requestTooLarge'>;

/** What the HTTP client of an API Gateway REST API receives. */
export interface ApiGatewayResponse {
  readonly statusCode: number;
  /** One value per header (the last one when the function gave several). */
  readonly headers: Readonly<Record<string, string>>;
  /** Every header value, present when the function used `multiValueHeaders`. */
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[]>>;
  /** The body as the function returned it (still base64 when `isBase64Encoded`). */
  readonly body: string;
  readonly isBase64Encoded: boolean;
  /** The Lambda request id (see the simulation result's `requests`); undefined if Lambda was never called. */
  readonly requestId: string | undefined;
  readonly cause: ApiGatewayCause;
  /** For `badProxyResponse`: what is wrong with the function's result, to help fix it. */
  readonly detail?: string;
}

const KNOWN_OPTIONS = new Set([
  'integrationTimeoutMs',
  'allowLongTimeout',
  'acceptStringStatusCode',
  'rejectUnknownResponseFields',
]);

/** Validates {@link ApiGatewayOptions} and fills in every default. */
export function resolveApiGatewayOptions(
  api: string,
  options: ApiGatewayOptions = {},
): ResolvedApiGatewayOptions {
  checkOptions(api, options, KNOWN_OPTIONS);
  const allowLongTimeout = checkBoolean(api, 'allowLongTimeout', options.allowLongTimeout ?? false);
  const acceptStringStatusCode = checkBoolean(
    api,
    'acceptStringStatusCode',
    options.acceptStringStatusCode ?? false,
  );
  const rejectUnknownResponseFields = checkBoolean(
    api,
    'rejectUnknownResponseFields',
    options.rejectUnknownResponseFields ?? false,
  );
  const max = allowLongTimeout ? MAX_LONG_INTEGRATION_TIMEOUT_MS : DEFAULT_INTEGRATION_TIMEOUT_MS;
  const integrationTimeoutMs = options.integrationTimeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS;
  if (
    typeof integrationTimeoutMs !== 'number' ||
    !Number.isInteger(integrationTimeoutMs) ||
    integrationTimeoutMs < MIN_INTEGRATION_TIMEOUT_MS ||
    integrationTimeoutMs > max
  ) {
    const hint = allowLongTimeout
      ? ''
      : ` (Regional/private REST APIs can go up to ${MAX_LONG_INTEGRATION_TIMEOUT_MS} with allowLongTimeout: true)`;
    throw new ConfigError(
      api,
      'integrationTimeoutMs',
      `must be an integer between ${MIN_INTEGRATION_TIMEOUT_MS} and ${max}${hint}`,
      integrationTimeoutMs,
    );
  }
  return { integrationTimeoutMs, allowLongTimeout, acceptStringStatusCode, rejectUnknownResponseFields };
}

/**
 * An API Gateway REST API whose every route is a Lambda proxy integration of one function.
 * Create it with {@link Simulation.apiGateway}; each {@link ApiGateway.request} is one synchronous
 * invoke (`via: 'ApiGateway'`, listed in the result's `requests`), never retried (R-SYNC-8).
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 1 });
 * const fn = sim.fn('Orders', () => async () => ({ statusCode: 201, body: '{"ok":true}' }));
 * const api = sim.apiGateway(fn, { integrationTimeoutMs: 10_000 });
 * const pending = api.request(apiGatewayEvent({ method: 'POST', path: '/orders', body: { id: 1 } }));
 * await sim.run();
 * (await pending).statusCode; // 201
 * ```
 *
 * Gotchas: a 504 does not stop the function; its side effects still happen after the client gave
 * up (look at the request's record in `result.requests`). A function error is a 502, not a 500.
 */
export class ApiGateway {
  readonly options: ResolvedApiGatewayOptions;
  private readonly api: string;

  /** @internal Use {@link Simulation.apiGateway}. */
  constructor(
    private readonly world: World,
    private readonly sync: SyncModel,
    readonly fn: LambdaFunction,
    options: ApiGatewayOptions = {},
  ) {
    this.api = `apiGateway(${JSON.stringify(fn.name)})`;
    this.options = resolveApiGatewayOptions(this.api, options);
  }

  /** Sends one HTTP request through the gateway; resolves with what the client receives. */
  request(event: APIGatewayProxyEvent): Promise<ApiGatewayResponse> {
    if (event === null || typeof event !== 'object' || Array.isArray(event))
      throw new ConfigError(
        `${this.api}.request`,
        'event',
        'must be an API Gateway proxy event object (build one with apiGatewayEvent())',
        event,
      );
    return this.sync
      .invoke(this.fn, event, { clientTimeoutMs: this.options.integrationTimeoutMs }, 'ApiGateway')
      .then((lambda) => this.respond(this.toResponse(lambda)));
  }

  private toResponse(lambda: InvokeResponse): ApiGatewayResponse {
    switch (lambda.kind) {
      case 'ok': {
        const parsed = parseProxyResponse(lambda.body, this.options);
        if (!parsed.ok) return gatewayError(502, lambda.requestId, 'badProxyResponse', parsed.reason);
        return { ...parsed.response, requestId: lambda.requestId, cause: 'ok' };
      }
      case 'functionError':
        return gatewayError(502, lambda.requestId, 'functionError');
      case 'rejected':
        return gatewayError(
          500,
          lambda.requestId,
          lambda.error.code === 'TooManyRequestsException' ? 'throttled' : 'rejected',
        );
      case 'clientTimeout':
        return gatewayError(504, lambda.requestId, 'integrationTimeout');
      case 'dryRun':
        return invariantFailed(`${this.api}: a DryRun response cannot reach a front door`);
      default:
        return unreachable(lambda, `${this.api} invoke response`);
    }
  }

  private respond(response: ApiGatewayResponse): ApiGatewayResponse {
    const kernel = this.world.kernel;
    kernel.record({
      kind: 'frontDoor.responded',
      door: 'ApiGateway',
      ...(response.requestId === undefined ? {} : { requestId: response.requestId }),
      statusCode: response.statusCode,
      cause: response.cause,
    });
    return response;
  }
}

function gatewayError(
  statusCode: 500 | 502 | 504,
  requestId: string,
  cause: Exclude<ApiGatewayCause, 'ok'>,
  detail?: string,
): ApiGatewayResponse {
  const message = statusCode === 504 ? 'Endpoint request timed out' : 'Internal server error';
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message }),
    isBase64Encoded: false,
    requestId,
    cause,
    ...(detail === undefined ? {} : { detail }),
  };
}

const PROXY_FIELDS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

type ProxyParse =
  | {
      readonly ok: true;
      readonly response: Pick<
        ApiGatewayResponse,
        'statusCode' | 'headers' | 'multiValueHeaders' | 'body' | 'isBase64Encoded'
      >;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks a function result against the REST proxy output format and builds the client response.
 * Exported for tests.
 */
export function parseProxyResponse(
  result: unknown,
  rules: Pick<ResolvedApiGatewayOptions, 'acceptStringStatusCode' | 'rejectUnknownResponseFields'>,
): ProxyParse {
  if (result === null || typeof result !== 'object' || Array.isArray(result))
    return bad(`the result must be an object like { statusCode: 200, body: "..." }, got ${describe(result)}`);
  const r = result as Record<string, unknown>;
  if (rules.rejectUnknownResponseFields) {
    const extra = Object.keys(r).filter((k) => !PROXY_FIELDS.has(k));
    if (extra.length > 0) return bad(`unknown field(s) ${extra.join(', ')}`);
  }
  const statusCode = checkStatusCode(r.statusCode, rules.acceptStringStatusCode);
  if (typeof statusCode === 'string') return bad(statusCode);

  const body = r.body ?? '';
  if (typeof body !== 'string')
    return bad(`body must be a string (use JSON.stringify), got ${describe(r.body)}`);
  const isBase64Encoded = r.isBase64Encoded ?? false;
  if (typeof isBase64Encoded !== 'boolean')
    return bad(`isBase64Encoded must be a boolean, got ${describe(r.isBase64Encoded)}`);

  const single = headerMap('headers', r.headers, false);
  if (typeof single === 'string') return bad(single);
  const multi = headerMap('multiValueHeaders', r.multiValueHeaders, true);
  if (typeof multi === 'string') return bad(multi);

  if (r.multiValueHeaders === undefined || r.multiValueHeaders === null) {
    const headers: Record<string, string> = {};
    for (const [name, values] of single) headers[name] = values[0]!;
    return { ok: true, response: { statusCode, headers, body, isBase64Encoded } };
  }
  // Merge: multiValueHeaders first; a value from `headers` is added unless already there.
  const merged = new Map<string, string[]>();
  for (const [name, values] of multi) merged.set(name, [...values]);
  for (const [name, values] of single) {
    const list = merged.get(name) ?? [];
    for (const v of values) if (!list.includes(v)) list.push(v);
    merged.set(name, list);
  }
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, values] of merged) {
    multiValueHeaders[name] = values;
    if (values.length > 0) headers[name] = values[values.length - 1]!;
  }
  return { ok: true, response: { statusCode, headers, multiValueHeaders, body, isBase64Encoded } };
}

function bad(reason: string): ProxyParse {
  return { ok: false, reason: `Malformed Lambda proxy response: ${reason}` };
}

/** @internal A valid HTTP status code, or the reason it is not. */
export function checkStatusCode(value: unknown, acceptString: boolean): number | string {
  let code = value;
  if (acceptString && typeof value === 'string' && /^[0-9]{3}$/.test(value)) code = Number(value);
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 599)
    return `statusCode must be an integer HTTP status (100-599), got ${describe(value)}`;
  return code;
}

/**
 * @internal Header fields as a map of string lists. `null`/absent is empty; values may be
 * strings, numbers or booleans (as `@types/aws-lambda` allows) and become strings.
 */
export function headerMap(field: string, value: unknown, multi: boolean): Map<string, string[]> | string {
  const out = new Map<string, string[]>();
  if (value === undefined || value === null) return out;
  if (typeof value !== 'object' || Array.isArray(value))
    return `${field} must be an object of header names to ${multi ? 'arrays of values' : 'values'}, got ${describe(value)}`;
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    const list = multi ? v : [v];
    if (!Array.isArray(list)) return `${field}.${name} must be an array of values, got ${describe(v)}`;
    const strings: string[] = [];
    for (const item of list) {
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean')
        return `${field}.${name} must hold strings, numbers or booleans, got ${describe(item)}`;
      strings.push(String(item));
    }
    out.set(name, strings);
  }
  return out;
}

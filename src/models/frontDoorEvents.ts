/**
 * Builders for the events the two synchronous front doors hand to a function: API Gateway REST
 * (Lambda proxy integration, payload format 1.0) and Application Load Balancer.
 *
 * Confirmed in AWS docs (stored copies read 2026):
 * - REST proxy event fields (`resource`, `path`, `httpMethod`, `headers`, `multiValueHeaders`,
 *   `queryStringParameters`, `multiValueQueryStringParameters`, `pathParameters`, `stageVariables`,
 *   `requestContext`, `body`, `isBase64Encoded`):
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 * - ALB event: `requestContext.elb.targetGroupArn`, `httpMethod`, `path`, `queryStringParameters`,
 *   `headers` (lower-case names), `body`, `isBase64Encoded`; the load balancer adds
 *   `X-Amzn-Trace-Id`, `X-Forwarded-For`, `X-Forwarded-Port`, `X-Forwarded-Proto`; with a
 *   `content-encoding` header the body is base64; otherwise text/*, application/json,
 *   application/javascript and application/xml bodies are sent as is and every other content type
 *   is base64-encoded; with multi-value headers enabled on the target group the event carries
 *   `multiValueHeaders` / `multiValueQueryStringParameters` instead; query strings stay URL-encoded:
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 *
 * Deterministic: nothing here reads the clock or a random source. Timestamps come from
 * `timeEpochMs` (default {@link DEFAULT_EVENT_EPOCH_MS}); ids are derived from a hash of the request.
 */
import { createHash } from 'node:crypto';
import type { ALBEvent, APIGatewayProxyEvent } from 'aws-lambda';
import { ConfigError } from '../errors.js';
import { ACCOUNT_ID, REGION } from '../lambda/FunctionConfig.js';

/** The instant event timestamps show unless told otherwise: 2026-01-01T00:00:00Z (the simulation's default epoch). */
export const DEFAULT_EVENT_EPOCH_MS = 1_767_225_600_000;

/** What {@link apiGatewayEvent} builds a REST proxy event from. Every field is optional. */
export interface ApiGatewayEventInit {
  /** @defaultValue 'GET' */
  readonly method?: string;
  /** The request path, starting with `/`. @defaultValue '/' */
  readonly path?: string;
  /** The resource template, e.g. `/orders/{id}`. @defaultValue the path */
  readonly resource?: string;
  /** A string is sent as is; an object is sent as JSON with `Content-Type: application/json`. @defaultValue null (no body) */
  readonly body?: string | object | null;
  /** Set when `body` is already base64 (binary media types). @defaultValue false */
  readonly isBase64Encoded?: boolean;
  /** Request headers (case kept as given); they override the defaults API Gateway adds. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Query string parameters, one value each (use `multiValueQuery` for repeated keys). */
  readonly query?: Readonly<Record<string, string>>;
  /** Query string parameters with several values; merged with `query`. */
  readonly multiValueQuery?: Readonly<Record<string, readonly string[]>>;
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly stageVariables?: Readonly<Record<string, string>>;
  /** @defaultValue 'prod' */
  readonly stage?: string;
  /** @defaultValue '1234567890' */
  readonly apiId?: string;
  /** @defaultValue '198.51.100.7' (documentation range) */
  readonly sourceIp?: string;
  /** API Gateway's request id (`requestContext.requestId`). @defaultValue derived from a hash of the request */
  readonly requestId?: string;
  /** When the request reached API Gateway, in epoch ms. @defaultValue {@link DEFAULT_EVENT_EPOCH_MS} */
  readonly timeEpochMs?: number;
}

/** What {@link albEvent} builds an ALB event from. Every field is optional. */
export interface AlbEventInit {
  /** @defaultValue 'GET' */
  readonly method?: string;
  /** @defaultValue '/' */
  readonly path?: string;
  /**
   * The HTTP request body as text. An object is sent as JSON with `content-type: application/json`.
   * Unless `isBase64Encoded` is given, the body is base64-encoded as the load balancer does
   * (any `content-encoding`, or a content type other than text/*, JSON, JavaScript, XML).
   * @defaultValue '' (no body)
   */
  readonly body?: string | object;
  /** Set to say `body` is already base64; skips the content-type rule. */
  readonly isBase64Encoded?: boolean;
  /** Request headers; names are lower-cased as the load balancer sends them. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Query string parameters (sent URL-encoded as given). */
  readonly query?: Readonly<Record<string, string>>;
  /** Repeated query keys; only used with `multiValueHeaders: true` (otherwise the last value wins). */
  readonly multiValueQuery?: Readonly<Record<string, readonly string[]>>;
  /**
   * Build the event for a target group with multi-value headers enabled
   * (`lambda.multi_value_headers.enabled`): `multiValueHeaders` and
   * `multiValueQueryStringParameters` instead of `headers` and `queryStringParameters`.
   * @defaultValue false
   */
  readonly multiValueHeaders?: boolean;
  /** @defaultValue 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lambda-target/6d0ecf831eec9f09' */
  readonly targetGroupArn?: string;
  /** @defaultValue '198.51.100.7' */
  readonly sourceIp?: string;
  /** @defaultValue {@link DEFAULT_EVENT_EPOCH_MS} (only used for the trace id) */
  readonly timeEpochMs?: number;
}

const DEFAULT_SOURCE_IP = '198.51.100.7';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A complete, realistic API Gateway REST proxy event (payload format 1.0), typed by
 * `@types/aws-lambda`, ready for {@link ApiGateway.request}.
 *
 * @example
 * ```ts
 * const event = apiGatewayEvent({ method: 'POST', path: '/orders', body: { orderId: 'o-1' } });
 * event.body;                            // '{"orderId":"o-1"}'
 * event.headers['Content-Type'];         // 'application/json'
 * event.requestContext.requestTimeEpoch; // 1767225600000
 * ```
 */
export function apiGatewayEvent(init: ApiGatewayEventInit = {}): APIGatewayProxyEvent {
  const api = 'apiGatewayEvent';
  if (init === null || typeof init !== 'object')
    throw new ConfigError(api, 'init', 'must be an object', init);
  const method = (init.method ?? 'GET').toUpperCase();
  const path = checkPath(api, init.path ?? '/');
  const resource = init.resource ?? path;
  const stage = init.stage ?? 'prod';
  const apiId = init.apiId ?? '1234567890';
  const sourceIp = init.sourceIp ?? DEFAULT_SOURCE_IP;
  const timeEpochMs = checkEpoch(api, init.timeEpochMs);
  const { body, json } = encodeBody(api, init.body ?? null);
  const seed = digest({
    api,
    method,
    path,
    body,
    headers: init.headers,
    query: init.query,
    mvq: init.multiValueQuery,
    timeEpochMs,
  });
  const requestId = init.requestId ?? uuidFrom(seed);

  const headers: Record<string, string> = {
    Host: `${apiId}.execute-api.${REGION}.amazonaws.com`,
    'X-Amzn-Trace-Id': traceId(timeEpochMs, seed),
    'X-Forwarded-For': sourceIp,
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
  };
  if (json && !hasHeader(init.headers, 'content-type')) headers['Content-Type'] = 'application/json';
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    deleteHeader(headers, name);
    headers[name] = checkString(api, `headers.${name}`, value);
  }
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) multiValueHeaders[name] = [value];

  const mvq = mergeQuery(api, init.query, init.multiValueQuery);
  const single: Record<string, string> = {};
  for (const [key, values] of Object.entries(mvq)) single[key] = values[values.length - 1]!;
  const hasQuery = Object.keys(mvq).length > 0;
  const userAgent = findHeader(headers, 'user-agent') ?? null;

  return {
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? mvq : null,
    pathParameters: nonEmpty(init.pathParameters),
    stageVariables: nonEmpty(init.stageVariables),
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId,
      authorizer: undefined,
      domainName: `${apiId}.execute-api.${REGION}.amazonaws.com`,
      domainPrefix: apiId,
      extendedRequestId: `${Buffer.from(seed.slice(0, 20), 'hex').toString('base64').slice(0, 14)}=`,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent,
        userArn: null,
      },
      path: `/${stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: clfTime(timeEpochMs),
      requestTimeEpoch: timeEpochMs,
      resourceId: seed.slice(20, 26),
      resourcePath: resource,
      stage,
    },
    body,
    isBase64Encoded: init.isBase64Encoded ?? false,
  };
}

/**
 * A complete, realistic Application Load Balancer event, typed by `@types/aws-lambda`, ready for
 * {@link Alb.request}.
 *
 * @example
 * ```ts
 * const event = albEvent({ method: 'POST', path: '/upload', body: 'hello', headers: { 'Content-Type': 'image/png' } });
 * event.isBase64Encoded; // true: image/png is not a text type, so the load balancer base64-encodes it
 * event.body;            // 'aGVsbG8='
 * ```
 */
export function albEvent(init: AlbEventInit = {}): ALBEvent {
  const api = 'albEvent';
  if (init === null || typeof init !== 'object')
    throw new ConfigError(api, 'init', 'must be an object', init);
  const method = (init.method ?? 'GET').toUpperCase();
  const path = checkPath(api, init.path ?? '/');
  const sourceIp = init.sourceIp ?? DEFAULT_SOURCE_IP;
  const timeEpochMs = checkEpoch(api, init.timeEpochMs);
  const multiValue = init.multiValueHeaders ?? false;
  const { body: text, json } = encodeBody(api, init.body ?? null);
  const seed = digest({
    api,
    method,
    path,
    text,
    headers: init.headers,
    query: init.query,
    mvq: init.multiValueQuery,
    timeEpochMs,
  });

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers ?? {}))
    headers[name.toLowerCase()] = checkString(api, `headers.${name}`, value);
  if (json && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  headers.host ??= `lambda-target-1234567890.${REGION}.elb.amazonaws.com`;
  headers['x-amzn-trace-id'] = traceId(timeEpochMs, seed);
  headers['x-forwarded-for'] = sourceIp;
  headers['x-forwarded-port'] = '443';
  headers['x-forwarded-proto'] = 'https';

  let body = text ?? '';
  let isBase64Encoded = init.isBase64Encoded ?? false;
  if (init.isBase64Encoded === undefined && body !== '' && albEncodesBase64(headers)) {
    body = Buffer.from(body, 'utf8').toString('base64');
    isBase64Encoded = true;
  }

  const mvq = mergeQuery(api, init.query, init.multiValueQuery);
  const requestContext = {
    elb: {
      targetGroupArn:
        init.targetGroupArn ??
        `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT_ID}:targetgroup/lambda-target/6d0ecf831eec9f09`,
    },
  };
  let event: ALBEvent;
  if (multiValue) {
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(headers)) multiValueHeaders[name] = [value];
    event = {
      requestContext,
      httpMethod: method,
      path,
      multiValueQueryStringParameters: mvq,
      multiValueHeaders,
      body,
      isBase64Encoded,
    };
  } else {
    const queryStringParameters: Record<string, string> = {};
    for (const [key, values] of Object.entries(mvq)) queryStringParameters[key] = values[values.length - 1]!;
    event = {
      requestContext,
      httpMethod: method,
      path,
      queryStringParameters,
      headers,
      body,
      isBase64Encoded,
    };
  }
  return event;
}

/** ALB's rule for request bodies: base64 unless a text-like content type and no content-encoding. */
function albEncodesBase64(headers: Readonly<Record<string, string>>): boolean {
  if (headers['content-encoding'] !== undefined) return true;
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('text/')) return false;
  return !['application/json', 'application/javascript', 'application/xml'].includes(type);
}

function encodeBody(api: string, body: unknown): { body: string | null; json: boolean } {
  if (body === null) return { body: null, json: false };
  if (typeof body === 'string') return { body, json: false };
  if (typeof body === 'object') {
    try {
      return { body: JSON.stringify(body), json: true };
    } catch (error) {
      throw new ConfigError(
        api,
        'body',
        `must be a string or a JSON-serialisable object (${String(error)})`,
        body,
      );
    }
  }
  throw new ConfigError(api, 'body', 'must be a string, an object or null', body);
}

function mergeQuery(
  api: string,
  query: Readonly<Record<string, string>> | undefined,
  multi: Readonly<Record<string, readonly string[]>> | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(query ?? {}))
    out[key] = [checkString(api, `query.${key}`, value)];
  for (const [key, values] of Object.entries(multi ?? {})) {
    if (!Array.isArray(values) || values.length === 0)
      throw new ConfigError(api, `multiValueQuery.${key}`, 'must be a non-empty array of strings', values);
    out[key] = [
      ...(out[key] ?? []),
      ...values.map((v, i) => checkString(api, `multiValueQuery.${key}[${i}]`, v)),
    ];
  }
  return out;
}

function nonEmpty(record: Readonly<Record<string, string>> | undefined): Record<string, string> | null {
  return record === undefined || Object.keys(record).length === 0 ? null : { ...record };
}

function hasHeader(headers: Readonly<Record<string, string>> | undefined, name: string): boolean {
  return findHeader(headers ?? {}, name) !== undefined;
}

function findHeader(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function deleteHeader(headers: Record<string, string>, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) delete headers[key];
}

function checkPath(api: string, path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw new ConfigError(api, 'path', 'must be a string starting with "/"', path);
  return path;
}

function checkEpoch(api: string, value: unknown): number {
  if (value === undefined) return DEFAULT_EVENT_EPOCH_MS;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new ConfigError(api, 'timeEpochMs', 'must be a non-negative integer (epoch milliseconds)', value);
  return value;
}

function checkString(api: string, field: string, value: unknown): string {
  if (typeof value !== 'string') throw new ConfigError(api, field, 'must be a string', value);
  return value;
}

/** SHA-256 hex of the request's identifying parts: equal requests get equal ids. */
function digest(parts: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function uuidFrom(hex: string): string {
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** An X-Ray trace header: `Root=1-<epoch seconds, 8 hex>-<24 hex>`. */
function traceId(epochMs: number, hex: string): string {
  const seconds = Math.floor(epochMs / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${seconds}-${hex.slice(32, 56)}`;
}

/** `requestTime` as API Gateway writes it: `01/Jan/2026:00:00:00 +0000` (UTC). */
function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} +0000`;
}

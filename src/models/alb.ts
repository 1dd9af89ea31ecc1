/**
 * The Application Load Balancer front door: a target group of type `lambda` (spec §1.4).
 *
 * Confirmed in AWS docs:
 * - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html —
 *   "The maximum size of the request body that you can send to a Lambda function is 1 MB";
 *   "The maximum size of the response JSON that the Lambda function can send is 1 MB";
 *   "The response from your Lambda function must include the Base64 encoding status, status code,
 *   and headers. You can omit the body." (`statusDescription` appears in the example);
 *   with multi-value headers enabled on the target group "You must use multiValueHeaders ... and
 *   headers otherwise"; without it, repeated headers/query keys keep the last value.
 * - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html
 *   — HTTP 413: "The target is a Lambda function and the request body exceeds 1 MB."
 *   HTTP 502: "The target response is malformed ...", "The target is a Lambda function and the
 *   response body exceeds 1 MB.", "The target is a Lambda function that did not respond before its
 *   configured timeout was reached.", "The target is a Lambda function that returned an error or the
 *   function was throttled by the Lambda service."
 * - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
 *   — error reasons LambdaRequestTooLarge / LambdaResponseTooLarge ("exceeded 1 MB"),
 *   LambdaInvalidResponse, LambdaThrottling, LambdaUnhandled.
 *
 * UNCONFIRMED (options or documented defaults):
 * - "1 MB" read as 1,048,576 bytes (`maxRequestBodyBytes`, `maxResponseBytes`). The request size is
 *   the HTTP body (base64 decoded when `isBase64Encoded`); the response size is the UTF-8 bytes of
 *   the function's JSON result.
 * - How strictly "must include ... status code, and headers" is enforced: by default
 *   (`requireDocumentedFields: true`) a missing `isBase64Encoded` or `headers`
 *   (`multiValueHeaders` in multi-value mode) is a 502; `false` only requires `statusCode`. In
 *   multi-value mode the single-value field is ignored, and vice versa.
 * - Other Lambda API rejections (e.g. 413 from Lambda itself) answer 502, like throttles.
 * - The error body: ALB's HTML error page, `<html>…<h1>502 Bad Gateway</h1>…</html>`.
 * - No gateway-side timeout is modelled: the load balancer waits for the function's own timeout
 *   (which ends as a function error → 502).
 */

import type { ALBEvent } from 'aws-lambda';
import { ConfigError, checkBoolean, checkOptions, describe, intInRange } from '../errors.js';
import type { LambdaFunction } from '../lambda/LambdaFunction.js';
import type { World } from '../world/World.js';
import { invariantFailed, unreachable } from '../sim/invariant.js';
import type { FrontDoorCause } from '../TraceEvent.js';
import { checkStatusCode, headerMap } from './apiGateway.js';
import type { InvokeResponse, SyncModel } from './sync.js';

/** ALB → Lambda body and response limit ([ALB]); 1 MB read as 1 MiB (UNCONFIRMED). */
export const ALB_MAX_BYTES = 1_048_576;

/** Options of {@link Simulation.alb}. */
export interface AlbOptions {
  /**
   * The target group attribute `lambda.multi_value_headers.enabled`: events carry
   * `multiValueHeaders`/`multiValueQueryStringParameters` and responses must use `multiValueHeaders`.
   * @defaultValue false
   */
  readonly multiValueHeaders?: boolean;
  /** Largest request body sent to the function, in bytes; larger ones get 413. @defaultValue 1048576 */
  readonly maxRequestBodyBytes?: number;
  /** Largest response JSON accepted from the function, in bytes; larger ones get 502. @defaultValue 1048576 */
  readonly maxResponseBytes?: number;
  /**
   * UNCONFIRMED: require every field the docs say a response "must include" (`isBase64Encoded`,
   * `headers` or `multiValueHeaders`, besides `statusCode`). @defaultValue true
   */
  readonly requireDocumentedFields?: boolean;
}

/** {@link AlbOptions} with every default filled in. */
export interface ResolvedAlbOptions {
  readonly multiValueHeaders: boolean;
  readonly maxRequestBodyBytes: number;
  readonly maxResponseBytes: number;
  readonly requireDocumentedFields: boolean;
}

/**
 * Why the load balancer answered as it did:
 * - `ok`: the function's response, passed through;
 * - `functionError`: the function threw, timed out or crashed (502);
 * - `badProxyResponse`: the function's result is not a valid ALB response (502);
 * - `responseTooLarge`: the response JSON exceeds `maxResponseBytes` (502);
 * - `throttled`: Lambda refused with 429 (502);
 * - `rejected`: Lambda refused the invoke for another reason (502);
 * - `requestTooLarge`: the request body exceeds `maxRequestBodyBytes` (413, the function is not invoked).
 */
export type AlbCause = Exclude<FrontDoorCause, 'integrationTimeout'>;

/** What the HTTP client of the load balancer receives. */
export interface AlbResponse {
  readonly statusCode: number;
  /** The function's `statusDescription` (e.g. `200 OK`), or the load balancer's for its own errors. */
  readonly statusDescription?: string;
  /** One value per header (the last one in multi-value mode). */
  readonly headers: Readonly<Record<string, string>>;
  /** Every header value, present in multi-value mode. */
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[]>>;
  /** The body as the function returned it (still base64 when `isBase64Encoded`); '' when omitted. */
  readonly body: string;
  readonly isBase64Encoded: boolean;
  /** The Lambda request id; undefined when the load balancer answered without invoking (413). */
  readonly requestId: string | undefined;
  readonly cause: AlbCause;
  /** For `badProxyResponse`, `responseTooLarge` and `requestTooLarge`: what is wrong, to help fix it. */
  readonly detail?: string;
}

const KNOWN_OPTIONS = new Set([
  'multiValueHeaders',
  'maxRequestBodyBytes',
  'maxResponseBytes',
  'requireDocumentedFields',
]);

/** Validates {@link AlbOptions} and fills in every default. */
export function resolveAlbOptions(api: string, options: AlbOptions = {}): ResolvedAlbOptions {
  checkOptions(api, options, KNOWN_OPTIONS);
  return {
    multiValueHeaders: checkBoolean(api, 'multiValueHeaders', options.multiValueHeaders ?? false),
    maxRequestBodyBytes: intInRange(
      api,
      'maxRequestBodyBytes',
      options.maxRequestBodyBytes ?? ALB_MAX_BYTES,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    maxResponseBytes: intInRange(
      api,
      'maxResponseBytes',
      options.maxResponseBytes ?? ALB_MAX_BYTES,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    requireDocumentedFields: checkBoolean(
      api,
      'requireDocumentedFields',
      options.requireDocumentedFields ?? true,
    ),
  };
}

/**
 * An Application Load Balancer listener rule forwarding to a `lambda` target group of one function.
 * Create it with {@link Simulation.alb}; each {@link Alb.request} is one synchronous invoke
 * (`via: 'ALB'`, listed in the result's `requests`), never retried.
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 1 });
 * const fn = sim.fn('Web', () => async () => ({
 *   statusCode: 200, statusDescription: '200 OK', isBase64Encoded: false,
 *   headers: { 'content-type': 'text/plain' }, body: 'hi',
 * }));
 * const alb = sim.alb(fn);
 * const pending = alb.request(albEvent({ path: '/' }));
 * await sim.run();
 * (await pending).body; // 'hi'
 * ```
 *
 * Gotchas: unlike API Gateway, the load balancer answers 502 (not 500) to a throttle, and it
 * waits for the function's own timeout (no 29 s cut-off). A response must include
 * `isBase64Encoded` and `headers` (see `requireDocumentedFields`).
 */
export class Alb {
  readonly options: ResolvedAlbOptions;
  private readonly api: string;

  /** @internal Use {@link Simulation.alb}. */
  constructor(
    private readonly world: World,
    private readonly sync: SyncModel,
    readonly fn: LambdaFunction,
    options: AlbOptions = {},
  ) {
    this.api = `alb(${JSON.stringify(fn.name)})`;
    this.options = resolveAlbOptions(this.api, options);
  }

  /** Sends one HTTP request through the load balancer; resolves with what the client receives. */
  request(event: ALBEvent): Promise<AlbResponse> {
    const api = `${this.api}.request`;
    if (event === null || typeof event !== 'object' || Array.isArray(event))
      throw new ConfigError(api, 'event', 'must be an ALB event object (build one with albEvent())', event);
    if (event.body !== null && event.body !== undefined && typeof event.body !== 'string')
      throw new ConfigError(api, 'event.body', 'must be a string or null', event.body);
    const multi = this.options.multiValueHeaders;
    if (multi && event.headers !== undefined)
      throw new ConfigError(
        api,
        'event.headers',
        'must be absent: this target group has multiValueHeaders enabled, so events carry multiValueHeaders (build with albEvent({ multiValueHeaders: true }))',
        'an object',
      );
    if (!multi && event.multiValueHeaders !== undefined)
      throw new ConfigError(
        api,
        'event.multiValueHeaders',
        'must be absent: this target group has multiValueHeaders disabled, so events carry headers (build with albEvent())',
        'an object',
      );
    const bodyBytes = requestBodyBytes(event);
    if (bodyBytes > this.options.maxRequestBodyBytes) {
      return Promise.resolve(
        this.respond(
          lbError(
            413,
            undefined,
            'requestTooLarge',
            `the request body is ${bodyBytes} bytes, over the ${this.options.maxRequestBodyBytes}-byte limit for Lambda targets`,
          ),
        ),
      );
    }
    return this.sync
      .invoke(this.fn, event, {}, 'ALB')
      .then((lambda) => this.respond(this.toResponse(lambda)));
  }

  private toResponse(lambda: InvokeResponse): AlbResponse {
    switch (lambda.kind) {
      case 'ok': {
        const bytes = Buffer.byteLength(lambda.payload, 'utf8');
        if (bytes > this.options.maxResponseBytes)
          return lbError(
            502,
            lambda.requestId,
            'responseTooLarge',
            `the response JSON is ${bytes} bytes, over the ${this.options.maxResponseBytes}-byte limit`,
          );
        const parsed = parseAlbResponse(lambda.body, this.options);
        if (typeof parsed === 'string') return lbError(502, lambda.requestId, 'badProxyResponse', parsed);
        return { ...parsed, requestId: lambda.requestId, cause: 'ok' };
      }
      case 'functionError':
        return lbError(502, lambda.requestId, 'functionError');
      case 'rejected':
        return lbError(
          502,
          lambda.requestId,
          lambda.error.code === 'TooManyRequestsException' ? 'throttled' : 'rejected',
        );
      case 'clientTimeout':
      case 'dryRun':
        // The ALB invokes RequestResponse without a client timeout.
        return invariantFailed(`${this.api}: unexpected invoke response ${lambda.kind}`);
      default:
        return unreachable(lambda, `${this.api} invoke response`);
    }
  }

  private respond(response: AlbResponse): AlbResponse {
    const kernel = this.world.kernel;
    kernel.record({
      kind: 'frontDoor.responded',
      door: 'ALB',
      ...(response.requestId === undefined ? {} : { requestId: response.requestId }),
      statusCode: response.statusCode,
      cause: response.cause,
    });
    return response;
  }
}

const REASONS: Readonly<Record<number, string>> = { 413: 'Request Entity Too Large', 502: 'Bad Gateway' };

function lbError(
  statusCode: 413 | 502,
  requestId: string | undefined,
  cause: Exclude<AlbCause, 'ok'>,
  detail?: string,
): AlbResponse {
  const status = `${statusCode} ${REASONS[statusCode]}`;
  return {
    statusCode,
    statusDescription: status,
    headers: { 'content-type': 'text/html' },
    body: `<html>\r\n<head><title>${status}</title></head>\r\n<body>\r\n<center><h1>${status}</h1></center>\r\n</body>\r\n</html>\r\n`,
    isBase64Encoded: false,
    requestId,
    cause,
    ...(detail === undefined ? {} : { detail }),
  };
}

/** The HTTP body size the limit applies to: decoded bytes when base64. */
function requestBodyBytes(event: ALBEvent): number {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').length : Buffer.byteLength(body, 'utf8');
}

/**
 * Checks a function result against the ALB response format; the client response, or why it is
 * malformed. Exported for tests.
 */
export function parseAlbResponse(
  result: unknown,
  rules: Pick<ResolvedAlbOptions, 'multiValueHeaders' | 'requireDocumentedFields'>,
): Omit<AlbResponse, 'requestId' | 'cause'> | string {
  if (result === null || typeof result !== 'object' || Array.isArray(result))
    return `the result must be an object like { statusCode: 200, isBase64Encoded: false, headers: {}, body: "..." }, got ${describe(result)}`;
  const r = result as Record<string, unknown>;
  const statusCode = checkStatusCode(r.statusCode, false);
  if (typeof statusCode === 'string') return statusCode;
  const headerField = rules.multiValueHeaders ? 'multiValueHeaders' : 'headers';
  if (rules.requireDocumentedFields) {
    if (r.isBase64Encoded === undefined) return 'isBase64Encoded is required (true or false)';
    if (r[headerField] === undefined)
      return `${headerField} is required${rules.multiValueHeaders ? ' (multi-value headers are enabled on the target group)' : ''}`;
  }
  const isBase64Encoded = r.isBase64Encoded ?? false;
  if (typeof isBase64Encoded !== 'boolean')
    return `isBase64Encoded must be a boolean, got ${describe(r.isBase64Encoded)}`;
  const body = r.body ?? '';
  if (typeof body !== 'string') return `body must be a string (use JSON.stringify), got ${describe(r.body)}`;
  const statusDescription = r.statusDescription;
  if (statusDescription !== undefined && statusDescription !== null && typeof statusDescription !== 'string')
    return `statusDescription must be a string like "200 OK", got ${describe(statusDescription)}`;
  const map = headerMap(headerField, r[headerField], rules.multiValueHeaders);
  if (typeof map === 'string') return map;
  const headers: Record<string, string> = {};
  for (const [name, values] of map) if (values.length > 0) headers[name] = values[values.length - 1]!;
  const out: Omit<AlbResponse, 'requestId' | 'cause'> = {
    statusCode,
    ...(typeof statusDescription === 'string' ? { statusDescription } : {}),
    headers,
    ...(rules.multiValueHeaders ? { multiValueHeaders: Object.fromEntries(map) } : {}),
    body,
    isBase64Encoded,
  };
  return out;
}

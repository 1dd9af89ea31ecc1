import { statusOfErrorCode, awsJsonError } from '../aws/awsJson.js';
import type { AwsProtocolService, AwsResources, SimHttpRequest, SimHttpResponse } from '../aws/protocol.js';
import { AWS_SERVICES } from '../aws/services.js';
import { recordDeterminismError, userSiteOf, type World } from '../world/World.js';
import { IdempotencyError, type ExternalApi } from '../services/ExternalApi.js';
import { invariant } from '../sim/invariant.js';
import { UnroutedRequestError } from '../aws/UnroutedRequestError.js';

/** What the simulation gives the router: its AWS resources and its APIs by host. */
export interface OutboundResources extends AwsResources {
  apiForHost(host: string): ExternalApi | undefined;
  apiHosts(): readonly string[];
}

/** Who made a request: the scope's id (`Fn#1` or a caller name) and the stack at the call. */
export interface RequestOrigin {
  readonly by: string;
  /** `AWS SDK` or `fetch`, for messages. */
  readonly via: string;
  /**
   * The stack where user code made the request, asked for only when the request cannot be routed
   * (capturing a deep stack on every request costs more than the rest of the routing).
   */
  readonly at: () => Error;
}

/**
 * A `sim.api` responder's way to answer an HTTP request with a status other than 200: return an
 * object with a numeric `httpStatus` (and optionally `body` and `headers`).
 * @example
 * ```ts
 * sim.api('payments', { host: 'payments.example', respond: () => ({ httpStatus: 402, body: { error: 'card_declined' } }) });
 * ```
 */
export interface HttpReply {
  readonly httpStatus: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Headers that describe the transport, not the request: left out of an api call's `args.headers`. */
const TRANSPORT_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'accept',
  'accept-encoding',
  'accept-language',
  'user-agent',
  'sec-fetch-mode',
  'transfer-encoding',
]);

/**
 * The simulated network of one run (DESIGN §9): every outbound HTTP request user code makes inside
 * the run comes here, already in the calling handler's scope. AWS requests go to the protocol
 * service of their signing name or endpoint prefix ({@link AWS_SERVICES}); any other host to the
 * `sim.api` registered for it. Nothing goes to the real network: an unknown target is an
 * {@link UnroutedRequestError} and a determinism error.
 */
/** Each simulation's router, by its world: the lower layers share the world without knowing of it. */
const outbounds = new WeakMap<World, Outbound>();

/** Makes `outbound` answer the HTTP requests user code makes inside `world`'s run; set once, by the simulation. */
export function attachOutbound(world: World, outbound: Outbound): void {
  invariant(!outbounds.has(world), 'attachOutbound: the world already has an outbound router');
  outbounds.set(world, outbound);
}

/** The router {@link attachOutbound} set for `world`, if any. */
export function outboundOf(world: World): Outbound | undefined {
  return outbounds.get(world);
}

export class Outbound {
  private readonly services = new Map<string, AwsProtocolService>();

  constructor(
    private readonly world: World,
    /** @internal The simulation's resources, as every service is handed them. */
    readonly resources: OutboundResources,
    services: readonly AwsProtocolService[] = AWS_SERVICES,
  ) {
    for (const service of services) this.services.set(service.endpointPrefix, service);
  }

  /** Answers one request; rejects only with an {@link UnroutedRequestError} or a lambdasim bug. */
  async send(request: SimHttpRequest, origin: RequestOrigin): Promise<SimHttpResponse> {
    try {
      const prefix = awsServiceOf(request);
      if (prefix !== undefined) return await this.sendToAws(prefix, request, origin);
      return await this.sendToApi(request, origin);
    } catch (error) {
      if (error instanceof UnroutedRequestError) {
        const site = userSiteOf(origin.at().stack ?? '');
        recordDeterminismError(this.world, {
          atMs: this.world.kernel.nowMs,
          by: origin.by,
          resource: 'network',
          site,
          message: `${origin.by}: ${error.message}, at ${site}. Nothing reaches the real network inside a simulation.`,
        });
        if (error.response !== undefined) return error.response;
      }
      throw error;
    }
  }

  private async sendToAws(
    prefix: string,
    request: SimHttpRequest,
    origin: RequestOrigin,
  ): Promise<SimHttpResponse> {
    const service = this.services.get(prefix);
    if (service === undefined) {
      const supported = [...this.services.values()].map((s) => s.serviceName).join(', ');
      throw new UnroutedRequestError(
        `${origin.via} request to AWS service "${prefix}" (${request.hostname}): lambdasim does not simulate it (simulated: ${supported})`,
      );
    }
    try {
      return await service.serve(request, this.resources);
    } catch (error) {
      if (!isInjected(error)) throw error;
      const status = statusOfErrorCode(error.name);
      return (
        service.errorResponse?.(status, error.name, error.message) ??
        awsJsonError(status, error.name, error.message)
      );
    }
  }

  private async sendToApi(request: SimHttpRequest, origin: RequestOrigin): Promise<SimHttpResponse> {
    const api = this.resources.apiForHost(request.hostname);
    if (api === undefined) {
      const hosts = this.resources.apiHosts();
      throw new UnroutedRequestError(
        `${origin.via} ${request.method} ${request.protocol}//${request.hostname}${request.path}: no sim.api for host "${request.hostname}" in this simulation (${hosts.length === 0 ? 'no api has a host' : `api hosts: ${hosts.join(', ')}`})`,
      );
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (!TRANSPORT_HEADERS.has(name)) headers[name] = value;
    const args = {
      method: request.method,
      path: request.path,
      query: request.query,
      headers,
      body: parseBody(request.body, request.headers['content-type']),
    };
    try {
      return replyOf(await api.call(`${request.method} ${request.path}`, args));
    } catch (error) {
      const status = isInjected(error)
        ? statusOfErrorCode(error.name)
        : error instanceof IdempotencyError
          ? error.statusCode
          : statusOf(error);
      const message = error instanceof Error ? error.message : String(error);
      const type = error instanceof Error ? error.name : 'Error';
      return json(status, { error: { type, message } });
    }
  }
}

function isInjected(error: unknown): error is Error {
  return error instanceof Error && (error as { injected?: unknown }).injected === true;
}

/** A status a responder's thrown error carries (`statusCode` or `httpStatus`), else 500. */
function statusOf(error: unknown): number {
  if (error !== null && typeof error === 'object') {
    const e = error as { statusCode?: unknown; httpStatus?: unknown };
    const status = e.httpStatus ?? e.statusCode;
    if (typeof status === 'number' && status >= 100 && status <= 599) return status;
  }
  return 500;
}

function replyOf(value: unknown): SimHttpResponse {
  if (value !== null && typeof value === 'object' && typeof (value as HttpReply).httpStatus === 'number') {
    const reply = value as HttpReply;
    const base = json(reply.httpStatus, reply.body ?? null);
    return { ...base, headers: { ...base.headers, ...reply.headers } };
  }
  return json(200, value ?? null);
}

function json(statusCode: number, body: unknown): SimHttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function parseBody(body: string, contentType: string | undefined): unknown {
  if (body === '') return undefined;
  if (contentType?.includes('json') === true) {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return body;
    }
  }
  return body;
}

const CREDENTIAL_SCOPE = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

/**
 * DynamoDB's account-based endpoint, `<account-id>.ddb.<region>.amazonaws.com`, which SDK clients
 * use when their credentials carry an account id. Source: "Account-based endpoints",
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-account-endpoints.html
 */
const DYNAMODB_ACCOUNT_HOST = /^\d{12}\.ddb\.[^.]+\.amazonaws\.com$/;

/**
 * The AWS service a request is for: the signing name in its SigV4 `Authorization` header (so a
 * custom endpoint such as LocalStack's is recognised too), else the endpoint prefix of an
 * `*.amazonaws.com` host (its first label; `dynamodb` for DynamoDB's account-based
 * `<account-id>.ddb.<region>.amazonaws.com`); undefined for any other request.
 */
export function awsServiceOf(request: SimHttpRequest): string | undefined {
  const auth = request.headers.authorization;
  if (auth !== undefined) {
    const scope = CREDENTIAL_SCOPE.exec(auth);
    if (scope !== null) return scope[1];
  }
  const host = request.hostname;
  if (DYNAMODB_ACCOUNT_HOST.test(host)) return 'dynamodb';
  if (host.endsWith('.amazonaws.com')) return host.slice(0, host.indexOf('.'));
  return undefined;
}

import { createRequire } from 'node:module';
import net from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CallerScope } from '../world/CallerScope.js';
import { RuntimeProcess } from '../lambda/RuntimeProcess.js';
import { recordDeterminismError, siteOf, type World } from '../world/World.js';
import { LAMBDASIM_DIR } from '../sim/stackFrames.js';
import { currentScope, type VirtualScope } from '../sim/VirtualScope.js';
import type { SimHttpRequest, SimHttpResponse } from '../aws/protocol.js';
import { outboundOf, type RequestOrigin } from './Outbound.js';
import { SIM_AWS_CONFIG_FILE, SIM_AWS_CREDENTIALS_FILE } from '../lambda/lambdaAwsEnv.js';
import { UnroutedRequestError } from '../aws/UnroutedRequestError.js';

/** The smithy `HttpRequest` the SDK hands its request handler (the fields lambdasim reads). */
interface SmithyRequest {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly query?: Record<string, string | readonly string[] | null>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

interface SmithyHandlerConfig {
  readonly requestTimeout?: number;
  readonly socketTimeout?: number;
  readonly defaultSocketTimeout?: number;
  readonly throwOnRequestTimeout?: boolean;
}

interface SmithyHandlerOptions {
  readonly abortSignal?: AbortSignalLike;
  readonly requestTimeout?: number;
}

interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener?(type: 'abort', listener: () => void): void;
}

type Handle = (
  this: SmithyHandlerInstance,
  request: SmithyRequest,
  options?: SmithyHandlerOptions,
) => Promise<{ response: unknown }>;

interface SmithyHandlerInstance {
  config?: SmithyHandlerConfig;
  configProvider?: Promise<SmithyHandlerConfig>;
}

/** A request handler class shaped like `@smithy/node-http-handler`'s `NodeHttpHandler`. */
export interface HttpHandlerClass {
  readonly prototype: { handle: Handle };
}

const PATCHED = Symbol.for('lambdasim.interceptedHandle');

/**
 * The stack where user code made a request, deep enough to reach the handler's line below the
 * SDK's middleware stack (V8 keeps 10 frames by default).
 */
function callStack(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  try {
    // V8 formats the frames on the first read of `.stack`: only when the request fails to route.
    return new Error('request made here');
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The simulation a scope belongs to, or undefined outside any simulation. */
function worldOf(scope: VirtualScope | undefined): World | undefined {
  if (scope instanceof RuntimeProcess || scope instanceof CallerScope) return scope.world;
  return undefined;
}

function byOf(scope: VirtualScope): string {
  return scope instanceof RuntimeProcess ? scope.owner.id : (scope as CallerScope).name;
}

/**
 * Makes a request handler class answer requests made inside a simulation from the simulated world
 * (the rest of the SDK's stack runs unchanged above it) and delegate to its own `handle` outside.
 * `lambdasim` does this at import for the `@smithy/node-http-handler` it and the working directory
 * resolve; call it for another copy (a bundled or nested one). Idempotent.
 * @example
 * ```ts
 * import { NodeHttpHandler } from '@smithy/node-http-handler';
 * import { interceptHttpHandler } from 'lambdasim';
 * interceptHttpHandler(NodeHttpHandler);
 * ```
 */
export function interceptHttpHandler(handlerClass: HttpHandlerClass): void {
  const proto = handlerClass.prototype as { handle: Handle; [PATCHED]?: true };
  if (proto[PATCHED] === true) return;
  const original = proto.handle;
  proto.handle = function handle(request, options) {
    const scope = currentScope();
    const world = worldOf(scope);
    if (world === undefined) return original.call(this, request, options);
    return handleInSimulation(this, world, scope!, request, options ?? {});
  };
  proto[PATCHED] = true;
}

async function handleInSimulation(
  handler: SmithyHandlerInstance,
  world: World,
  scope: VirtualScope,
  request: SmithyRequest,
  options: SmithyHandlerOptions,
): Promise<{ response: unknown }> {
  const config = handler.config ?? (await handler.configProvider) ?? {};
  const simRequest: SimHttpRequest = {
    method: request.method,
    protocol: request.protocol === 'http:' ? 'http:' : 'https:',
    hostname: request.hostname,
    port: request.port,
    path: request.path,
    query: queryOf(request.query),
    headers: lowerCase(request.headers),
    body: await bodyText(request.body),
  };
  const reply = await withTimeouts(
    scope,
    timeoutsOf(config, options),
    options.abortSignal,
    sendOut(world, scope, simRequest, { by: byOf(scope), via: 'AWS SDK', at: callStack }),
  );
  return {
    response: {
      statusCode: reply.statusCode,
      reason: undefined,
      headers: { ...reply.headers },
      // A stream, as the Node handler's IncomingMessage is: streaming outputs (S3 GetObject's Body)
      // need a Readable; the SDK collects the others from it.
      body: Readable.from([Buffer.from(reply.body, 'utf8')]),
    },
  };
}

function sendOut(
  world: World,
  scope: VirtualScope,
  request: SimHttpRequest,
  origin: RequestOrigin,
): Promise<SimHttpResponse> {
  const outbound = outboundOf(world);
  if (outbound === undefined)
    throw new Error(`lambdasim bug: simulation of ${byOf(scope)} has no outbound router`);
  return outbound.send(request, origin);
}

/**
 * The SDK handler's timeouts, in virtual time: `socketTimeout` (or the service's default socket
 * timeout) as inactivity until the response arrives, and `requestTimeout` when
 * `throwOnRequestTimeout` makes it an error; the first to expire rejects with the `TimeoutError`
 * the handler raises, which the SDK's retry strategy retries as transient.
 */
function timeoutsOf(
  config: SmithyHandlerConfig,
  options: SmithyHandlerOptions,
): { readonly ms: number; readonly error: () => Error } | undefined {
  let best: { ms: number; error: () => Error } | undefined;
  const socketMs = config.socketTimeout ?? config.defaultSocketTimeout;
  if (typeof socketMs === 'number' && socketMs > 0)
    best = {
      ms: socketMs,
      error: () =>
        Object.assign(
          new Error(
            `@smithy/node-http-handler - the request socket timed out after ${socketMs} ms of inactivity (lambdasim: virtual time).`,
          ),
          { name: 'TimeoutError' },
        ),
    };
  const requestMs = options.requestTimeout ?? config.requestTimeout;
  if (config.throwOnRequestTimeout === true && typeof requestMs === 'number' && requestMs > 0)
    if (best === undefined || requestMs < best.ms)
      best = {
        ms: requestMs,
        error: () =>
          Object.assign(
            new Error(
              `@smithy/node-http-handler - [ERROR] a request has exceeded the configured ${requestMs} ms requestTimeout (lambdasim: virtual time).`,
            ),
            { name: 'TimeoutError', code: 'ETIMEDOUT' },
          ),
      };
  return best;
}

function withTimeouts<T>(
  scope: VirtualScope,
  timeout: { readonly ms: number; readonly error: () => Error } | undefined,
  signal: AbortSignalLike | undefined,
  work: Promise<T>,
): Promise<T> {
  if (timeout === undefined && signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer =
      timeout === undefined ? undefined : scope.setTimer(() => fail(timeout.error()), timeout.ms, false);
    function fail(error: unknown): void {
      if (settled) return;
      settled = true;
      if (timer !== undefined) scope.clearTimer(timer);
      reject(error);
    }
    const abort = (): void =>
      fail(Object.assign(new Error('Request aborted', { cause: signal?.reason }), { name: 'AbortError' }));
    if (signal?.aborted === true) abort();
    else signal?.addEventListener?.('abort', abort);
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) scope.clearTimer(timer);
        resolve(value);
      },
      (error: unknown) => fail(error),
    );
  });
}

function queryOf(
  query: Record<string, string | readonly string[] | null> | undefined,
): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  if (query !== undefined) for (const [k, v] of Object.entries(query)) out[k] = v ?? '';
  return out;
}

function lowerCase(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = String(v);
  return out;
}

async function bodyText(body: unknown): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array)
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<string | Uint8Array>)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  return String(body);
}

// --- fetch -------------------------------------------------------------------------------------

const realFetch = globalThis.fetch;

/**
 * `fetch` inside a simulation: the request goes to the simulated world (a `sim.api` by host, an
 * AWS service) and the answer comes back as a `Response` in virtual time; outside, the real fetch.
 */
async function simulatedFetch(
  world: World,
  scope: VirtualScope,
  input: Parameters<typeof fetch>[0],
  init: Parameters<typeof fetch>[1],
): Promise<Response> {
  const at = callStack();
  const request = new Request(input, init);
  if (request.signal.aborted)
    throw Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name] = value));
  const query: Record<string, string | string[]> = {};
  url.searchParams.forEach((value, name) => {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  });
  const reply = await withTimeouts(
    scope,
    undefined,
    request.signal,
    sendOut(
      world,
      scope,
      {
        method: request.method,
        protocol: url.protocol === 'http:' ? 'http:' : 'https:',
        hostname: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: url.pathname,
        query,
        headers,
        body: request.body === null ? '' : await request.text(),
      },
      { by: byOf(scope), via: 'fetch', at: () => at },
    ),
  );
  const noBody = reply.statusCode === 204 || reply.statusCode === 304 || request.method === 'HEAD';
  return new Response(noBody ? null : reply.body, { status: reply.statusCode, headers: reply.headers });
}

function installFetch(): void {
  if (typeof realFetch !== 'function') return;
  globalThis.fetch = function fetch(input, init) {
    const scope = currentScope();
    const world = worldOf(scope);
    if (world === undefined) return realFetch(input, init);
    return simulatedFetch(world, scope!, input, init);
  };
}

// --- the socket guard --------------------------------------------------------------------------

/**
 * The catch-all: a socket connection started inside a simulation by any client lambdasim does not
 * intercept (`node:http`, `axios`, a database driver, a second copy of the SDK's handler) fails at
 * once, before any DNS lookup or connection, and is a determinism error naming the line.
 */
function guardSockets(): void {
  const proto = net.Socket.prototype as unknown as { connect: (...args: unknown[]) => unknown };
  const original = proto.connect;
  proto.connect = function connect(this: net.Socket, ...args: unknown[]) {
    const scope = currentScope();
    const world = worldOf(scope);
    if (world === undefined) return original.apply(this, args);
    const target = describeTarget(args[0], args[1]);
    const stack = callStack().stack ?? '';
    const by = byOf(scope!);
    const site = siteOf(stack);
    const message = `${by} opened a network connection to ${target} at ${site}: nothing reaches the real network inside a simulation. fetch and the AWS SDK (@smithy/node-http-handler) are answered by the simulation; other clients are not (give this host a sim.api and call it with fetch, or inject the dependency).`;
    recordDeterminismError(world, { atMs: world.kernel.nowMs, by, resource: 'network', site, message });
    throw new UnroutedRequestError(message);
  };
}

function describeTarget(first: unknown, second: unknown): string {
  if (Array.isArray(first)) return describeTarget(first[0], first[1]);
  if (first !== null && typeof first === 'object') {
    const o = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof o.path === 'string') return `socket ${o.path}`;
    return `${String(o.host ?? 'localhost')}:${String(o.port)}`;
  }
  if (typeof first === 'string') return `socket ${first}`;
  return `${typeof second === 'string' ? second : 'localhost'}:${String(first)}`;
}

// --- AWS SDK configuration --------------------------------------------------------------------

/** The places packages are resolved from: lambdasim's own and the working directory (the user's project). */
function requirers(): NodeJS.Require[] {
  return [createRequire(join(LAMBDASIM_DIR, 'index.js')), createRequire(join(process.cwd(), 'package.json'))];
}

function loadEach<T>(specifier: string): T[] {
  const found = new Map<string, T>();
  for (const req of requirers()) {
    try {
      const path = req.resolve(specifier);
      if (!found.has(path)) found.set(path, req(path) as T);
    } catch {
      // Not installed there: nothing to intercept.
    }
  }
  return [...found.values()];
}

function interceptSdk(): void {
  for (const mod of loadEach<{ NodeHttpHandler?: HttpHandlerClass }>('@smithy/node-http-handler'))
    if (mod.NodeHttpHandler !== undefined) interceptHttpHandler(mod.NodeHttpHandler);
  for (const mod of loadEach<{ StandardRetryStrategy?: RetryStrategyClass }>('@smithy/core/retry'))
    if (mod.StandardRetryStrategy !== undefined) resetRetryQuotaPerSimulation(mod.StandardRetryStrategy);
  for (const mod of loadEach<{
    externalDataInterceptor?: { interceptFile(path: string, contents: string): void };
  }>('@smithy/core/config')) {
    mod.externalDataInterceptor?.interceptFile(SIM_AWS_CONFIG_FILE, '');
    mod.externalDataInterceptor?.interceptFile(SIM_AWS_CREDENTIALS_FILE, '');
  }
}

/**
 * The retry quota of the SDK's standard retry strategy: 500 tokens, 5 per retry (10 after a
 * timeout), given back on success ("Retry behavior", AWS SDKs and Tools Reference Guide,
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 */
const SDK_INITIAL_RETRY_TOKENS = 500;

interface RetryStrategyClass {
  readonly prototype: {
    capacity?: number;
    acquireInitialRetryToken(scope: string): Promise<unknown>;
  };
}

/**
 * A module-scope client keeps its retry strategy, and with it the retry quota, for the life of the
 * test process: runs that spent it (retries that ended in failure) would leave the next simulation
 * a client that no longer retries, so a run would depend on the ones before it. Each simulation's
 * first request through a strategy starts it with a full quota, as a fresh Lambda environment does.
 */
function resetRetryQuotaPerSimulation(strategy: RetryStrategyClass): void {
  const proto = strategy.prototype as RetryStrategyClass['prototype'] & { [PATCHED]?: true };
  if (proto[PATCHED] === true) return;
  const original = proto.acquireInitialRetryToken;
  const seenIn = new WeakMap<object, World>();
  proto.acquireInitialRetryToken = function acquireInitialRetryToken(scope) {
    const world = worldOf(currentScope());
    if (world !== undefined && seenIn.get(this) !== world) {
      seenIn.set(this, world);
      if (typeof this.capacity === 'number') this.capacity = SDK_INITIAL_RETRY_TOKENS;
    }
    return original.call(this, scope);
  };
  proto[PATCHED] = true;
}

let installed = false;

/**
 * Installs the interception layer (DESIGN §9) once per process, when lambdasim is imported:
 * the AWS SDK's Node request handler, `fetch`, and the socket guard. Outside a simulation every
 * request goes to the real network as before.
 */
export function installHttpInterception(): void {
  if (installed) return;
  installed = true;
  interceptSdk();
  installFetch();
  guardSockets();
}

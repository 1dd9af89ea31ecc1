import type { ClientContext, CognitoIdentity } from 'aws-lambda';
import { ConfigError, checkObject, checkOptions, intInRange } from '../errors.js';
import type { InvocationOutcome } from '../lambda/Environment.js';
import type { ErrorBody } from '../lambda/errorBodies.js';
import type { LambdaFunction } from '../lambda/LambdaFunction.js';
import type { World } from '../world/World.js';
import { seededUuid } from '../sim/Rng.js';
import type { RequestVia } from '../TraceEvent.js';
import { encodePayload, payloadDigest } from './payload.js';
import type { ServiceError } from './ServiceError.js';

export type { ServiceError } from './ServiceError.js';

/** R-SYNC-4: the synchronous request payload limit, in bytes. */
export const MAX_SYNC_REQUEST_BYTES = 6_291_456;

export type InvocationType = 'RequestResponse' | 'DryRun';

/** Options of {@link Simulation.invoke}. */
export interface InvokeOptions {
  /** @defaultValue 'RequestResponse' */
  readonly invocationType?: InvocationType;
  readonly clientContext?: ClientContext;
  readonly identity?: CognitoIdentity;
  /**
   * The caller stops waiting after this much virtual time and gets `{ kind: 'clientTimeout' }`,
   * as an SDK client with a request timeout does; the invocation keeps running in Lambda.
   */
  readonly clientTimeoutMs?: number;
}

const INVOKE_KNOWN = new Set(['invocationType', 'clientContext', 'identity', 'clientTimeoutMs']);
const NO_OPTIONS: InvokeOptions = Object.freeze({});

/**
 * Validates {@link InvokeOptions} (a ConfigError naming `api`, the field and the rule): known keys
 * only, `invocationType` RequestResponse or DryRun, a client timeout of 1 ms to 1 day.
 */
export function resolveInvokeOptions(api: string, options: unknown): InvokeOptions {
  if (options === undefined) return NO_OPTIONS;
  const o = checkOptions(api, options, INVOKE_KNOWN);
  const type = o.invocationType;
  if (type !== undefined && type !== 'RequestResponse' && type !== 'DryRun')
    throw new ConfigError(
      api,
      'invocationType',
      "must be 'RequestResponse' or 'DryRun' (for an Event invoke use sim.invokeAsync)",
      type,
    );
  if (o.clientTimeoutMs !== undefined) intInRange(api, 'clientTimeoutMs', o.clientTimeoutMs, 1, 86_400_000);
  checkObject(api, 'clientContext', o.clientContext);
  checkObject(api, 'identity', o.identity);
  return options as InvokeOptions;
}

/**
 * What the caller of a synchronous invoke sees, keyed by `kind`:
 * - `ok`: 200, the handler's result (R-SYNC-2);
 * - `functionError`: 200 with `X-Amz-Function-Error: Unhandled` and the error body (R-SYNC-3);
 * - `rejected`: the API refused before running anything (413, 429, 400: R-SYNC-4, R-SYNC-5);
 * - `dryRun`: 204, nothing ran (R-SYNC-7);
 * - `clientTimeout`: the caller gave up waiting (its own timeout); the function may still run.
 */
export type InvokeResponse =
  | {
      readonly kind: 'ok';
      readonly requestId: string;
      readonly statusCode: 200;
      readonly executedVersion: string;
      /** The response body: JSON text, as the SDK's `Payload` holds it. */
      readonly payload: string;
      /** `payload` parsed. */
      readonly body: unknown;
    }
  | {
      readonly kind: 'functionError';
      readonly requestId: string;
      readonly statusCode: 200;
      readonly executedVersion: string;
      readonly functionError: 'Unhandled';
      readonly payload: string;
      readonly body: ErrorBody;
    }
  | {
      readonly kind: 'rejected';
      readonly requestId: string;
      readonly statusCode: number;
      readonly error: ServiceError;
    }
  | { readonly kind: 'dryRun'; readonly requestId: string; readonly statusCode: 204 }
  | { readonly kind: 'clientTimeout'; readonly requestId: string; readonly afterMs: number };

export type InvokeResponseKind = InvokeResponse['kind'];

/** Every request that entered Lambda, with how it ended: no request goes unaccounted. */
export interface RequestRecord {
  readonly requestId: string;
  readonly fn: string;
  readonly via: RequestVia;
  readonly atMs: number;
  /** What Lambda answered; undefined while the invocation is still running. */
  response: Exclude<InvokeResponse, { kind: 'clientTimeout' }> | undefined;
  endedAtMs: number | undefined;
  /** Set when the caller stopped waiting before Lambda answered. */
  clientTimedOutAtMs: number | undefined;
  /** The payload's JSON text (for the input ledger); undefined when it was not JSON. */
  payloadJson: string | undefined;
}

/** The synchronous invocation model (R-SYNC-1..7). Lambda never retries here (R-SYNC-1). */
export class SyncModel {
  readonly requests: RequestRecord[] = [];

  constructor(private readonly world: World) {}

  invoke(
    fn: LambdaFunction,
    payload: unknown,
    options: InvokeOptions = {},
    via: RequestVia = 'RequestResponse',
  ): Promise<InvokeResponse> {
    const kernel = this.world.kernel;
    if (!kernel.isRunning) {
      // Workload submitted before sim.run(): start it inside the run, at this instant, so handler
      // code always runs under the run's virtual scope, escape watch and time zone.
      return new Promise((resolve) =>
        kernel.at(kernel.nowMs, () => resolve(this.invoke(fn, payload, options, via))),
      );
    }
    const type = options.invocationType ?? 'RequestResponse';
    const requestId = seededUuid(this.world.ids);
    const record: RequestRecord = {
      requestId,
      fn: fn.name,
      via: type === 'DryRun' ? 'DryRun' : via,
      atMs: kernel.nowMs,
      response: undefined,
      endedAtMs: undefined,
      clientTimedOutAtMs: undefined,
      payloadJson: undefined,
    };
    this.requests.push(record);
    const encoded = encodePayload(payload);
    if (encoded.ok) record.payloadJson = encoded.json;
    kernel.record({
      kind: 'request.received',
      requestId,
      fn: fn.name,
      via: record.via,
      bytes: encoded.ok ? encoded.bytes : 0,
      ...(encoded.ok ? { digest: payloadDigest(encoded.json, options.clientContext, options.identity) } : {}),
    });
    if (!encoded.ok) {
      return Promise.resolve(
        this.reject(record, 400, {
          code: 'InvalidRequestContentException',
          message: `Could not parse request body into json: ${encoded.reason}`,
          body: { Type: 'User', message: `Could not parse request body into json: ${encoded.reason}` },
        }),
      );
    }
    if (encoded.bytes > MAX_SYNC_REQUEST_BYTES) {
      const message = `${encoded.bytes} byte payload is too large for the RequestResponse invocation type (limit ${MAX_SYNC_REQUEST_BYTES} bytes)`;
      return Promise.resolve(
        this.reject(record, 413, {
          code: 'RequestEntityTooLargeException',
          message,
          body: { Type: 'User', message },
        }),
      );
    }
    if (type === 'DryRun') {
      const response = { kind: 'dryRun', requestId, statusCode: 204 } as const;
      this.complete(record, response);
      return Promise.resolve(response);
    }
    const acquired = fn.acquire();
    if (acquired.kind === 'throttled') {
      kernel.record({
        kind: 'invoke.throttled',
        requestId,
        fn: fn.name,
        reason: acquired.reason,
      });
      return Promise.resolve(
        this.reject(record, 429, {
          code: 'TooManyRequestsException',
          message: 'Rate Exceeded.',
          reason: acquired.reason,
          body: { Type: 'User', Reason: acquired.reason, message: 'Rate Exceeded.' },
        }),
      );
    }
    return new Promise<InvokeResponse>((resolve) => {
      let answered = false;
      const timer =
        options.clientTimeoutMs === undefined
          ? undefined
          : kernel.after(options.clientTimeoutMs, () => {
              answered = true;
              record.clientTimedOutAtMs = kernel.nowMs;
              kernel.record({
                kind: 'request.clientTimedOut',
                requestId,
                fn: fn.name,
                afterMs: options.clientTimeoutMs!,
              });
              kernel.wake();
              resolve({ kind: 'clientTimeout', requestId, afterMs: options.clientTimeoutMs! });
            });
      const req = {
        requestId,
        payloadJson: encoded.json,
        attempt: 1,
        ...(options.clientContext === undefined ? {} : { clientContext: options.clientContext }),
        ...(options.identity === undefined ? {} : { identity: options.identity }),
      };
      acquired.slot.execute(req, (outcome) => {
        const response = toResponse(requestId, fn.config.version, outcome);
        this.complete(record, response);
        if (answered) return;
        if (timer !== undefined) kernel.cancel(timer);
        resolve(response);
      });
    });
  }

  private reject(record: RequestRecord, statusCode: number, error: ServiceError): InvokeResponse {
    const kernel = this.world.kernel;
    kernel.record({
      kind: 'request.rejected',
      requestId: record.requestId,
      fn: record.fn,
      statusCode,
      errorType: error.code,
    });
    const response = { kind: 'rejected', requestId: record.requestId, statusCode, error } as const;
    record.response = response;
    record.endedAtMs = kernel.nowMs;
    return response;
  }

  private complete(record: RequestRecord, response: NonNullable<RequestRecord['response']>): void {
    const kernel = this.world.kernel;
    record.response = response;
    record.endedAtMs = kernel.nowMs;
    kernel.record({
      kind: 'request.completed',
      requestId: record.requestId,
      fn: record.fn,
      statusCode: response.statusCode,
      ...(response.kind === 'functionError' ? { functionError: response.functionError } : {}),
    });
  }
}

function toResponse(
  requestId: string,
  version: string,
  outcome: InvocationOutcome,
): Exclude<InvokeResponse, { kind: 'clientTimeout' | 'rejected' | 'dryRun' }> {
  if (outcome.kind === 'succeeded') {
    return {
      kind: 'ok',
      requestId,
      statusCode: 200,
      executedVersion: version,
      payload: outcome.payloadJson,
      body: JSON.parse(outcome.payloadJson),
    };
  }
  return {
    kind: 'functionError',
    requestId,
    statusCode: 200,
    executedVersion: version,
    functionError: 'Unhandled',
    payload: JSON.stringify(outcome.error),
    body: outcome.error,
  };
}

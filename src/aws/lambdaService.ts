import { CallerScope } from '../world/CallerScope.js';
import type { LambdaFunction } from '../lambda/LambdaFunction.js';
import { RuntimeProcess } from '../lambda/RuntimeProcess.js';
import type { AsyncInvokeResponse } from '../models/async/AsyncModel.js';
import type { InvokeResponse, ServiceError } from '../models/sync.js';
import { callService } from '../services/callService.js';
import { currentScope } from '../sim/VirtualScope.js';
import { UnroutedRequestError } from './UnroutedRequestError.js';
import type { AwsProtocolService, AwsResources, SimHttpRequest, SimHttpResponse } from './protocol.js';

/** Virtual time the Lambda API adds to an invoke, request to response (half each way). */
const LAMBDA_API_LATENCY_MS = 10;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const SUPPORTED = ['Invoke (RequestResponse, Event, DryRun)'] as const;

/**
 * Lambda's `Invoke` over its REST JSON protocol ("Invoke", AWS Lambda API Reference,
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html): `POST
 * /2015-03-31/functions/{FunctionName}/invocations`, the payload as the body, the type in
 * `X-Amz-Invocation-Type`. Served by the simulation's functions through the same models as
 * `sim.invoke` (RequestResponse, DryRun) and `sim.invokeAsync` (Event), so the callee's invocation
 * is one more input of the ledger (sync or async) with Lambda's own answers: 200 with the payload
 * (and `X-Amz-Function-Error: Unhandled`), 202 for an accepted event, 204 for a dry run, 429
 * `TooManyRequestsException` with its `Reason`, 413, 400. The call itself is made by the caller's
 * invocation (`call.sent` names it; faults aimed at the callee's name hit it), so the callee's input
 * is not an effect of the caller.
 */
export const lambdaService: AwsProtocolService = {
  endpointPrefix: 'lambda',
  serviceName: 'Lambda',
  serve(request: SimHttpRequest, resources: AwsResources): Promise<SimHttpResponse> {
    const match = request.method === 'POST' ? INVOKE_PATH.exec(request.path) : null;
    if (match === null)
      throw new UnroutedRequestError(
        `Lambda ${request.method} ${request.path}: not simulated by lambdasim (Lambda commands simulated: ${SUPPORTED.join(', ')})`,
      );
    const fn = functionOf(decodeURIComponent(match[1]!), resources);
    const type = request.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun')
      return Promise.resolve(
        lambdaError(400, {
          code: 'InvalidParameterValueException',
          message: `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
          body: { Type: 'User' },
        }),
      );
    let payload: unknown;
    try {
      payload = request.body === '' ? undefined : (JSON.parse(request.body) as unknown);
    } catch (error) {
      const message = `Could not parse request body into json: ${(error as Error).message}`;
      return Promise.resolve(
        lambdaError(400, { code: 'InvalidRequestContentException', message, body: { Type: 'User' } }),
      );
    }
    // The caller waits for the callee's answer as for any call in flight (its process is not idle).
    const scope = currentScope();
    const hold =
      scope instanceof RuntimeProcess
        ? scope.beginCall()
        : (fn: () => void) => (scope as CallerScope).deliver(fn);
    return callService<{ readonly reply: Promise<SimHttpResponse> }>(resources.world, {
      service: fn.name,
      op: 'Invoke',
      latencyMs: LAMBDA_API_LATENCY_MS,
      inFlightAtDeath: 'lands',
      apply: (site) => ({
        // Settles when the callee answers, or at once for Event and DryRun.
        value: {
          reply:
            type === 'Event'
              ? Promise.resolve(eventReply(resources.invokeEvent(fn, payload, `sdk:${site.fn ?? site.by}`)))
              : resources.invoke(fn, payload, { invocationType: type }).then(syncReply),
        },
      }),
    }).then(
      ({ reply }) =>
        new Promise<SimHttpResponse>((resolve) => void reply.then((r) => hold(() => resolve(r)))),
      (error: unknown) => {
        hold(() => undefined);
        throw error;
      },
    );
  },
  errorResponse: (statusCode, code, message) =>
    lambdaError(code === 'TooManyRequestsException' ? 429 : statusCode, {
      code,
      message,
      body: { Type: statusCode < 500 ? 'User' : 'Service' },
    }),
};

/** The function a `FunctionName` names: a name, `name:qualifier`, a partial or a full ARN. */
function functionOf(given: string, resources: AwsResources): LambdaFunction {
  const parts = given.split(':');
  const name = given.startsWith('arn:')
    ? parts[6]
    : parts.length >= 3 && parts[1] === 'function'
      ? parts[2]
      : parts[0];
  const fn = name === undefined ? undefined : resources.fn(name);
  if (fn !== undefined) return fn;
  const names = resources.fnNames();
  throw new UnroutedRequestError(
    `Lambda Invoke on function ${JSON.stringify(given)}: no function ${JSON.stringify(name)} in this simulation (${names.length === 0 ? 'no functions' : `functions: ${names.join(', ')}`})`,
  );
}

function syncReply(response: InvokeResponse): SimHttpResponse {
  switch (response.kind) {
    case 'ok':
      return invoked(200, response.executedVersion, response.payload, {});
    case 'functionError':
      return invoked(200, response.executedVersion, response.payload, {
        'x-amz-function-error': response.functionError,
      });
    case 'dryRun':
      return { statusCode: 204, headers: {}, body: '' };
    case 'rejected':
      return lambdaError(response.statusCode, response.error);
    default:
      throw new Error(`lambdasim bug: a Lambda Invoke without a client timeout answered ${response.kind}`);
  }
}

function eventReply(response: AsyncInvokeResponse): SimHttpResponse {
  if (response.kind === 'rejected') return lambdaError(response.statusCode, response.error);
  return { statusCode: 202, headers: { 'x-amzn-requestid': response.requestId }, body: '' };
}

function invoked(
  statusCode: number,
  version: string,
  payload: string,
  extra: Readonly<Record<string, string>>,
): SimHttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-amz-executed-version': version, ...extra },
    body: payload,
  };
}

/**
 * A Lambda API error in the REST JSON protocol: the exception name in `x-amzn-errortype` (the
 * SDK's class of that name: `TooManyRequestsException`, `ResourceNotFoundException`, …) and the
 * body Lambda sends (`Type`, `message`, and `Reason` for a throttle).
 */
function lambdaError(statusCode: number, error: Omit<ServiceError, 'reason'>): SimHttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
    body: JSON.stringify({ ...error.body, message: error.message }),
  };
}

import type { ClientContext, CognitoIdentity, Context } from 'aws-lambda';
import type { ResolvedFunctionConfig } from './FunctionConfig.js';

export interface ContextInit {
  readonly config: ResolvedFunctionConfig;
  readonly requestId: string;
  readonly deadlineMs: number;
  readonly nowMs: () => number;
  readonly logStreamName: string;
  readonly clientContext: ClientContext | undefined;
  readonly identity: CognitoIdentity | undefined;
  /**
   * Legacy `succeed`/`fail`/`done`: the first call completes the invocation (R-NODE-2), at once
   * (`immediate`: they do not wait for an empty event loop, unlike `callback`).
   */
  readonly complete: (error: unknown, result: unknown, immediate: true) => void;
}

/** Builds the Node.js `context` object of one invocation, in virtual time (R-NODE-3, R-NODE-4). */
export function createContext(init: ContextInit): Context {
  const { config } = init;
  const context: Context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: config.name,
    functionVersion: config.version,
    invokedFunctionArn: config.arn,
    memoryLimitInMB: String(config.memoryMB),
    awsRequestId: init.requestId,
    logGroupName: `/aws/lambda/${config.name}`,
    logStreamName: init.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, init.deadlineMs - init.nowMs()),
    done: (error?: Error, result?: unknown) => init.complete(error ?? null, result, true),
    // RIC: fail() with no error reports the string 'handled'.
    fail: (error: Error | string) => init.complete(error ?? 'handled', undefined, true),
    succeed: (messageOrObject: unknown) => init.complete(null, messageOrObject, true),
  };
  if (init.clientContext !== undefined) context.clientContext = init.clientContext;
  if (init.identity !== undefined) context.identity = init.identity;
  return context;
}

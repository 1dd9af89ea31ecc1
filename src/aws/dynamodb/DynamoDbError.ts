import type { SimHttpResponse } from '../protocol.js';

/** The namespace DynamoDB's JSON protocol prefixes error types with in `__type`. */
const ERROR_NAMESPACE = 'com.amazonaws.dynamodb.v20120810#';

/**
 * An error the simulated DynamoDB answers with, in its wire shape: the error type (the SDK's class
 * name), the HTTP status, the message, and any extra body fields (`Item` of a failed condition
 * with `ReturnValuesOnConditionCheckFailure`, `CancellationReasons` of a cancelled transaction).
 * Thrown inside a call's `apply`, it reaches the caller after the call's latency.
 *
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 * (error components: type, message, HTTP status; 400 for client errors, 500/503 for server errors).
 */
export class DynamoDbError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
    readonly fields: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = type;
  }
}

/** A ValidationException with `message`. */
export function validation(message: string): DynamoDbError {
  return new DynamoDbError('ValidationException', message);
}

/** A failed condition of a single-item write; `item` (wire shape) when the caller asked for ALL_OLD. */
export function conditionFailed(item?: Record<string, unknown>): DynamoDbError {
  return new DynamoDbError(
    'ConditionalCheckFailedException',
    'The conditional request failed',
    400,
    item === undefined ? {} : { Item: item },
  );
}

/**
 * The DynamoDB error type and HTTP status for a call fault that the fault plan injected
 * (`callError` with `errorName`), so the SDK's retry strategy sees what it would see in
 * production: throttling errors (retried with backoff) are 400, server errors 500/503 (retried),
 * any other name is passed through as a 400 client error of that type (not retried).
 *
 * Source: DynamoDB error handling, "Error messages and codes":
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 *
 * @example
 * ```ts
 * dynamoDbFaultType('ProvisionedThroughputExceededException'); // { type: 'ProvisionedThroughputExceededException', statusCode: 400 }
 * dynamoDbFaultType(undefined); // { type: 'ServiceUnavailable', statusCode: 503 } (the fault default)
 * ```
 */
export function dynamoDbFaultType(errorName: string | undefined): { type: string; statusCode: number } {
  switch (errorName) {
    case undefined:
    case 'ServiceUnavailable':
      return { type: 'ServiceUnavailable', statusCode: 503 };
    case 'InternalServerError':
    case 'InternalFailure':
      return { type: 'InternalServerError', statusCode: 500 };
    default:
      return { type: errorName, statusCode: 400 };
  }
}

/**
 * The HTTP response DynamoDB gives for an error: the simulated service's own
 * {@link DynamoDbError}s as they are, and any other error (a fault the plan injected, whose `name`
 * is the fault's `errorName`) mapped by {@link dynamoDbFaultType}. The type is both in the body's
 * `__type` and in the `x-amzn-errortype` header, as the SDK's JSON-protocol error parser reads either.
 *
 * @example
 * ```ts
 * const injected = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
 * dynamoDbErrorResponse(injected).statusCode; // 400, body {"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException",...}
 * ```
 */
export function dynamoDbErrorResponse(error: unknown, requestId?: string): SimHttpResponse {
  let type: string;
  let statusCode: number;
  let message: string;
  let fields: Readonly<Record<string, unknown>> = {};
  if (error instanceof DynamoDbError) {
    ({ type, statusCode, fields } = error);
    message = error.message;
  } else {
    const e = error instanceof Error ? error : new Error(String(error));
    ({ type, statusCode } = dynamoDbFaultType(e.name === 'Error' ? undefined : e.name));
    message = e.message;
  }
  return {
    statusCode,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': type,
      ...(requestId === undefined ? {} : { 'x-amzn-requestid': requestId }),
    },
    body: JSON.stringify({ __type: `${ERROR_NAMESPACE}${type}`, message, ...fields }),
  };
}

import type { SimHttpResponse } from './protocol.js';

/**
 * The HTTP status AWS answers an error code with: 503 for `ServiceUnavailable`, 500 for
 * `Internal…` (`InternalServerError`, `InternalFailure`), 400 for the throttling codes
 * (`ThrottlingException`, `RequestThrottled`, `ProvisionedThroughputExceededException`, …) and
 * every other client error. The SDK retries 500 and 503 as transient errors and the throttling
 * codes, whatever their status, as throttles (its `THROTTLING_ERROR_CODES`).
 */
export function statusOfErrorCode(code: string): number {
  if (code === 'ServiceUnavailable' || code === 'ServiceUnavailableException') return 503;
  if (code.startsWith('Internal')) return 500;
  return 400;
}

/** A successful AWS JSON protocol (`awsJson1_0` / `awsJson1_1`) response. */
export function awsJsonResponse(body: unknown, contentType = 'application/x-amz-json-1.0'): SimHttpResponse {
  return { statusCode: 200, headers: { 'content-type': contentType }, body: JSON.stringify(body) };
}

/**
 * An AWS JSON protocol error: the code in `x-amzn-errortype` and in the body's `__type`
 * (qualified by `namespace`, e.g. `com.amazonaws.dynamodb.v20120810`), which the SDK maps to its
 * exception class of that name. See "AWS JSON 1.0 protocol: operation error serialization",
 * https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 */
export function awsJsonError(
  statusCode: number,
  code: string,
  message: string,
  namespace?: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): SimHttpResponse {
  const type = namespace === undefined ? code : `${namespace}#${code}`;
  return {
    statusCode,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': code, ...extraHeaders },
    body: JSON.stringify({ __type: type, message }),
  };
}

/** The operation of an AWS JSON protocol request: `x-amz-target: AmazonSQS.SendMessage` → `SendMessage`. */
export function jsonTarget(headers: Readonly<Record<string, string>>): string {
  const target = headers['x-amz-target'] ?? '';
  return target.slice(target.lastIndexOf('.') + 1);
}

import { describe, expect, it } from 'vitest';
import type { SimHttpRequest } from '../../../src/aws/protocol.js';
import { awsServiceOf } from '../../../src/transport/Outbound.js';

function request(hostname: string, authorization?: string): SimHttpRequest {
  return {
    method: 'POST',
    protocol: 'https:',
    hostname,
    port: undefined,
    path: '/',
    query: {},
    headers: authorization === undefined ? {} : { authorization },
    body: '',
  };
}

describe('awsServiceOf: the AWS service a request is for', () => {
  it('the SigV4 signing name first, whatever the host', () => {
    const auth =
      'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x';
    expect(awsServiceOf(request('localhost', auth))).toBe('dynamodb');
  });

  it('else the endpoint prefix of an *.amazonaws.com host', () => {
    expect(awsServiceOf(request('sqs.us-east-1.amazonaws.com'))).toBe('sqs');
    expect(awsServiceOf(request('payments.example'))).toBeUndefined();
  });

  it("DynamoDB's account-based endpoint <account>.ddb.<region>.amazonaws.com is DynamoDB", () => {
    // https://docs.aws.amazon.com/sdkref/latest/guide/feature-account-endpoints.html
    expect(awsServiceOf(request('123456789012.ddb.us-east-1.amazonaws.com'))).toBe('dynamodb');
  });
});

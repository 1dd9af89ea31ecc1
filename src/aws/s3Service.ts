import type { Bucket, StoredObject } from '../models/sources/Bucket.js';
import { callService } from '../services/callService.js';
import { realGlobals } from '../sim/realGlobals.js';
import { UnroutedRequestError } from './UnroutedRequestError.js';
import type { AwsProtocolService, AwsResources, SimHttpRequest, SimHttpResponse } from './protocol.js';

const SUPPORTED = ['GetObject', 'PutObject', 'HeadObject', 'DeleteObject'] as const;
type S3Op = (typeof SUPPORTED)[number];
/** A virtual-hosted–style host: `<bucket>.s3.<region>.amazonaws.com` (or `s3-<region>`, `s3.dualstack…`). */
const VIRTUAL_HOST = /^(.+)\.s3[.-]/;

/**
 * S3 object commands over S3's REST XML protocol ("Amazon S3 API Reference": GetObject,
 * PutObject, HeadObject, DeleteObject; https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html),
 * virtual-hosted–style (`uploads.s3.us-east-1.amazonaws.com/a.csv`) and path-style
 * (`s3.us-east-1.amazonaws.com/uploads/a.csv`, `forcePathStyle`), served by `sim.bucket` buckets.
 * Errors are S3's XML `<Error>` (`NoSuchKey` 404; HeadObject's 404 has no body, as S3's, so the
 * SDK names it `NotFound`). A bucket the simulation lacks is answered `NoSuchBucket` (the SDK's
 * class) and recorded as a determinism error.
 */
export const s3Service: AwsProtocolService = {
  endpointPrefix: 's3',
  serviceName: 'S3',
  serve(request: SimHttpRequest, resources: AwsResources): Promise<SimHttpResponse> {
    const { bucketName, key } = locate(request);
    const op = opOf(request, key);
    const bucket = resources.bucket(bucketName);
    if (bucket === undefined) {
      const names = resources.bucketNames();
      const message = `S3 ${op} on bucket ${JSON.stringify(bucketName)}: no bucket ${JSON.stringify(bucketName)} in this simulation (${names.length === 0 ? 'no buckets' : `buckets: ${names.join(', ')}`})`;
      throw new UnroutedRequestError(
        message,
        s3Error(404, 'NoSuchBucket', message, { BucketName: bucketName }, op === 'HeadObject'),
      );
    }
    return callService(resources.world, {
      service: bucket.name,
      op,
      latencyMs: bucket.latencyMs,
      inFlightAtDeath: 'lands',
      requestText: op === 'PutObject' ? request.body : undefined,
      apply: () => ({ value: apply(op, bucket, key, request) }),
    });
  },
  errorResponse: (statusCode, code, message) =>
    // S3 throttles with `SlowDown` and a 503 ("Error responses", Amazon S3 API Reference).
    s3Error(code === 'SlowDown' ? 503 : statusCode, code, message, {}, false),
};

function locate(request: SimHttpRequest): { bucketName: string; key: string } {
  const path = request.path.startsWith('/') ? request.path.slice(1) : request.path;
  const virtual = VIRTUAL_HOST.exec(request.hostname);
  if (virtual !== null) return { bucketName: virtual[1]!, key: decodeKey(path) };
  const slash = path.indexOf('/');
  return slash < 0
    ? { bucketName: decodeURIComponent(path), key: '' }
    : { bucketName: decodeURIComponent(path.slice(0, slash)), key: decodeKey(path.slice(slash + 1)) };
}

function decodeKey(encoded: string): string {
  return encoded.split('/').map(decodeURIComponent).join('/');
}

/** The command: the SDK's `x-id` query parameter, or HEAD for HeadObject; only object commands. */
function opOf(request: SimHttpRequest, key: string): S3Op {
  const xid = request.query['x-id'];
  const op =
    typeof xid === 'string' ? xid : request.method === 'HEAD' && key !== '' ? 'HeadObject' : undefined;
  const subresources = Object.keys(request.query).filter((q) => q !== 'x-id' && q !== 'versionId');
  if (
    op === undefined ||
    key === '' ||
    subresources.length > 0 ||
    !(SUPPORTED as readonly string[]).includes(op)
  )
    throw new UnroutedRequestError(
      `S3 ${op ?? `${request.method} ${request.path}${subresources.length > 0 ? `?${subresources.join('&')}` : ''}`}: not simulated by lambdasim (S3 commands simulated: ${SUPPORTED.join(', ')})`,
    );
  return op as S3Op;
}

function apply(op: S3Op, bucket: Bucket, key: string, request: SimHttpRequest): SimHttpResponse {
  switch (op) {
    case 'PutObject': {
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
      const stored = bucket.putNow(key, request.body, {
        ...(request.headers['content-type'] === undefined
          ? {}
          : { contentType: request.headers['content-type'] }),
        metadata,
      });
      return { statusCode: 200, headers: { etag: stored.eTag }, body: '' };
    }
    case 'DeleteObject':
      bucket.deleteNow(key);
      return { statusCode: 204, headers: {}, body: '' };
    default: {
      const object = bucket.get(key);
      if (object === undefined)
        return s3Error(
          404,
          'NoSuchKey',
          'The specified key does not exist.',
          { Key: key },
          op === 'HeadObject',
        );
      return {
        statusCode: 200,
        headers: objectHeaders(object),
        body: op === 'HeadObject' ? '' : object.body,
      };
    }
  }
}

function objectHeaders(object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': object.contentType,
    'content-length': String(Buffer.byteLength(object.body, 'utf8')),
    etag: object.eTag,
    'last-modified': new realGlobals.Date(object.lastModifiedEpochMs).toUTCString(),
    'accept-ranges': 'bytes',
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An S3 error: `<Error><Code>…</Code><Message>…</Message>…</Error>` ("Error responses", Amazon S3
 * API Reference, https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html), which the SDK
 * maps to its exception class named `Code`. A HEAD response has no body.
 */
function s3Error(
  statusCode: number,
  code: string,
  message: string,
  extra: Readonly<Record<string, string>>,
  head: boolean,
): SimHttpResponse {
  if (head) return { statusCode, headers: {}, body: '' };
  const fields = Object.entries(extra)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return {
    statusCode,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${fields}<RequestId>lambdasim</RequestId><HostId>lambdasim</HostId></Error>`,
  };
}

/**
 * Real handlers, part 1 (issue 12): S3 object commands through the published @aws-sdk/client-s3
 * (REST XML), virtual-hosted and path-style, on `sim.bucket`; a PutObject notifies a function
 * through the async model with an S3 event.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../../src/index.js';
import { payloadOf } from './payloadOf.js';

const s3 = new S3Client({});
const pathStyle = new S3Client({ forcePathStyle: true });

describe('S3 through the real @aws-sdk/client-s3', () => {
  it.each([
    ['virtual-hosted', s3],
    ['path-style', pathStyle],
  ])('%s: Put, Head, Get, Delete, then NoSuchKey and NotFound', async (_style, client) => {
    const sim = createSimulation({ seed: 1 });
    const uploads = sim.bucket('uploads');
    const Key = 'in/a b.csv';
    const fn = sim.fn('Store', () => async () => {
      const put = await client.send(
        new PutObjectCommand({
          Bucket: 'uploads',
          Key,
          Body: 'x,y',
          ContentType: 'text/csv',
          Metadata: { owner: 'ada' },
        }),
      );
      const head = await client.send(new HeadObjectCommand({ Bucket: 'uploads', Key }));
      const got = await client.send(new GetObjectCommand({ Bucket: 'uploads', Key }));
      const body = await got.Body!.transformToString();
      await client.send(new DeleteObjectCommand({ Bucket: 'uploads', Key }));
      const gone = await client
        .send(new GetObjectCommand({ Bucket: 'uploads', Key }))
        .catch((e: unknown) => e);
      const headGone = await client
        .send(new HeadObjectCommand({ Bucket: 'uploads', Key }))
        .catch((e: unknown) => e);
      return {
        eTag: put.ETag,
        head: [head.ContentLength, head.ContentType, head.ETag, head.Metadata],
        body,
        sameLastModified: got.LastModified?.getTime() === head.LastModified?.getTime(),
        gone: [gone instanceof NoSuchKey, (gone as S3ServiceException).$metadata.httpStatusCode],
        headGone: [(headGone as Error).name, headGone instanceof S3ServiceException],
      };
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect(result.determinismErrors).toEqual([]);
    const out = payloadOf(await response) as Record<string, unknown>;
    expect(out).toEqual({
      eTag: `"${createHash('md5').update('x,y').digest('hex')}"`,
      head: [3, 'text/csv', out.eTag, { owner: 'ada' }],
      body: 'x,y',
      sameLastModified: true,
      gone: [true, 404],
      headGone: ['NotFound', true],
    });
    expect(uploads.keys()).toEqual([]);
    expect(
      result.trace
        .filter((e) => e.kind === 'call.sent' && e.service === 'uploads')
        .map((e) => (e as { op: string }).op),
    ).toEqual(['PutObject', 'HeadObject', 'GetObject', 'DeleteObject', 'GetObject', 'HeadObject']);
  });

  it('a PutObject notifies the function through the async model with an S3 event', async () => {
    const sim = createSimulation({ seed: 1 });
    const seen: S3Event[] = [];
    const resize = sim.fn('Resize', () => async (event: S3Event) => {
      seen.push(event);
      const key = decodeURIComponent(event.Records[0]!.s3.object.key.replace(/\+/g, ' '));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'uploads', Key: key }));
      return got.Body!.transformToString();
    });
    sim.bucket('uploads', { notify: { fn: resize, events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] } });
    const fn = sim.fn('Upload', () => async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'photos/a b.png', Body: 'png' }));
      await s3.send(new DeleteObjectCommand({ Bucket: 'uploads', Key: 'missing' }));
    });
    sim.invoke(fn, {});
    const result = await sim.run();
    expect(result.determinismErrors).toEqual([]);
    expect(
      seen.map((e) => [e.Records[0]!.eventName, e.Records[0]!.s3.object.key, e.Records[0]!.s3.object.size]),
    ).toEqual([['ObjectCreated:Put', 'photos/a+b.png', 3]]);
    expect(result.asyncEvents).toMatchObject([{ fn: 'Resize', source: 's3:uploads', state: 'succeeded' }]);
  });

  it("an injected SlowDown is S3's 503, retried by the SDK transparently", async () => {
    const sim = createSimulation({
      seed: 1,
      faults: [1, 2, 3, 4].map(
        (call) => ({ kind: 'callError', service: 'uploads', call, errorName: 'SlowDown' }) as const,
      ),
    });
    const uploads = sim.bucket('uploads');
    const fn = sim.fn('Store', () => async () => {
      const exhausted = (await s3
        .send(new PutObjectCommand({ Bucket: 'uploads', Key: 'k', Body: 'lost' }))
        .catch((e: unknown) => e)) as S3ServiceException;
      const out = await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'k', Body: 'v' }));
      return [
        exhausted instanceof S3ServiceException,
        exhausted.name,
        exhausted.$metadata.httpStatusCode,
        exhausted.$metadata.attempts,
        out.$metadata.attempts,
      ];
    });
    const response = sim.invoke(fn, {});
    await sim.run();
    expect(payloadOf(await response)).toEqual([true, 'SlowDown', 503, 3, 2]);
    expect(uploads.get('k')?.body).toBe('v');
  });

  it('a bucket the simulation lacks is NoSuchBucket and a determinism error; an unsupported command names the supported ones', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.bucket('uploads');
    const fn = sim.fn('Store', () => async () => {
      const missing = await s3
        .send(new GetObjectCommand({ Bucket: 'upload', Key: 'k' }))
        .catch((e: unknown) => e);
      const list = await s3
        .send(new ListObjectsV2Command({ Bucket: 'uploads' }))
        .catch((e: Error) => e.message);
      return [missing instanceof NoSuchBucket, (missing as Error).message, list];
    });
    const response = sim.invoke(fn, {});
    const result = await sim.run();
    expect(payloadOf(await response)).toEqual([
      true,
      'S3 GetObject on bucket "upload": no bucket "upload" in this simulation (buckets: uploads)',
      expect.stringMatching(
        /S3 GET \/\?list-type: not simulated by lambdasim \(S3 commands simulated: GetObject, PutObject, HeadObject, DeleteObject\)/,
      ),
    ]);
    expect(result.determinismErrors.map((e) => e.message)).toEqual([
      expect.stringContaining('no bucket "upload"'),
      expect.stringContaining('not simulated by lambdasim'),
    ]);
  });
});

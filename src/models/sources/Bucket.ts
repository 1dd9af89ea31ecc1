import { ConfigError, checkName, checkOptions } from '../../errors.js';
import { LambdaFunction } from '../../lambda/LambdaFunction.js';
import type { World } from '../../world/World.js';
import type { AsyncModel } from '../async/AsyncModel.js';
import { s3Event } from './s3Event.js';
import { md5Hex } from '../sqs/records.js';
import { serviceDoor } from '../../services/callService.js';

/** The S3 event types a bucket notification may name (`s3:ObjectCreated:*`, `s3:ObjectRemoved:*`). */
export type S3NotificationEvent = 's3:ObjectCreated:*' | 's3:ObjectRemoved:*';

/** A bucket's event notification to a function (S3 invokes it asynchronously). */
export interface BucketNotification {
  readonly fn: LambdaFunction;
  /** @defaultValue ['s3:ObjectCreated:*'] */
  readonly events?: readonly S3NotificationEvent[];
}

/** Options of {@link Simulation.bucket}. */
export interface BucketOptions {
  /** A function S3 notifies of object changes, through the async model (its retries, DLQ, destinations). */
  readonly notify?: LambdaFunction | BucketNotification;
  /** Virtual time one S3 call takes, request to response; it lands halfway. @defaultValue 20 */
  readonly latencyMs?: number;
}

/** Options of {@link Bucket.put}. */
export interface PutObjectOptions {
  /** @defaultValue 'application/octet-stream' */
  readonly contentType?: string;
  /** User metadata (`x-amz-meta-*`), lower-case names. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** An object in a simulated bucket. Bodies are text (UTF-8). */
export interface StoredObject {
  readonly key: string;
  readonly body: string;
  readonly contentType: string;
  /** The MD5 of the body in hex, quoted, as S3's `ETag` for a single-part upload. */
  readonly eTag: string;
  /** Epoch ms of the put, in virtual time. */
  readonly lastModifiedEpochMs: number;
  readonly metadata: Readonly<Record<string, string>>;
}

const KNOWN = new Set(['notify', 'latencyMs']);
const EVENTS: readonly S3NotificationEvent[] = ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'];

/**
 * A simulated S3 bucket: the objects GetObject / PutObject / HeadObject / DeleteObject from a
 * handler's `S3Client` read and write (faults aimed at the bucket's name hit those calls), with an
 * optional notification: a put (or delete) invokes the function asynchronously with an S3 event
 * ("Amazon S3 Event Notifications", https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html),
 * one more async input of the ledger.
 *
 * @example
 * ```ts
 * const resize = sim.fn('Resize', () => async (event: S3Event) => { ... });
 * const uploads = sim.bucket('uploads', { notify: resize });
 * // handler: await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'a.csv', Body: 'x,y' }));
 * await sim.run();
 * uploads.get('a.csv')?.body; // 'x,y'
 * ```
 */
export class Bucket {
  readonly arn: string;
  readonly latencyMs: number;
  private readonly objects = new Map<string, StoredObject>();
  private readonly notify:
    { readonly fn: LambdaFunction; readonly events: readonly S3NotificationEvent[] } | undefined;

  /** @internal Use {@link Simulation.bucket}. */
  constructor(
    private readonly world: World,
    private readonly async: AsyncModel,
    readonly name: string,
    options: BucketOptions = {},
  ) {
    checkName(
      'sim.bucket',
      'name',
      name,
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'must be 3-63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit (S3 bucket naming rules)',
    );
    const api = `bucket(${JSON.stringify(name)})`;
    const o = checkOptions(api, options, KNOWN);
    this.latencyMs = o.latencyMs === undefined ? 20 : Number(o.latencyMs);
    if (!Number.isInteger(this.latencyMs) || this.latencyMs < 0 || this.latencyMs > 60_000)
      throw new ConfigError(api, 'latencyMs', 'must be an integer from 0 to 60000', o.latencyMs);
    this.notify = notificationOf(api, options.notify);
    this.arn = `arn:aws:s3:::${name}`;
  }

  /** The object under `key` now, or undefined. */
  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /** The keys in the bucket now, in lexicographic order (as ListObjects returns them). */
  keys(): string[] {
    return [...this.objects.keys()].sort();
  }

  /**
   * Puts an object as PutObject does (and notifies): from a handler, a call with the bucket's
   * latency and faults; from test or workload code, at once.
   * @example
   * ```ts
   * await uploads.put('a.csv', 'x,y', { contentType: 'text/csv' });
   * ```
   */
  put(key: string, body: string, options: PutObjectOptions = {}): Promise<StoredObject> {
    return serviceDoor(this.world, this.name, 'PutObject', this.latencyMs, () =>
      this.putNow(key, body, options),
    );
  }

  /** @internal Applies a PutObject where it lands. */
  putNow(key: string, body: string, options: PutObjectOptions): StoredObject {
    const object: StoredObject = Object.freeze({
      key,
      body,
      contentType: options.contentType ?? 'application/octet-stream',
      eTag: `"${md5Hex(body)}"`,
      lastModifiedEpochMs: this.world.epochStartMs + this.world.kernel.nowMs,
      metadata: Object.freeze({ ...options.metadata }),
    });
    this.objects.set(key, object);
    this.notifyOf('ObjectCreated:Put', 's3:ObjectCreated:*', object);
    return object;
  }

  /** @internal Applies a DeleteObject where it lands (deleting a missing key is no error, as in S3). */
  deleteNow(key: string): void {
    const object = this.objects.get(key);
    if (object === undefined) return;
    this.objects.delete(key);
    this.notifyOf('ObjectRemoved:Delete', 's3:ObjectRemoved:*', object);
  }

  private notifyOf(eventName: string, type: S3NotificationEvent, object: StoredObject): void {
    if (this.notify === undefined || !this.notify.events.includes(type)) return;
    const event = s3Event({
      bucket: this.name,
      key: eventKey(object.key),
      eventName,
      size: Buffer.byteLength(object.body, 'utf8'),
      eTag: object.eTag.slice(1, -1),
      timeEpochMs: this.world.epochStartMs + this.world.kernel.nowMs,
    });
    const json = JSON.stringify(event);
    this.async.invokeJson(this.notify.fn, json, Buffer.byteLength(json, 'utf8'), `s3:${this.name}`);
  }
}

function notificationOf(api: string, notify: unknown): Bucket['notify'] {
  if (notify === undefined) return undefined;
  if (notify instanceof LambdaFunction) return { fn: notify, events: ['s3:ObjectCreated:*'] };
  const o = checkOptions(api, notify, new Set(['fn', 'events']), 'must be a function or { fn, events }');
  if (!(o.fn instanceof LambdaFunction))
    throw new ConfigError(api, 'notify.fn', 'must be a function defined with sim.fn', o.fn);
  const events = o.events ?? ['s3:ObjectCreated:*'];
  if (
    !Array.isArray(events) ||
    events.length === 0 ||
    events.some((e) => !EVENTS.includes(e as S3NotificationEvent))
  )
    throw new ConfigError(api, 'notify.events', `must be a non-empty list of ${EVENTS.join(', ')}`, events);
  return { fn: o.fn, events: events as S3NotificationEvent[] };
}

/** An object key as S3 puts it in an event: URL-encoded, spaces as `+`, slashes kept. */
function eventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

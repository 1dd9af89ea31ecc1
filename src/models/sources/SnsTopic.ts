import type { SNSMessageAttributes } from 'aws-lambda';
import { ConfigError, checkName, checkObject, checkOptions } from '../../errors.js';
import { ACCOUNT_ID, REGION } from '../../lambda/FunctionConfig.js';
import { LambdaFunction } from '../../lambda/LambdaFunction.js';
import { checkOwned } from '../../lambda/ownership.js';
import type { World } from '../../world/World.js';
import { contentDigest } from '../../sim/contentDigest.js';
import type { AsyncModel } from '../async/AsyncModel.js';
import type { DeliveredMessage, DeliveryResult, DeliveryTarget } from '../DeliveryTarget.js';
import { snsEvent } from './snsEvent.js';

/** SNS message size limit (256 KB). */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

/** Options of {@link SnsTopic.publish}. */
export interface SnsPublishOptions {
  readonly subject?: string;
  /** Message attributes, `{ name: { Type: 'String', Value: 'x' } }`. */
  readonly messageAttributes?: SNSMessageAttributes;
}

/** One message the topic accepted. */
export interface SnsPublished {
  readonly atMs: number;
  readonly messageId: string;
  readonly message: string;
  readonly subject: string | undefined;
  /** Who published it: `publish`, or a function's destination / dead-letter queue. */
  readonly source: string;
  /** One entry per subscription: the async request id for a function, the target's result otherwise. */
  readonly deliveries: readonly { readonly subscriber: string; readonly result: DeliveryResult }[];
}

const PUBLISH_KNOWN = new Set(['subject', 'messageAttributes']);

type Subscriber =
  | { readonly kind: 'lambda'; readonly fn: LambdaFunction }
  | { readonly kind: 'target'; readonly target: DeliveryTarget };

/**
 * A standard SNS topic: a publish fans out to every subscription at the same virtual instant;
 * subscribed functions are invoked asynchronously (`Event`) with the SNS event, so they get
 * Lambda's retries, destinations and DLQ. Also a delivery target (an async destination or a
 * dead-letter topic). A name ending in `.fifo` makes a FIFO topic, which cannot take async
 * invocation records (R-ASYNC-12).
 *
 * @example
 * ```ts
 * const orders = sim.snsTopic('orders');
 * orders.subscribe(sim.fn('Ship', () => async (event: SNSEvent) => { … }));
 * sim.at(0, () => orders.publish({ orderId: 'o-1' }));
 * ```
 */
export class SnsTopic implements DeliveryTarget {
  readonly targetKind = 'sns' as const;
  readonly arn: string;
  private readonly subscribers: Subscriber[] = [];
  private readonly log: SnsPublished[] = [];

  /** @internal Use {@link Simulation.snsTopic}. */
  constructor(
    /** @internal */ readonly world: World,
    private readonly model: AsyncModel,
    readonly name: string,
  ) {
    checkName(
      'sim.snsTopic',
      'name',
      name,
      /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/,
      'must be 1-256 letters, digits, hyphens or underscores (FIFO topics end in .fifo)',
    );
    this.arn = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${name}`;
  }

  /** True for a FIFO topic. */
  get fifo(): boolean {
    return this.name.endsWith('.fifo');
  }

  /** Every message the topic accepted, in order. */
  get published(): readonly SnsPublished[] {
    return this.log;
  }

  /** Subscribes a function (invoked asynchronously) or another delivery target (gets the SNS notification JSON). */
  subscribe(subscriber: LambdaFunction | DeliveryTarget): this {
    checkOwned(
      this.world,
      'snsTopic.subscribe: subscriber',
      subscriber,
      `snsTopic(${JSON.stringify(this.name)}).subscribe`,
    );
    if (subscriber instanceof LambdaFunction) this.subscribers.push({ kind: 'lambda', fn: subscriber });
    else if (subscriber !== null && typeof subscriber === 'object' && typeof subscriber.accept === 'function')
      this.subscribers.push({ kind: 'target', target: subscriber });
    else
      throw new ConfigError(
        `snsTopic(${JSON.stringify(this.name)}).subscribe`,
        'subscriber',
        'must be a function defined with sim.fn or a delivery target',
        subscriber,
      );
    return this;
  }

  /** Publishes a message (a string as is, anything else as JSON). Returns the message id. */
  publish(message: unknown, options: SnsPublishOptions = {}): string {
    const api = `snsTopic(${JSON.stringify(this.name)}).publish`;
    const o = checkOptions(api, options, PUBLISH_KNOWN);
    if (o.subject !== undefined && typeof o.subject !== 'string')
      throw new ConfigError(api, 'subject', 'must be a string', o.subject);
    checkObject(api, 'messageAttributes', o.messageAttributes);
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (typeof text !== 'string') throw new ConfigError(api, 'message', 'must be JSON-serialisable', message);
    const result = this.fanOut(text, options, 'publish');
    if (!result.ok) throw new ConfigError(api, 'message', result.reason, `${Buffer.byteLength(text)} bytes`);
    return result.messageId;
  }

  /** DeliveryTarget: a destination record or dead-letter message published to this topic. */
  accept(message: DeliveredMessage): DeliveryResult {
    const attributes: SNSMessageAttributes = {};
    for (const [name, a] of Object.entries(message.attributes ?? {}))
      attributes[name] = { Type: a.dataType, Value: a.stringValue };
    return this.fanOut(message.body, { messageAttributes: attributes }, message.source);
  }

  private fanOut(text: string, options: SnsPublishOptions, source: string): DeliveryResult {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > SNS_MAX_MESSAGE_BYTES)
      return {
        ok: false,
        reason: `InvalidParameter: Message too long (${bytes} bytes, limit ${SNS_MAX_MESSAGE_BYTES})`,
      };
    const kernel = this.world.kernel;
    const messageId = this.model.newId();
    const timeEpochMs = this.world.epochStartMs + kernel.nowMs;
    const deliveries: { subscriber: string; result: DeliveryResult }[] = [];
    kernel.record({
      kind: 'sns.published',
      topic: this.name,
      messageId,
      subscribers: this.subscribers.length,
      // A record Lambda delivered derives from digested contents (and holds stack traces).
      ...(source === 'publish' ? { digest: publishedDigest(text, options) } : {}),
    });
    this.subscribers.forEach((s, i) => {
      const subscriptionArn = `${this.arn}:${String(i + 1).padStart(8, '0')}-0000-4000-8000-000000000000`;
      const event = snsEvent({
        message: text,
        topicArn: this.arn,
        messageId,
        subscriptionArn,
        timeEpochMs,
        ...(options.subject === undefined ? {} : { subject: options.subject }),
        ...(options.messageAttributes === undefined ? {} : { messageAttributes: options.messageAttributes }),
      });
      if (s.kind === 'lambda') {
        const json = JSON.stringify(event);
        const r = this.model.invokeJson(s.fn, json, Buffer.byteLength(json, 'utf8'), `sns:${this.name}`);
        deliveries.push({
          subscriber: s.fn.config.arn,
          result:
            r.kind === 'accepted'
              ? { ok: true, messageId: r.requestId }
              : { ok: false, reason: r.error.message },
        });
      } else {
        const sns = event.Records[0]!.Sns;
        const notification = {
          Type: sns.Type,
          MessageId: sns.MessageId,
          TopicArn: sns.TopicArn,
          ...(sns.Subject === undefined ? {} : { Subject: sns.Subject }),
          Message: sns.Message,
          Timestamp: sns.Timestamp,
          SignatureVersion: sns.SignatureVersion,
          Signature: sns.Signature,
          SigningCertURL: sns.SigningCertUrl,
          UnsubscribeURL: sns.UnsubscribeUrl,
          ...(Object.keys(sns.MessageAttributes).length === 0
            ? {}
            : { MessageAttributes: sns.MessageAttributes }),
        };
        let result: DeliveryResult;
        try {
          result = s.target.accept({ body: JSON.stringify(notification), source: `sns:${this.name}` });
        } catch (error) {
          result = {
            ok: false,
            reason: `target threw: ${error instanceof Error ? error.message : String(error)}`,
          };
        }
        deliveries.push({ subscriber: s.target.arn, result });
      }
    });
    this.log.push({
      atMs: kernel.nowMs,
      messageId,
      message: text,
      subject: options.subject,
      source,
      deliveries,
    });
    return { ok: true, messageId };
  }
}

/** The trace digest of a message code published: its text, subject and attributes. */
function publishedDigest(text: string, options: SnsPublishOptions): string {
  if (options.subject === undefined && options.messageAttributes === undefined) return contentDigest(text);
  return contentDigest(
    `${text}\n${JSON.stringify([options.subject ?? null, options.messageAttributes ?? null])}`,
  );
}

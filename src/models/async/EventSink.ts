import { ConfigError, checkName, checkOptions } from '../../errors.js';
import { ACCOUNT_ID, REGION } from '../../lambda/FunctionConfig.js';
import type { Kernel } from '../../sim/Kernel.js';
import type { TraceEvent } from '../../TraceEvent.js';
import type {
  DeliveredAttribute,
  DeliveredMessage,
  DeliveryResult,
  DeliveryTarget,
} from '../DeliveryTarget.js';

/** The AWS resource a sink stands in for; decides its ARN and which uses AWS allows. */
export type SinkKind = 'sqs' | 'sns' | 'eventbridge' | 'lambda' | 's3';

/** Options of {@link Simulation.sink}. */
export interface EventSinkOptions {
  /** What the sink stands in for. */
  readonly kind: SinkKind;
}

/** One message a sink received. */
export interface SinkMessage {
  readonly atMs: number;
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, DeliveredAttribute>>;
  /** Who sent it, e.g. `ProcessOrder (on-failure destination)`. */
  readonly source: string;
}

const KINDS: readonly SinkKind[] = ['sqs', 'sns', 'eventbridge', 'lambda', 's3'];

/**
 * A plain delivery target that records everything it receives: the stand-in for an SQS queue,
 * SNS topic, EventBridge bus, Lambda function or S3 bucket used as an async destination or
 * dead-letter queue. A name ending in `.fifo` (sqs/sns) makes it a FIFO target, which Lambda
 * cannot deliver invocation records to (R-ASYNC-12).
 *
 * @example
 * ```ts
 * const failures = sim.sink('failures', { kind: 'sqs' });
 * const fn = sim.fn('Worker', () => handler, { async: { onFailure: failures } });
 * await sim.run();
 * failures.records(); // the parsed invocation records, in arrival order
 * ```
 */
export class EventSink implements DeliveryTarget {
  readonly targetKind: SinkKind;
  readonly arn: string;
  private readonly received: SinkMessage[] = [];

  /** @internal Use {@link Simulation.sink}. */
  constructor(
    private readonly kernel: Kernel<TraceEvent>,
    private readonly newId: () => string,
    readonly name: string,
    options: EventSinkOptions,
  ) {
    const api = `sink(${JSON.stringify(name)})`;
    checkName(
      'sim.sink',
      'name',
      name,
      /^[a-zA-Z0-9_.-]{1,80}$/,
      'must be 1-80 letters, digits, dots, hyphens or underscores',
    );
    checkOptions(api, options, new Set(['kind']), 'must be an object with a kind');
    if (!KINDS.includes(options.kind))
      throw new ConfigError(api, 'kind', `must be one of ${KINDS.join(', ')}`, options.kind);
    this.targetKind = options.kind;
    this.arn = sinkArn(options.kind, name);
  }

  /** True for a FIFO queue or topic (name ends in `.fifo`). */
  get fifo(): boolean {
    return (this.targetKind === 'sqs' || this.targetKind === 'sns') && this.name.endsWith('.fifo');
  }

  /** Every message received, in arrival order. */
  get messages(): readonly SinkMessage[] {
    return this.received;
  }

  /** The bodies parsed as JSON (invocation records, EventBridge events, raw events). */
  records<T = unknown>(): T[] {
    return this.received.map((m) => JSON.parse(m.body) as T);
  }

  accept(message: DeliveredMessage): DeliveryResult {
    const messageId = this.newId();
    this.received.push({
      atMs: this.kernel.nowMs,
      messageId,
      body: message.body,
      attributes: message.attributes ?? {},
      source: message.source,
    });
    return { ok: true, messageId };
  }
}

/** The ARN of a resource of `kind` named `name` in the simulated account. */
export function sinkArn(kind: SinkKind, name: string): string {
  switch (kind) {
    case 'sqs':
      return `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`;
    case 'sns':
      return `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${name}`;
    case 'eventbridge':
      return `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${name}`;
    case 'lambda':
      return `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;
    case 's3':
      return `arn:aws:s3:::${name}`;
    default: {
      const never: never = kind;
      return never;
    }
  }
}
